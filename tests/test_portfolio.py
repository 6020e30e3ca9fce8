"""cxlib.portfolio and the portfolio page: figures equal each results.json, ranks and percentiles against a
brute-force count and scipy, the gaps' intervals cover a planted difference, fewer than three engagements list
only, industries grouped, names escaped, the page clean in Chromium, and ``cx run``'s write_index refreshes it."""
from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from scipy import stats as st

from cxlib import batch, browser, portfolio, render
from cxlib.errors import ArgumentError
from cxlib.results import REASONS

GENERATED = "2026-12-02T14:00:00+00:00"
Z = st.norm.ppf(0.975)


def _est(estimate, half, n, **extra):
    return {"estimate": estimate, "ci_low": estimate - half, "ci_high": estimate + half, "n": n, **extra}


def results_json(client, *, share=0.22, mult=1.9, att=(0.24, 0.31), nps=(40.0, 15.0), half=None, n=900,
                 industry=None, motivators=("feel secure", "feel a sense of belonging", "succeed in life"),
                 hidden=("Staff remember me",), horizon=365.0):
    """A results.json dict as ``cx run`` writes it (the keys the portfolio reads, docs/outputs.md).

    ``att`` and ``nps`` are (fully connected, highly satisfied); ``half`` scales every interval's half-width.
    """
    h = 1.0 if half is None else half
    fc, hs = int(n * share), int(n * 0.2)
    out = {
        "client": client, "n_respondents": n,
        "segment_shares": {"fully connected": _est(share, 0.03 * h, n, count=fc),
                           "highly satisfied": _est(0.2, 0.03 * h, n, count=hs),
                           "other": _est(0.8 - share, 0.03 * h, n, count=n - fc - hs)},
        "value_multiplier": {**_est(mult, 0.3 * h, fc + hs), "value": "annual_spend", "kind": "mean"},
        "attrition": {"fully connected": _est(att[0], 0.06 * h, fc, horizon=horizon),
                      "highly satisfied": _est(att[1], 0.07 * h, hs, horizon=horizon),
                      "other": _est(0.42, 0.05 * h, n - fc - hs, horizon=horizon)},
        "nps": {"overall": _est(-8.0, 5.0 * h, n), "fully connected": _est(nps[0], 11.0 * h, fc),
                "highly satisfied": _est(nps[1], 11.5 * h, hs)},
        "top_motivators": [{"motivator": m, "estimate": 20.0, "ci_low": 10.0, "ci_high": 30.0, "n": n}
                           for m in motivators],
        "hidden_drivers": [{"element": e, "stage": "In the shop", "estimate": 7.0, "ci_low": 3.0, "ci_high": 10.0,
                            "n": n, "q_value": 0.01} for e in hidden],
    }
    if industry:
        out["industry"] = industry
    return out


def eight():
    """Two demo-like clients and six synthetic-like ones, three industries (one client without)."""
    return {
        "demo-retailer": results_json("Demo Retailer", share=0.21, mult=2.30, att=(0.24, 0.30), nps=(41, 15)),
        "demo-brokerage": results_json("Demo Brokerage", share=0.18, mult=1.70, att=(0.10, 0.16), nps=(35, 20),
                                       motivators=("have confidence in the future", "feel secure"),
                                       hidden=("Named adviser",)),
        "syn-1": results_json("Northwind Grocers", share=0.35, mult=2.6, industry="Retail", half=0.3),
        "syn-2": results_json("Oak & Ivy <Stores>", share=0.12, mult=1.4, industry="Retail", half=0.3,
                              hidden=("Staff remember me", "Community events in store")),
        "syn-3": results_json("Harbour Home", share=0.25, mult=2.0, industry="Retail",
                              hidden=("staff  remember ME", "Community events in store")),
        "syn-4": results_json("Quay Outlets", share=0.22, mult=1.9),
        "syn-5": results_json("Meridian Invest", share=0.30, mult=3.1, industry="Financial services",
                              motivators=("feel secure",), hidden=()),
        "syn-6": results_json("Beacon Brokers", share=0.16, mult=1.2, industry="Financial services",
                              motivators=("feel secure", "succeed in life")),
    }


