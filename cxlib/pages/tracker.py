"""Notebook 05, the tracker: every headline measure in every wave, what moved between the waves and what did
not (allowing for the whole family of changes compared at once), the trend over the waves, what moved within
segments, and whether the drivers and the top motivators stayed the same.

``build(eng)`` computes every result once; each method of :class:`TrackerPage` words one section of the
report. The statistics are :mod:`cxlib.waves`' (:func:`~cxlib.waves.track`, :func:`~cxlib.waves.compare_waves`
with ``standardise=True`` for each consecutive pair, :func:`~cxlib.waves.driver_stability` on each wave's
:func:`cxlib.drivers.importance`, :func:`~cxlib.waves.motivator_stability` on each wave's
:func:`cxlib.motivators.rank`). An engagement with a single wave, or without a wave column, gets one sentence
saying there is nothing to track, and every section says so briefly.

Bases: the shares and the value multiplier use respondents with a segment; attrition, promoters, NPS and the
mean value every analysed respondent of the wave (as the before/after scorecard of notebook 04). A figure of a
wave resting on fewer than ``privacy.min_cell`` customers is suppressed (for the multiplier: either of its two
segments), and so is every change involving it; the adjustment for the family still counts it.

Examples
--------
>>> import cxlib as cx
>>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
>>> page = build(eng, n_boot=0)
>>> sorted(page.results())
['waves']
>>> "7 changes compared at once" in page.headline()
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from .. import glossary, report
from . import common
from ..segments import SEGMENTS
from ..waves import METRICS, WaveComparison, WaveTrack, compare_waves, driver_stability, motivator_stability, track

__all__ = ["TrackerPage", "build", "ALPHA", "SURE"]

#: A change "holds" when its p-value, adjusted for every change compared at once, is below this.
ALPHA = 0.05
#: A motivator enters or leaves the top only when this share of a wave's resamples is sure of it.
SURE = 0.8
#: The top motivators compared between waves.
TOP = 3
#: Measures whose level is a share (shown in %, changes in points).
_SHARES = ("connected", "highly_satisfied", "attrition", "advocacy")


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _wave(label: Any) -> str:
    return report.text(str(label))


@dataclass(frozen=True)
class TrackerPage:
    """The results behind notebook 05 and their words (one method per section)."""

    client: str
    min_cell: int
    weighted: bool
    n_boot: int
    seed: int
    tracked: WaveTrack
    labeller: WaveComparison  # names and formats the metrics (the scorecard's words)
    scorecard: Any = None  # compare_waves(eng): notebook 04's before/after scorecard, first wave against last
    suppressed: frozenset = frozenset()  # (metric, wave) pairs below min_cell
    standardised: tuple = ()  # one WaveComparison per consecutive pair (standardise=True)
    drivers: Any = None  # DriverStability, or None
    driver_notes: tuple = ()  # (wave, sentence) for waves whose drivers were not estimated
    driver_need: int = 0
    motivators: Any = None  # motivator_stability's DataFrame, or None
    motivator_notes: tuple = ()
    value_label: str = "value"
    methods_common: str = ""

    # -- helpers ------------------------------------------------------------------------------------------
    @property
    def waves(self) -> tuple:
        return self.tracked.waves

    @property
    def estimable(self) -> bool:
        return self.tracked.reason is None and self.tracked.estimable

    @property
    def metrics(self) -> list[str]:
        """The measures tracked, in the tracker's order."""
        seen = set(self.tracked.table["metric"]) | set(self.tracked.levels["metric"] if self.tracked.levels is not None else [])
        return [m for m in METRICS if m in seen]

    def label(self, metric: str) -> str:
        return self.labeller.label(metric)

    def _nothing(self) -> report.Markdown:
        why = self.tracked.reason
        if why is not None and why.code == "single_wave":
            return report.Markdown("There is nothing to track: this engagement has a single wave.")
        return report.Markdown(f"There is nothing to track: {why or 'no measure could be compared between the waves'}.")

    def _level_text(self, metric: str, value: float) -> str:
        return self.labeller.level_text(metric, value)

    def _change_text(self, metric: str, value: float) -> str:
        unit = " points" if metric in _SHARES or metric == "nps" else ""
        return self.labeller.change_text(metric, value) + unit

    def _ci_text(self, metric: str, lo: float, hi: float) -> str:
        k = 100 if metric in _SHARES else 1
        fmt = "{:+.1f}" if metric in _SHARES or metric == "nps" else "{:+.2f}" if metric == "multiplier" else "{:+,.0f}"
        return report.interval(k * lo, k * hi, fmt=fmt)

    def _shown_changes(self) -> pd.DataFrame:
        t = self.tracked.table
        keep = [(r.metric, str(r.from_wave)) not in self.suppressed and (r.metric, str(r.to_wave)) not in self.suppressed
                for r in t.itertuples()]
        return t[keep].reset_index(drop=True)

    def _describe(self, r: Any) -> str:
        """One change in words: ``fully connected share 21.0% → 26.0% from pre to post (+5.0 points, 95% CI +2.1
        to +7.9; n=5,705)``."""
        return (f"{self.label(r.metric)} {self._level_text(r.metric, r.before)} → {self._level_text(r.metric, r.after)} "
                f"from {_wave(r.from_wave)} to {_wave(r.to_wave)} ({self._change_text(r.metric, r.change)}, 95% CI "
                f"{self._ci_text(r.metric, r.ci_low, r.ci_high)}; n={int(r.n):,})")

    # -- headline -----------------------------------------------------------------------------------------
    def headline(self) -> report.Markdown:
        """What moved and what did not, allowing for every change compared at once, each with its CI and n."""
        lines = [f"### {report.text(self.client)}: the tracker"]
        if not self.estimable:
            lines.append(str(self._nothing()))
            return report.Markdown("\n\n".join(lines))
        t = self._shown_changes()
        k = len(self.tracked.table)
        first, last = _wave(self.waves[0]), _wave(self.waves[-1])
        held = t[t["p_adjusted"] < ALPHA]
        lines.append(f"{len(self.waves)} waves from {first} to {last}; {k} changes compared at once (each wave against "
                     f"the one before{', and the first against the last' if len(self.waves) > 2 else ''}, for "
                     f"{len(self.metrics)} measures).")
        if len(held):
            lines.append("**These changes are beyond what chance alone would give, allowing for the "
                         f"{k} changes compared:** " + "; ".join(self._describe(r) for r in held.itertuples()) + ".")
        else:
            lines.append(f"**No change is beyond what chance alone would give once the {k} changes compared are "
                         "allowed for.**")
        moved = set(held["metric"])
        still = [m for m in self.metrics if m not in moved]
        ends = t[t["comparison"] == "first_to_last"].set_index("metric")
        if still:
            parts = []
            for m in still:
                if m in ends.index:
                    r = ends.loc[m]
                    parts.append(f"{self.label(m)} {self._level_text(m, r['before'])} → {self._level_text(m, r['after'])} "
                                 f"({self._change_text(m, r['change'])}, 95% CI {self._ci_text(m, r['ci_low'], r['ci_high'])}; "
                                 f"n={int(r['n']):,})")
                else:
                    parts.append(f"{self.label(m)} (not shown: a wave has fewer than {self.min_cell} customers)")
            lines.append(f"Within what chance alone could give once the {k} changes compared are allowed for (the 95% "
                         "intervals shown do not allow for it, so one may exclude zero), from "
                         f"{first} to {last}: " + "; ".join(parts) + ".")
        if self.tracked.excluded:
            lines.append("Not tracked: " + "; ".join(f"{self.label(m)} ({r})" for m, r in self.tracked.excluded.items())
                         + ".")
        lines.append("The waves are separate samples, and there is no comparison group: these figures show what changed "
                     "between the waves, not why.")
        return report.Markdown("\n\n".join(lines))

    # -- every measure in every wave --------------------------------------------------------------------------
    def levels_table(self) -> Any:
        """Each measure in each wave: estimate (95% CI) and n; figures on fewer than min_cell customers
        suppressed."""
        if not self.estimable:
            return report.Markdown("")
        lv = self.tracked.levels
        rows = []
        for m in self.metrics:
            row = {"Measure": _cap(self.label(m))}
            for w in self.waves:
                r = lv[(lv["metric"] == m) & (lv["wave"].astype(str) == str(w))]
                if (m, str(w)) in self.suppressed:
                    row[str(w)] = f"suppressed (fewer than {self.min_cell} customers)"
                elif r.empty:
                    row[str(w)] = "not estimable"
                else:
                    r = r.iloc[0]
                    dash = " to " if m == "nps" else "–"
                    ci = (f"{self._level_text(m, r['ci_low'])}{dash}{self._level_text(m, r['ci_high'])}"
                          if math.isfinite(r["ci_low"]) and math.isfinite(r["ci_high"]) else "no interval")
                    row[str(w)] = f"{self._level_text(m, r['estimate'])} ({ci}; n={int(r['n']):,})"
            rows.append(row)
        return _styler(pd.DataFrame(rows)).set_caption(
            "Each measure in each wave: estimate (95% CI; n). Shares and the multiplier rest on respondents with a "
            "segment, the other measures on every respondent analysed in the wave.")

    def trend_charts(self) -> list[Any]:
        """One chart per measure: each wave's estimate with its 95% interval; the wave-over-wave changes that hold
        once every change compared is allowed for drawn heavy and filled (:func:`cxlib.plots.wave_trend`)."""
        from .. import plots

        if not self.estimable:
            return []
        out = []
        levels = self.tracked.levels
        for m in self.metrics:
            hidden = [w for w in self.waves if (m, str(w)) in self.suppressed]
            keep = levels[~((levels["metric"] == m) & levels["wave"].astype(str).isin([str(w) for w in hidden]))]
            shown = replace(self.tracked, _levels=keep, _table=self._shown_changes())
            d = keep[keep["metric"] == m]
            if d.empty:
                out.append(report.Markdown(f"{_cap(self.label(m))}: no wave has {self.min_cell} or more customers, so "
                                           "there is no chart."))
                continue
            fig, (ax,) = common.figure(8, 3.4)
            label = (f"{report.pretty(self.value_label)} (mean)" if m == "value" else
                     "Value multiplier" if m == "multiplier" else None)
            plots.wave_trend(shown, metric=m, ax=ax, alpha=ALPHA, label=label)
            held = shown.holds(ALPHA)
            held = held[(held["metric"] == m) & (held["comparison"] == "wave_over_wave")]
            alt = common.alt_text(
                f"{_cap(self.label(m))} in each wave with its 95% interval: "
                + "; ".join(f"{_wave(r.wave)} {self._level_text(m, r.estimate)} (n={int(r.n):,})" for r in d.itertuples()),
                ("Changes from one wave to the next beyond what chance alone would give, allowing for every change "
                 "compared: " + ", ".join(f"{_wave(r.from_wave)} to {_wave(r.to_wave)}" for r in held.itertuples()))
                if len(held) else "No change from one wave to the next is beyond what chance alone would give",
                f"Not shown (fewer than {self.min_cell} customers): {', '.join(map(str, hidden))}" if hidden else "")
            out.append(common.done(fig, alt=alt))
        return out

    # -- the changes ------------------------------------------------------------------------------------------
    def changes_table(self) -> Any:
        """Every change (wave over wave, and first to last) with its 95% CI, p-value, the p-value adjusted for
        every change compared (Holm), n, and whether it holds."""
        if not self.estimable:
            return report.Markdown("")
        rows = []
        for r in self.tracked.table.itertuples():
            hidden = (r.metric, str(r.from_wave)) in self.suppressed or (r.metric, str(r.to_wave)) in self.suppressed
            what = "first to last" if r.comparison == "first_to_last" and len(self.waves) > 2 else "wave over wave"
            row = {"Measure": _cap(self.label(r.metric)), "From → to": f"{r.from_wave} → {r.to_wave}", "Comparison": what}
            if hidden:
                sup = f"suppressed (fewer than {self.min_cell} customers)"
                row.update({"Change (95% CI)": sup, "p-value": "–", "Adjusted p": "–", "Holds": "–", "n": "–"})
            else:
                row.update({"Change (95% CI)": f"{self._change_text(r.metric, r.change)} "
                                               f"({self._ci_text(r.metric, r.ci_low, r.ci_high)})",
                            "p-value": report.number(r.p_value, "{:.3f}") if r.p_value >= 0.001 else "< 0.001",
                            "Adjusted p": report.number(r.p_adjusted, "{:.3f}") if r.p_adjusted >= 0.001 else "< 0.001",
                            "Holds": "yes" if r.p_adjusted < ALPHA else "no", "n": f"{int(r.n):,}"})
            rows.append(row)
        k = len(self.tracked.table)
        return _styler(pd.DataFrame(rows)).set_caption(
            f"Every change compared, with its 95% interval (not adjusted) and its p-value adjusted for all {k} changes "
            f"at once (Holm's method); a change holds when the adjusted p is below {ALPHA:g}.")

    def trend_table(self) -> Any:
        """With three waves or more, each measure's straight-line trend per wave (95% CI), its p-value and the
        p-value adjusted over the measures (Holm)."""
        if not self.estimable:
            return report.Markdown("")
        trend = self.tracked.trend
        if len(self.waves) < 3 or trend is None or trend.empty:
            return report.Markdown(f"A trend needs three waves or more; this engagement has {len(self.waves)}, so the "
                                   "changes above are all there is to test.")
        rows = []
        for r in trend.itertuples():
            hidden = any((r.metric, str(w)) in self.suppressed for w in self.waves)
            row = {"Measure": _cap(self.label(r.metric)), "Waves": f"{int(r.waves)}"}
            if hidden:
                row.update({"Change per wave (95% CI)": f"suppressed (a wave has fewer than {self.min_cell} customers)",
                            "p-value": "–", "Adjusted p": "–", "Clear trend": "–"})
            else:
                row.update({"Change per wave (95% CI)": f"{self._change_text(r.metric, r.slope)} "
                                                        f"({self._ci_text(r.metric, r.ci_low, r.ci_high)})",
                            "p-value": report.number(r.p_value, "{:.3f}") if r.p_value >= 0.001 else "< 0.001",
                            "Adjusted p": report.number(r.p_adjusted, "{:.3f}") if r.p_adjusted >= 0.001 else "< 0.001",
                            "Clear trend": ("rising" if r.slope > 0 else "falling") if r.p_adjusted < ALPHA else "no"})
            rows.append(row)
        return _styler(pd.DataFrame(rows)).set_caption(
            "The straight-line trend of each measure over the waves, per wave (each wave weighted by how precise its "
            f"figure is), with its p-value adjusted for the {len(rows)} measures tested (Holm's method).")

    # -- within segments --------------------------------------------------------------------------------------
    def within_segments(self) -> Any:
        """For each consecutive pair of waves, the changes with the segment mix held fixed (what moved within
        segments)."""
        if not self.estimable:
            return report.Markdown("")
        cards = [c for c in self.standardised if c.reason is None]
        if not cards:
            return report.Markdown("No measure could be compared within segments.")
        metrics = [m for m in ("attrition", "advocacy", "nps", "value") if any(m in c.metrics for c in cards)]
        rows = []
        for m in metrics:
            row = {"Measure": _cap(self.label(m))}
            for c in cards:
                a, b = (str(w) for w in c.waves)
                key = f"{a} → {b}"
                if (m, a) in self.suppressed or (m, b) in self.suppressed:
                    row[key] = f"suppressed (fewer than {self.min_cell} customers)"
                elif m in c.metrics:
                    r = c.row(m)
                    row[key] = (f"{self._change_text(m, r['change'])} ({self._ci_text(m, r['ci_low'], r['ci_high'])}; "
                                f"n={int(r['n']):,})")
                else:
                    row[key] = f"not estimable: {c.excluded.get(m, 'not compared')}"
            rows.append(row)
        if not rows:
            return report.Markdown("No measure could be compared within segments.")
        return _styler(pd.DataFrame(rows)).set_caption(
            "Each change from one wave to the next with the segment mix held fixed at that of the two waves together "
            "(respondents with a segment): what moved within segments, apart from customers moving between "
            "segments. Change (95% CI; n); intervals not adjusted for the number of comparisons.")

    # -- drivers and motivators across waves -----------------------------------------------------------------
    def drivers_text(self) -> report.Markdown:
        """Whether the elements' derived importance keeps its order from wave to wave, and which elements
        change quadrant (claimed only where both waves' labels are supported)."""
        if not self.estimable:
            return report.Markdown("")
        lines = []
        if self.driver_notes:
            lines.append("Not compared: " + "; ".join(f"{_wave(w)} ({s})" for w, s in self.driver_notes) + ".")
        s = self.drivers
        if s is None:
            lines.insert(0, "The drivers are not compared across waves: fewer than two waves have their drivers "
                            "estimated.")
            return report.Markdown("\n\n".join(lines))
        parts = []
        for r in s.table.itertuples():
            if not math.isfinite(r.spearman):
                parts.append(f"{_wave(r.from_wave)} to {_wave(r.to_wave)}: too few elements in both to compare "
                             f"(n={int(r.n_elements)})")
                continue
            parts.append(f"{_wave(r.from_wave)} to {_wave(r.to_wave)}: rank correlation "
                         f"{report.number(r.spearman, '{:.2f}')} (95% CI "
                         f"{report.interval(r.ci_low, r.ci_high, fmt='{:.2f}')}; n={int(r.n_elements)} elements)")
        lines.insert(0, "How far the order of the elements by derived importance (what goes with emotional connection) "
                        "agrees between consecutive waves, 1 meaning the same order: " + "; ".join(parts) + ".")
        moved = s.shifted()
        shifts = s.shifts
        if moved:
            lines.append(f"{len(moved)} element{'s' if len(moved) != 1 else ''} changed quadrant with the label "
                         f"supported in both waves: {report.listing([report.text(m) for m in moved], limit=8)}.")
        elif len(shifts):
            lines.append(f"{len(shifts)} change{'s' if len(shifts) != 1 else ''} of quadrant, none with the label "
                         "supported in both waves, so none is claimed: each rests on a label the data only make "
                         "possible.")
        else:
            lines.append("No element changed quadrant.")
        return report.Markdown("\n\n".join(lines))

    def drivers_table(self) -> Any:
        """The elements that change quadrant between consecutive waves, each with its evidence in both waves and
        whether the change is claimed."""
        if self.drivers is None or self.drivers.shifts.empty:
            return report.Markdown("")
        sh = self.drivers.shifts
        out = pd.DataFrame({
            "Element": sh["element"].astype(str), "From → to": [f"{a} → {b}" for a, b in zip(sh["from_wave"], sh["to_wave"])],
            "Quadrant before": [f"{q} ({e})" for q, e in zip(sh["quadrant_before"], sh["evidence_before"])],
            "Quadrant after": [f"{q} ({e})" for q, e in zip(sh["quadrant_after"], sh["evidence_after"])],
            "Claimed": ["yes" if h else "no (a label is only possible)" for h in sh["holds"]]})
        out = out.sort_values(["Claimed", "Element"], ascending=[False, True], kind="stable")
        return _styler(out).set_caption("Elements whose quadrant differs between consecutive waves; a change is claimed "
                                        "only when both waves' labels are supported.")

    def motivators_table(self) -> Any:
        """Whether the top motivators stay the top from wave to wave: each motivator's rank and how often it is in
        the top in each wave's resamples; it enters or leaves the top only when both waves are sure."""
        if not self.estimable:
            return report.Markdown("")
        if self.motivators is None:
            notes = "; ".join(f"{_wave(w)} ({s})" for w, s in self.motivator_notes)
            return report.Markdown("The top motivators are not compared across waves: fewer than two waves have them "
                                   "ranked" + (f" ({notes})." if notes else "."))
        m = self.motivators
        m = m[(m["rank_before"] <= TOP) | (m["rank_after"] <= TOP) | m["change"].isin(["enters", "leaves"])]
        words = {"stays": "stays", "enters": "enters the top", "leaves": "leaves the top",
                 "uncertain": "uncertain (not sure in both waves)"}
        out = pd.DataFrame({
            "Motivator": [_cap(str(v)) for v in m["motivator"]],
            "From → to": [f"{a} → {b}" for a, b in zip(m["from_wave"], m["to_wave"])],
            "Rank": [f"{int(a)} → {int(b)}" for a, b in zip(m["rank_before"], m["rank_after"])],
            f"In the top {TOP} (share of resamples)": [f"{report.percent(a)} → {report.percent(b)}"
                                                       for a, b in zip(m["in_top_before"], m["in_top_after"])],
            "Top": [words[c] for c in m["change"]]})
        caption = (f"The motivators in the top {TOP} of either wave, linked to {report.text(report.pretty(self.value_label).lower())}: "
                   f"a motivator enters or leaves the top only when at least {SURE:.0%} of one wave's resamples put it "
                   f"there and at most {1 - SURE:.0%} of the other's do.")
        if self.motivator_notes:
            caption += " Not ranked: " + "; ".join(f"{w} ({s})" for w, s in self.motivator_notes) + "."
        return _styler(out).set_caption(caption)

    # -- limits and methods ---------------------------------------------------------------------------------
    def limits(self) -> report.Markdown:
        """What this report shows and what it does not, in a few plain lines."""
        if not self.estimable:
            return report.Markdown("")
        k = len(self.tracked.table)
        return report.Markdown("\n".join([
            "- **It shows** each measure in each wave with its 95% interval, and which changes between the waves are "
            f"beyond what chance alone would give once all {k} changes compared are allowed for.",
            "- **It does not show** why a measure changed: the waves are separate samples of customers, not the same "
            "customers again, and there is no comparison group. A change can come from the programme, from anything "
            "else that changed in the meantime, or from who answered.",
            "- **A change that does not hold** is not shown to be zero: its interval says how large it could be.",
            "- **Drivers and motivators across waves** are associations within each wave; a change of order can be "
            "chance, and only changes of quadrant supported in both waves are claimed.",
        ]))

    def methods(self) -> report.Markdown:
        """The methods appendix: the common part, then this page's estimators."""
        k = len(self.tracked.table)
        lines = [
            "- **Measures.** Fully connected and highly satisfied shares, attrition at the horizon, promoter share "
            "(9–10), Net Promoter Score, mean value, and the value multiplier (fully connected ÷ highly satisfied mean "
            "value), with the estimators of the before/after scorecard of notebook 04. Multiplier: the ratio of the two "
            "segments' means, with the delta-method standard error of its logarithm; its interval in each wave is "
            "normal on the log scale, and a change in it is the difference of two ratios with their standard errors.",
            "- **Changes.** Each wave against the one before" + (", and the first against the last" if len(self.waves) > 2
                                                                 else "")
            + f"; one family of {k} changes, p-values adjusted with Holm's method over all of them; intervals not "
            "adjusted.",
            "- **Trend.** With three waves or more: weighted least squares of each wave's estimate on the wave's "
            "position (weights one over its variance, taken as known), a z-test of the slope, Holm over the measures.",
            "- **Within segments.** Direct standardisation to the pooled segment mix of each pair of waves.",
            f"- **Drivers across waves.** Derived importance (relative weights of the elements' ratings on the "
            f"connection index) in each wave with at least {self.driver_need:,} respondents, "
            + (f"{self.n_boot:,} bootstrap resamples (seed {self.seed})" if self.n_boot else "without resampling (so "
               "no label is supported)")
            + "; Spearman's rank correlation between consecutive waves with a Fisher-z interval; a change of quadrant "
            "is claimed only when both waves' labels are supported under the classification rule.",
            f"- **Top motivators across waves.** Relative weights of the motivators on {report.text(report.pretty(self.value_label).lower())} in each wave; "
            f"a motivator enters or leaves the top {TOP} only when at least {SURE:.0%} of one wave's resamples rank it "
            f"there and at most {1 - SURE:.0%} of the other's.",
            f"- **Suppression.** A wave's figure on fewer than {self.min_cell} customers (for the multiplier, either "
            "segment) is not shown, nor any change or trend that uses it; the adjustment still counts it.",
            str(glossary.see_glossary()),
        ]
        return report.Markdown(self.methods_common + "\n" + "\n".join(lines))

    # -- results.json ---------------------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        """``waves``: :meth:`cxlib.waves.WaveTrack.to_dict` (``waves``; every wave's ``levels``; every change
        with ``p_value`` and ``p_adjusted`` over the whole family; the ``trend``) beside the before/after
        scorecard's keys (:meth:`cxlib.waves.WaveComparison.to_dict`: ``before``, ``after`` and per scorecard
        metric the first-to-last change, Holm across the scorecard's measures, exactly notebook 04's), with
        figures on fewer than min_cell customers replaced by ``{"estimate": null, ..., "note"}``. Absent with a
        single wave."""
        if not self.estimable:
            return {}
        d = self.tracked.to_dict()
        card = self.scorecard.to_dict() if self.scorecard is not None and self.scorecard.reason is None else {}
        excluded = {**card.pop("not_estimable", {}), **d.get("not_estimable", {})}
        d = {**card, **d, **({"not_estimable": excluded} if excluded else {})}
        note = f"suppressed: fewer than {self.min_cell} customers"
        blank = {"estimate": None, "ci_low": None, "ci_high": None, "reason": "below_min_cell", "note": note}

        def hide(e: dict, waves: list[str]) -> dict:
            return {**e, **blank} if any((e["metric"], w) in self.suppressed for w in waves) else e
        d["levels"] = [hide(e, [e["wave"]]) for e in d.get("levels", [])]
        d["changes"] = [hide(e, [e["from"], e["to"]]) for e in d["changes"]]
        for m in self.metrics:
            if isinstance(d.get(m), dict) and any((m, str(w)) in self.suppressed for w in (self.waves[0], self.waves[-1])):
                d[m] = {**d[m], **blank, "p_value": None, "p_adjusted": None}
        if "trend" in d:
            d["trend"] = [hide(e, [str(w) for w in self.waves]) for e in d["trend"]]
        return {"waves": report.to_jsonable(d)}

    def record(self) -> None:
        """Record ``waves`` for ``results.json`` (shows nothing)."""
        for key, value in self.results().items():
            report.record(key, value)


# -- build ---------------------------------------------------------------------------------------------------

def _suppressed(frame: pd.DataFrame, tracked: WaveTrack, wave_col: str | None, min_cell: int) -> frozenset:
    """(metric, wave) pairs whose figure rests on fewer than ``min_cell`` customers."""
    if tracked.levels is None or not wave_col:
        return frozenset()
    out = set()
    for r in tracked.levels.itertuples():
        if r.metric == "multiplier":
            d = frame[frame[wave_col].astype(str) == str(r.wave)]
            small = min(int((d["segment"] == s).sum()) for s in SEGMENTS[:2]) < min_cell
        else:
            small = int(r.n) < min_cell
        if small:
            out.add((r.metric, str(r.wave)))
    return frozenset(out)


def _elements(codebook: pd.DataFrame) -> int:
    if "role" not in codebook or "element" not in codebook:
        return 0
    perf = codebook[codebook["role"] == "element_performance"]
    return int(perf["element"].nunique())


def _per_wave(frame: pd.DataFrame, wave_col: str, waves: tuple, need: int, fit: Any) -> tuple[dict, list]:
    """``{wave: result}`` for each wave with at least ``need`` respondents whose result is estimable, and
    ``[(wave, sentence)]`` for the others."""
    done, notes = {}, []
    for w in waves:
        d = frame[frame[wave_col].astype(str) == str(w)]
        if len(d) < need:
            notes.append((str(w), f"{len(d):,} respondents; at least {need:,} needed"))
            continue
        r = fit(d)
        why = getattr(r, "reason", None)
        if why is not None:
            notes.append((str(w), str(why)))
            continue
        done[str(w)] = r
    return done, notes


def build(eng: Any, *, seed: int = 0, n_boot: int = 200) -> TrackerPage:
    """Compute notebook 05's results for ``eng``.

    Parameters
    ----------
    eng : Engagement
    seed : int
        Seed of every resampling step (the drivers and motivators of each wave).
    n_boot : int
        Bootstrap resamples for each wave's drivers and motivators (0: none, so no quadrant label is
        supported and no motivator is sure to be in the top). Modest by default: the tracker compares waves,
        and notebook 02 gives the drivers' own intervals.

    Returns
    -------
    TrackerPage

    Notes
    -----
    The changes, levels and trend are :func:`cxlib.waves.track` over every configured measure; the mix held
    fixed is :func:`cxlib.waves.compare_waves` with ``standardise=True`` for each consecutive pair; drivers
    and motivators are estimated in each wave with at least ``max(5 × min_cell, 3 × elements)`` respondents
    (:func:`cxlib.drivers.importance`, :func:`cxlib.motivators.rank`) and compared by
    :func:`cxlib.waves.driver_stability` and :func:`cxlib.waves.motivator_stability`.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 300, seed=0)
    >>> import dataclasses
    >>> one = dataclasses.replace(eng, config={k: v for k, v in eng.config.items() if k not in ("wave", "waves")})
    >>> str(build(one, n_boot=0).headline()).splitlines()[-1]
    'There is nothing to track: this engagement has a single wave.'
    """
    from .. import checks, drivers, motivators

    n_boot = checks.count(n_boot, "tracker.build", "n_boot", minimum=2, allow_zero=True)
    seed = checks.count(seed, "tracker.build", "seed", minimum=0, allow_zero=True)
    cfg = eng.config
    min_cell = int((cfg.get("privacy") or {}).get("min_cell", 0))
    weight = cfg.get("weight")
    wave_col = cfg.get("wave")
    value_col = (cfg.get("value") or [None])[0]
    tracked = track(eng)
    labeller = WaveComparison(pd.DataFrame(), horizon=float(cfg["attrition"]["horizon"])
                              if (cfg.get("attrition") or {}).get("horizon") is not None else None,
                              value=value_col, weighted=bool(weight))
    common_kw = dict(client=eng.client, min_cell=min_cell, weighted=bool(weight), n_boot=n_boot, seed=seed,
                     labeller=labeller, value_label=value_col or "value", methods_common=common.methods_common(eng))
    if tracked.reason is not None or not tracked.estimable:
        return TrackerPage(tracked=tracked, **common_kw)
    frame = eng.frame()
    suppressed = _suppressed(frame, tracked, wave_col, min_cell)
    order = list(tracked.waves)
    standardised = tuple(compare_waves(eng, metrics=["attrition", "advocacy", "nps", "value"], waves=[a, b],
                                       standardise=True) for a, b in zip(order[:-1], order[1:]))
    k = _elements(eng.codebook)
    need = max(5 * min_cell, 3 * k, 2)
    stability, driver_notes = None, ()
    if k >= 2:
        imps, notes = _per_wave(frame, wave_col, tracked.waves, need, lambda d: drivers.importance(
            d, eng.codebook, "connection_index", weight=weight, n_boot=n_boot, seed=seed))
        driver_notes = tuple(notes)
        if len(imps) >= 2:
            stability = driver_stability(imps)
    ranking, motivator_notes = None, ()
    if value_col:
        ranks, notes = _per_wave(frame, wave_col, tracked.waves, max(5 * min_cell, 2), lambda d: motivators.rank(
            d, eng.codebook, value=value_col, weight=weight, n_boot=n_boot, seed=seed, top=TOP))
        motivator_notes = tuple(notes)
        if len(ranks) >= 2:
            ranking = motivator_stability(ranks, sure=SURE)
    return TrackerPage(tracked=tracked, scorecard=compare_waves(eng), suppressed=suppressed,
                       standardised=standardised, drivers=stability,
                       driver_notes=driver_notes, driver_need=need, motivators=ranking,
                       motivator_notes=motivator_notes, **common_kw)
