"""Every rendered report and the index, opened in headless Chromium (cxlib.browser): no console error, no
broken image, no network request, no page wider than a 1280-px screen. Screenshots of each first screen go to
reports/screenshots/test-run/ for a person to look at.

`make test` sets CXLIB_REQUIRE_BROWSER=1 after installing Chromium (make browser), so there these tests
fail rather than skip when the browser is missing.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxlib import browser

SCREENSHOTS = Path(__file__).resolve().parents[1] / "reports" / "screenshots" / "test-run"


@pytest.fixture(scope="module")
def chromium_binary():
    found = browser.find_chromium()
    if not found:
        if os.environ.get("CXLIB_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (make browser installs it) but was not found")
        pytest.skip("Chromium not installed (make browser)")
    return found


def test_every_report_page_is_clean_in_chromium(batch_run, chromium_binary):
    _, out = batch_run
    pages = sorted(p for p in out.rglob("*.html") if not any(x.startswith(".") for x in p.relative_to(out).parts))
    assert (out / "index.html") in pages and len(pages) >= 5
    results = browser.check_pages(pages, screenshots=SCREENSHOTS, binary=chromium_binary)
    print("\n" + "\n".join(f"{'ok ' if r.ok else 'BAD'} {Path(r.path).relative_to(out)} {r.width}px {r.images} images"
                           for r in results))
    bad = {Path(r.path).name: r.problems for r in results if not r.ok}
    assert not bad, bad
    for r in results:
        assert Path(r.screenshot).stat().st_size > 10_000  # a real first screen, not a blank image
    # The index and the portfolio view (one engagement here: its list only) carry no chart.
    assert all(r.images >= 2 for r in results if Path(r.path).name not in ("index.html", "portfolio.html"))


def test_the_check_fails_on_what_it_must_catch(tmp_path, chromium_binary):
    """The checker itself can fail: a page with each fault is flagged for each."""
    page = tmp_path / "bad.html"
    page.write_text('<html><body><div style="width:2000px">wide</div><img src="missing.png">'
                    '<img src="http://example.invalid/a.png"><script>console.error("boom")</script></body></html>')
    (r,) = browser.check_pages([page], binary=chromium_binary)
    text = " | ".join(r.problems)
    for fault in ("network request: http://example.invalid", "console error: boom", "broken image",
                  "2008 px wide"):
        assert fault in text, fault


def _first_screen_problems(summary: Path, binary: str) -> list[str]:
    """What the summary's first 1280×800 screen lacks: each recommended action with its value and interval
    as results.json records them, and the evidence it names."""
    import json

    from cxlib.pages.summary import amount

    actions = json.loads((summary.parent / "results.json").read_text(encoding="utf-8"))["executive_summary"]["actions"]
    (r,) = browser.check_pages([summary], screenshots=SCREENSHOTS, binary=binary)
    screen = r.first_screen
    problems = [] if actions else ["no recommended action"]
    for a in actions:
        v = a["value_at_stake"]
        for figure in (amount(v["estimate"]), f"95% CI {amount(v['ci_low'])} to {amount(v['ci_high'])}"):
            if figure not in screen:
                problems.append(f"action {a['rank']}: {figure!r} not on the first screen")
        if a["action"].split(",")[0][:30] not in screen:
            problems.append(f"action {a['rank']}: {a['action'][:30]!r} not on the first screen")
        if not a["evidence"]:
            problems.append(f"action {a['rank']} names no evidence")
    if "Evidence:" not in screen and actions:
        problems.append("no evidence named on the first screen")
    return problems


def test_the_summary_first_screen_shows_the_actions_with_value_and_interval(batch_run, chromium_binary):
    """Acceptance (#18): the executive summary opens with its recommended actions, each with its value at
    stake, 95% interval and evidence, inside the first 1280×800 screen (headless Chromium)."""
    _, out = batch_run
    summary = next(p for p in sorted(out.rglob("00_executive_summary.html"))
                   if not any(part.startswith(".") for part in p.relative_to(out).parts))
    assert _first_screen_problems(summary, chromium_binary) == []


@pytest.mark.parametrize("demo", ["demo-retailer", "demo-brokerage"])
def test_demo_summary_first_screen_shows_the_actions(demo, chromium_binary):
    """The same on the demos, where `make demo` has published them."""
    summary = Path(__file__).resolve().parents[1] / "reports" / demo / "00_executive_summary.html"
    if not summary.exists() or "actions" not in (summary.parent / "results.json").read_text(encoding="utf-8"):
        pytest.skip("make demo has not published this demo with recommended actions")
    assert _first_screen_problems(summary, chromium_binary) == []


def test_a_browser_that_will_not_start_is_tried_again_then_named(tmp_path):
    """Chromium's first start on a fresh machine can fail: it is tried STARTS times, then a clear error."""
    fake = tmp_path / "chromium"
    calls = tmp_path / "calls"
    fake.write_text(f"#!/bin/sh\necho x >> {calls}\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(RuntimeError, match=f"did not start in {browser.STARTS} attempts"):
        with browser.chromium(str(fake)):
            pass
    assert len(calls.read_text().split()) == browser.STARTS