# -- the figures ---------------------------------------------------------------------------------------------

def test_figures_equal_each_results_json_and_the_gaps_are_the_published_differences():
    res = eight()
    p = portfolio.compare(res)
    t = p.table.set_index(["slug", "measure"])
    assert len(t) == len(res) * len(portfolio.MEASURES)
    for slug, r in res.items():
        share = r["segment_shares"]["fully connected"]
        row = t.loc[(slug, "connected_share")]
        assert (row.estimate, row.ci_low, row.ci_high, row.n) == (share["estimate"], share["ci_low"],
                                                                  share["ci_high"], share["n"])
        vm = r["value_multiplier"]
        row = t.loc[(slug, "value_multiplier")]
        assert (row.estimate, row.ci_low, row.ci_high, row.n) == (vm["estimate"], vm["ci_low"], vm["ci_high"], vm["n"])
        for measure, key, first, second in (("attrition_gap", "attrition", "highly satisfied", "fully connected"),
                                            ("nps_gap", "nps", "fully connected", "highly satisfied")):
            a, b = r[key][first], r[key][second]
            se = math.sqrt(((a["ci_high"] - a["ci_low"]) / (2 * Z)) ** 2 + ((b["ci_high"] - b["ci_low"]) / (2 * Z)) ** 2)
            row = t.loc[(slug, measure)]
            assert row.estimate == pytest.approx(a["estimate"] - b["estimate"], abs=1e-12)
            assert (row.ci_low, row.ci_high) == pytest.approx((row.estimate - Z * se, row.estimate + Z * se), abs=1e-12)
            assert row.n == a["n"] + b["n"]
        assert t.loc[(slug, "attrition_gap"), "note"] == "within 365 days"
        assert t.loc[(slug, "connected_share"), "client"] == r["client"]
    # to_dict is strict JSON (no NaN anywhere).
    json.dumps(p.to_dict(), allow_nan=False)


def test_gap_interval_covers_a_planted_difference_about_95_percent_of_the_time():
    """Planted truth: 600 clients whose two segment estimates are drawn around a known difference with a known
    standard error; the gap's interval must cover it about 95% of the time (fails if the half-width is read
    wrong, e.g. as the standard error itself: 68%)."""
    rng = np.random.default_rng(20)
    true_fc, true_hs, se_fc, se_hs = 40.0, 15.0, 6.0, 7.0
    res = {}
    for i in range(600):
        fc, hs = rng.normal(true_fc, se_fc), rng.normal(true_hs, se_hs)
        r = results_json(f"Client {i}")
        r["nps"] = {"fully connected": _est(fc, Z * se_fc, 200), "highly satisfied": _est(hs, Z * se_hs, 180)}
        res[f"c{i}"] = r
    t = portfolio.compare(res, measures=["nps_gap"]).table
    covered = ((t["ci_low"] <= true_fc - true_hs) & (true_fc - true_hs <= t["ci_high"])).mean()
    assert 0.92 <= covered <= 0.98, covered


# -- rank and percentile ---------------------------------------------------------------------------------------

