"""The report opens in a real browser (headless Chromium) and draws its charts without console errors."""
import json
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest

from koc import datasets
from koc.cli import main

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("Chromium is not installed: the report must be tested in a real browser (apt-get install chromium)")


def render(page: pathlib.Path) -> tuple[str, str]:
    """(DOM after scripts ran, browser log) of a local file."""
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                            "--virtual-time-budget=3000", "--dump-dom", page.resolve().as_uri()],
                           capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout, p.stderr


def console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines()
            if "Uncaught" in line or re.search(r"CONSOLE\(\d+\).*(error|Error)", line) or "console.error" in line]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    prog = datasets.make_programme(400, 12, seed=4)
    d = out / "in"
    d.mkdir()
    from koc import classify, match
    tiers = classify(prog.roster, prog.tier_policy)
    plan = match(prog.roster, prog.tasks, prog.matching_policy, tiers=tiers, tier_policy=prog.tier_policy)
    csv = dict(index=False, lineterminator="\n")
    prog.roster.to_csv(d / "roster.csv", **csv)
    prog.tasks.to_csv(d / "tasks.csv", **csv)
    prog.simulate_completions(plan.assignments).to_csv(d / "completions.csv", **csv)
    for name in ("tier_policy", "matching_policy", "reward_policy"):
        (d / f"{name}.json").write_text(getattr(prog, name))
    rc = main(["run", "--roster", str(d / "roster.csv"), "--tasks", str(d / "tasks.csv"), "--completions",
               str(d / "completions.csv"), "--policies", str(d), "--out", str(out / "out"), "--quiet"])
    assert rc == 0
    return out / "out" / "report.html"


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", text)  # nothing fetched from the network
    assert "@import" not in text and "url(" not in text
    for section in ("pyramid", "transitions", "fill", "unfilled", "rewards", "top"):
        assert f'id="{section}"' in text


def test_report_renders_charts_in_chromium_without_console_errors(report):
    dom, log = render(report)
    assert 'data-ready="1"' in dom, "the report's script did not run to the end"
    n_charts = int(re.search(r'data-charts="(\d+)"', dom).group(1))
    assert n_charts >= 7  # pyramid, transitions, fill, unfilled, rewards by tier and by rule (per currency), top KOCs
    assert dom.count("<rect") > 30
    assert console_errors(log) == []


def test_console_errors_are_detected(tmp_path):
    # The check above could not fail if the log scan missed errors: a page that throws must be caught.
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    _, log = render(bad)
    assert console_errors(log), log[-2000:]


def test_report_numbers_match_the_summary(report):
    summary = json.loads((report.parent / "summary.json").read_text())
    text = report.read_text(encoding="utf-8")
    for cur in summary["rewards"]["totals_by_currency"].values():
        assert cur["text"] in text
    assert f"{summary['kocs']['total']:,}" in text


def test_report_depends_on_nothing_in_the_cli():
    import ast

    import koc.report
    tree = ast.parse(pathlib.Path(koc.report.__file__).read_text())
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m == "cli" or m.startswith("cli.") or ".cli" in m], modules
