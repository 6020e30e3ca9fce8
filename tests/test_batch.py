"""cx run: notebooks executed with Papermill, rendered for reviewers, published atomically."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cxlib as cx
from cxlib import batch


def test_run_publishes_good_and_names_the_broken_engagement(batch_run):
    proc, out = batch_run
    assert proc.returncode == 2, proc.stderr  # the only failure is bad input
    assert "broken-one" in proc.stderr and "customers.csv" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    report = out / "small-retailer"
    for nb in batch.discover_notebooks():
        assert (report / f"{nb.stem}.ipynb").is_file() and (report / f"{nb.stem}.html").is_file(), nb.stem
    for name in ("results.json", "run.json"):
        assert (report / name).is_file(), name
    assert not (out / "broken-one").exists()
    assert (out / ".logs" / "broken-one.log").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "small-retailer/01_motivator_discovery.html" in index and "broken-one" in index


@pytest.mark.parametrize("notebook", [nb.stem for nb in batch.discover_notebooks()])
def test_html_report_has_no_code_and_embeds_figures(batch_run, notebook):
    _, out = batch_run
    html = (out / "small-retailer" / f"{notebook}.html").read_text(encoding="utf-8")
    assert "import cxlib" not in html and "load_engagement" not in html
    from bs4 import BeautifulSoup

    body = BeautifulSoup(html, "html.parser").body
    assert not body.select(".jp-CodeMirrorEditor, .jp-InputPrompt, .highlight")  # no code input anywhere
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', html)) >= 2
    assert "Warning" not in html.split("</style>")[-1] and "/site-packages/" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "Traceback" not in html and "Error" not in html.split("</style>")[-1]


def test_results_and_provenance(batch_run, small_engagements):
    _, out = batch_run
    results = json.loads((out / "small-retailer" / "results.json").read_text())
    assert results["client"] == "Demo Retailer"
    assert set(results["segment_shares"]) == {"fully connected", "highly satisfied", "other"}
    for est in results["segment_shares"].values():
        assert {"estimate", "ci_low", "ci_high", "n"} <= set(est)
    assert {"estimate", "ci_low", "ci_high", "n"} <= set(results["value_multiplier"])
    assert len(results["top_motivators"]) == 3
    for key in ("hidden_drivers", "overrated", "attrition", "hazard_ratio", "nps", "waves", "cuts"):
        assert key in results, key
    assert {"estimate", "ci_low", "ci_high", "n"} <= set(results["hazard_ratio"])
    run = json.loads((out / "small-retailer" / "run.json").read_text())
    good, _ = small_engagements
    assert run["seed"] == 0 and "survey.csv" in run["inputs"]
    assert run["inputs"]["survey.csv"] == batch.input_hashes(good)["survey.csv"]
    assert run["packages"]["cxlib"] == cx.__version__


@pytest.fixture
def own_reports(batch_run, tmp_path) -> Path:
    """A copy of the session's published reports, for a test that runs ``cx run`` on them again (the session's
    folder is shared by every test and every xdist worker, so it stays as the batch left it)."""
    _, out = batch_run
    return Path(shutil.copytree(out, tmp_path / "reports", ignore=shutil.ignore_patterns(".cx-run.lock")))


def test_failed_rerun_keeps_the_last_good_report(own_reports, small_engagements, tmp_path):
    """Notebook 01 failing in its last cell, after cells that load the engagement and show its client: the
    published report stays byte for byte, and no staging folder is left. (The analysis cells are left out:
    what is checked is publishing, not what the cells compute.)"""
    good, _ = small_engagements
    out = own_reports
    before = {p.name: p.read_bytes() for p in (out / "small-retailer").iterdir()}
    failing = tmp_path / "nb"
    failing.mkdir()
    nb = json.loads((batch.NOTEBOOKS_DIR / "01_motivator_discovery.ipynb").read_text())
    parameters = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", []))
    nb["cells"] = nb["cells"][:parameters + 1] + [
        {"cell_type": "code", "id": f"failing-{k}", "metadata": {}, "outputs": [], "execution_count": None,
         "source": source}
        for k, source in enumerate(("import cxlib as cx\ncx.load_engagement(engagement).client",
                                    "raise RuntimeError('boom in the last cell')"))]
    (failing / "01_motivator_discovery.ipynb").write_text(json.dumps(nb))
    res = batch.run_engagement(good, out=out, notebooks=[failing / "01_motivator_discovery.ipynb"], seed=0)
    assert res.status == "failed" and "boom in the last cell" in res.error
    after = {p.name: p.read_bytes() for p in (out / "small-retailer").iterdir()}
    assert after == before
    assert not list(out.glob(".staging-*"))


def _cx(*args, timeout=900, **kw):
    return subprocess.run([sys.executable, "-m", "cxlib.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, **kw)


def test_unchanged_rerun_skips_and_force_reproduces_results(own_reports, small_engagements, slow):
    """An unchanged engagement is skipped, its report left byte for byte; ``--force`` runs it again and
    reproduces its results. Quick form: the forced run is notebook 03's alone, whose figures must equal the
    batch's (test_a_dask_cluster_gives_the_same_results reruns 01); full form (--slow): every notebook,
    results.json byte for byte."""
    good, _ = small_engagements
    out = own_reports
    before = {p.name: p.read_bytes() for p in (out / "small-retailer").iterdir()}
    proc = _cx("run", good, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "skipped" in proc.stdout and "0 published, 1 unchanged" in proc.stdout
    assert {p.name: p.read_bytes() for p in (out / "small-retailer").iterdir()} == before
    # Quick form: notebook 03 alone, without the PDF, deck and workbook (tests/test_pdf.py, test_deck.py and
    # test_workbook.py check those on the session's batch).
    forced = _cx("run", good, "--out", out, "--force",
                 *([] if slow else ["--notebooks", "03", "--skip", "pdf,deck,workbook"]))
    assert forced.returncode == 0, forced.stderr
    assert "1 published" in forced.stdout
    again = (out / "small-retailer" / "results.json").read_bytes()
    if slow:
        assert again == before["results.json"]
    else:
        again_figures, first_figures = json.loads(again), json.loads(before["results.json"])
        assert "hazard_ratio" in again_figures and len(again_figures) > 3
        assert {k: first_figures[k] for k in again_figures} == again_figures
    assert json.loads((out / "small-retailer" / "run.json").read_text())["fingerprint"]


def test_a_dask_cluster_gives_the_same_results(batch_run, small_engagements, tmp_path, slow):
    """The same engagement on a Dask cluster publishes the same results.json as the local pool. Quick form:
    notebook 01 only, whose figures must equal the local run's; full form (--slow): every notebook, byte for
    byte."""
    distributed = pytest.importorskip("distributed")
    good, _ = small_engagements
    _, out = batch_run
    notebooks = None if slow else batch.discover_notebooks(select=["01"])
    # One worker process in the quick form: one notebook needs no more (still another process than the pool's).
    with distributed.LocalCluster(n_workers=2 if slow else 1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        res = batch.run([good], out=tmp_path / "dask", scheduler=cluster.scheduler_address,
                        **({"notebooks": notebooks} if notebooks else {}))
    assert [r.status for r in res] == ["ok"]
    on_dask = (tmp_path / "dask" / "small-retailer" / "results.json").read_bytes()
    local = (out / "small-retailer" / "results.json").read_bytes()
    if slow:
        assert on_dask == local
    else:
        dask_figures, local_figures = json.loads(on_dask), json.loads(local)
        assert len(dask_figures) > 3 and {k: local_figures[k] for k in dask_figures} == dask_figures


def test_sigkill_midway_leaves_every_published_report_byte_identical(own_reports, small_engagements):
    import os
    import signal
    import time

    good, _ = small_engagements
    out = own_reports
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".logs" not in p.parts
              and p.name != ".cx-run.lock"}
    proc = subprocess.Popen([sys.executable, "-m", "cxlib.cli", "run", str(good), "--out", str(out), "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and not any(out.glob(".staging-*/*.ipynb")):
        time.sleep(0.2)
    assert any(out.glob(".staging-*")), "the run never started staging"
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI, its pool workers and their kernels
    proc.wait()
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".logs" not in p.parts
             and p.name != ".cx-run.lock" and not p.relative_to(out).parts[0].startswith(".staging-")}
    assert after == before
    # the next run clears what the killed one left and, inputs unchanged, skips
    again = _cx("run", good, "--out", out)
    assert again.returncode == 0 and "skipped" in again.stdout, again.stderr
    assert not list(out.glob(".staging-*"))


def test_a_half_swapped_report_is_restored_by_the_next_run(tmp_path):
    out = tmp_path / "reports"
    old = out / ".old-acme-12345"
    old.mkdir(parents=True)
    (old / "results.json").write_text("{}")
    (out / ".staging-acme-12345").mkdir()
    batch.run([], out=out)
    assert (out / "acme" / "results.json").read_text() == "{}"
    assert not list(out.glob(".old-*")) and not list(out.glob(".staging-*"))


def test_a_second_run_on_the_same_output_is_refused_clearly(tmp_path, small_engagements):
    good, _ = small_engagements
    out = tmp_path / "reports"
    with batch._locked(out):
        with pytest.raises(batch.RunLocked, match="another cx run"):
            batch.run([good], out=out)
        proc = _cx("run", good, "--out", out)
    assert proc.returncode == 2 and "another cx run" in proc.stderr and "Traceback" not in proc.stderr


def test_two_engagements_with_the_same_folder_name_are_refused(tmp_path, small_engagements):
    good, _ = small_engagements
    twin = tmp_path / "elsewhere" / good.name
    twin.mkdir(parents=True)
    res = batch.run([good, twin], out=tmp_path / "reports", notebooks=[], jobs=1)
    assert res[1].status == "failed" and "also named" in res[1].error


def _summary_agrees_with_results(report_dir: Path) -> list[str]:
    """Every figure the executive summary states equals results.json and the detail notebook it came from."""
    import nbformat

    from cxlib import report

    results = json.loads((report_dir / "results.json").read_text())
    per_notebook = {}
    for nb in sorted(report_dir.glob("0[1-9]_*.ipynb")):
        per_notebook.update(report.collect(nbformat.read(str(nb), as_version=4)))
    summary = report.collect(nbformat.read(str(report_dir / "00_executive_summary.ipynb"), as_version=4))
    figures = summary["executive_summary"]["figures"]
    problems = []

    def lookup(source, key):
        value = source
        for part in key.split("."):  # "nps.overall", "cuts.gaps.region|North|nps"
            value = value[part]
        if isinstance(value, dict):
            value = value["estimate"]
        if isinstance(value, list):
            value = [v.get("element") or v.get("motivator") for v in value]
        return value

    for key, shown in figures.items():
        for name, source in (("results.json", results), ("detail notebooks", per_notebook)):
            if lookup(source, key) != shown:
                problems.append(f"{key}: summary {shown!r} != {name} {lookup(source, key)!r}")
    assert len(figures) >= 6, figures
    return problems


def test_executive_summary_states_exactly_the_detail_figures(batch_run):
    _, out = batch_run
    assert (out / "small-retailer" / "00_executive_summary.html").is_file()
    assert _summary_agrees_with_results(out / "small-retailer") == []


@pytest.mark.parametrize("slug", ["demo-retailer", "demo-brokerage"])
def test_executive_summary_of_the_demo_reports_agrees(slug):
    """Acceptance (#9) on the demo engagements, as published by `make demo` (which the README runs first)."""
    report_dir = Path(__file__).resolve().parents[1] / "reports" / slug
    if not (report_dir / "00_executive_summary.ipynb").exists():
        pytest.skip("run `make demo` first to publish the demo reports")
    assert _summary_agrees_with_results(report_dir) == []


def test_kernels_use_unix_sockets_in_a_private_folder_not_tcp():
    import os
    import stat

    cls = batch._kernel_manager_class()
    if os.name != "posix":
        assert cls is None
        return
    km = cls(kernel_name="python3")
    assert km.transport == "ipc"
    folder = Path(km.ip).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_cxlib_kernel_of_another_environment_is_not_used():
    """The notebooks run on this interpreter (this cxlib): a `cxlib` kernelspec pointing at another
    environment's python (say a user-wide one from a checkout) is passed over for python3."""
    assert batch._this_interpreter(sys.executable) and batch._this_interpreter("python")
    assert batch._this_interpreter(str(Path(sys.executable).parent / "python3"))
    assert not batch._this_interpreter("/elsewhere/venv/bin/python")
    assert batch._kernel_name() in ("cxlib", "python3")


def test_awkward_engagement_gets_a_report_that_says_what_could_not_be_estimated(small_engagements, tmp_path):
    """No churn event at all and an element everyone rated the same: notebooks 02 and 03 still publish, and
    say in words what could not be estimated and why (no traceback, no NaN shown as a result)."""
    import pandas as pd

    good, _ = small_engagements
    awkward = tmp_path / "awkward-one"
    shutil.copytree(good, awkward)
    customers = pd.read_csv(awkward / "customers.csv", dtype=str, keep_default_na=False)
    customers["churned"] = "0"
    customers.to_csv(awkward / "customers.csv", index=False)
    survey = pd.read_csv(awkward / "survey.csv", dtype=str, keep_default_na=False)
    constant = [c for c in survey.columns if c.startswith("perf_")][0]
    survey[constant] = "5"
    survey.to_csv(awkward / "survey.csv", index=False)
    proc = _cx("run", awkward, "--out", tmp_path / "reports", "--notebooks", "02,03")
    assert proc.returncode == 0, proc.stderr
    drivers_page = (tmp_path / "reports" / "awkward-one" / "02_driver_analysis.html").read_text(encoding="utf-8")
    attrition_page = (tmp_path / "reports" / "awkward-one" / "03_attrition_survival.html").read_text(encoding="utf-8")
    assert "Not estimable" in drivers_page and "every customer rated its performance 5" in drivers_page
    assert "No customer left" in attrition_page
    for page in (drivers_page, attrition_page):
        assert "Traceback" not in page and ">nan<" not in page.lower() and ">inf<" not in page.lower()
    results = json.loads((tmp_path / "reports" / "awkward-one" / "results.json").read_text())
    assert results["hazard_ratio"]["estimate"] is None and "no customer left" in results["hazard_ratio"]["note"]


def test_kernel_chatter_stays_out_of_the_terminal(batch_run):
    """jupyter_client interrupts each kernel before shutting it down and ipykernel logs that as an ERROR; the
    kernels' own output goes to .logs (kept only when a notebook fails), not to the person running the batch."""
    proc, _ = batch_run
    assert "IPKernelApp" not in proc.stderr + proc.stdout and "KeyboardInterrupt" not in proc.stderr


def test_a_new_waves_rows_appended_to_the_survey_make_the_engagement_run_again(tmp_path):
    """Issue 19: adding a wave is routine. Appending a new wave's rows to survey.csv (and its customers to
    customers.csv) and naming it in engagement.yaml changes the engagement's fingerprint, so `cx run` re-runs it
    instead of skipping it, and the engagement loads with the new wave for the tracker."""
    import pandas as pd
    import yaml

    folder = tmp_path / "tracked"
    cx.synth.make_engagement("retailer", 600, seed=2, path=folder)
    notebooks = batch.discover_notebooks()
    before = batch.fingerprint(folder, notebooks, seed=0)
    assert batch.fingerprint(folder, notebooks, seed=0) == before  # unchanged input: the run would skip it
    survey = pd.read_csv(folder / "survey.csv", dtype=str)
    customers = pd.read_csv(folder / "customers.csv", dtype=str)
    # The new wave: the "post" wave's respondents asked again as new customers (new ids), appended at the end.
    new_ids = {i: f"N{k:05d}" for k, i in enumerate(customers.loc[customers["wave"] == "post", "customer_id"])}
    extra_s = survey[survey["customer_id"].isin(new_ids)].assign(wave="later",
                                                                 customer_id=lambda d: d["customer_id"].map(new_ids))
    extra_c = customers[customers["customer_id"].isin(new_ids)].assign(
        wave="later", customer_id=lambda d: d["customer_id"].map(new_ids))
    pd.concat([survey, extra_s]).to_csv(folder / "survey.csv", index=False)
    pd.concat([customers, extra_c]).to_csv(folder / "customers.csv", index=False)
    cfg = yaml.safe_load((folder / "engagement.yaml").read_text())
    cfg["waves"] = ["pre", "post", "later"]
    (folder / "engagement.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    assert batch.fingerprint(folder, notebooks, seed=0) != before
    eng = cx.load_engagement(folder)
    assert eng.config["waves"] == ["pre", "post", "later"]
    assert cx.waves.track(eng, metrics=["nps"]).waves == ("pre", "post", "later")