def _brute_ranks(est, lo, hi):
    k = len(est)
    out = []
    for i in range(k):
        above = sum(est[j] > est[i] for j in range(k) if j != i)
        below = sum(est[j] < est[i] for j in range(k) if j != i)
        tied = k - 1 - above - below
        wholly_above = sum(lo[j] > hi[i] for j in range(k) if j != i)
        wholly_below = sum(hi[j] < lo[i] for j in range(k) if j != i)
        out.append((1 + above + tied / 2, 100 * (below + tied / 2) / (k - 1), 1 + wholly_above, k - wholly_below))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rank_percentile_and_rank_interval_equal_a_brute_force_count_and_scipy(seed):
    rng = np.random.default_rng(seed)
    k = 9
    shares = np.round(rng.uniform(0.1, 0.4, k), 2)  # rounded: ties happen
    shares[3] = shares[5]
    res = {f"c{i}": results_json(f"C{i}", share=float(s), half=float(rng.uniform(0.2, 2))) for i, s in enumerate(shares)}
    t = portfolio.compare(res).table.query("measure == 'connected_share'").reset_index(drop=True)
    want = _brute_ranks(t["estimate"].tolist(), t["ci_low"].tolist(), t["ci_high"].tolist())
    for i, (rank, pct, low, high) in enumerate(want):
        assert t.loc[i, "rank"] == pytest.approx(rank)
        assert t.loc[i, "percentile"] == pytest.approx(pct)
        assert (t.loc[i, "rank_low"], t.loc[i, "rank_high"]) == (low, high)
        assert t.loc[i, "clients"] == k
        others = np.delete(t["estimate"].to_numpy(), i)
        assert t.loc[i, "percentile"] == pytest.approx(st.percentileofscore(others, t.loc[i, "estimate"], kind="mean"))
    assert t["rank"].tolist() == pytest.approx(st.rankdata(-t["estimate"].to_numpy(), method="average").tolist())
    tied = t[t["estimate"] == shares[3]]
    assert tied["rank"].nunique() == 1 and tied["percentile"].nunique() == 1


def test_position_against_the_middle_is_claimed_only_when_intervals_keep_clients_apart():
    # Planted: narrow, well separated intervals -> top two above, bottom two below, the middle one not apart.
    apart = {f"c{i}": results_json(f"C{i}", share=s, half=0.1) for i, s in enumerate([0.40, 0.33, 0.25, 0.17, 0.10])}
    t = portfolio.compare(apart).table.query("measure == 'connected_share'")
    assert t["position"].tolist() == ["above the middle", "above the middle", "not distinguishable from the middle",
                                      "below the middle", "below the middle"]
    assert (t["rank_low"] == t["rank_high"]).all()
    assert portfolio.compare(apart).sentence("connected_share").startswith(
        "C0 and C1 stand above the middle client and C3 and C4 stand below it; the other one cannot be told apart from it. "
        "The figures run from 10% (95% CI 10% to 10%; n=900) at C4 to 40% (95% CI 40% to 40%; n=900) at C0")
    # The same estimates with wide, overlapping intervals: nothing is claimed, ranks could be anything.
    wide = {f"c{i}": results_json(f"C{i}", share=s, half=5) for i, s in enumerate([0.40, 0.33, 0.25, 0.17, 0.10])}
    t = portfolio.compare(wide).table.query("measure == 'connected_share'")
    assert set(t["position"]) == {"not distinguishable from the middle"}
    assert (t["rank_low"] == 1).all() and (t["rank_high"] == 5).all()
    assert t["rank"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]  # the ranks themselves still follow the estimates
    assert "No client of the 5 can be told apart" in portfolio.compare(wide).sentence("connected_share")


def test_a_missing_figure_is_left_out_of_the_ranks_with_its_reason():
    res = eight()
    res["syn-4"]["nps"]["highly satisfied"] = {"estimate": None, "ci_low": None, "ci_high": None, "n": 12,
                                               "reason": "below_min_cell",
                                               "note": "suppressed: fewer than 30 customers"}
    p = portfolio.compare(res)
    t = p.table.query("measure == 'nps_gap'").set_index("slug")
    assert math.isnan(t.loc["syn-4", "estimate"]) and math.isnan(t.loc["syn-4", "rank"])
    assert t.loc["syn-4", "note"] == "suppressed: fewer than 30 customers"
    assert p.excluded["syn-4: nps_gap"].code == "below_min_cell"
    assert (t.drop("syn-4")["clients"] == 7).all() and t["rank"].max() == 7
    page = render.portfolio_html(p, generated=GENERATED)
    assert "suppressed: fewer than 30 customers" in page
    text = BeautifulSoup(page, "html.parser").get_text(" ")
    for word in ("nan", "None", "NaN", "inf"):
        assert f" {word} " not in f" {text} ", word


# -- fewer than three, industries, recurring names -------------------------------------------------------------

