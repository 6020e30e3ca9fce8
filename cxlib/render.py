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

__all__ = ["sanitize_page", "notebook_html", "write_notebook_html", "index_html", "write_index"]

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
                "04": "Advocacy and programme"}


def _when(stamp: str | None) -> str:
    """``2026-11-24T04:03:11+00:00`` -> ``2026-11-24 04:03 UTC`` (text that is not such a stamp is kept)."""
    if not stamp:
        return ""
    m = re.match(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2})?(\+00:00|Z)?$", stamp)
    return f"{m.group(1)} {m.group(2)}" + (" UTC" if m.group(3) else "") if m else stamp


def index_html(entries: Sequence[dict[str, Any]], *, generated: str) -> str:
    """The reports index: one row per engagement with status, date, headline figures and links.

    Each entry: ``slug, client, status ("ok" | "failed" | "skipped"), finished, error, notebooks
    (list of notebook names with an HTML page), results (the results.json dict or None)``.

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
            f"<td>{links}</td>"
            "</tr>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cxlib reports</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1080px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
.slug, .ci, .err {{ color: #666; font-size: .85em; }} .status.ok {{ color: #1a7f37; }} .status.failed {{ color: #b42318; }}
</style></head><body>
<h1>Customer connection reports</h1>
<p>Each engagement's reports, with its status and headline figures, each with its 95% confidence interval: the
share of fully connected customers; the value multiplier (mean value of fully connected over highly satisfied
customers, a ratio of averages: it shows how the two go together, not what connection causes); and the rate at
which fully connected customers leave relative to highly satisfied ones (the hazard ratio: 0.5 means they leave
at about half the rate). Start with the summary. Generated {e(_when(generated))}.</p>
<table><thead><tr><th>Client</th><th>Status</th><th>Finished</th><th>Respondents</th><th>Fully connected</th>
<th>Value multiplier</th><th>Rate of leaving (hazard ratio)</th><th>Reports</th></tr></thead>
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
