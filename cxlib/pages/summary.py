"""The executive summary (notebook 00): the story on one page, stated from the analyses' own figures.

The summary never recomputes a finding. It words the headline figures the four analyses recorded for
``results.json`` (:func:`gather` computes them in place when the batch has not passed them), so the
summary, the detail pages, the index and ``results.json`` cannot disagree. Only the value-at-stake
scenarios are computed here (:mod:`cxlib.simulate`).
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import report
from . import common
from ..report import Markdown
from ..results import Reason

__all__ = ["SummaryPage", "Finding", "build", "gather", "stated"]

#: The detail report of each finding.
LINKS = {"value": "01_motivator_discovery.html", "drivers": "02_driver_analysis.html",
         "attrition": "03_attrition_survival.html", "programme": "04_advocacy_programme.html"}


def _ok(e: Any) -> bool:
    return isinstance(e, Mapping) and e.get("estimate") is not None and math.isfinite(float(e["estimate"]))


def stated(e: Mapping[str, Any], kind: str) -> str:
    """One recorded estimate as a reviewer reads it: value, 95% CI and n (``kind``: share, times, nps, number).

    Examples
    --------
    >>> stated({"estimate": 0.224, "ci_low": 0.21, "ci_high": 0.238, "n": 5601}, "share")
    '22% (95% CI 21%–24%; n=5,601)'
    >>> stated({"estimate": 1.96, "ci_low": 1.8, "ci_high": 2.1, "n": 812}, "times")
    '1.96× (95% CI 1.80–2.10; n=812)'
    >>> stated({"estimate": None, "ci_low": None, "ci_high": None, "n": 12, "note": "too few"}, "share")
    'not estimable (too few)'
    """
    if not _ok(e):
        return "not estimable" + (f" ({e.get('note')})" if isinstance(e, Mapping) and e.get("note") else "")
    n = f"; n={int(e['n']):,}" if e.get("n") is not None else ""
    if e.get("ci_low") is None or e.get("ci_high") is None:
        ci = "no interval"
    elif kind == "share":
        lo, hi = report.percent(e["ci_low"]), report.percent(e["ci_high"])
        ci = f"95% CI {lo}–{hi}"
    elif kind == "times":
        ci = "95% CI " + report.interval(e["ci_low"], e["ci_high"], fmt="{:.2f}")
    elif kind == "nps":
        ci = "95% CI " + report.interval(e["ci_low"], e["ci_high"], fmt="{:+.0f}")
    else:
        ci = "95% CI " + report.interval(e["ci_low"], e["ci_high"], fmt="{:,.0f}")
    value = {"share": report.percent(e["estimate"]), "times": report.number(e["estimate"], "{:.2f}") + "×",
             "nps": report.number(e["estimate"], "{:+.0f}")}.get(kind, report.number(e["estimate"]))
    return f"{value} ({ci}{n})"


@dataclass(frozen=True)
class Finding:
    """One numbered point of the story: a bold lead, its sentence(s) and the detail report it comes from."""

    lead: str
    sentence: str
    link: str
    figures: tuple[tuple[str, Any], ...] = ()

    def markdown(self) -> str:
        return f"**{self.lead}** {self.sentence} [Details]({self.link})"


def _connection(R: Mapping[str, Any]) -> Finding | None:
    shares, vm = R.get("segment_shares") or {}, R.get("value_multiplier")
    fc = shares.get("fully connected")
    if not fc:
        return None
    value = report.pretty(vm.get("label") or vm.get("value") or "value").lower() if isinstance(vm, Mapping) else "value"
    if _ok(fc):
        share, _, rest = stated(fc, "share").partition(" ")
        text = f"{share} of customers are fully connected {rest}."
    else:
        text = f"The fully connected share is {stated(fc, 'share')}."
    figures: list[tuple[str, Any]] = [("segment_shares.fully connected", fc.get("estimate"))]
    if _ok(vm):
        text += f" A fully connected customer is worth {stated(vm, 'times')} a highly satisfied one in {value}."
        figures.append(("value_multiplier", vm["estimate"]))
        lead = "Connection is worth money."
    else:
        note = (vm or {}).get("note") or "too few customers to compare"
        text += f" What connection is worth in {value} could not be estimated: {note}."
        lead = "Connection."
    return Finding(lead, text, LINKS["value"], tuple(figures))


def _motivators(R: Mapping[str, Any]) -> Finding | None:
    top = R.get("top_motivators") or []
    if not top:
        note = R.get("top_motivators_note")
        return Finding("What connects them.", str(note), LINKS["value"]) if note else None
    parts = [f"*{report.text(m['motivator'])}* ({report.number(m['estimate'], '{:.0f}')}% of what the motivators "
             f"explain, 95% CI {report.interval(m['ci_low'], m['ci_high'], fmt='{:.0f}')})" for m in top]
    r2, n = top[0].get("r2"), top[0].get("n")
    value = report.pretty(top[0].get("value") or "value").lower()
    explained = (f" Together the motivators explain {report.percent(r2)} of the differences in {value} between "
                 f"customers (R² = {report.number(r2, '{:.2f}')}; n={int(n):,})." if r2 is not None and n else
                 (f" (n={int(n):,})" if n else ""))
    return Finding("What connects them.", "The emotional motivators that matter most here: "
                   + report.listing(parts, limit=len(parts)) + "." + explained, LINKS["value"],
                   (("top_motivators", [m["motivator"] for m in top]),))


def _drivers(R: Mapping[str, Any]) -> Finding | None:
    if "hidden_drivers" not in R:
        return None
    hidden, over = R.get("hidden_drivers") or [], R.get("overrated") or []
    h = report.listing([f"*{report.text(d['element'])}*" for d in hidden], limit=4)
    o = report.listing([f"*{report.text(d['element'])}*" for d in over], limit=4)
    n = max((int(d["n"]) for d in hidden + over if d.get("n") is not None), default=None)
    base = f" Both lists come from the ratings of {n:,} respondents (n={n:,})." if n else ""
    return Finding("Where to act.",
                   f"Hidden drivers — customers rate them unimportant, yet they go with emotional connection: {h}. "
                   f"Overrated — customers say they matter, but connection barely moves with them: {o}.{base}",
                   LINKS["drivers"], (("hidden_drivers", [d["element"] for d in hidden]),
                                      ("overrated", [d["element"] for d in over])))


def _attrition(R: Mapping[str, Any]) -> Finding | None:
    """Attrition at the horizon, then the hazard ratio worded as a rate (adjusted for the engagement's
    covariates, not for the contact experience) where fully connected against highly satisfied passes the
    proportional-hazards check, or the days kept within the horizon where it does not (``ph_holds``)."""
    from .attrition import rate_words

    att, hr = R.get("attrition") or {}, R.get("hazard_ratio") or {}
    fc, hs = att.get("fully connected"), att.get("highly satisfied")
    if not att:
        return None
    if not (_ok(fc) and _ok(hs)):
        why = next((e.get("note") for e in (fc, hs) if isinstance(e, Mapping) and e.get("note")), None)
        why = why or hr.get("note") or "the segments could not be compared"
        return Finding("Attrition.", f"Attrition is not compared between segments: {why}.", LINKS["attrition"])
    horizon = fc.get("horizon")
    days = report.number(horizon, '{:,.0f}') if horizon is not None else None
    within = f"Within {days} days" if days else "Within the horizon"
    text = (f"{within}, {stated(fc, 'share')} of fully connected customers left, against {stated(hs, 'share')} of "
            "highly satisfied ones.")
    figures: list[tuple[str, Any]] = [("attrition.fully connected", fc["estimate"])]
    kept = R.get("days_kept") or {}
    adjusted = [report.pretty(c).lower() for c in (hr.get("adjusted_for") or [])]
    allowing = f", allowing for {report.listing([report.text(a) for a in adjusted], limit=4)}" if adjusted else ""
    if R.get("ph_holds") is False:
        if _ok(kept):
            more = "more" if kept["estimate"] >= 0 else "fewer"
            over = f"Over those {days} days" if days else "Over the horizon"
            ci = report.interval(kept["ci_low"], kept["ci_high"], fmt="{:,.0f}") if _ok(kept) and kept.get("ci_low") \
                is not None else None
            text += (f" {over}, fully connected customers stayed on average {report.number(abs(kept['estimate']))} "
                     f"{more} days than highly satisfied ones (restricted mean survival time"
                     + (f", 95% CI {ci}" if ci else "") + f"; n={int(kept['n']):,}).")
            figures.append(("days_kept", kept["estimate"]))
        text += (" The ratio of their rates of leaving changes over follow-up, so no single hazard ratio is given "
                 "here.")
    elif _ok(hr):
        ci = (f", 95% CI {report.interval(hr['ci_low'], hr['ci_high'])}" if hr.get("ci_low") is not None
              and hr.get("ci_high") is not None else "")
        text += (f" Fully connected customers leave at {rate_words(hr['estimate'])} highly satisfied ones (hazard "
                 f"ratio {report.number(hr['estimate'], '{:.2f}')}{ci}; n={int(hr['n']):,}{allowing}).")
        figures.append(("hazard_ratio", hr["estimate"]))
    elif hr.get("note"):
        text += f" No hazard ratio is given: {hr['note']}."
    text += " These are associations: connected customers may differ in ways the data do not measure."
    return Finding("Connected customers stay.", text, LINKS["attrition"], tuple(figures))


def _advocacy(R: Mapping[str, Any], min_cell: int) -> Finding | None:
    nps = R.get("nps") or {}
    overall = nps.get("overall")
    if not _ok(overall):
        return None
    text = f"Net Promoter Score (% promoters − % detractors) is {stated(overall, 'nps')}"
    fc, hs = nps.get("fully connected"), nps.get("highly satisfied")
    # Segment NPS only where both segments are large enough to report (small-cell suppression).
    if _ok(fc) and _ok(hs) and min(int(fc["n"]), int(hs["n"])) >= min_cell:
        text += f": {stated(fc, 'nps')} among fully connected customers against {stated(hs, 'nps')} among highly satisfied ones"
    return Finding("Advocacy.", text + ".", LINKS["programme"], (("nps.overall", overall["estimate"]),))


#: Wave metrics as the summary words them: (label, scale, unit).
WAVE_METRICS = {"connected": ("fully connected share", 100, " points"), "attrition": ("attrition", 100, " points"),
                "advocacy": ("promoters", 100, " points"), "nps": ("Net Promoter Score", 1, " points"),
                "value": ("mean value", 1, "")}


def _programme(R: Mapping[str, Any], value_label: str = "value") -> Finding | None:
    w = R.get("waves")
    if not isinstance(w, Mapping) or "before" not in w:
        return None
    compared = [m for m in WAVE_METRICS if _ok(w.get(m))]
    parts = []
    for metric in compared:
        label, k, unit = WAVE_METRICS[metric]
        if metric == "value":
            label = f"mean {value_label.lower()}"
        e = w[metric]
        holds = e.get("p_adjusted") is not None and e["p_adjusted"] < 0.05
        excludes_zero = e["ci_low"] > 0 or e["ci_high"] < 0
        change = report.number(e["estimate"] * k, "{:+.1f}") + unit
        ci = report.interval(e["ci_low"] * k, e["ci_high"] * k, fmt="{:+.1f}")
        verdict = (f"a real change, allowing for the {len(compared)} comparisons made" if holds else
                   f"not clear once the {len(compared)} comparisons are allowed for" if excludes_zero else
                   "within what chance alone could give")
        n = (f"; n={int(e['n_before']):,} and {int(e['n_after']):,}" if e.get("n_before") is not None
             and e.get("n_after") is not None else f"; n={int(e['n']):,}" if e.get("n") is not None else "")
        parts.append(f"{label} {change} (95% CI {ci}{n}; {verdict})")
    if not parts:
        return None
    return Finding("The programme.", f"From {report.text(w['before'])} to {report.text(w['after'])}: "
                   + "; ".join(parts) + ".", LINKS["programme"])


def gather(eng: Any, *, seed: int = 0) -> dict[str, Any]:
    """The four analyses' headline figures, computed in place (what ``cx run`` passes to the summary).

    Each analysis page computes exactly what its notebook records, with the notebooks' default
    parameters, so a summary run by hand states the same numbers as the published reports.
    """
    from . import attrition, drivers, programme, value

    merged: dict[str, Any] = {"client": eng.client}
    for module in (value, drivers, attrition, programme):
        merged.update(report.to_jsonable(module.build(eng, seed=seed).results()))
    return merged


def _load(results: str | Path | Mapping[str, Any] | None, eng: Any, seed: int) -> dict[str, Any]:
    if results is None:
        return gather(eng, seed=seed)
    if isinstance(results, Mapping):
        return dict(results)
    path = Path(results)
    if not path.exists():
        from ..errors import ArgumentError

        raise ArgumentError(f"summary.build: results file {str(path)!r} does not exist; leave results=None to "
                            "compute the analyses' figures here", function="summary.build", argument="results")
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True, eq=False)
class SummaryPage:
    """The executive summary's findings, charts and value at stake (see :func:`build`)."""

    client: str
    figures: Mapping[str, Any]
    findings: tuple[Finding, ...]
    scenarios: tuple[tuple[str, Any], ...]
    scenario_base: int
    value_label: str
    value_unit: str
    methods_common: str
    n_boot: int
    seed: int
    min_cell: int
    sample: Any = field(default=None)
    scenario_notes: tuple[str, ...] = ()

    def headline(self) -> Markdown:
        """The story in numbered points, each with its CI and n and a link to its detail."""
        if not self.findings:
            return Markdown(f"## {report.text(self.client)}\n\nNo finding could be estimated from this engagement.")
        points = "\n\n".join(f"{i}. {f.markdown()}" for i, f in enumerate(self.findings, 1))
        return Markdown(f"## {report.text(self.client)}: the story in {len(self.findings)} points\n\n{points}")

    # -- charts ------------------------------------------------------------------------------
    def _chart(self, rows: list[dict[str, Any]], *, height: float, **kwargs: Any) -> Any:
        import matplotlib.pyplot as plt
        import pandas as pd

        from .. import plots

        if not rows:
            return None
        fig, ax = plt.subplots(figsize=(9, height))
        plots.estimates(pd.DataFrame(rows), label="label", ax=ax, **kwargs)
        fig.tight_layout()
        return fig

    def connection_chart(self) -> Any:
        """Who is connected: the segment shares with their intervals (segment base stated in the title)."""
        shares = self.figures.get("segment_shares") or {}
        rows = [{"label": s.capitalize(), "segment": s, **e} for s, e in shares.items() if _ok(e)]
        n = self.sample.segmented if self.sample is not None else None
        return self._chart(rows, height=2.8, scale=100, fmt="{:.0f}%", colour_by="segment",
                           xlabel="Share of customers (%), with 95% CI",
                           title="Who is fully connected" + (f" (n={n:,} customers with a segment)" if n else ""))

    def drivers_chart(self) -> Any:
        """Hidden drivers to act on and overrated elements, by derived importance."""
        hidden = [{**d, "quadrant": "hidden driver"} for d in self.figures.get("hidden_drivers") or []]
        over = [{**d, "quadrant": "overrated"} for d in self.figures.get("overrated") or []]
        rows = [{**d, "label": f"{d['element']} ({d['quadrant']})"} for d in hidden + over if _ok(d)]
        return self._chart(rows, height=0.45 * len(rows) + 1.2, fmt="{:.1f}", colour_by="quadrant",
                           xlabel="Derived importance: % of the explained connection, with 95% CI",
                           title="Hidden drivers to act on; overrated elements not to over-invest in")

    def attrition_chart(self) -> Any:
        att = self.figures.get("attrition") or {}
        rows = [{"label": s.capitalize(), "segment": s, **e} for s, e in att.items() if _ok(e)]
        horizon = next((e.get("horizon") for e in att.values() if isinstance(e, Mapping) and e.get("horizon")), None)
        return self._chart(rows, height=2.6, scale=100, fmt="{:.0f}%", colour_by="segment",
                           xlabel=f"Left within {report.number(horizon)} days (%), with 95% CI" if horizon else
                           "Left within the horizon (%), with 95% CI",
                           title="Fully connected customers leave less")

    def nps_chart(self) -> Any:
        nps = self.figures.get("nps") or {}
        rows = [{"label": s.capitalize(), "segment": s, **e} for s, e in nps.items() if s != "overall" and _ok(e)]
        return self._chart(rows, height=2.6, fmt="{:+.0f}", colour_by="segment", reference=0,
                           xlabel="Net Promoter Score (−100 to +100), with 95% CI",
                           title="Fully connected customers recommend more")

    def programme_table(self) -> Any:
        """Every metric compared between the first and last wave, moved or not."""
        import pandas as pd

        w = self.figures.get("waves")
        if not isinstance(w, Mapping) or "before" not in w:
            return Markdown("This engagement has a single wave, so there is no before/after comparison.")
        rows = []
        for metric, (label, k, unit) in WAVE_METRICS.items():
            e = w.get(metric)
            if not isinstance(e, Mapping):
                continue
            fmt = "{:.1f}" if k == 100 else "{:,.1f}"
            rows.append({"Measure": label[:1].upper() + label[1:],
                         str(w["before"]): report.number(e.get("before") * k if e.get("before") is not None else None, fmt),
                         str(w["after"]): report.number(e.get("after") * k if e.get("after") is not None else None, fmt),
                         "Change (95% CI)": (report.number(e["estimate"] * k, "{:+.1f}") + " (" +
                                             report.interval(e["ci_low"] * k, e["ci_high"] * k, fmt="{:+.1f}") + ")")
                         if _ok(e) and e.get("ci_low") is not None else "not estimable",
                         "Holds after adjustment": ("yes" if e.get("p_adjusted") is not None and e["p_adjusted"] < 0.05
                                                    else "no") if _ok(e) else "–",
                         "n": f"{int(e.get('n', 0)):,}"})
        return pd.DataFrame(rows).style.hide(axis="index").format(escape="html")

    # -- value at stake ------------------------------------------------------------------------
    def value_at_stake_intro(self) -> Markdown:
        return Markdown(f"Changes for the {self.scenario_base:,} customers in the customer base, with 95% intervals "
                        f"from {self.n_boot:,} bootstrap resamples of the respondents:")

    def value_at_stake_table(self) -> Any:
        import pandas as pd

        if not self.scenarios:
            return Markdown("No scenario could be computed for this engagement.")
        labels = {"connected_share": ("Fully connected share", 100, " points"),
                  "value_total": (f"{self.value_label}, all customers", 1, ""),
                  "customers_kept": ("Customers still active at the horizon", 1, ""),
                  "promoter_share": ("Promoters", 100, " points")}
        rows = []
        for name, res in self.scenarios:
            table = res.table.set_index("outcome")
            row = {"Scenario": name}
            for key, (label, k, unit) in labels.items():
                if key in table.index:
                    e = table.loc[key]
                    fmt = "{:+,.1f}" if k != 1 else "{:+,.0f}"
                    row[label] = (report.number(e["change"] * k, fmt) + unit + " (" +
                                  report.interval(e["ci_low"] * k, e["ci_high"] * k, fmt=fmt) + ")")
            rows.append(row)
        return pd.DataFrame(rows).fillna("–").style.hide(axis="index").format(escape="html")

    def value_at_stake_chart(self) -> Any:
        rows = []
        for name, res in self.scenarios:
            table = res.table.set_index("outcome")
            if "value_total" in table.index:
                e = table.loc["value_total"]
                rows.append({"label": name, "estimate": e["change"], "ci_low": e["ci_low"], "ci_high": e["ci_high"]})
        unit = f" ({self.value_unit})" if self.value_unit else ""
        return self._chart(rows, height=0.6 * len(rows) + 1.2, fmt="{:+,.0f}",
                           xlabel=f"Change in {self.value_label.lower()}{unit} across all {self.scenario_base:,} customers, with 95% CI",
                           title="What more connection would be worth")

    def assumptions(self) -> Markdown:
        """Each scenario's assumption in words, and what the scenarios leave out and why."""
        lines = [f"- *{name}*: {res.assumption}" for name, res in self.scenarios]
        return Markdown("\n".join(lines + [f"- {note}" for note in self.scenario_notes]))

    def methods(self) -> Markdown:
        return Markdown(self.methods_common + "\n" + "\n".join([
            "- **Estimators.** Value multiplier by bias-corrected bootstrap (BCa); motivator and driver importance by "
            "relative weights (Johnson) with bootstrap intervals; attrition by Kaplan–Meier and Cox models; Net "
            "Promoter Score with its analytic variance; wave changes with Newcombe intervals and Holm-adjusted p-values.",
            f"- **Scenarios.** {self.n_boot:,} bootstrap resamples of the respondents (seed {self.seed}).",
        ]))

    # -- results.json -------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        shown = {k: v for f in self.findings for k, v in f.figures}
        value_at_stake = {}
        for name, res in self.scenarios:
            table = res.table.set_index("outcome")
            if "value_total" in table.index:
                e = table.loc["value_total"]
                value_at_stake[name] = report.estimate_dict(e["change"], e["ci_low"], e["ci_high"], int(e["n"]))
        return {"executive_summary": {"claims": len(self.findings), "figures": shown, "value_at_stake": value_at_stake}}

    def record(self) -> None:
        for key, value in self.results().items():
            report.record(key, value)


