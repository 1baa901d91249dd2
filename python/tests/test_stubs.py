"""The shipped _core.pyi must match the compiled module: same functions, same parameter names."""
import ast
import pathlib
import re

import koc
from koc import _core

STUB = pathlib.Path(koc.__file__).with_name("_core.pyi")


def stub_functions():
    tree = ast.parse(STUB.read_text())
    return {n.name: [a.arg for a in n.args.args] for n in tree.body if isinstance(n, ast.FunctionDef)}


def module_functions():
    out = {}
    for name in dir(_core):
        obj = getattr(_core, name)
        if name.startswith("_") or isinstance(obj, type) or not callable(obj):
            continue
        first = obj.__doc__.splitlines()[0]
        params = re.match(r"\w+\((.*)\) ->", first).group(1)
        out[name] = [p.split(":")[0].strip() for p in re.split(r",\s*(?![^\[]*\])", params) if p.strip()]
    return out


def test_stub_and_module_declare_the_same_functions():
    assert set(stub_functions()) == set(module_functions())


def test_stub_parameter_names_match():
    mod = module_functions()
    for name, params in stub_functions().items():
        assert params == mod[name], name


def test_py_typed_is_shipped():
    assert STUB.with_name("py.typed").exists()


def test_classes_in_stub_exist_with_their_bases():
    tree = ast.parse(STUB.read_text())
    for node in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        cls = getattr(_core, node.name)
        bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
        if bases:
            assert issubclass(cls, ValueError), node.name
            for b in bases:
                assert issubclass(cls, ValueError if b == "ValueError" else getattr(_core, b)), (node.name, b)
    stub_classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    module_classes = {n for n in dir(_core) if not n.startswith("_") and isinstance(getattr(_core, n), type)}
    assert stub_classes == module_classes
