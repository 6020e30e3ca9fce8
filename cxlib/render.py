"""Rendering for reviewers: executed notebooks to self-contained HTML, and the reports index.

The HTML hides every code cell and prompt, embeds figures as data URIs, loads no remote script
(template ``cxreport``) and escapes any markup that came from data.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import report

__all__ = ["sanitize_page", "notebook_html", "write_notebook_html", "index_html", "write_index", "portfolio_html",
           "write_portfolio", "write_workbook", "write_deck"]

TEMPLATES = Path(__file__).parent / "templates"


def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="cxreport",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_output_stdin=True,
        exclude_anchor_links=True,
        embed_images=True,
    )


_ACTIVE_TAGS = ("script", "iframe", "object", "embed", "applet", "frame", "frameset", "base", "form", "link", "meta")


def sanitize_page(page: str) -> str:
    """Remove anything executable or remote from a rendered page (defence in depth).

    Data-derived text is escaped where it is displayed; this pass also guarantees that no ``<script>``,
    event-handler attribute, ``javascript:`` URL or remote resource survives, whatever a notebook showed.
    nbconvert's own ``sanitize_html`` escapes tables wholesale, so it is not used. The report template
    itself needs no script, so every script element is removed.

    Examples
    --------
    >>> page = '<p onclick="steal()">Hi</p><script>alert(1)</script><img src="https://x.example/a.png">'
    >>> sanitize_page(page)
    '<p>Hi</p><img/>'
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for tag in soup.find_all(_ACTIVE_TAGS):
        if tag.name == "meta" and (tag.get("charset") or tag.get("name") == "viewport"):
            continue
        tag.decompose()
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            value = tag.attrs[attr]
            text = " ".join(value) if isinstance(value, list) else str(value)
            lowered = re.sub(r"\s+", "", text).lower()
            if attr.lower().startswith("on"):
                del tag.attrs[attr]
            elif attr.lower() in {"src", "href", "srcset", "action", "formaction", "xlink:href", "poster"} and (
                lowered.startswith(("javascript:", "vbscript:", "http:", "https:", "//"))
                or (lowered.startswith("data:") and not lowered.startswith("data:image/"))
            ):
                del tag.attrs[attr]
    return str(soup)