@pytest.mark.parametrize("k", [0, 1, 2])
def test_fewer_than_three_engagements_show_only_the_list(k):
    res = dict(list(eight().items())[:k])
    p = portfolio.compare(res)
    assert p.reason is not None and p.reason.code == "too_few_engagements" and "too_few_engagements" in REASONS
    assert p.table["rank"].isna().all() and (p.table["position"] == "").all() and p.recurring.empty
    page = render.portfolio_html(p, generated=GENERATED)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("img") is None and "Rank" not in page and "Top motivators" not in page
    if k:
        assert f"Nothing else is shown: {p.reason.sentence}." in page
        assert [td.get_text() for td in soup.select("tbody tr td:first-child")] == \
            [f"{r['client']}{slug}" for slug, r in res.items()]
        assert p.headline().startswith(f"{k} engagements")
    else:
        assert "No engagement has been published yet." in page


def test_industries_group_clients_and_place_each_within_its_industry():
    p = portfolio.compare(eight())
    assert p.industry_groups == {"Retail": ["syn-1", "syn-2", "syn-3"], "Financial services": ["syn-5", "syn-6"]}
    t = p.table.query("measure == 'value_multiplier'").set_index("slug")
    retail = t.loc[["syn-1", "syn-2", "syn-3"]]
    want = _brute_ranks(retail["estimate"].tolist(), retail["ci_low"].tolist(), retail["ci_high"].tolist())
    assert retail["industry_rank"].tolist() == [w[0] for w in want] == [1.0, 3.0, 2.0]
    assert retail["industry_percentile"].tolist() == [w[1] for w in want]
    assert (retail["industry_clients"] == 3).all()
    # Too few in Financial services (2) and none given for the demos and syn-4: no industry place, a reason.
    assert t.loc[["syn-5", "syn-6", "syn-4", "demo-retailer"], "industry_rank"].isna().all()
    assert p.excluded["Financial services: value_multiplier"].code == "too_few_engagements"
    assert t.loc["syn-4", "industry"] == ""
    page = render.portfolio_html(p, generated=GENERATED)
    section = BeautifulSoup(page, "html.parser").find("h2", string="Clients by industry").find_next("ul").get_text(" ")
    section = " ".join(section.split())
    assert "Retail (3 clients)" in section and "Financial services (2 clients)" in section
    assert "Too few to place clients within the industry" in section and "No industry given" in section
    assert "1 of 3 in Retail" in page


def test_recurring_motivators_and_hidden_drivers_count_clients_by_name():
    res = eight()
    rec = portfolio.compare(res).recurring
    for kind, key, name_key in (("top motivator", "top_motivators", "motivator"),
                                ("hidden driver", "hidden_drivers", "element")):
        counts: dict[str, set] = {}
        for slug, r in res.items():
            for item in r[key]:
                counts.setdefault(" ".join(item[name_key].split()).lower(), set()).add(slug)
        got = rec[rec["kind"] == kind]
        assert {n.lower(): c for n, c in zip(got["name"], got["clients"])} == {n: len(s) for n, s in counts.items()}
        assert (got["of"] == len(res)).all()
        assert got["clients"].is_monotonic_decreasing
    row = rec[(rec["kind"] == "hidden driver") & (rec["name"] == "Staff remember me")].iloc[0]
    assert row["clients"] == 6 and "Harbour Home" in row["named_by"]  # "staff  remember ME" is the same name
    assert rec[rec["name"] == "feel secure"]["clients"].item() == 8


# -- arguments -----------------------------------------------------------------------------------------------

def test_arguments_are_checked_with_the_function_named():
    with pytest.raises(ArgumentError, match="portfolio.compare: results must map"):
        portfolio.compare([results_json("A")])
    with pytest.raises(ArgumentError, match=r"results\['a'\] must be the engagement's results.json dict"):
        portfolio.compare({"a": "reports/a/results.json"})
    with pytest.raises(ArgumentError, match="did you mean 'nps_gap'"):
        portfolio.compare(eight(), measures=["nps_gapp"])
    with pytest.raises(ArgumentError, match="Portfolio.plot"):
        portfolio.compare(eight()).plot(measure="share")


