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
        if vm.get("kind") == "rate":
            text += f" A fully connected customer shows {stated(vm, 'times')} the rate of a highly satisfied one in {value}."
        else:
            text += (f" On average a fully connected customer has {stated(vm, 'times')} as much as a highly satisfied one "
                     f"in {value}.")
        more = []
        adj = vm.get("adjusted")
        if _ok(adj):
            covs = report.listing([report.text(report.pretty(c).lower()) for c in adj.get("covariates") or []], limit=6)
            ci = (f" (95% CI {report.interval(adj['ci_low'], adj['ci_high'], fmt='{:.2f}')})"
                  if adj.get("ci_low") is not None and adj.get("ci_high") is not None else "")
            more.append(f"after allowing for {covs}, {report.number(adj['estimate'], '{:.2f}')}×{ci}")
            figures.append(("value_multiplier.adjusted", adj["estimate"]))
        med = vm.get("median")
        if _ok(med):
            more.append(f"between the median customers of each, {stated(med, 'times')}")
            figures.append(("value_multiplier.median", med["estimate"]))
        if more:
            text += " " + "; ".join(more)[:1].upper() + "; ".join(more)[1:] + "."
        text += (" This is how value goes with connection among respondents, not proof that connecting customers "
                 "would raise it.")
        figures.append(("value_multiplier", vm["estimate"]))
        lead = "Connection goes with higher value."
    else:
        note = (vm or {}).get("note") or "too few customers to compare"
        text += f" How {value} goes with connection could not be estimated: {note}."
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
    return Finding("What connects them.", f"The emotional motivators most linked to {value} here: "
                   + report.listing(parts, limit=len(parts)) + "." + explained, LINKS["value"],
                   (("top_motivators", [m["motivator"] for m in top]),))


