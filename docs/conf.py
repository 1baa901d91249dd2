"""Sphinx configuration of koc's documentation site (./setup.sh docs; the test command builds it with
warnings as errors). Sources: README.md, the guides in docs/, the Python API from its docstrings, the
C API from koc/koc.h, the C++ headers' own leading comments (their contracts) and the quick-start notebook
(examples/python/quickstart.ipynb, executed at each build so that its outputs are the library's own)."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]

project = "koc"
author = "the koc authors"
extensions = ["myst_nb", "sphinx.ext.autodoc"]  # myst_nb: MyST Markdown (as myst_parser) and notebooks
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
source_suffix = {".md": "myst-nb", ".rst": "restructuredtext", ".ipynb": "myst-nb"}
# The notebook is stored without outputs: run it at every build (in a scratch folder), and fail the
# build on any error in a cell, as the test suite does.
nb_execution_mode = "force"
nb_execution_in_temp = True
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
exclude_patterns = ["_build"]
html_theme = "alabaster"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# README.md links files of the repository (examples/, benchmarks/): they are not pages of the site.
suppress_warnings = ["myst.xref_missing"]
nitpicky = False


def _leading_comment(path: pathlib.Path) -> str:
    """The header's first comment block: what it offers, its contract, complexity and guarantees."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*///?\s?(.*)$", line)
        if not m:
            break
        out.append(m.group(1))
    return "\n".join(out).strip()


def _cpp_reference() -> str:
    parts = []
    for header in sorted((ROOT / "include" / "koc").rglob("*.hpp")):
        rel = header.relative_to(ROOT / "include")
        if "detail" in rel.parts:
            continue
        text = _leading_comment(header)
        parts.append(f"## `<{rel.as_posix()}>`\n\n" + (f"```text\n{text}\n```\n" if text else "(no summary)\n"))
    return "\n".join(parts)


def _source_read(app, docname, source):
    if docname == "cpp-api":
        source[0] += "\n" + _cpp_reference()


def _koc_docstring(app, what, name, obj, options, lines):
    """koc's docstrings list parameters as 'name: text' lines with hanging indents (readable in help()).
    In reStructuredText each such item is a definition-list entry: separate them with blank lines."""
    def top(j):
        return 0 <= j < len(lines) and lines[j] and not lines[j][0].isspace()

    def indented(j):
        return 0 <= j < len(lines) and lines[j].startswith(" ")

    out = []
    for i, line in enumerate(lines):
        # An item starts at a top-level line followed by indented lines; it ends where indentation does.
        if top(i) and (indented(i - 1) or indented(i + 1)) and out and out[-1] != "":
            out.append("")
        out.append(line)
    lines[:] = out


def setup(app):
    app.connect("source-read", _source_read)
    app.connect("autodoc-process-docstring", _koc_docstring)