def test_the_table_is_a_copy_and_sorting_it_changes_nothing():
    p = portfolio.compare(eight())
    t = p.table.sort_values("estimate")
    t.loc[:, "estimate"] = 0
    assert p.table["estimate"].tolist() != t["estimate"].tolist()
    assert p.measure("connected_share")["estimate"].is_monotonic_decreasing


# -- the page -------------------------------------------------------------------------------------------------

def _page_rows(page: str, label: str) -> dict[str, list[str]]:
    """The table under the ``label`` heading: {client: cells}."""
    h2 = BeautifulSoup(page, "html.parser").find("h2", string=label)
    table = h2.find_next("table")
    return {tr.find("td").get_text(): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in table.select("tbody tr")}


def test_page_figures_equal_each_results_json():
    res = eight()
    p = portfolio.compare(res)
    page = render.portfolio_html(p, generated=GENERATED)
    fmt = portfolio.figure_text
    for measure in portfolio.MEASURES:
        rows = _page_rows(page, portfolio.MEASURE_LABELS[measure])
        assert len(rows) == len(res)
        for slug, r in res.items():
            if measure == "connected_share":
                e = r["segment_shares"]["fully connected"]
                want = (e["estimate"], e["ci_low"], e["ci_high"], e["n"])
            elif measure == "value_multiplier":
                e = r["value_multiplier"]
                want = (e["estimate"], e["ci_low"], e["ci_high"], e["n"])
            else:
                row = p.table.query("slug == @slug and measure == @measure").iloc[0]
                want = (row.estimate, row.ci_low, row.ci_high, row.n)
            cells = rows[r["client"]]
            assert cells[1] == f"{fmt(measure, want[0])} ({fmt(measure, want[1])} to {fmt(measure, want[2])})"
            assert cells[2] == f"{want[3]:,}"
    assert page.count("<img ") == len(portfolio.MEASURES)
    assert "href='index.html'" in page


def test_client_names_are_escaped_everywhere():
    res = eight()
    res["syn-4"]["client"] = "<script>alert('x')</script>"
    res["syn-6"]["client"] = "O'Brien & \"Sons\" $5"
    res["syn-6"]["hidden_drivers"][0]["element"] = "<b>Bold</b> element"
    p = portfolio.compare(res)
    page = render.portfolio_html(p, generated=GENERATED, reports={"syn-4": "syn-4/00_executive_summary.html"})
    assert "<script" not in page and "<b>Bold" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "O&#x27;Brien &amp; &quot;Sons&quot; $5" in page
    soup = BeautifulSoup(page, "html.parser")
    assert any("<script>alert('x')</script>" in img["alt"] for img in soup.find_all("img"))
    assert soup.find("a", href="syn-4/00_executive_summary.html").get_text() == "<script>alert('x')</script>"
    assert render.sanitize_page(page).count("<img") == page.count("<img")  # nothing active to strip
    assert "&lt;script&gt;" in p.headline()


def test_page_words_make_no_causal_claim_and_use_no_jargon():
    from wording import causal_phrases, jargon

    page = render.portfolio_html(portfolio.compare(eight()), generated=GENERATED)
    text = BeautifulSoup(page, "html.parser").get_text(" ")
    assert causal_phrases(text) == []
    assert jargon(text) == []
    headline = portfolio.compare(eight()).headline()
    assert causal_phrases(headline) == [] and jargon(headline, headline=True) == [], headline


def test_the_index_links_to_the_portfolio():
    page = render.index_html([], generated=GENERATED)
    assert "<a href='portfolio.html'>" in page


@pytest.fixture(scope="module")
def chromium_binary():
    found = browser.find_chromium()
    if not found:
        if os.environ.get("CXLIB_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (make browser installs it) but was not found")
        pytest.skip("Chromium not installed (make browser)")
    return found


def test_page_of_the_two_demos_and_six_synthetic_clients_is_clean_in_chromium(tmp_path, chromium_binary):
    res = eight()
    res["syn-2"]["client"] = "<script>console.error('boom')</script>"
    target = render.write_portfolio(tmp_path, res, generated=GENERATED)
    (r,) = browser.check_pages([target], binary=chromium_binary)
    assert r.ok, r.problems
    assert r.images == len(portfolio.MEASURES) and r.width <= 1280


