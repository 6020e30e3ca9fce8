"""The executive summary (notebook 00): the story on one page, stated from the analyses' own figures.

The summary never recomputes a finding. It words the headline figures the four analyses recorded for
``results.json`` (:func:`gather` computes them in place when the batch has not passed them), so the
summary, the detail pages, the index and ``results.json`` cannot disagree. Only the value-at-stake
scenarios are computed here (:mod:`cxlib.simulate`).
"""
from __future__ import annotations

import dataclasses
import json
import math
import textwrap
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
         "attrition": "03_attrition_survival.html", "programme": "04_advocacy_programme.html",
         "cuts": "06_business_cuts.html"}


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
    explained = (f"; together the motivators explain {report.percent(r2)} of the differences in {value} between "
                 f"customers (R² = {report.number(r2, '{:.2f}')}; n={int(n):,})" if r2 is not None and n else
                 (f" (n={int(n):,})" if n else ""))
    return Finding("What connects them.", f"The emotional motivators most linked to {value} here: "
                   + report.listing(parts, limit=len(parts)) + explained + ".", LINKS["value"],
                   (("top_motivators", [m["motivator"] for m in top]),))


def _drivers(R: Mapping[str, Any]) -> Finding | None:
    if "hidden_drivers" not in R:
        return None
    hidden, over = R.get("hidden_drivers") or [], R.get("overrated") or []
    cls = R.get("classification") or {}
    possible = cls.get("possible") or {}
    fdr = cls.get("fdr")
    k = cls.get("n_elements")
    level = (f" once the {int(k):,} elements compared are allowed for, so that on average at most one named element "
             f"in {round(1 / fdr):,} would be a false lead" if fdr and k else "")

    def named(items: list, what: str) -> str:
        return report.listing([f"*{report.text(d['element'])}*" for d in items], limit=4) if items else \
            f"none is supported{level}"

    def maybe(key: str, what: str) -> str:
        k = len(possible.get(key) or [])
        return (f" {k:,} more element{' is a' if k == 1 else 's are'} possible {what}{'' if k == 1 else 's'}, "
                "not named here: the evidence does not support the label." if k else "")

    key = R.get("key_drivers") or []
    n = max((int(d["n"]) for d in hidden + over + key if d.get("n") is not None), default=None)
    base = f" The lists come from the ratings of {n:,} respondents (n={n:,})." if n else ""
    keys = (f" Key drivers — customers say they matter, and they go with connection more than an average element: "
            f"{named(key, 'key')}." + maybe("key_drivers", "key driver")) if "key_drivers" in R else ""
    return Finding("Where to act.",
                   f"Hidden drivers — customers rate them unimportant, yet they go with emotional connection more "
                   f"than an average element (only those the evidence supports{level}): {named(hidden, 'hidden')}."
                   + maybe("hidden_drivers", "hidden driver") + keys
                   + f" Overrated — customers say they matter, but they go with connection less than an average "
                   f"element: {named(over, 'overrated')}." + maybe("overrated", "overrated element") + base,
                   LINKS["drivers"], (("hidden_drivers", [d["element"] for d in hidden]),
                                      ("key_drivers", [d["element"] for d in key]),
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
                     f"{more} days than highly satisfied ones (average days kept within the horizon"
                     + (f", 95% CI {ci}" if ci else "") + f"; n={int(kept['n']):,}).")
            figures.append(("days_kept", kept["estimate"]))
        text += (" The ratio of their rates of leaving changes over follow-up, so no single hazard ratio is given "
                 "here.")
    elif _ok(hr):
        ci = (f", 95% CI {report.interval(hr['ci_low'], hr['ci_high'])}" if hr.get("ci_low") is not None
              and hr.get("ci_high") is not None else "")
        text += (f" Fully connected customers leave at {rate_words(hr['estimate'])} highly satisfied ones "
                 f"({report.number(hr['estimate'], '{:.2f}')} times their rate of leaving{ci}; "
                 f"n={int(hr['n']):,}{allowing}).")
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


def _cut_figure(metric: str, value: Any, *, change: bool = False) -> str:
    """A business-cut figure as the cuts report words it (:func:`cxlib.cuts.figure_text`)."""
    from ..cuts import figure_text

    return figure_text(metric, value, change=change)


def lagging_rows(R: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The business cuts' groups that lag (``results.json`` ``cuts``), each with its figures, worst first."""
    cuts = R.get("cuts")
    if not isinstance(cuts, Mapping):
        return []
    lagging = {(x["cut"], x["group"], x["metric"]) for x in cuts.get("lagging") or []}
    rows = [g for g in cuts.get("groups") or [] if (g["cut"], g["group"], g["metric"]) in lagging]
    order = [(x["cut"], x["group"], x["metric"]) for x in cuts.get("lagging") or []]
    return sorted(rows, key=lambda g: order.index((g["cut"], g["group"], g["metric"])))


def _cuts(R: Mapping[str, Any], value_label: str = "value") -> Finding | None:
    from ..cuts import METRIC_LABELS

    cuts = R.get("cuts")
    if not isinstance(cuts, Mapping) or not cuts.get("cuts"):
        return None
    names = report.listing([report.text(report.pretty(c).lower()) for c in cuts["cuts"]], limit=6)
    rows = lagging_rows(R)
    if not rows:
        return Finding("No part of the business lags.", f"By {names}, no group does worse than the rest of the "
                       "customers on any headline measure by more than chance would give, once every group and measure "
                       "of a cut is allowed for.", LINKS["cuts"])
    parts, figures = [], []
    for g in rows[:4]:
        label = (f"mean {value_label.lower()}" if g["metric"] == "value" else METRIC_LABELS[g["metric"]].lower()
                 if g["metric"] != "nps" else "Net Promoter Score")
        d = g["difference"]
        parts.append(f"{report.text(g['group'])} ({report.text(report.pretty(g['cut']).lower())}) on {label}: "
                     f"{_cut_figure(g['metric'], g['estimate'])} against {_cut_figure(g['metric'], g['rest'])} for the "
                     f"rest, {_cut_figure(g['metric'], d['estimate'], change=True)} (95% CI "
                     f"{_cut_figure(g['metric'], d['ci_low'], change=True)} to "
                     f"{_cut_figure(g['metric'], d['ci_high'], change=True)}; n={int(g['n']):,})")
        figures.append((f"cuts.gaps.{g['cut']}|{g['group']}|{g['metric']}", d["estimate"]))
    more = f"; and {len(rows) - 4:,} more in the cuts report" if len(rows) > 4 else ""
    return Finding("Where the business lags.", f"By {names}, against the rest of the customers and allowing for every "
                   "group and measure compared: " + "; ".join(parts) + more + ". A gap can come from who the customers "
                   "of a part of the business are as well as from how they are served.", LINKS["cuts"], tuple(figures))


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
        verdict = (f"more than chance alone would give, allowing for the {len(compared)} measures compared" if holds else
                   f"not clear once the {len(compared)} measures compared are allowed for" if excludes_zero else
                   "no more than chance alone could give")
        n = (f"; n={int(e['n_before']):,} and {int(e['n_after']):,}" if e.get("n_before") is not None
             and e.get("n_after") is not None else f"; n={int(e['n']):,}" if e.get("n") is not None else "")
        parts.append(f"{label} {change} (95% CI {ci}{n}; {verdict})")
    if not parts:
        return None
    return Finding("Between the waves.", f"From {report.text(w['before'])} to {report.text(w['after'])}: "
                   + "; ".join(parts) + ". The waves are separate samples without a comparison group: they show what "
                   "changed, not why.", LINKS["programme"])


def gather(eng: Any, *, seed: int = 0) -> dict[str, Any]:
    """Every analysis's headline figures (notebooks 01 to 06), computed in place (what ``cx run`` passes to the summary).

    Each analysis page computes exactly what its notebook records, with the notebooks' default
    parameters, so a summary run by hand states the same numbers as the published reports.
    """
    from . import attrition, cuts, drivers, programme, tracker, value

    merged: dict[str, Any] = {"client": eng.client}
    for module in (value, drivers, attrition, programme, tracker, cuts):
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
    actions: tuple[Action, ...] = ()  # the recommended actions, best first
    considered: tuple[tuple[str, Mapping[str, Any]], ...] = ()  # candidates priced, not recommended

    # -- the answer first ---------------------------------------------------------------------------
    def answer(self) -> Markdown:
        """What to do: at most three actions ranked by the value at stake they carry, each with its value,
        interval and the evidence behind it."""
        label = self.value_label
        unit = self.value_unit
        if not self.actions:
            why = (" No action's value at stake is clearly above zero." if self.considered else
                   " The data support no hidden or key driver and show no rise in connection to price an action on.")
            return Markdown(f"## {report.text(self.client)}: what to do\n\nNo action is recommended from these data.{why} The findings below "
                            "say what the data do show.")
        base = f"{self.scenario_base:,} customers active at the survey date"
        unit_words = f" {unit}" if unit else ""
        lines = [f"## {report.text(self.client)}: {len(self.actions)} recommended action"
                 f"{'s' if len(self.actions) != 1 else ''}, ranked by the value at stake",
                 f"Value at stake in {report.text(label.lower())}{' (' + report.text(unit) + ')' if unit else ''}"
                 f" across the {base}, with its 95% CI; the evidence for each action is set out "
                 "[below](#The-evidence-behind-each-action)."]
        for a in self.actions:
            v = a.value
            lines.append(f"{a.rank}. **{a.title}**: {amount(v['estimate'])}{unit_words} (95% CI {amount(v['ci_low'])} to "
                         f"{amount(v['ci_high'])}; n={int(v['n']):,}). *Evidence:* {a.brief}")
        lead = self.actions[0].versus_next if len(self.actions) > 1 else None
        if lead is not None and lead.get("ci_low") is not None:
            apart = lead["ci_low"] > 0
            lines.append(f"The first action's lead over the second is {amount(lead['estimate'])}"
                         f"{' ' + unit if unit else ''} (95% CI {amount(lead['ci_low'])} to {amount(lead['ci_high'])})"
                         + (": it is clearly first." if apart else ": the two cannot be told apart, so treat them as "
                            "joint first."))
        money = ("" if not _is_currency(unit) else " (not margin)" if "revenue" in label.lower() else
                 " (revenue, not margin)")
        lines.append(f"*Value at stake is what the data's differences between customers would be worth if the "
                     f"action worked as each scenario assumes, in {report.text(label.lower())}"
                     f"{' in ' + report.text(unit) if unit else ''}{money}; intervals cover the sampling of "
                     "respondents only. These are associations priced, not forecasts: see "
                     "[Value at stake](#Value-at-stake) and [what this shows and what it does not]"
                     "(#What-this-shows-and-what-it-does-not).*")
        return Markdown("\n\n".join(lines))

    def evidence(self) -> Markdown:
        """Each recommended action's evidence in full: the findings with their figures, 95% CI and n."""
        if not self.actions:
            return Markdown("")
        out = []
        for a in self.actions:
            kept = ""
            if a.customers_kept and a.customers_kept.get("estimate") is not None:
                k = a.customers_kept
                kept = (f" It would also keep {amount(k['estimate'], count=True)} more customers active at the horizon "
                        f"(95% CI {amount(k['ci_low'], count=True)} to {amount(k['ci_high'], count=True)}).")
            out.append(f"{a.rank}. **{a.title}.** {' '.join(a.evidence)} Priced by the scenario *{a.scenario}*: "
                       f"{a.value_words(self.value_unit, self.value_label)}.{kept} [Details]({a.link})")
        if self.considered:
            unit = f" {self.value_unit}" if self.value_unit else ""
            out.append("Also priced, not recommended (less value at stake, or an interval reaching zero): "
                       + "; ".join(f"{t} {amount(v['estimate'])}{unit} (95% CI {amount(v['ci_low'])} to "
                                   f"{amount(v['ci_high'])})" for t, v in self.considered) + ".")
        return Markdown("\n\n".join(out))

    def actions_chart(self) -> Any:
        """The recommended actions' value at stake with intervals, best first."""
        if not self.actions:
            return None
        rows = [{"label": _plain(f"{a.rank}. {a.title}"), "estimate": a.value["estimate"], "ci_low": a.value["ci_low"],
                 "ci_high": a.value["ci_high"], "n": a.value["n"]} for a in self.actions]
        unit = f" ({self.value_unit})" if self.value_unit else ""
        first = self.actions[0]
        lead = first.versus_next
        ahead = ("" if lead is None or lead.get("ci_low") is None else ", clearly ahead of the second"
                 if lead["ci_low"] > 0 else ", level with the second")
        title = (f"Action 1 carries the most value at stake: {amount(first.value['estimate'])}"
                 f"{' ' + self.value_unit if self.value_unit else ''}{ahead}")
        alt = ("Recommended actions by value at stake: " + "; ".join(
            f"{a.rank}. {_plain(a.title)}, {_plain(a.value_words(self.value_unit, self.value_label))}"
            for a in self.actions) + f"; n={first.value['n']:,} respondents.")
        return self._chart(rows, height=0.7 * len(rows) + 1.4, fmt=amount, title=title, alt=alt, max_ticks=4,
                           xlabel=f"Change in {self.value_label.lower()}{unit} across the {self.scenario_base:,} "
                                  f"customers, with 95% CI (n={first.value['n']:,} respondents)")

    def headline(self) -> Markdown:
        """The story in numbered points, each with its CI and n and a link to its detail."""
        if not self.findings:
            return Markdown(f"## {report.text(self.client)}\n\nNo finding could be estimated from this engagement.")
        points = "\n\n".join(f"{i}. {f.markdown()}" for i, f in enumerate(self.findings, 1))
        return Markdown(f"## What the data show: {len(self.findings)} findings\n\n{points}")

    # -- charts ------------------------------------------------------------------------------
    def _chart(self, rows: list[dict[str, Any]], *, height: float, alt: str, **kwargs: Any) -> Any:
        import matplotlib.pyplot as plt
        import pandas as pd

        from .. import plots

        if not rows:
            return None
        plots.set_theme()
        d = pd.DataFrame(rows).drop(columns=["n"], errors="ignore")
        d["label"] = [textwrap.fill(str(v), 38) for v in d["label"]]
        kwargs["title"] = textwrap.fill(kwargs["title"], 72)
        # Room for every wrapped label: a bar per row at least as tall as its label's lines.
        lines = sum(max(1, str(v).count("\n") + 1) for v in d["label"])
        height = max(height, 0.3 * lines + 0.25 * len(d) + 0.4 * (kwargs["title"].count("\n") + 1) + 1.0)
        fig, ax = plt.subplots(figsize=(9, height))
        max_ticks = kwargs.pop("max_ticks", None)
        plots.estimates(d, label="label", ax=ax, **kwargs)
        if max_ticks and ax.get_xscale() == "linear":
            # Totals in the millions print wide: fewer ticks, so their labels never run into each other.
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(nbins=max_ticks))
        return plots.chart(fig, alt=alt)

    @staticmethod
    def _alt(rows: list[dict[str, Any]], kind: str) -> str:
        return "; ".join(f"{r['label']}: {_plain(stated(r, kind))}" for r in rows)

    def connection_chart(self) -> Any:
        """Who is connected: the segment shares with their intervals (segment base stated once)."""
        shares = self.figures.get("segment_shares") or {}
        rows = [{"label": s.capitalize(), "segment": s, **e} for s, e in shares.items() if _ok(e)]
        if not rows:
            return None
        n = self.sample.segmented if self.sample is not None else rows[0].get("n")
        fc = shares.get("fully connected")
        title = (f"{report.percent(fc['estimate'])} of customers are fully connected" if _ok(fc)
                 else "Customers by segment, shares with 95% CI")
        return self._chart(rows, height=2.8, scale=100, fmt="{:.0f}%", colour_by="segment",
                           xlabel="Share of customers (%), with 95% CI" + (f" (n={int(n):,} with a segment)" if n else ""),
                           title=title, alt=f"{title}. Shares of customers by segment: " + self._alt(rows, "share") + ".")

    def drivers_chart(self) -> Any:
        """Hidden drivers and key drivers to act on (the five strongest key drivers), and overrated elements, by
        derived importance."""
        hidden = [{**d, "quadrant": "hidden driver"} for d in self.figures.get("hidden_drivers") or []]
        key = [{**d, "quadrant": "key driver"} for d in (self.figures.get("key_drivers") or [])[:5]]
        over = [{**d, "quadrant": "overrated"} for d in self.figures.get("overrated") or []]
        rows = [{**d, "label": f"{d['element']} ({d['quadrant']})"} for d in hidden + key + over if _ok(d)]
        if not rows:
            return None
        n = max(int(r["n"]) for r in rows if r.get("n") is not None)
        if hidden:
            title = (f"{hidden[0]['element']} goes with connection most among the hidden drivers "
                     f"({report.number(hidden[0]['estimate'], '{:.1f}')}%)")
        else:
            title = f"{over[0]['element']} is overrated: it goes with connection less than customers say"
        r2 = (self.figures.get("classification") or {}).get("r2")
        explained = f" (the elements together: R² = {report.number(r2, '{:.2f}')})" if r2 is not None else ""
        alt = (f"{title}. Share of the explained emotional connection{explained}, with 95% CI: "
               + "; ".join(f"{r['label']}: {report.number(r['estimate'], '{:.1f}')}% ("
                           f"{report.interval(r['ci_low'], r['ci_high'], fmt='{:.1f}')})" for r in rows)
               + f"; n={n:,} respondents.")
        return self._chart(rows, height=0.45 * len(rows) + 1.4, fmt="{:.1f}", colour_by="quadrant",
                           xlabel=f"% of the explained connection{explained}, with 95% CI (n={n:,})",
                           title=title, alt=alt)

    def attrition_chart(self) -> Any:
        att = self.figures.get("attrition") or {}
        rows = [{"label": s.capitalize(), "segment": s, **e} for s, e in att.items() if _ok(e)]
        if not rows:
            return None
        horizon = next((e.get("horizon") for e in att.values() if isinstance(e, Mapping) and e.get("horizon")), None)
        within = f"within {report.number(horizon)} days" if horizon else "within the horizon"
        fc, hs = att.get("fully connected"), att.get("highly satisfied")
        title = (f"{report.percent(fc['estimate'])} of fully connected customers left {within}, against "
                 f"{report.percent(hs['estimate'])} of highly satisfied ones" if _ok(fc) and _ok(hs)
                 else f"Customers who left {within}, by segment")
        n = sum(int(r["n"]) for r in rows if r.get("n") is not None)
        return self._chart(rows, height=2.6, scale=100, fmt="{:.0f}%", colour_by="segment",
                           xlabel=f"Left {within} (%), with 95% CI (n={n:,})", title=title,
                           alt=f"{title}. Share who left {within}: " + self._alt(rows, "share") + ".")

    def nps_chart(self) -> Any:
        nps = self.figures.get("nps") or {}
        rows = [{"label": s.capitalize(), "segment": s, **e} for s, e in nps.items() if s != "overall" and _ok(e)
                and int(e.get("n") or 0) >= self.min_cell]
        if not rows:
            return None
        fc, hs = nps.get("fully connected"), nps.get("highly satisfied")
        title = (f"Net Promoter Score is {report.number(fc['estimate'], '{:+.0f}')} among fully connected customers, "
                 f"{report.number(hs['estimate'], '{:+.0f}')} among highly satisfied" if _ok(fc) and _ok(hs)
                 else "Net Promoter Score by segment, with 95% CI")
        n = sum(int(r["n"]) for r in rows)
        return self._chart(rows, height=2.6, fmt="{:+.0f}", colour_by="segment", reference=0,
                           xlabel=f"Net Promoter Score (−100 to +100), with 95% CI (n={n:,})", title=title,
                           alt=f"{title}. Net Promoter Score by segment: " + self._alt(rows, "nps") + ".")

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
                         "Moved beyond chance (allowing for every measure compared)": ("yes" if e.get("p_adjusted") is not None
                                                                and e["p_adjusted"] < 0.05 else "no") if _ok(e) else "–",
                         "n": f"{int(e.get('n', 0)):,}"})
        return pd.DataFrame(rows).style.hide(axis="index").format(escape="html")

    # -- which part of the business lags ----------------------------------------------------------------
    def lagging_table(self) -> Any:
        """The groups of the business cuts that do worse than the rest of the customers, with the gap's interval
        and n (from the cuts report); a sentence when none does or no cut is defined."""
        import pandas as pd

        from ..cuts import METRIC_LABELS

        cuts = self.figures.get("cuts")
        if not isinstance(cuts, Mapping) or not cuts.get("cuts"):
            return Markdown("The engagement defines no business cuts (regions, channels or business units), so no "
                            "part of the business is compared with the rest.")
        rows = lagging_rows(self.figures)
        small = [s for s in cuts.get("suppressed") or [] if s.get("metric") == "all"]
        note = (f" {len(small):,} group(s) with fewer than {int(cuts.get('min_cell', self.min_cell)):,} customers are "
                f"not shown." if small else "")
        if not rows:
            return Markdown(f"No group of {report.listing([report.text(report.pretty(c).lower()) for c in cuts['cuts']])} "
                            f"does worse than the rest of the customers on any headline measure, once every group and "
                            f"measure of a cut is allowed for.{note}")
        out = []
        for g in rows:
            d = g["difference"]
            label = (f"Mean {self.value_label.lower()}" if g["metric"] == "value" else METRIC_LABELS[g["metric"]])
            out.append({"Part of the business": f"{g['group']} ({report.pretty(g['cut']).lower()})", "Measure": label,
                        "Its figure (95% CI)": f"{_cut_figure(g['metric'], g['estimate'])} "
                                               f"({_cut_figure(g['metric'], g['ci_low'])} to {_cut_figure(g['metric'], g['ci_high'])})",
                        "The rest": _cut_figure(g["metric"], g["rest"]),
                        "Gap (95% CI)": f"{_cut_figure(g['metric'], d['estimate'], change=True)} "
                                        f"({_cut_figure(g['metric'], d['ci_low'], change=True)} to "
                                        f"{_cut_figure(g['metric'], d['ci_high'], change=True)})",
                        "n": f"{int(g['n']):,}", "p (adjusted)": report.p_value(d.get("p_adjusted"))})
        styled = pd.DataFrame(out).style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
        return styled.set_caption(note.strip()) if note else styled

    def lagging_chart(self) -> Any:
        """The first lagging measure: every group of its cut against the rest, with 95% intervals."""
        from ..cuts import METRIC_LABELS, SHARES

        rows = lagging_rows(self.figures)
        if not rows:
            return None
        first = rows[0]
        cut, metric = first["cut"], first["metric"]
        groups = [g for g in self.figures["cuts"].get("groups") or [] if g["cut"] == cut and g["metric"] == metric]
        k = 100 if metric in SHARES else 1
        label = f"mean {self.value_label.lower()}" if metric == "value" else (
            "Net Promoter Score" if metric == "nps" else METRIC_LABELS[metric].lower())
        data = [{"label": str(g["group"]), "estimate": g["difference"]["estimate"], "ci_low": g["difference"]["ci_low"],
                 "ci_high": g["difference"]["ci_high"], "n": g["n"]} for g in groups]
        lag_groups = [str(g["group"]) for g in rows if g["cut"] == cut and g["metric"] == metric]
        title = (f"{report.listing(lag_groups)} {'lags' if len(lag_groups) == 1 else 'lag'} the rest of the customers on "
                 f"{label}")
        unit = "percentage points" if k == 100 else "points" if metric == "nps" else self.value_unit or "the value's unit"
        alt = f"{title}. Gap from the rest by {report.pretty(cut).lower()}, with 95% CI: " + "; ".join(
            f"{r['label']}: {_cut_figure(metric, r['estimate'], change=True)} ({_cut_figure(metric, r['ci_low'], change=True)} "
            f"to {_cut_figure(metric, r['ci_high'], change=True)}; n={int(r['n']):,})" for r in data) + "."
        return self._chart(data, height=0.45 * len(data) + 1.6, scale=k, fmt="{:+.1f}" if k == 100 else "{:+,.1f}",
                           reference=0, n=sum(int(r["n"]) for r in data),
                           xlabel=f"Gap from the rest of the customers ({unit}), 95% CI", title=title, alt=alt)

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
                    if k == 1:  # totals: three significant figures, as in the recommended actions
                        row[label] = f"{amount(e['change'])} ({amount(e['ci_low'])} to {amount(e['ci_high'])})"
                    else:
                        row[label] = (report.number(e["change"] * k, "{:+,.1f}") + unit + " (" +
                                      report.interval(e["ci_low"] * k, e["ci_high"] * k, fmt="{:+,.1f}") + ")")
            row["Recommended"] = next((f"action {a.rank}" for a in self.actions if a.scenario == name), "")
            rows.append(row)
        return pd.DataFrame(rows).fillna("–").style.hide(axis="index").format(escape="html")

    def value_at_stake_chart(self) -> Any:
        rows = []
        for name, res in self.scenarios:
            table = res.table.set_index("outcome")
            if "value_total" in table.index:
                e = table.loc["value_total"]
                rows.append({"label": _plain(name), "estimate": e["change"], "ci_low": e["ci_low"], "ci_high": e["ci_high"],
                             "n": int(e["n"])})
        rows = [r for r in rows if math.isfinite(r["estimate"])]
        if not rows:
            return None
        best = max(rows, key=lambda r: r["estimate"])
        unit = f" {self.value_unit}" if self.value_unit else ""
        title = f"The most value at stake is {amount(best['estimate'])}{unit}, if {best['label'].split(' (')[0]}"
        alt = (f"{title}. Change in {self.value_label.lower()} across the {self.scenario_base:,} customers, with 95% CI: "
               + "; ".join(f"{r['label']}: {amount(r['estimate'])} ({amount(r['ci_low'])} to {amount(r['ci_high'])})"
                           for r in rows) + f"; n={rows[0]['n']:,} respondents.")
        return self._chart(rows, height=0.6 * len(rows) + 1.2, fmt=amount, title=title, alt=alt, max_ticks=4,
                           xlabel=f"Change in {self.value_label.lower()}{self._unit()} across the {self.scenario_base:,} "
                                  f"customers at the survey date, with 95% CI (n={rows[0]['n']:,} respondents)")

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

    def _text(self) -> str:
        """Every sentence this summary shows, for finding the glossary's terms."""
        parts = [str(self.answer()), str(self.headline()), str(self.limits()), str(self.assumption_check()),
                 str(self.assumptions()), str(self.value_at_stake_intro())]
        return "\n".join(parts)

    def glossary(self) -> Markdown:
        """The terms these reports use, in plain words: every term of :mod:`cxlib.glossary`, since each detail
        report links here for its own terms (the summary's own are a subset, :meth:`terms`)."""
        from .. import glossary

        return glossary.markdown(heading=None)

    def terms(self) -> list[str]:
        """The glossary terms the summary's own text uses."""
        from .. import glossary

        return glossary.terms_in(self._text())

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
               "actions": [a.to_dict() for a in self.actions],
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