def _scenarios(eng: Any, figures: Mapping[str, Any], *, seed: int, n_boot: int, shares: Sequence[float],
               element_points: float) -> tuple[tuple[tuple[str, Any], ...], int]:
    from .. import simulate

    cfg = eng.config
    att, adv = cfg.get("attrition"), cfg.get("advocacy")
    value_col = cfg["value"][0] if isinstance(cfg["value"][0], str) else cfg["value"][0]["column"]
    frame = eng.frame()
    notes = []
    if att:
        longest = float(frame[att["duration"]].max())
        if not longest >= float(att["horizon"]):
            # Attrition at the horizon cannot be estimated, so the scenarios carry value and advocacy only.
            notes.append("Customers kept are left out of the scenarios: "
                         + Reason.of("horizon_past_follow_up", horizon=float(att["horizon"]), longest=longest).sentence + ".")
            att = None
    outcomes = simulate.Outcomes(value=value_col, duration=att["duration"] if att else None,
                                 event=att["event"] if att else None, horizon=att["horizon"] if att else 365,
                                 advocacy=adv["column"] if adv else None)
    customers = len(eng.customers)
    weight = cfg.get("weight")
    out = []
    for q in shares:
        out.append((f"{report.percent(q)} of highly satisfied customers become fully connected",
                    simulate.connect_share(frame, share=q, outcomes=outcomes, weight=weight, customers=customers,
                                           n_boot=n_boot, seed=seed)))
    hidden = figures.get("hidden_drivers") or []
    if hidden:
        top = hidden[0]["element"]
        out.append((f"{report.text(top)}: rated {element_points:g} point{'' if element_points == 1 else 's'} higher",
                    simulate.improve_element(frame, eng.codebook, element=top, points=element_points,
                                             threshold=cfg["connection"]["threshold"], outcomes=outcomes,
                                             weight=weight, customers=customers, n_boot=n_boot, seed=seed)))
    return tuple(out), customers, tuple(notes)


