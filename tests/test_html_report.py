"""The HTML report in a real headless Chromium (Debian's package, driven by Playwright): it loads
with no console error and no request outside the file itself, shows every pending job on the
timeline at its fire time, and fits a phone's screen."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.test_check import NOW, ingest_planted

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Chromium is not installed (apt-get install -y chromium)")
# flags that keep Chromium from reaching out on its own, as on a closed network
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def report(tmp_path: Path, home: Home, capsys) -> tuple[Path, dict]:
    ingest_planted(tmp_path, home)
    out = tmp_path / "report.html"
    assert lineguard(["--home", str(home.root), "report", "--html", "--now", NOW,
                      "--out", str(out)]) == 0
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "jobs", "--json", "--now", NOW]) == 1  # critical
    return out, json.loads(capsys.readouterr().out)


def _open(browser, url: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"request: {r.url}")
            if r.url != url and not r.url.startswith(("data:", "about:")) else None)
    page.goto(url)
    return page, problems


def test_report_shows_every_pending_job_at_its_time(report: tuple[Path, dict],
                                                     tmp_path: Path) -> None:
    path, jobs = report
    pending = {j["next_fire"] for j in jobs["jobs"]
               if j["next_fire"] and j["next_fire"] >= jobs["as_of"]}
    assert pending, "the planted host has jobs with clock times"
    shots = Path(os.environ.get("LINEGUARD_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page, problems = _open(browser, path.as_uri(), 1280)
            marks = page.eval_on_selector_all(
                "#timeline circle.mark",
                "els => els.map(e => ({fire: e.dataset.fire, cls: e.getAttribute('class'),"
                " x: e.getBoundingClientRect().x, title: e.textContent}))")
            page.screenshot(path=str(shots / "report.png"), full_page=True)
            # a mark leads to the job's row with its evidence
            page.click("#timeline circle.mark.destructive")
            row = page.inner_text(f"#{page.get_attribute('#timeline circle.destructive', 'data-job')}")
            phone, phone_problems = _open(browser, path.as_uri(), 390)
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            phone.screenshot(path=str(shots / "report-phone.png"))
        finally:
            browser.close()
    assert not problems + phone_problems, problems + phone_problems
    assert {m["fire"] for m in marks} == pending
    # the axis runs forward in time: a later fire is never left of an earlier one
    ordered = sorted(marks, key=lambda m: m["fire"])
    assert all(a["x"] <= b["x"] for a, b in zip(ordered, ordered[1:], strict=False))
    (bomb,) = [m for m in marks if "destructive" in m["cls"]]
    assert bomb["fire"] == "2027-02-10T03:00:00Z" and "in 76d 18h" in bomb["title"]
    assert bomb["x"] == max(m["x"] for m in marks)
    assert "sync.sh" in row and "snmpset" in row
    assert overflow <= 0, "the page is readable on a phone without sideways scrolling"
    assert (shots / "report.png").stat().st_size > 10_000


def test_report_is_one_self_contained_file(report: tuple[Path, dict]) -> None:
    text = report[0].read_text()
    for external in ("http://", "https://", "<link", "src=", "@import", "url("):
        assert external not in text, external
    for section in ("overview", "timeline", "findings", "line-data", "jobs", "agents",
                    "baselines"):
        assert f'<section id="{section}">' in text, section
    assert '<pre class="stop">atrm 3   (spool file /var/spool/cron/atjobs/a0000301ca5494)</pre>' \
        in text


def test_drift_shows_as_a_diff_in_html_and_markdown(home: Home, chain, tmp_path: Path,
                                                     capsys) -> None:
    from tests.baselinekit import Fleet, device
    from tests.snapfactory import ios_config
    from tests.test_drift import with_eem
    lineguard(["--home", str(home.root), "agents", "add", chain.name, "--key",
               str(chain.pub_path), "--site", "kobe"])
    fleet = Fleet(home, chain)
    config = ios_config("atm-kobe-03", 20, 7)
    fleet.poll(device("atm-kobe-03", config=config))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    fleet.poll(device("atm-kobe-03", config=with_eem(config)))
    out = tmp_path / "r.html"
    lineguard(["--home", str(home.root), "report", "--html", "--out", str(out)])
    html = out.read_text()
    assert '<span class="add">+event manager applet NIGHTLY</span>' in html
    capsys.readouterr()
    lineguard(["--home", str(home.root), "report"])
    md = capsys.readouterr().out
    block = md[md.index("```diff"):]
    assert "\n+event manager applet NIGHTLY\n" in block[:block.index("\n```\n")]
