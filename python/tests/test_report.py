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
    for section in ("pyramid", "transitions", "fill", "unfilled", "funnel", "unassigned", "closest", "rewards",
                    "budgets", "late", "top"):
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


def section_rows(text: str, anchor: str) -> list[list[str]]:
    """The cells of every table row of a report section."""
    import html as html_lib
    body = re.search(rf'<section id="{anchor}">(.*?)</section>', text, re.S).group(1)
    return [[html_lib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_report_answers_the_manager(report):
    """Budget use, the funnel of every unfilled task, unassigned reasons, late and rejected work and the KOCs
    closest to the next tier, each agreeing with the run's own tables."""
    import pandas as pd
    from koc.rewards import display_amount
    text = report.read_text(encoding="utf-8")
    out = report.parent
    ledger = pd.read_csv(out / "ledger.csv", keep_default_na=False)
    unassigned = pd.read_csv(out / "unassigned.csv")
    tiers = pd.read_csv(out / "tiers.csv", keep_default_na=False)
    # Every unfilled task has its funnel row.
    short = set(unassigned.loc[unassigned["kind"] == "task", "id"].astype(str))
    funnel = section_rows(text, "funnel")
    assert {r[0] for r in funnel if r} == short
    # Unassigned KOCs by reason: the counts of unassigned.csv.
    want = unassigned[unassigned["kind"] == "koc"].groupby("reason").size()
    got = {r[0]: int(r[1].replace(",", "")) for r in section_rows(text, "unassigned") if r}
    assert got == {k: int(v) for k, v in want.items()}
    # Budget cuts in all, per currency, as the ledger says.
    cuts = ledger[ledger["kind"] == "budget_cut"].groupby("currency")["amount"].sum()
    for cur, v in cuts.items():
        assert display_amount(int(-v), cur) in text
    for r in section_rows(text, "budgets"):
        if r and r[0].startswith("task "):
            task = int(r[0].split()[1])
            lines = ledger[(ledger["task_id"] == task) & (ledger["currency"] == r[1])]
            assert r[4] == display_amount(int(lines["amount"].sum()), r[1])  # paid
    # Late and rejected completions.
    per = ledger[ledger["completion"] >= 0].drop_duplicates("completion")
    note = re.search(r'<section id="late"><h2>[^<]*</h2><p class="note">([^<]*)</p>', text).group(1)
    assert f"{int((per['reason'] == 'late').sum()):,} came after" in note
    assert f"{int((per['reason'] == 'rejected').sum()):,} were rejected" in note
    # Closest to the next tier: KOCs below the top, each with its next tier and what it lacks.
    closest = [r for r in section_rows(text, "closest") if r]
    assert 0 < len(closest) <= 20
    by_id = tiers.set_index(tiers["koc_id"].astype(str))
    for r in closest:
        assert by_id.loc[r[0], "next_tier"] == r[2] and by_id.loc[r[0], "tier"] == r[1]