def notebook_html(notebook: Any, *, title: str | None = None, provenance: str | None = None) -> str:
    """Render an executed notebook as a reviewer's HTML page (no code, figures inline, offline).

    Parameters
    ----------
    notebook : NotebookNode
        The executed notebook.
    title : str, optional
        Page title (default: the notebook's first heading).
    provenance : str, optional
        One line printed in the page footer (engagement, seed, version, date).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Findings"),
    ...                                        nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="1")])])
    >>> page = notebook_html(nb, title="Demo", provenance="seed 0")
    >>> "print(1)" in page, "Findings" in page, "<script" in page
    (False, True, False)
    """
    import nbformat  # slow to import (its JSON-schema stack): only when rendering

    nb = nbformat.from_dict(notebook)  # a copy: rendering never changes the executed notebook
    # Drop outputs that only carry results for results.json and the papermill parameter cells.
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            cell["outputs"] = []
        elif cell.get("cell_type") == "code":
            # Reviewers see results only: no recorded-figure payloads, no warnings or other stderr text.
            cell["outputs"] = [o for o in cell.get("outputs", []) if set(o.get("data", {})) != {report.MIME_TYPE}
                               and not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    if title:
        nb.metadata["title"] = title
    resources: dict[str, Any] = {"cx_provenance": provenance or ""}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return sanitize_page(body)


def write_notebook_html(ipynb: Path, target: Path, *, title: str | None = None, provenance: str | None = None) -> Path:
    """Render the notebook at ``ipynb`` to ``target`` (see ``notebook_html``).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Findings"),
    ...                                        nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="1")])])
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> nbformat.write(nb, d / "01.ipynb")
    >>> write_notebook_html(d / "01.ipynb", d / "01.html", provenance="seed 0").name
    '01.html'
    """
    import nbformat

    nb = nbformat.read(str(ipynb), as_version=4)
    target.write_text(notebook_html(nb, title=title, provenance=provenance), encoding="utf-8")
    return target


def _fmt_estimate(est: Any, percent: bool = False, suffix: str = "") -> str:
    if not isinstance(est, dict) or est.get("estimate") is None:
        return "–"
    f = (lambda v: f"{100 * v:.0f}%") if percent else (lambda v: f"{v:.2f}{suffix}")
    ci = ""
    if est.get("ci_low") is not None and est.get("ci_high") is not None:
        ci = f" <span class='ci'>({f(est['ci_low'])}–{f(est['ci_high'])})</span>"
    return f"{f(est['estimate'])}{ci}"


#: What each notebook is called on the reports index.
REPORT_NAMES = {"00": "Summary", "01": "Motivators and value", "02": "Drivers", "03": "Attrition",
                "04": "Advocacy and programme", "05": "Tracker", "06": "Business cuts"}


#: The headline figures the index shows as a trend, for an engagement with three waves or more:
#: (results.json ``waves`` metric, label, scale, number format).
TREND_FIGURES = (("connected", "Fully connected", 100.0, "{:.0f}%"), ("nps", "NPS", 1.0, "{:+.0f}"))


def _sparkline(points: Sequence[tuple[str, float, float | None, float | None, int | None]], *, label: str,
               fmt: str, scale: float, width: int = 120, height: int = 30) -> str:
    """A compact inline SVG of one figure over the waves: each wave's 95% interval as a thin grey bar, the
    estimates joined by a line, a dot per wave; its ``<title>`` (what a screen reader and a hover show) lists
    every wave's figure with its interval and n. No script, no external resource.

    ``points``: ``(wave, estimate, ci_low, ci_high, n)`` in wave order (interval bounds may be None).

    Examples
    --------
    >>> svg = _sparkline([("q1", 0.21, 0.19, 0.23, 900), ("q2", 0.22, 0.2, 0.24, 910), ("q3", 0.26, 0.24, 0.28, 905)],
    ...                  label="Fully connected", fmt="{:.0f}%", scale=100)
    >>> svg.startswith("<svg") and svg.count("<circle") == 3 and "q3 26% (95% CI 24%–28%; n=905)" in svg
    True
    """
    e = html.escape
    values = [v for _, est, lo, hi, _ in points for v in (est, lo, hi) if v is not None]
    top, bottom = max(values), min(values)
    span = (top - bottom) or 1.0
    pad = 3.0
    step = (width - 2 * pad) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return round(pad + (top - v) / span * (height - 2 * pad), 1)

    def word(v: float) -> str:
        return fmt.format(v * scale).replace("-", "−")

    parts, said = [], []
    for i, (wave, est, lo, hi, n) in enumerate(points):
        x = round(pad + i * step, 1)
        if lo is not None and hi is not None:
            parts.append(f"<line x1='{x}' y1='{y(hi)}' x2='{x}' y2='{y(lo)}' stroke='#BBBBBB' stroke-width='2'/>")
        ci = f" (95% CI {word(lo)}–{word(hi)}" if lo is not None and hi is not None else " (no interval"
        said.append(f"{wave} {word(est)}{ci}" + (f"; n={n:,})" if isinstance(n, int) else ")"))
    line = " ".join(f"{round(pad + i * step, 1)},{y(est)}" for i, (_, est, *_rest) in enumerate(points))
    parts.append(f"<polyline points='{line}' fill='none' stroke='#222222' stroke-width='1.5'/>")
    parts += [f"<circle cx='{round(pad + i * step, 1)}' cy='{y(est)}' r='2.2' fill='#222222'/>"
              for i, (_, est, *_rest) in enumerate(points)]
    title = f"{label} per wave: " + "; ".join(said)
    return (f"<svg class='spark' width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
            f"aria-label='{e(title)}'><title>{e(title)}</title>{''.join(parts)}</svg>")


def _trend_cell(res: dict[str, Any]) -> str:
    """The index's trend of an engagement's headline figures (:data:`TREND_FIGURES`) over its waves, from
    ``results.json``'s ``waves`` (the tracker's levels): a sparkline and the first and last wave's figures for
    each; ``–`` with fewer than three waves. Figures suppressed in the results (fewer than min_cell customers)
    are left out and said to be.

    Examples
    --------
    >>> lv = [{"metric": "nps", "wave": w, "estimate": v, "ci_low": v - 4, "ci_high": v + 4, "n": 800}
    ...       for w, v in (("q1", -3.0), ("q2", 1.0), ("q3", 6.0))]
    >>> cell = _trend_cell({"waves": {"waves": ["q1", "q2", "q3"], "levels": lv}})
    >>> "NPS" in cell and "−3 → +6" in cell and "<svg" in cell
    True
    >>> _trend_cell({"waves": {"waves": ["pre", "post"], "levels": lv}})
    '–'
    """
    e = html.escape
    w = res.get("waves") if isinstance(res, dict) else None
    order = [str(x) for x in (w.get("waves") or [])] if isinstance(w, dict) else []
    if len(order) < 3 or not isinstance(w.get("levels"), list):
        return "–"
    rows = []
    for metric, label, scale, fmt in TREND_FIGURES:
        got = {str(lv.get("wave")): lv for lv in w["levels"] if isinstance(lv, dict) and lv.get("metric") == metric}
        points = [(wave, float(got[wave]["estimate"]),
                   None if got[wave].get("ci_low") is None else float(got[wave]["ci_low"]),
                   None if got[wave].get("ci_high") is None else float(got[wave]["ci_high"]),
                   got[wave].get("n") if isinstance(got[wave].get("n"), int) else None)
                  for wave in order if wave in got and isinstance(got[wave].get("estimate"), (int, float))]
        missing = [wave for wave in order if wave not in {p[0] for p in points}]
        if len(points) < 2:
            continue
        first, last = (fmt.format(p[1] * scale).replace("-", "−") for p in (points[0], points[-1]))
        note = f" <span class='ci'>(not shown: {e(', '.join(missing))})</span>" if missing else ""
        rows.append(f"<div class='trend'><span class='what'>{e(label)}</span> "
                    f"{_sparkline(points, label=label, fmt=fmt, scale=scale)} "
                    f"<span class='ci'>{e(first)} → {e(last)}</span>{note}</div>")
    return "".join(rows) or "–"


def _when(stamp: str | None) -> str:
    """``2026-11-24T04:03:11+00:00`` -> ``2026-11-24 04:03 UTC`` (text that is not such a stamp is kept)."""
    if not stamp:
        return ""
    m = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?(\+00:00|Z)?$", stamp)
    return f"{m.group(1)} {m.group(2)}" + (" UTC" if m.group(3) else "") if m else stamp


#: The deliverables linked from the index, in order: (run.json ``outputs`` key, link text, what a count is of,
#: the short name said when it is missing).
DELIVERABLES = (("pdf", "Printable PDF", "pages", "PDF"), ("deck", "Slide deck", "slides", "deck"),
                ("workbook", "Workbook of tables", "sheets", "workbook"))


def _deliverable_links(entry: dict[str, Any]) -> str:
    """The index's links to an engagement's printable PDF, slide deck and workbook of tables, or why one is
    missing (``entry["pdf"]``, ``entry["deck"]``, ``entry["workbook"]``: run.json's ``outputs``; nothing for a
    report published before they were made, or one skipped with ``--skip``).

    Examples
    --------
    >>> _deliverable_links({"slug": "acme", "pdf": {"made": True, "file": "acme.pdf", "pages": 31}})
    "<br><a href='acme/acme.pdf'>Printable PDF</a> <span class='ci'>(31 pages)</span>"
    >>> _deliverable_links({"slug": "acme", "pdf": {"made": False, "reason": "Chromium is not installed"}})
    "<div class='err'>No PDF: Chromium is not installed</div>"
    >>> _deliverable_links({"slug": "acme", "deck": {"made": True, "file": "acme-summary.pptx", "slides": 18},
    ...                     "workbook": {"made": False, "reason": "skipped for this run"}})
    "<br><a href='acme/acme-summary.pptx'>Slide deck</a> <span class='ci'>(18 slides)</span><div class='err'>No workbook: skipped for this run</div>"
    """
    e = html.escape
    out = []
    for key, text, unit, short in DELIVERABLES:
        record = entry.get(key)
        if not isinstance(record, dict):
            continue
        if record.get("made") and record.get("file"):
            count = record.get(unit)
            out.append(f"<br><a href='{e(entry['slug'])}/{e(str(record['file']))}'>{text}</a>"
                       + (f" <span class='ci'>({count} {unit})</span>" if isinstance(count, int) else ""))
        else:
            out.append(f"<div class='err'>No {short}: {e(str(record.get('reason') or 'not made'))}</div>")
    return "".join(out)


def index_html(entries: Sequence[dict[str, Any]], *, generated: str) -> str:
    """The reports index: one row per engagement with status, date, headline figures and links.

    Each entry: ``slug, client, status ("ok" | "failed" | "skipped"), finished, error, notebooks
    (list of notebook names with an HTML page), results (the results.json dict or None)``, and optionally
    ``pdf``, ``deck`` and ``workbook`` (run.json's ``outputs``: each deliverable's link, or why there is none).

    Examples
    --------
    >>> entry = {"slug": "acme", "client": "Acme", "status": "ok", "finished": "2026-11-24T04:03:11+00:00",
    ...          "notebooks": ["00_executive_summary"], "results": {"n_respondents": 1200}}
    >>> page = index_html([entry], generated="2026-11-24T04:05:00+00:00")
    >>> "acme/00_executive_summary.html" in page, "2026-11-24 04:03 UTC" in page
    (True, True)
    """
    e = html.escape
    rows = []
    for entry in entries:
        res = entry.get("results") or {}
        shares = res.get("segment_shares") or {}
        fc = shares.get("fully connected") if isinstance(shares, dict) else None
        links = "<br>".join(
            f"<a href='{e(entry['slug'])}/{e(nb)}.html'>{e(REPORT_NAMES.get(nb.split('_', 1)[0], nb))}</a>"
            for nb in entry.get("notebooks", [])
        )
        hr = res.get("hazard_ratio")
        status = e(entry.get("status", ""))
        err = entry.get("error") or ""
        rows.append(
            "<tr>"
            f"<td>{e(str(entry.get('client') or entry['slug']))}<div class='slug'>{e(entry['slug'])}</div></td>"
            f"<td class='status {e(entry.get('status', '').split(' ')[0])}'>{status}{'<div class=err>' + e(err) + '</div>' if err else ''}</td>"
            f"<td>{e(_when(entry.get('finished')))}</td>"
            f"<td>{e(f'{n_resp:,}' if isinstance(n_resp := res.get('n_respondents'), int) else '–')}</td>"
            f"<td>{_fmt_estimate(fc, percent=True)}</td>"
            f"<td>{_fmt_estimate(res.get('value_multiplier'), suffix='×')}</td>"
            f"<td>{_fmt_estimate(hr) if isinstance(hr, dict) else '–'}</td>"
            f"<td>{_trend_cell(res)}</td>"
            f"<td>{links}{_deliverable_links(entry)}</td>"
            "</tr>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cxlib reports</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1080px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
.slug, .ci, .err {{ color: #666; font-size: .85em; }} .status.ok {{ color: #1a7f37; }} .status.failed {{ color: #b42318; }}
.trend {{ white-space: nowrap; margin-bottom: .3em; }} .trend .what {{ display: block; font-size: .85em; }} svg.spark {{ vertical-align: middle; }}
</style></head><body>
<h1>Customer connection reports</h1>
<p><a href='portfolio.html'>All clients side by side</a> (the portfolio view).</p>
<p>Each engagement's reports, with its status and headline figures, each with its 95% confidence interval: the
share of fully connected customers; the value multiplier (mean value of fully connected over highly satisfied
customers, a ratio of averages: it shows how the two go together, not what connection causes); and the rate at
which fully connected customers leave relative to highly satisfied ones (the hazard ratio: 0.5 means they leave
at about half the rate). With three waves or more, the trend of the fully connected share and the Net Promoter
Score over the waves (each wave's figure with its 95% interval; hover for the figures). Start with the summary. Generated {e(_when(generated))}.</p>
<table><thead><tr><th>Client</th><th>Status</th><th>Finished</th><th>Respondents</th><th>Fully connected</th>
<th>Value multiplier</th><th>Rate of leaving (hazard ratio)</th><th>Trend over the waves</th><th>Reports</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""


def write_index(out: Path, entries: Sequence[dict[str, Any]], *, generated: str) -> Path:
    """Write ``out/index.html`` atomically (see ``index_html``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> write_index(out, [], generated="2026-11-24T04:05:00+00:00").name
    'index.html'
    """
    target = out / "index.html"
    tmp = out / ".index.html.tmp"
    tmp.write_text(index_html(entries, generated=generated), encoding="utf-8")
    tmp.replace(target)
    return target


# -- The portfolio view (reports/portfolio.html) ------------------------------------------------------------

_PORTFOLIO_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1080px; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; } th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.slug, .ci, .err, .note { color: #666; font-size: .85em; } img { max-width: 100%; height: auto; }
td.num { white-space: nowrap; }
"""


def _portfolio_figure(row: Any, measure: str) -> str:
    """A table row's figure with its interval, in the measure's unit (HTML-escaped)."""
    from . import portfolio as pf

    e = html.escape
    def fmt(v: Any) -> str:
        return pf.figure_text(measure, v)

    if row.estimate != row.estimate:
        return "–"
    ci = (f" <span class='ci'>({e(fmt(row.ci_low))} to {e(fmt(row.ci_high))})</span>"
          if row.ci_low == row.ci_low and row.ci_high == row.ci_high else " <span class='ci'>(no interval)</span>")
    return e(fmt(row.estimate)) + ci


def _portfolio_place(rank: Any, low: Any, high: Any, clients: Any) -> str:
    """``2 of 8 (could be 1–4)``; ``–`` when the client is not ranked."""
    if rank != rank or clients is None or clients != clients:
        return "–"
    text = f"{report.number(rank, '{:g}')} of {int(clients)}"
    if int(low) != int(high):
        text += f" <span class='ci'>(could be {int(low)}–{int(high)})</span>"
    return text


def portfolio_html(portfolio: Any, *, generated: str, reports: dict[str, str] | None = None) -> str:
    """The portfolio page: every engagement's headline figures side by side, with each client's place.

    Parameters
    ----------
    portfolio : cxlib.portfolio.Portfolio
        From :func:`cxlib.portfolio.compare`.
    generated : str
        When the page was made (an ISO time stamp reads ``2026-11-24 04:05 UTC``).
    reports : dict, optional
        ``{slug: relative link}`` to each client's report (its executive summary).

    Notes
    -----
    Self-contained like the index: inline CSS, each chart a PNG data URI with its alt text, no script, no
    network. Every name from the data is HTML-escaped. With fewer than three engagements the page lists them
    and says why nothing else is shown.

    Examples
    --------
    >>> from cxlib import portfolio
    >>> p = portfolio.compare({"a": {"client": "<script>A</script>"}, "b": {"client": "B"}})
    >>> page = portfolio_html(p, generated="2026-11-24T04:05:00+00:00")
    >>> "<script>" in page, "&lt;script&gt;A" in page, "2026-11-24 04:05 UTC" in page
    (False, True, True)
    """
    import base64

    from . import portfolio as pf

    e = html.escape
    reports = reports or {}

    def client_cell(slug: str) -> str:
        name = e(portfolio.clients.get(slug, slug))
        link = reports.get(slug)
        return f"<a href='{e(link)}'>{name}</a>" if link else name

    listing = "".join(
        f"<tr><td>{client_cell(s)}<div class='slug'>{e(s)}</div></td><td>{e(portfolio.industries.get(s) or '–')}</td>"
        f"<td class='num'>{e(report.number(portfolio.n_respondents.get(s) or None))}</td></tr>"
        for s in portfolio.clients)
    parts = [f"<h2>The clients</h2><table><thead><tr><th>Client</th><th>Industry</th><th>Respondents</th></tr>"
             f"</thead><tbody>{listing}</tbody></table>"]
    if not portfolio.clients:
        parts = ["<p>No engagement has been published yet.</p>"]
    elif portfolio.reason is not None:
        parts.append(f"<p>Nothing else is shown: {e(portfolio.reason.sentence)}.</p>")
    else:
        for measure in pf.MEASURES:
            t = portfolio.measure(measure)
            if t.empty:
                continue
            shown = t[t["estimate"].notna()]
            body = []
            for row in shown.itertuples():
                within = (_portfolio_place(row.industry_rank, row.industry_rank_low, row.industry_rank_high,
                                           row.industry_clients) + (f" in {e(row.industry)}" if row.industry else "")
                          if row.industry_rank == row.industry_rank else "–")
                above = ("–" if row.percentile != row.percentile else
                         f"above {report.number(row.percentile, '{:.0f}')}% of the others")
                body.append(
                    f"<tr><td>{client_cell(row.slug)}</td><td class='num'>{_portfolio_figure(row, measure)}</td>"
                    f"<td class='num'>{report.number(row.n, '{:,.0f}')}</td>"
                    f"<td>{_portfolio_place(row.rank, row.rank_low, row.rank_high, row.clients)}</td>"
                    f"<td>{above}</td><td>{e(row.position or '–')}</td><td>{within}</td>"
                    f"<td class='note'>{e(row.note)}</td></tr>")
            missing = t[t["estimate"].isna()]
            not_shown = "".join(f"<li>{client_cell(r.slug)}: {e(r.note)}.</li>" for r in missing.itertuples())
            image = ""
            if len(shown):
                chart = portfolio.chart(measure)
                data = base64.b64encode(chart.png(dpi=110)).decode("ascii")
                image = f"<p><img alt='{e(chart.alt)}' src='data:image/png;base64,{data}'></p>"
            parts.append(
                f"<h2>{e(pf.MEASURE_LABELS[measure])}</h2><p>{e(pf.MEASURE_MEANINGS[measure][:1].upper() + pf.MEASURE_MEANINGS[measure][1:])}. "
                f"{e(portfolio.sentence(measure))}</p>{image}"
                "<table><thead><tr><th>Client</th><th>Figure (95% CI)</th><th>n</th><th>Rank</th><th>Percentile</th>"
                "<th>Against the middle client</th><th>Within its industry</th><th>Basis</th></tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>"
                + (f"<p>Not shown:</p><ul>{not_shown}</ul>" if not_shown else ""))
        groups = portfolio.industry_groups
        if groups:
            lines = []
            for ind, slugs in groups.items():
                names = ", ".join(client_cell(s) for s in slugs)
                small = len(slugs) < pf.MIN_ENGAGEMENTS
                lines.append(f"<li><b>{e(ind)}</b> ({len(slugs)} client{'s' if len(slugs) != 1 else ''}): {names}"
                             + (". Too few to place clients within the industry: at least "
                                f"{pf.MIN_ENGAGEMENTS} are needed." if small else ".") + "</li>")
            none = [s for s in portfolio.clients if not portfolio.industries.get(s)]
            if none:
                lines.append(f"<li>No industry given: {', '.join(client_cell(s) for s in none)}.</li>")
            parts.append("<h2>Clients by industry</h2><p>Each measure's table gives each client's place within its "
                         f"industry too, when the industry has at least {pf.MIN_ENGAGEMENTS} clients with the "
                         f"figure.</p><ul>{''.join(lines)}</ul>")
        rec = portfolio.recurring
        for kind, title, what in (("top motivator", "Top motivators across clients",
                                   "The emotional motivators that explain most of each client's value, and how many "
                                   "clients have each among their top ones."),
                                  ("hidden driver", "Hidden drivers that recur",
                                   "Experience elements that matter more to connection than customers say (the "
                                   "supported hidden drivers of each client), and how many clients share each.")):
            r = rec[rec["kind"] == kind]
            if r.empty:
                parts.append(f"<h2>{e(title)}</h2><p>No client names any.</p>")
                continue
            of = int(r["of"].iloc[0])
            rows = "".join(f"<tr><td>{e(x.name)}</td><td class='num'>{int(x.clients)} of {of}</td>"
                           f"<td>{e(x.named_by)}</td></tr>" for x in r.itertuples())
            parts.append(f"<h2>{e(title)}</h2><p>{e(what)} Names are matched ignoring case.</p><table><thead><tr>"
                         "<th>Name</th><th>Clients</th><th>Named by</th></tr></thead>"
                         f"<tbody>{rows}</tbody></table>")
    intro = "" if portfolio.reason is not None or not portfolio.clients else """<p>Each client's headline figures as
its own report publishes them, each with its 95% confidence interval and n (customers it rests on). Rank 1 is the
largest figure, and tied clients share a rank. The percentile is the share of the other clients a client is above,
ties counted half. Intervals overlap, so a rank is uncertain: "could be" gives the ranks its interval allows (only
a client whose interval lies wholly above or below counts), and a client is said to be above or below the middle
client only when even those ranks keep it there. Each figure shows how connection goes with value, leaving or
recommendation within one business; value columns, horizons and survey designs differ between clients, so a
small difference between two clients means little.</p>"""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cxlib portfolio: clients side by side</title>
<style>{_PORTFOLIO_STYLE}</style></head><body>
<h1>Clients side by side</h1>
<p><a href='index.html'>All reports</a>. Generated {e(_when(generated))}.</p>
{intro}
{''.join(parts)}
</body></html>
"""


def write_portfolio(out: Path, results: dict[str, dict[str, Any]], *, generated: str) -> Path:
    """Write ``out/portfolio.html`` atomically from the published results (``{slug: results.json dict}``).

    Each client's name links to its executive summary when ``out/<slug>/00_executive_summary.html`` exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> write_portfolio(out, {"acme": {"client": "Acme"}}, generated="2026-11-24T04:05:00+00:00").name
    'portfolio.html'
    """
    from . import portfolio as pf

    out = Path(out)
    reports = {slug: f"{slug}/00_executive_summary.html" for slug in results
               if (out / slug / "00_executive_summary.html").is_file()}
    page = portfolio_html(pf.compare(results), generated=generated, reports=reports)
    target = out / "portfolio.html"
    tmp = out / ".portfolio.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


# -- The workbook of tables (reports/<slug>/<slug>-tables.xlsx) ----------------------------------------------

def write_workbook(ipynbs: Sequence[Path], target: Path, *, client: str,
                   results: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the workbook of every table of the executed notebooks ``ipynbs`` to ``target`` (see
    :func:`cxlib.workbook.build`), atomically (a temporary file in the same folder, then renamed).

    Returns run.json's record of it: ``{"made": True, "file", "sheets", "tables"}`` (``sheets`` counts the
    Contents and Methods sheets too).

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> html = "<table><thead><tr><th>n</th></tr></thead><tbody><tr><td>1,234</td></tr></tbody></table>"
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Report\\n\\n## Sample"),
    ...     nbformat.v4.new_code_cell("t", outputs=[nbformat.v4.new_output("display_data", data={"text/html": html})])])
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> nbformat.write(nb, d / "01_motivator_discovery.ipynb")
    >>> write_workbook([d / "01_motivator_discovery.ipynb"], d / "acme-tables.xlsx", client="Acme")
    {'made': True, 'file': 'acme-tables.xlsx', 'sheets': 3, 'tables': 1}
    """
    import nbformat

    from . import workbook

    notebooks = [(Path(p).stem, nbformat.read(str(p), as_version=4)) for p in ipynbs]
    book = workbook.build(notebooks, client=client, results=results)
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        book.save(tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    names = book.sheetnames
    return {"made": True, "file": target.name, "sheets": len(names),
            "tables": len([n for n in names if n not in (workbook.CONTENTS, workbook.METHODS)])}


# -- The executive summary as a slide deck (reports/<slug>/<slug>-summary.pptx) -------------------------------

def write_deck(engagement: Any, results: Any, target: Path, *, seed: int = 0, date: Any = None) -> dict[str, Any]:
    """Write the executive summary of ``engagement`` as a slide deck to ``target`` (see :func:`cxlib.deck.build`),
    atomically (a temporary file in the same folder, then renamed).

    The summary page is built again from ``results`` (the engagement's ``results.json``, a path or a dict)
    with the notebook's defaults and the run's ``seed``, so its sentences and charts are the report's own;
    the charts are re-drawn at :data:`cxlib.deck.DPI` dpi (the notebook keeps them at screen resolution).

    Returns run.json's record of it: ``{"made": True, "file", "slides", "charts", "seconds"}``.

    Examples
    --------
    An engagement folder that is not there is the loader's clear error, before anything is written:

    >>> write_deck("no-such-folder", {}, Path("no-such-folder-summary.pptx"))
    Traceback (most recent call last):
    ...
    cxlib.errors.DataError: no-such-folder: not an engagement folder (no such directory)

    Making a deck builds the summary's scenarios (seconds to minutes), so it is not run as a test:

    >>> write_deck("data/demo-retailer", "reports/demo-retailer/results.json",
    ...            Path("reports/demo-retailer/demo-retailer-summary.pptx"))          # doctest: +SKIP
    {'made': True, 'file': 'demo-retailer-summary.pptx', 'slides': 19, 'charts': 7, 'seconds': 41.2}
    """
    import json
    import time

    from . import deck
    from .engagement import Engagement, load_engagement
    from .pages import summary

    t0 = time.perf_counter()
    eng = engagement if isinstance(engagement, Engagement) else load_engagement(engagement)
    figures = results if isinstance(results, dict) else json.loads(Path(results).read_text(encoding="utf-8"))
    page = summary.build(eng, seed=seed, results=figures)
    made = deck.build(page, date=date)
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(made.to_bytes())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return {"made": True, "file": target.name, "slides": len(made), "charts": made.charts,
            "seconds": round(time.perf_counter() - t0, 1)}