# -- end to end: a real cx run ---------------------------------------------------------------------------------

def test_write_index_refreshes_the_portfolio_from_published_reports(batch_run, tmp_path):
    """cx run's own output: with one good engagement the page lists it only; with copies of it published
    under three more names (one given an industry) the page ranks the four, with each results.json's figures."""
    _, out = batch_run
    assert (out / "portfolio.html").is_file()  # cx run wrote it
    first = BeautifulSoup((out / "portfolio.html").read_text(encoding="utf-8"), "html.parser")
    assert first.find("img") is None and "Nothing else is shown" in first.get_text()
    reports = Path(shutil.copytree(out, tmp_path / "reports", ignore=shutil.ignore_patterns(".cx-run.lock")))
    published = json.loads((reports / "small-retailer" / "results.json").read_text(encoding="utf-8"))
    for i, share in enumerate([0.1, 0.3, 0.5], start=1):
        folder = Path(shutil.copytree(reports / "small-retailer", reports / f"copy-{i}"))
        res = dict(published, client=f"Copy {i}", industry="Retail")
        res["segment_shares"] = dict(res["segment_shares"])
        res["segment_shares"]["fully connected"] = dict(res["segment_shares"]["fully connected"], estimate=share,
                                                        ci_low=share - 0.01, ci_high=share + 0.01)
        (folder / "results.json").write_text(json.dumps(res), encoding="utf-8")
    batch.write_index(reports)
    page = (reports / "portfolio.html").read_text(encoding="utf-8")
    rows = _page_rows(page, "Fully connected share")
    e = published["segment_shares"]["fully connected"]
    f = portfolio.figure_text
    assert rows[published["client"]][1] == (f"{f('connected_share', e['estimate'])} "
                                            f"({f('connected_share', e['ci_low'])} to {f('connected_share', e['ci_high'])})")
    assert rows["Copy 3"][3].startswith("1 of 4") and rows["Copy 1"][3].startswith("4 of 4")
    assert "1 of 3 in Retail" in rows["Copy 3"][6]
    vm = published["value_multiplier"]
    assert rows_equal(_page_rows(page, "Value multiplier")[published["client"]][1], vm)
    assert "href='small-retailer/00_executive_summary.html'" in page


def rows_equal(cell: str, e: dict) -> bool:
    f = portfolio.figure_text
    return cell == f"{f('value_multiplier', e['estimate'])} ({f('value_multiplier', e['ci_low'])} to " \
                   f"{f('value_multiplier', e['ci_high'])})"


def _publish(out: Path, slug: str, res: dict) -> None:
    """A published report as write_index reads it: run.json and results.json."""
    (out / slug).mkdir(parents=True, exist_ok=True)
    (out / slug / "run.json").write_text(json.dumps({"client": res["client"], "finished": GENERATED}), encoding="utf-8")
    (out / slug / "results.json").write_text(json.dumps(res), encoding="utf-8")


def test_write_index_rebuilds_the_portfolio_only_when_the_published_results_change(tmp_path):
    res = eight()
    for slug in ("syn-1", "syn-2", "syn-3"):
        _publish(tmp_path, slug, res[slug])
    batch.write_index(tmp_path)
    page = (tmp_path / "portfolio.html").read_bytes()
    assert b"Northwind Grocers" in page and page.count(b"<img ") == len(portfolio.MEASURES)
    batch.write_index(tmp_path)  # nothing changed: the page is not rebuilt (not even its time stamp)
    assert (tmp_path / "portfolio.html").read_bytes() == page
    _publish(tmp_path, "syn-5", res["syn-5"])  # a new engagement published: rebuilt with it
    batch.write_index(tmp_path)
    assert b"Meridian Invest" in (tmp_path / "portfolio.html").read_bytes()
    (tmp_path / "portfolio.html").unlink()  # a page removed by hand comes back
    batch.write_index(tmp_path)
    assert b"Meridian Invest" in (tmp_path / "portfolio.html").read_bytes()
