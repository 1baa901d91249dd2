#!/usr/bin/env python3
"""Every code block of README.md and docs/*.md is executed by the test command; this file finds them.

A fenced block's language decides who runs it:
  python      pytest (python/tests/test_docs.py): each block alone, in a fresh interpreter, in a scratch
              folder where examples/ is the repository's
  c, cpp      ctest (docs:c_and_cpp_blocks, this script's main): compiled against koc installed from the
              build tree into a scratch prefix (C with `pkg-config koc`, C++ with the installed headers),
              then run from the repository's root
  json        pytest: parsed, and loaded by koc when it names a koc schema
  text        not code (layouts, sample output): not run
  sh          run by pytest, unless the line before the fence is a comment `<!-- not run: reason -->`
              (the test command itself, hour-long runs, installs from the network)
A block of any other language, or with no language, fails the tests: every block says what it is.

Standard library only: ctest runs it with the system Python.
"""
from __future__ import annotations

import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Optional

ROOT = pathlib.Path(__file__).resolve().parents[2]
LANGUAGES = {"python", "c", "cpp", "json", "text", "sh"}
_NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.+?)\s*-->$")


@dataclass(frozen=True)
class Block:
    path: pathlib.Path   # the Markdown file
    line: int            # 1-based line of the opening fence
    language: str
    code: str
    not_run: Optional[str]  # the reason given before the fence, if any

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[pathlib.Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def blocks(paths: Optional[list[pathlib.Path]] = None) -> list[Block]:
    found = []
    for path in paths or documents():
        lines = path.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            fence = re.match(r"^(`{3,})(.*)$", lines[i])
            if not fence:
                i += 1
                continue
            ticks, info = fence.group(1), fence.group(2).strip()
            end = i + 1
            while end < len(lines) and not lines[end].startswith(ticks):
                end += 1
            if end == len(lines):
                raise ValueError(f"{path.relative_to(ROOT)}:{i + 1}: code block never closed")
            before = lines[i - 1].strip() if i > 0 else ""
            reason = _NOT_RUN.match(before)
            found.append(Block(path, i + 1, info.split()[0] if info else "", "\n".join(lines[i + 1:end]) + "\n",
                               reason.group(1) if reason else None))
            i = end + 1
    return found


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def run_c_and_cpp(build: pathlib.Path) -> int:
    """Install the build into a scratch prefix, then compile and run every C and C++ block against it."""
    todo = [b for b in blocks() if b.language in ("c", "cpp")]
    failures = 0
    with tempfile.TemporaryDirectory() as work_dir:
        work = pathlib.Path(work_dir)
        prefix = work / "prefix"
        r = _run(["cmake", "--install", str(build), "--prefix", str(prefix)])
        if r.returncode:
            print(r.stdout, r.stderr)
            return 1
        pc = next(prefix.rglob("koc.pc"))
        env = {"PKG_CONFIG_PATH": str(pc.parent), "PATH": "/usr/bin:/bin"}
        flags = _run(["pkg-config", "--cflags", "--libs", "koc"], env=env).stdout.split()
        for n, b in enumerate(todo):
            source = work / (f"block{n}.c" if b.language == "c" else f"block{n}.cpp")
            source.write_text(b.code)
            exe = work / f"block{n}"
            if b.language == "c":
                cmd = ["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", str(source), *flags, "-o", str(exe)]
            else:  # header-only: the installed headers (and the system's Eigen, nlohmann/json, Boost)
                cmd = ["c++", "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", f"-I{prefix / 'include'}",
                       "-isystem", "/usr/include/eigen3", str(source), "-o", str(exe)]
            r = _run(cmd)
            if r.returncode == 0:
                # No LD_LIBRARY_PATH: the installed library must be found through pkg-config's rpath.
                r = _run([str(exe)], cwd=ROOT, env={"PATH": "/usr/bin:/bin"})
            status = "ok" if r.returncode == 0 else "FAILED"
            print(f"{b.name} ({b.language}): {status}")
            if r.returncode:
                failures += 1
                print(r.stdout[-3000:], r.stderr[-3000:])
    print(f"{len(todo)} C and C++ blocks, {failures} failed")
    return 1 if failures or not todo else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: code_blocks.py <build-dir>   (compiles and runs the C and C++ blocks)")
    if shutil.which("pkg-config") is None:
        sys.exit("pkg-config not found")
    sys.exit(run_c_and_cpp(pathlib.Path(sys.argv[1]).resolve()))