def _is_currency(unit: str) -> bool:
    """Whether a unit names money (an ISO 4217 code such as EUR, or a currency sign)."""
    u = (unit or "").strip()
    return (len(u) == 3 and u.isalpha() and u.isupper()) or any(sign in u for sign in "€$£¥₹")


def _customer_base(eng: Any) -> int:
    """The customers the value at stake is for: those still customers at the survey date."""
    return len(eng.customer_base())


def _scenarios(eng: Any, figures: Mapping[str, Any], *, seed: int, n_boot: int, shares: Sequence[float] | None,
               element_points: float) -> dict[str, Any]:
    """The value-at-stake scenarios and the recommended actions they price: ``scenarios`` (name, result) for
    the table, ``actions``, ``considered`` (candidates priced but not recommended), the customer ``base`` they
    are scaled to, ``notes``, the ``rises`` the data show (which cap the shares offered) and the ``check`` of
    the scenarios' assumption against the waves."""
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
    common_args = dict(outcomes=outcomes, weight=weight, customers=customers, n_boot=n_boot, seed=seed)
    computed: dict[tuple[str, Any], Any] = {}
    names: dict[tuple[str, Any], str] = {}

    def run(kind: str, arg: Any, name: str | None = None) -> Any:
        """Each scenario computed once (every scenario uses the same resamples of the respondents, so two
        scenarios' draws can be differenced)."""
        key = (kind, arg)
        if key not in computed:
            if kind == "element":
                computed[key] = simulate.improve_element(frame, eng.codebook, element=arg, points=element_points,
                                                         threshold=cfg["connection"]["threshold"], **common_args)
            else:
                segment, q = arg
                extra = {} if segment == "highly satisfied" else {"from_segment": segment}
                computed[key] = simulate.connect_share(frame, share=q, **extra, **common_args)
        if name and key not in names:
            names[key] = name
        return computed[key]

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
    for q, why in offered:
        run("segment", ("highly satisfied", q),
            f"{report.percent(q)} of highly satisfied customers become fully connected" + (f" ({why})" if why else ""))
    hidden = figures.get("hidden_drivers") or []
    if hidden:
        top = str(hidden[0]["element"])
        name = f"{report.text(top)}: rated {element_points:g} point{'' if element_points == 1 else 's'} higher"
        res = run("element", top, name)
        spread = res.spread("value_total") if "value_total" in res.outcomes else None
        if spread and math.isfinite(spread["share_below"]) and not 0.35 <= spread["share_below"] <= 0.65:
            end_ = "lower" if spread["share_below"] < 0.5 else "upper"
            notes.append(f"*{name}*: the estimate sits near the {end_} end of its interval. The connection index "
                         "takes discrete values, so the customers who reach the threshold come in steps: a slightly "
                         f"{'stronger' if end_ == 'lower' else 'weaker'} link between the element and the index would "
                         "move a further group over it. Half the resamples give more than "
                         f"{report.number(spread['median'], '{:+,.0f}')}; the percentile interval allows for such steps, "
                         "a bias-corrected one would not.")
    # The recommended actions: every supported key and hidden driver with room to improve, and connecting
    # the same number of highly satisfied or other customers, priced alike and ranked by value at stake.
    candidates = (_element_candidates(eng, frame, figures, run=run, weight=weight, element_points=element_points)
                  + (_segment_candidates(figures, rises, run=run) if offered else []))
    by_name = {c.name: c for c in candidates}
    actions, chosen = [], set()
    for a in _rank(candidates):
        c = by_name[a.scenario]
        chosen.add(c.key)
        names.setdefault(c.key, c.name)  # a scenario already in the table keeps its name there
        actions.append(dataclasses.replace(a, scenario=names[c.key]))
    considered = tuple((c.title, v) for c in candidates
                       if c.key not in chosen and (v := _value_estimate(c.result)) is not None)
    scenarios = tuple((names[k], computed[k]) for k in names)
    return {"scenarios": scenarios, "actions": tuple(actions), "considered": considered, "base": customers,
            "notes": tuple(notes), "rises": rises, "check": check}


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
                                 _advocacy(figures, min_cell), _programme(figures, _value_label(eng)),
                                 _cuts(figures, _value_label(eng)))
                     if f is not None)
    stake = _scenarios(eng, figures, seed=seed, n_boot=n_boot, shares=scenario_shares, element_points=element_points)
    return SummaryPage(client=eng.client, figures=figures, findings=findings, scenarios=stake["scenarios"],
                       scenario_base=stake["base"], value_label=_value_label(eng), value_unit=_value_unit(eng),
                       methods_common=common.methods_common(eng), n_boot=n_boot, seed=seed, min_cell=min_cell,
                       sample=eng.sample, scenario_notes=stake["notes"], rises=stake["rises"],
                       wave_check=stake["check"], actions=stake["actions"], considered=stake["considered"])