def _drivers(R: Mapping[str, Any]) -> Finding | None:
    if "hidden_drivers" not in R:
        return None
    hidden, over = R.get("hidden_drivers") or [], R.get("overrated") or []
    cls = R.get("classification") or {}
    possible = cls.get("possible") or {}
    fdr = cls.get("fdr")
    level = f" at a {fdr * 100:.0f}% false-discovery rate" if fdr else ""

    def named(items: list, what: str) -> str:
        return report.listing([f"*{report.text(d['element'])}*" for d in items], limit=4) if items else \
            f"none is supported{level}"

    def maybe(key: str, what: str) -> str:
        k = len(possible.get(key) or [])
        return (f" {k:,} more element{' is a' if k == 1 else 's are'} possible {what}{'' if k == 1 else 's'}, "
                "not named here: the evidence does not support the label." if k else "")

    n = max((int(d["n"]) for d in hidden + over if d.get("n") is not None), default=None)
    base = f" Both lists come from the ratings of {n:,} respondents (n={n:,})." if n else ""
    return Finding("Where to act.",
                   f"Hidden drivers — customers rate them unimportant, yet they go with emotional connection more "
                   f"than an average element (only those the evidence supports{level}): {named(hidden, 'hidden')}."
                   + maybe("hidden_drivers", "hidden driver")
                   + f" Overrated — customers say they matter, but they go with connection less than an average "
                   f"element: {named(over, 'overrated')}." + maybe("overrated", "overrated element") + base,
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
        verdict = (f"beyond chance after Holm adjustment across the {len(compared)} measures" if holds else
                   f"not clear once the {len(compared)} measures compared are allowed for (Holm)" if excludes_zero else
                   "within what chance alone could give")
        n = (f"; n={int(e['n_before']):,} and {int(e['n_after']):,}" if e.get("n_before") is not None
             and e.get("n_after") is not None else f"; n={int(e['n']):,}" if e.get("n") is not None else "")
        parts.append(f"{label} {change} (95% CI {ci}{n}; {verdict})")
    if not parts:
        return None
    return Finding("Between the waves.", f"From {report.text(w['before'])} to {report.text(w['after'])}: "
                   + "; ".join(parts) + ". The waves are separate samples without a comparison group: they show what "
                   "changed, not why.", LINKS["programme"])


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
    rises: Any = None  # simulate.ObservedRises: the rises the data show, which cap the scenarios
    wave_check: Any = None  # simulate.WaveCheck: the scenarios' assumption against the waves (None: one wave)

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
                           title="Attrition by segment")

    def nps_chart(self) -> Any:
        nps = self.figures.get("nps") or {}
        rows = [{"label": s.capitalize(), "segment": s, **e} for s, e in nps.items() if s != "overall" and _ok(e)]
        return self._chart(rows, height=2.6, fmt="{:+.0f}", colour_by="segment", reference=0,
                           xlabel="Net Promoter Score (−100 to +100), with 95% CI",
                           title="Net Promoter Score by segment")

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
            if metric == "value":
                label = f"mean {self.value_label.lower()}" + (f" ({self.value_unit})" if self.value_unit else "")
            rows.append({"Measure": label[:1].upper() + label[1:],
                         str(w["before"]): report.number(e.get("before") * k if e.get("before") is not None else None, fmt),
                         str(w["after"]): report.number(e.get("after") * k if e.get("after") is not None else None, fmt),
                         "Change (95% CI)": (report.number(e["estimate"] * k, "{:+.1f}") + " (" +
                                             report.interval(e["ci_low"] * k, e["ci_high"] * k, fmt="{:+.1f}") + ")")
                         if _ok(e) and e.get("ci_low") is not None else "not estimable",
                         "Beyond chance (Holm, all measures)": ("yes" if e.get("p_adjusted") is not None
                                                                and e["p_adjusted"] < 0.05 else "no") if _ok(e) else "–",
                         "n": f"{int(e.get('n', 0)):,}"})
        return pd.DataFrame(rows).style.hide(axis="index").format(escape="html")

    # -- value at stake ------------------------------------------------------------------------
    def _unit(self) -> str:
        return f" ({self.value_unit})" if self.value_unit else ""

    def value_at_stake_intro(self) -> Markdown:
        """The base, the unit and what the intervals cover."""
        if not self.scenarios:
            return Markdown("")
        from ..simulate import COVERS

        return Markdown(f"What would change if the scenarios' assumption held, for the {self.scenario_base:,} customers who "
                        f"were still customers at the survey date; {report.text(self.value_label.lower())} "
                        + (f"in {report.text(self.value_unit)}" if self.value_unit else "in the unit of the customers file")
                        + f". 95% intervals from {self.n_boot:,} "
                        f"bootstrap resamples: {COVERS}.")

    def value_at_stake_table(self) -> Any:
        import pandas as pd

        if not self.scenarios:
            return Markdown("No scenario could be computed for this engagement.")
        labels = {"connected_share": ("Fully connected share", 100, " points"),
                  "value_total": (f"{self.value_label}{self._unit()}, all customers", 1, ""),
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
        return self._chart(rows, height=0.6 * len(rows) + 1.2, fmt="{:+,.0f}",
                           xlabel=f"Change in {self.value_label.lower()}{self._unit()} across the {self.scenario_base:,} "
                                  "customers at the survey date, with 95% CI (respondents resampled)",
                           title="Value at stake if the scenarios' assumption held")

    def assumptions(self) -> Markdown:
        """Each scenario's assumption in words, how far the shares offered go, and what the scenarios leave out."""
        lines = [f"- *{name}*: {res.assumption}" for name, res in self.scenarios]
        if self.rises is not None:
            lines.append(f"- {self.rises.headline()}")
        return Markdown("\n".join(lines + [f"- {note}" for note in self.scenario_notes]))

    def assumption_check(self) -> Markdown:
        """The scenarios' assumption checked against what happened between the waves (or why it cannot be)."""
        if self.wave_check is None:
            return Markdown("The engagement has a single wave, so the scenarios' assumption cannot be checked against "
                            "what happened over time.")
        return self.wave_check.headline()

    def limits(self) -> Markdown:
        """What this summary shows and what it does not, in a few plain lines."""
        waves = isinstance(self.figures.get("waves"), Mapping) and "before" in self.figures["waves"]
        lines = [
            "- **It shows** how connection, value, attrition and advocacy go together among this client's customers, "
            "with the uncertainty of a sample: every figure carries its 95% interval and the number of customers "
            "behind it.",
            "- **It does not show** why. The survey is a snapshot: fully connected customers may spend "
            "more, stay longer and recommend more for reasons the data do not measure, so the differences between "
            "segments are associations, not the gain a change in connection would bring.",
            "- **Value at stake is hypothetical**: it carries today's differences between segments forward to customers "
            "who would become fully connected, for shares no larger than the data show"
            + (", and the waves test that assumption only roughly (see above)." if waves else "."),
        ]
        if waves:
            lines.append("- **The programme's waves** are two separate samples of customers, not the same customers twice, "
                         "and there is no comparison group without the programme: they show what changed between the "
                         "waves, not why, nor how much of it the programme brought about.")
        return Markdown("\n".join(lines))

    def methods(self) -> Markdown:
        return Markdown(self.methods_common + "\n" + "\n".join([
            "- **Estimators.** Value multiplier by bias-corrected bootstrap (BCa); motivator and driver importance by "
            "relative weights (Johnson) with bootstrap intervals; attrition by Kaplan–Meier and Cox models; Net "
            "Promoter Score with its analytic variance; wave changes with Newcombe intervals and Holm-adjusted p-values.",
            f"- **Scenarios.** {self.n_boot:,} bootstrap resamples of the respondents (seed {self.seed}); percentile "
            "intervals, which cover the sampling of respondents only. Totals are for the customers still customers at "
            "the survey date (not the rows of the customers file). Shares offered are capped at the largest rise in "
            "the fully connected share observed (between the waves, or the most connected group against everyone). "
            "With waves, the change in mean value the change in segment mix predicts is compared with the change "
            "measured (bootstrap within waves).",
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
        out = {"claims": len(self.findings), "figures": shown, "value_at_stake": value_at_stake,
               "value_at_stake_base": {"customers": self.scenario_base, "value": self.value_label,
                                       "unit": self.value_unit or None,
                                       "ceiling_share_of_highly_satisfied": self.rises.ceiling if self.rises is not None
                                       else None}}
        if self.wave_check is not None:
            check = {}
            for q in self.wave_check.table["quantity"]:
                e = self.wave_check.get(q)
                check[q] = report.estimate_dict(e.estimate, e.ci_low, e.ci_high, e.n)
            out["value_at_stake_wave_check"] = {"before": str(self.wave_check.waves[0]),
                                                "after": str(self.wave_check.waves[1]),
                                                "verdict": self.wave_check.verdict(), **check}
        return {"executive_summary": out}

    def record(self) -> None:
        for key, value in self.results().items():
            report.record(key, value)


def _customer_base(eng: Any) -> int:
    """The customers the value at stake is for: those still customers at the survey date."""
    return len(eng.customer_base())


def _scenarios(eng: Any, figures: Mapping[str, Any], *, seed: int, n_boot: int, shares: Sequence[float] | None,
               element_points: float) -> tuple[tuple[tuple[str, Any], ...], int, tuple[str, ...], Any, Any]:
    """The value-at-stake scenarios, the customer base they are scaled to, their notes, the rises the data
    show (which cap the shares offered) and the check of the scenarios' assumption against the waves."""
    from .. import simulate

    cfg = eng.config
    att, adv = cfg.get("attrition"), cfg.get("advocacy")
    value_col = cfg["value"][0]
    label, unit = _value_label(eng), _value_unit(eng)
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
                                 advocacy=adv["column"] if adv else None, value_label=label, value_unit=unit)
    customers = _customer_base(eng)
    weight = cfg.get("weight")
    min_cell = int(cfg["privacy"]["min_cell"])
    groups = [c for c in dict.fromkeys(list(cfg.get("cuts") or []) + list(cfg.get("covariates") or [])) if c in frame]
    waves = cfg.get("waves") if cfg.get("wave") and cfg.get("waves") else None
    rises = simulate.observed_rises(frame, wave=cfg.get("wave") if waves else None, waves=waves, groups=groups,
                                    weight=weight, min_cell=min_cell)
    check = (simulate.wave_check(frame, wave=cfg["wave"], waves=waves, value=value_col, weight=weight, value_label=label,
                                 value_unit=unit, n_boot=n_boot, seed=seed) if waves else None)
    # The shares offered: the rises the data show (between the waves; the most connected group against
    # everyone), never more than the largest of them (docs/decisions.md, "Executive summary and value at stake").
    offered: list[tuple[float, str]] = []
    if shares is None:
        t = rises.table
        for r in t[t["share_of_highly_satisfied"] > 0].sort_values("share_of_highly_satisfied", ascending=False).itertuples():
            why = ("as large as the rise between the waves" if r.source == "waves" else
                   f"as connected as the {report.text(r.group)} {report.text(report.pretty(r.source).lower())}, "
                   f"the most connected")
            if all(abs(q - r.share_of_highly_satisfied) > 0.005 for q, _ in offered):
                offered.append((float(r.share_of_highly_satisfied), why))
    else:
        capped = sorted({min(float(q), rises.ceiling) for q in shares if rises.ceiling > 0})
        offered = [(q, "the largest rise the data show" if q == rises.ceiling and max(shares) > q else "") for q in capped]
        if any(float(q) > rises.ceiling for q in shares):
            notes.append(f"Shares above {report.percent(rises.ceiling)} of highly satisfied customers are not offered: "
                         "that is the largest rise in the fully connected share the data show.")
    if not offered:
        notes.append("No share of highly satisfied customers becoming fully connected is offered: the data show no "
                     "rise in the fully connected share to base it on (no later wave with more of them, and no group "
                     "more connected than everyone).")
    out = []
    for q, why in offered:
        name = f"{report.percent(q)} of highly satisfied customers become fully connected" + (f" ({why})" if why else "")
        out.append((name, simulate.connect_share(frame, share=q, outcomes=outcomes, weight=weight, customers=customers,
                                                 n_boot=n_boot, seed=seed)))
    hidden = figures.get("hidden_drivers") or []
    if hidden:
        top = hidden[0]["element"]
        res = simulate.improve_element(frame, eng.codebook, element=top, points=element_points,
                                       threshold=cfg["connection"]["threshold"], outcomes=outcomes,
                                       weight=weight, customers=customers, n_boot=n_boot, seed=seed)
        name = f"{report.text(top)}: rated {element_points:g} point{'' if element_points == 1 else 's'} higher"
        out.append((name, res))
        spread = res.spread("value_total") if "value_total" in res.outcomes else None
        if spread and math.isfinite(spread["share_below"]) and not 0.35 <= spread["share_below"] <= 0.65:
            end_ = "lower" if spread["share_below"] < 0.5 else "upper"
            notes.append(f"*{name}*: the estimate sits near the {end_} end of its interval. The connection index "
                         "takes discrete values, so the customers who reach the threshold come in steps: a slightly "
                         f"{'stronger' if end_ == 'lower' else 'weaker'} link between the element and the index would "
                         "move a further group over it. Half the resamples give more than "
                         f"{report.number(spread['median'], '{:+,.0f}')}; the percentile interval allows for such steps, "
                         "a bias-corrected one would not.")
    return tuple(out), customers, tuple(notes), rises, check


def _value_label(eng: Any) -> str:
    """The headline value's label (``engagement.yaml``'s ``value: [{column, label, unit}]``, normalised)."""
    value = eng.config["value"][0]
    if isinstance(value, Mapping):
        return str(value.get("label") or report.pretty(value["column"]))
    spec = (eng.config.get("value_labels") or {}).get(value) or {}
    return str(spec.get("label") or report.pretty(value))


def _value_unit(eng: Any) -> str:
    """The headline value's unit, or ''."""
    value = eng.config["value"][0]
    if isinstance(value, Mapping):
        return str(value.get("unit") or "")
    return str(((eng.config.get("value_labels") or {}).get(value) or {}).get("unit") or "")


def build(eng: Any, *, seed: int = 0, results: str | Path | Mapping[str, Any] | None = None, n_boot: int = 500,
          scenario_shares: Sequence[float] | None = None, element_points: float = 1) -> SummaryPage:
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
    scenario_shares : sequence of float or None
        Shares of highly satisfied customers who become fully connected, one scenario each, capped at the
        largest rise in the fully connected share the data show (:func:`cxlib.simulate.observed_rises`);
        None (the default) offers those rises themselves: the change between the waves and the most
        connected group's gap.
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
    scenarios, base, notes, rises, check = _scenarios(eng, figures, seed=seed, n_boot=n_boot, shares=scenario_shares,
                                                      element_points=element_points)
    return SummaryPage(client=eng.client, figures=figures, findings=findings, scenarios=scenarios, scenario_base=base,
                       value_label=_value_label(eng), value_unit=_value_unit(eng),
                       methods_common=common.methods_common(eng), n_boot=n_boot, seed=seed, min_cell=min_cell,
                       sample=eng.sample, scenario_notes=notes, rises=rises, wave_check=check)