def _value_label(eng: Any) -> str:
    value = eng.config["value"][0]
    if isinstance(value, Mapping):
        return str(value.get("label") or report.pretty(value["column"]))
    return report.pretty(value)


def build(eng: Any, *, seed: int = 0, results: str | Path | Mapping[str, Any] | None = None, n_boot: int = 500,
          scenario_shares: Sequence[float] = (0.25, 1.0), element_points: float = 1) -> SummaryPage:
    """The executive summary of ``eng``.

    Parameters
    ----------
    eng : Engagement
    seed : int
        Seed of the scenarios' bootstrap (and of the analyses when computed here).
    results : path, dict or None
        The analyses' merged headline figures (``cx run`` passes them); None computes them here
        (:func:`gather`), so the notebook also runs on its own.
    n_boot : int
        Bootstrap resamples of the value-at-stake scenarios.
    scenario_shares : sequence of float
        Shares of highly satisfied customers who become fully connected, one scenario each.
    element_points : float
        Rise in the first hidden driver's rating for the element scenario.
    """
    from ..checks import count

    n_boot = count(n_boot, "summary.build", "n_boot", minimum=2)
    figures = _load(results, eng, seed)
    min_cell = int(eng.config["privacy"]["min_cell"])
    findings = tuple(f for f in (_connection(figures), _motivators(figures), _drivers(figures), _attrition(figures),
                                 _advocacy(figures, min_cell), _programme(figures, _value_label(eng)))
                     if f is not None)
    scenarios, base, notes = _scenarios(eng, figures, seed=seed, n_boot=n_boot, shares=scenario_shares,
                                 element_points=element_points)
    value = eng.config["value"][0]
    unit = value.get("unit") if isinstance(value, Mapping) else ""
    return SummaryPage(client=eng.client, figures=figures, findings=findings, scenarios=scenarios, scenario_base=base,
                       value_label=_value_label(eng), value_unit=unit or "",
                       methods_common=common.methods_common(eng), n_boot=n_boot, seed=seed, min_cell=min_cell,
                       sample=eng.sample, scenario_notes=notes)