# -- the answer first: recommended actions ---------------------------------------------------------------

#: At most this many actions are recommended, best first.
MAX_ACTIONS = 3
#: Supported elements tried as actions per quadrant (key and hidden drivers, by derived importance).
ELEMENTS_PER_QUADRANT = 3
#: Action kinds: improve one experience element; connect a segment's customers.
ACTION_KINDS = ("element", "segment")


def amount(value: Any, *, signed: bool = True, count: bool = False) -> str:
    """A total for a reviewer: three significant figures, thousands separated, true minus sign.

    Display only (results.json keeps the unrounded figure).

    Examples
    --------
    >>> amount(499736.51), amount(-1234.5), amount(87.26), amount(0.0), amount(float("nan"))
    ('+500,000', '−1,230', '+87.3', '0', '–')
    >>> amount(73.05, count=True), amount(0.4, count=True)
    ('+73', '0')
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    if v == 0:
        return "0"
    digits = 3 - int(math.floor(math.log10(abs(v)))) - 1
    if count:  # customers are whole
        digits = min(digits, 0)
    r = round(v, digits)
    if r == 0:
        return "0"
    text = f"{r:,.{max(digits, 0)}f}"
    return report.number(r, ("{:+,." if signed else "{:,.") + f"{max(digits, 0)}f}}") if text else "–"


@dataclass(frozen=True)
class Action:
    """One recommended action: what to do, the value at stake it carries and the evidence behind it.

    Attributes
    ----------
    rank : int
        1 for the action carrying the most value at stake.
    kind : str
        ``"element"`` (improve an experience element) or ``"segment"`` (connect more of a segment's customers).
    title : str
        What to do, in words (names from the data escaped).
    evidence : tuple of str
        The findings the action rests on, each with its figure, 95% CI and n.
    scenario : str
        The value-at-stake scenario that prices it (a row of the summary's scenario table).
    value : dict
        The scenario's change in the value over the customer base: ``{"estimate", "ci_low", "ci_high", "n"}``.
    customers_kept : dict or None
        The scenario's change in customers still active at the horizon, same shape.
    link : str
        The detail report of the evidence.
    versus_next : dict or None
        The paired bootstrap difference in value at stake to the next-ranked action (same resamples).
    """

    rank: int
    kind: str
    title: str
    evidence: tuple[str, ...]
    scenario: str
    value: Mapping[str, Any]
    customers_kept: Mapping[str, Any] | None
    link: str
    versus_next: Mapping[str, Any] | None = None
    brief: str = ""  # the evidence in one short sentence, for the answer

    def value_words(self, unit: str = "", label: str = "value") -> str:
        v = self.value
        u = f" {unit}" if unit else ""
        return (f"{amount(v['estimate'])}{u} in {label.lower()} (95% CI {amount(v['ci_low'])} to "
                f"{amount(v['ci_high'])}{u})")

    def to_dict(self) -> dict[str, Any]:
        return report.to_jsonable({"rank": self.rank, "kind": self.kind, "action": _plain(self.title),
                                   "scenario": self.scenario, "value_at_stake": dict(self.value),
                                   "customers_kept": dict(self.customers_kept) if self.customers_kept else None,
                                   "evidence": [_plain(e) for e in self.evidence],
                                   "versus_next": dict(self.versus_next) if self.versus_next else None})


def _plain(markdown: str) -> str:
    """Markdown emphasis and escapes removed, for results.json."""
    import html
    import re

    text = re.sub(r"\\(.)", r"\1", markdown.replace("*", ""))
    return html.unescape(text)


@dataclass(frozen=True)
class _Candidate:
    kind: str
    title: str
    brief: str
    evidence: tuple[str, ...]
    name: str
    key: tuple[str, Any]  # the scenario's key: ("element", name) or ("segment", (segment, share))
    result: Any  # simulate.Scenario
    link: str


def _element_rating(eng: Any, frame: Any, element: str, weight: str | None) -> dict[str, float] | None:
    """The element's mean performance rating with its 95% CI (svymean's standard error when weighted), its
    n and its scale (``mean, ci_low, ci_high, n, scale_min, scale_max``), or None."""
    import numpy as np

    from ..stats import weighted_mean_se

    cb = eng.codebook
    rows = cb[(cb["role"] == "element_performance") & (cb["element"].astype(str) == element)]
    if rows.empty or rows["column"].iloc[0] not in frame:
        return None
    r = rows.iloc[0]
    x = frame[r["column"]].to_numpy(float)
    w = frame[weight].to_numpy(float) if weight and weight in frame else np.ones(len(frame))
    ok = np.isfinite(x) & np.isfinite(w)
    if ok.sum() < 2:
        return None
    mean, se = weighted_mean_se(x[ok], w[ok] if weight else None)
    return {"mean": mean, "ci_low": mean - 1.959964 * se, "ci_high": mean + 1.959964 * se, "n": int(ok.sum()),
            "scale_min": float(r["scale_min"]), "scale_max": float(r["scale_max"])}


def _element_candidates(eng: Any, frame: Any, figures: Mapping[str, Any], *, run: Any, weight: str | None,
                        element_points: float) -> list[_Candidate]:
    """One action per supported key or hidden driver with room to improve, priced by raising its rating."""
    cls = figures.get("classification") or {}
    r2 = cls.get("r2")
    stated_cut = cls.get("stated_cut")
    explained = (f" of what the experience elements explain of emotional connection (together R² = "
                 f"{report.number(r2, '{:.2f}')})" if r2 is not None else " of what the experience elements explain")
    out = []
    for key, quadrant in (("hidden_drivers", "hidden driver"), ("key_drivers", "key driver")):
        for d in (figures.get(key) or [])[:ELEMENTS_PER_QUADRANT]:
            if not _ok(d):
                continue
            element = str(d["element"])
            rating = _element_rating(eng, frame, element, weight)
            if rating is None or rating["mean"] > rating["scale_max"] - element_points / 2:
                continue  # no room to improve: customers already rate it at the top of its scale
            lo, hi = rating["scale_min"], rating["scale_max"]
            rated = (f"{report.number(rating['mean'], '{:.1f}')} on its {report.number(lo, '{:g}')}–"
                     f"{report.number(hi, '{:g}')} scale (95% CI "
                     f"{report.interval(rating['ci_low'], rating['ci_high'], fmt='{:.1f}')}; n={rating['n']:,})")
            derived = (f"{report.number(d['estimate'], '{:.1f}')}%{explained} (95% CI "
                       f"{report.interval(d['ci_low'], d['ci_high'], fmt='{:.1f}')}; n={int(d['n']):,})")
            stated = report.number(d.get("stated"), "{:.0f}")
            cut = report.number(stated_cut, "{:.0f}") if stated_cut is not None else None
            if quadrant == "hidden driver":
                why = (f"*{report.text(element)}* is a hidden driver: customers rate its importance {stated} of 100"
                       + (f", below the average element's {cut}" if cut else "")
                       + f", yet it goes with emotional connection more than an average element: {derived}.")
            else:
                why = (f"*{report.text(element)}* is a key driver: customers say it matters ({stated} of 100"
                       + (f", above the average element's {cut}" if cut else "") + ") and it goes with "
                       f"emotional connection more than an average element: {derived}.")
            room = f"Customers rate it {rated} on average, so there is room to improve."
            share = (f"{report.number(d['estimate'], '{:.1f}')}% of the explained connection (95% CI "
                     f"{report.interval(d['ci_low'], d['ci_high'], fmt='{:.1f}')}"
                     + (f"; elements' R² = {report.number(r2, '{:.2f}')}" if r2 is not None else "") + ")")
            brief = (f"a {quadrant}: {share}, "
                     + ("though customers rate it unimportant" if quadrant == "hidden driver" else
                        "and customers say it matters") + f"; rated {report.number(rating['mean'], '{:.1f}')} of "
                     f"{report.number(hi, '{:g}')}.")
            name = f"{report.text(element)}: rated {element_points:g} point{'' if element_points == 1 else 's'} higher"
            title = f"Improve *{report.text(element)}*" + (f" ({report.text(d['stage'])})" if d.get("stage") else "")
            out.append(_Candidate("element", title, brief, (why, room), name, ("element", element), run("element", element),
                                  LINKS["drivers"]))
    return out


def _segment_candidates(figures: Mapping[str, Any], rises: Any, *, run: Any) -> list[_Candidate]:
    """Connect more highly satisfied customers, or more of the other customers: the same number of customers
    (the largest rise in the fully connected share the data show), so the two say which segment holds more
    value at stake."""
    shares = figures.get("segment_shares") or {}
    hs, other = shares.get("highly satisfied"), shares.get("other")
    if rises is None or not rises.ceiling > 0 or not (_ok(hs) and _ok(other)) or not other["estimate"] > 0:
        return []
    points = rises.ceiling * hs["estimate"]  # the rise, in points of all customers
    share_other = min(1.0, points / other["estimate"])
    top = figures.get("top_motivators") or []
    vm = figures.get("value_multiplier") or {}
    value = report.pretty(vm.get("value") or "value").lower() if isinstance(vm, Mapping) else "value"
    motivators = report.listing([f"*{report.text(m['motivator'])}*" for m in top[:2]], limit=2)
    r2 = top[0].get("r2") if top else None
    shares_of = [f"*{report.text(m['motivator'])}* ({report.number(m['estimate'], '{:.0f}')}% of what the motivators "
                 f"explain, 95% CI {report.interval(m['ci_low'], m['ci_high'], fmt='{:.0f}')})"
                 for m in top[:2] if _ok(m)]
    evidence_motivators = (
        f"The emotional motivators most linked to {report.text(value)} are {report.listing(shares_of, limit=2)}; "
        f"together the motivators explain R² = {report.number(r2, '{:.2f}')} of the differences in "
        f"{report.text(value)} (n={int(top[0]['n']):,})." if shares_of and r2 is not None else None)
    evidence_value = (f"A fully connected customer has {stated(vm, 'times')} the {report.text(value)} of a highly "
                      "satisfied one." if _ok(vm) else None)
    rise = (f"The largest rise in the fully connected share the data show is {report.number(points * 100, '{:.1f}')} "
            f"points of customers; this action moves that many.")
    out = []
    hs_name = (f"{report.percent(rises.ceiling)} of highly satisfied customers become fully connected")
    brief_hs = "; ".join(b for b in (
        f"fully connected customers have {stated(vm, 'times')} the {report.text(value)} of highly satisfied ones"
        if _ok(vm) else "",
        f"{motivators} are the motivators most linked to it (R² = {report.number(r2, '{:.2f}')})"
        if top and r2 is not None else "") if b) + "."
    out.append(_Candidate(
        "segment", "Turn highly satisfied customers into fully connected ones"
        + (f", appealing to {motivators}" if top else ""), brief_hs,
        tuple(e for e in (evidence_value, evidence_motivators, rise) if e), hs_name,
        ("segment", ("highly satisfied", rises.ceiling)), run("segment", ("highly satisfied", rises.ceiling)),
        LINKS["value"]))
    nps, att = (figures.get("nps") or {}).get("other"), (figures.get("attrition") or {}).get("other")
    facts = [f"Other customers (neither fully connected nor highly satisfied) are {stated(other, 'share')} of customers"]
    if _ok(nps):
        facts.append(f"their Net Promoter Score is {stated(nps, 'nps')}")
    if _ok(att):
        days = report.number(att.get("horizon"), "{:,.0f}") if att.get("horizon") is not None else None
        facts.append(f"{stated(att, 'share')} of them left within {days} days" if days else
                     f"{stated(att, 'share')} of them left within the horizon")
    other_name = f"{report.percent(share_other)} of other customers become fully connected"
    brief_other = f"other customers are {stated(other, 'share')} of customers" + (
        f", with a Net Promoter Score of {stated(nps, 'nps')}" if _ok(nps) else "") + "."
    out.append(_Candidate(
        "segment", "Connect the other customers, the largest group" if other["estimate"] >= max(
            hs["estimate"], (shares.get("fully connected") or {}).get("estimate") or 0) else "Connect the other customers",
        brief_other,
        ("; ".join(facts) + ".", rise), other_name, ("segment", ("other", share_other)),
        run("segment", ("other", share_other)), LINKS["programme"]))
    return out


def _value_estimate(res: Any) -> dict[str, Any] | None:
    if "value_total" not in res.outcomes:
        return None
    e = res.change("value_total")
    if not e.estimable or not e.has_interval:
        return None
    return report.estimate_dict(e.estimate, e.ci_low, e.ci_high, e.n)


def _rank(candidates: Sequence[_Candidate], *, ci: float = 0.95) -> tuple[Action, ...]:
    """The candidates whose value at stake is above zero with 95% confidence, best first, at most
    :data:`MAX_ACTIONS`, always including the segment action that carries the most; each with the paired
    difference to the next (the scenarios share their resamples)."""
    import numpy as np

    from ..stats import percentile_interval

    priced = [(c, v) for c in candidates if (v := _value_estimate(c.result)) is not None and v["ci_low"] > 0]
    priced.sort(key=lambda cv: -cv[1]["estimate"])
    chosen = priced[:MAX_ACTIONS]
    segments = [cv for cv in priced if cv[0].kind == "segment"]
    if segments and not any(c.kind == "segment" for c, _ in chosen):
        chosen = chosen[:MAX_ACTIONS - 1] + [segments[0]]
        chosen.sort(key=lambda cv: -cv[1]["estimate"])
    actions = []
    for i, (c, v) in enumerate(chosen):
        nxt = None
        if i + 1 < len(chosen):
            a, b = c.result.draws, chosen[i + 1][0].result.draws
            if a is not None and b is not None and len(a["value_total"]) == len(b["value_total"]):
                diff = a["value_total"] - b["value_total"]
                diff = diff[np.isfinite(diff)]
                if diff.size:
                    lo, hi = percentile_interval(diff, ci)
                    nxt = report.estimate_dict(v["estimate"] - chosen[i + 1][1]["estimate"], lo, hi, v["n"])
        kept = None
        if "customers_kept" in c.result.outcomes:
            k = c.result.change("customers_kept")
            if k.estimable and k.has_interval:
                kept = report.estimate_dict(k.estimate, k.ci_low, k.ci_high, k.n)
        actions.append(Action(i + 1, c.kind, c.title, c.evidence, c.name, v, kept, c.link, nxt, c.brief))
    return tuple(actions)
