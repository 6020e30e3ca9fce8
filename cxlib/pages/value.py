"""Notebook 01's words: who is fully connected, how much more value goes with connection (raw, adjusted for
the engagement's covariates, and as a ratio of medians), how far that depends on the connection threshold,
which emotional motivators are most linked to value, and how well the motivators are measured.

:func:`build` computes every result object once; each method of :class:`ValuePage` words one section of
the notebook (Markdown sentences, a table or a figure); :meth:`ValuePage.results` gives the ``results.json``
entries ``client``, ``n_respondents``, ``segment_shares``, ``value_multiplier``, ``value_multipliers``,
``top_motivators`` (and ``top_motivators_note`` when the motivators explain nothing) and
``threshold_sensitivity``; ``value_multiplier`` carries ``adjusted`` (for the covariates, with ``covariates``)
and ``median`` (for a value that is not 0/1).

Bases: figures about segments (shares, value by segment, the multiplier, profiles, the connection index)
rest on the respondents with a segment (``eng.sample.segmented``), stated on every chart; the respondent
count is every analysed respondent (``eng.sample.analysed``); the motivator ranking and the reliability
state their own n (respondents with every motivator score and a value; respondents who answered a scale).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import glossary, motivators, report, segments
from . import common
from ..report import Markdown
from ..results import Estimate, Reason

__all__ = ["ValuePage", "build"]

FC, HS, _OTHER = segments.SEGMENTS
#: The ranking table's share column: each motivator's part of the R² of all of them (given in the notes).
_SHARE_HEADER = "Share of what the motivators explain, % of R² (95% CI)"


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html")


def _cap(name: Any) -> str:
    """A segment or motivator name as the codebook writes it (a lower-case code raised at its first letter)."""
    return report.label(name)


def _value_label(column: str) -> str:
    return report.pretty(column)


def _ci(e: Estimate) -> str:
    return f"95% CI {report.interval(e.ci_low, e.ci_high, fmt='{:.2f}')}" if e.has_interval else "no interval"


def _times(e: Estimate) -> str:
    if not e.has_interval:
        return f"{report.number(e.estimate, '{:.2f}')}× (no interval; n={e.n:,})"
    return f"{report.number(e.estimate, '{:.2f}')}× (95% CI {report.interval(e.ci_low, e.ci_high)}; n={e.n:,})"


@dataclass(frozen=True, eq=False)
class ValuePage:
    """Notebook 01's result objects and their words (build it with :func:`build`).

    Attributes
    ----------
    client : str
        The client's name (shown as literal text).
    sample : Sample
        The engagement's one stated base (``eng.sample``).
    min_cell : int
        Groups below it are suppressed.
    threshold : float
        The connection index at which a respondent is fully connected.
    values : list of str
        The value columns, the first the headline one.
    shares : segments.Shares
        Segment shares (respondents with a segment).
    by_segment, multipliers : dict
        ``{value column: ValueBySegment}`` and ``{value column: ValueMultiplier}``.
    adjusted : dict
        ``{value column: AdjustedMultiplier}``: the multiplier raw, adjusted for the covariates, and as a
        ratio of medians (its ``multiplier`` is the one in ``multipliers``).
    sensitivity : motivators.ThresholdSensitivity
        Shares and the headline value's multiplier at the thresholds around the one used.
    ranking : motivators.MotivatorRanking
        The motivators ranked on the headline value.
    profiles : motivators.Profiles
    reliability : motivators.Reliability
    loadings : motivators.Loadings
    index_values : Series
        Connection index of the respondents with a segment (the index chart's data).
    item_labels : dict
        Question wording of each motivator item (codebook label), for the reliability notes.
    """

    client: str
    sample: Any
    min_cell: int
    threshold: float
    weighted: bool
    n_boot: int
    seed: int
    values: list[str]
    shares: segments.Shares
    by_segment: dict[str, motivators.ValueBySegment]
    multipliers: dict[str, motivators.ValueMultiplier]
    adjusted: dict[str, motivators.AdjustedMultiplier]
    sensitivity: motivators.ThresholdSensitivity
    ranking: motivators.MotivatorRanking
    profiles: motivators.Profiles
    reliability: motivators.Reliability
    loadings: motivators.Loadings
    index_values: pd.Series = field(repr=False)
    item_labels: dict[str, str] = field(default_factory=dict, repr=False)
    methods_common: str = ""
    weighting: dict = field(default_factory=dict)
    sample_note: str = ""

    # -- helpers -----------------------------------------------------------------------------------------
    @property
    def headline_value(self) -> str:
        return self.values[0]

    @property
    def n_segmented(self) -> int:
        return int(self.sample.segmented)

    def _segment_n(self, segment: str) -> int:
        t = self.shares.table.set_index("segment")
        return int(t.loc[segment, "n"]) if segment in t.index else 0

    def _small(self) -> list[str]:
        """Segments below min_cell (their figures are suppressed)."""
        return [s for s in segments.SEGMENTS if self._segment_n(s) < self.min_cell]

    def _multiplier_suppressed(self, m: motivators.ValueMultiplier) -> bool:
        vbs = self.by_segment[m.value].table.set_index("segment")
        return any(int(vbs.loc[s, "n"]) < self.min_cell for s in (m.numerator, m.denominator) if s in vbs.index)

    def _multiplier_sentence(self, value: str) -> str:
        m = self.multipliers[value]
        what = _value_label(value).lower()
        if self._multiplier_suppressed(m):
            vbs = self.by_segment[m.value].table.set_index("segment")
            small = [f"{s} customers (n={int(vbs.loc[s, 'n']) if s in vbs.index else 0:,})"
                     for s in (m.numerator, m.denominator)
                     if (int(vbs.loc[s, "n"]) if s in vbs.index else 0) < self.min_cell]
            return (f"The value of connection in {what} is not reported: fewer than {self.min_cell:,} "
                    f"{report.listing(small, conjunction='and')}.")
        if not m.estimable:
            return f"The value of connection in {what} is not estimable: {m.note}."
        adj = self.adjusted[value]
        verb = "show" if m.kind == "rate" else "have on average"
        measure = f"the rate of {what}" if m.kind == "rate" else f"the {what}"
        text = (f"Fully connected customers {verb} **{report.number(m.estimate, '{:.2f}')}×** {measure} of highly "
                f"satisfied ones ({_ci(m.ratio)}; n={m.n:,})")
        if adj.adjusted.estimable:
            text += (f"; {report.number(adj.adjusted.estimate, '{:.2f}')}× after allowing for "
                     f"{adj.covariate_words()} ({_ci(adj.adjusted)}; n={adj.adjusted.n:,})")
        text += "."
        if adj.median is not None and adj.median.estimable:
            text += (f" The median fully connected customer has {report.number(adj.median.estimate, '{:.2f}')}× the "
                     f"median highly satisfied customer's {what} ({_ci(adj.median)}; n={adj.median.n:,}).")
        return text

    def _explained_words(self) -> str:
        """'together they explain 11% of the differences in annual spend between customers (R² = 0.11; n=5,474)'."""
        r = self.ranking
        what = _value_label(self.headline_value).lower()
        return (f"together they explain {report.percent(r.r2)} of the differences in {what} between customers "
                f"(R² = {report.number(r.r2, '{:.2f}')}; n={r.n:,})")

    def _ranking_sentence(self) -> str:
        """The motivators most linked to the headline value, their share of what the motivators explain, and the
        R² of all of them together (the share alone would read as a share of every difference in value)."""
        r = self.ranking
        what = _value_label(self.headline_value).lower()
        if r.reason is not None or r.table.empty:
            return str(r.headline())
        if not r.explains:
            return (f"The emotional motivators do not measurably go with {what} for this client: "
                    f"{self._explained_words()}, no more than chance alone could give, so no motivator is named as "
                    f"linked to it.")
        top = r.table.head(r.top)
        names = [f"**{report.text(_cap(m))}**" for m in top["motivator"]]
        return (f"The emotional motivators most linked to {what} for this client are "
                f"{report.listing(names, limit=r.top)}: together {report.number(top['rescaled'].sum(), '{:.0f}')}% of "
                f"what the motivators explain, and the {len(r.table):,} motivators "
                f"{self._explained_words().replace('together they', 'together')}.")

    def _share_sentence(self) -> str:
        if FC in self._small():
            return (f"Fewer than {self.min_cell:,} customers are fully connected, so their share is not reported "
                    f"(n={self.n_segmented:,} respondents with a segment).")
        e = self.shares.share(FC)
        if not e.estimable:
            return f"The fully connected share is not estimable: {e.note}."
        return (f"**{report.percent(e.estimate)}** of customers are fully connected (95% CI "
                f"{report.percent(e.ci_low)}–{report.percent(e.ci_high)}; n={e.n:,} respondents with a segment).")

    def _threshold_sentence(self) -> str:
        """One sentence on how far the share and the multiplier depend on the threshold (point estimates)."""
        sens = self.sensitivity
        shown = sens.shown(self.min_cell)
        ts, ms = shown["share"], shown["multiplier"]
        if len(ts) < 2 and len(ms) < 2:
            return ""
        parts = []
        if len(ts) >= 2:
            parts.append(f"the fully connected share runs from {report.percent(sens.share(ts[0]).estimate)} to "
                         f"{report.percent(sens.share(ts[-1]).estimate)}")
        if len(ms) >= 2:
            values = [sens.multiplier(t).estimate for t in ms]
            parts.append(f"the multiplier lies between {report.number(min(values), '{:.2f}')}× and "
                         f"{report.number(max(values), '{:.2f}')}×")
        lo, hi = min(ts + ms), max(ts + ms)
        return (f"Both depend on where the connection line is drawn: at thresholds from {lo:g} to {hi:g} (this report "
                f"uses {self.threshold:g}) {report.listing(parts, conjunction='and')} (n={sens.n:,}; intervals in the "
                "section on how far the figures depend on the threshold).")

    # -- sections ----------------------------------------------------------------------------------------
    def headline(self) -> Markdown:
        """The headline findings: the value that goes with connection, the connected share and how far both depend
        on the threshold, the motivators most linked to value."""
        s = self.sample
        lines = [f"### {report.text(self.client)}: headline findings",
                 self._multiplier_sentence(self.headline_value),
                 self._share_sentence() + " " + self._threshold_sentence(),
                 self._ranking_sentence(),
                 f"*Based on {s.analysed:,} analysed respondents, {s.segmented:,} of them with a segment.*"]
        return Markdown("\n\n".join(lines))

    def segment_chart(self) -> Any:
        """Segment shares with their intervals (respondents with a segment), titled with the fully connected share."""
        from .. import plots

        fig, (ax,) = common.figure(9, 3.2)
        t = self.shares.table.copy()
        small = t["n"] < self.min_cell
        t.loc[small, ["share", "ci_low", "ci_high"]] = float("nan")
        shown = [s for s in segments.SEGMENTS if s not in self._small() and self.shares.share(s).estimable]
        pct = {s: common.interval(self.shares.share(s), "{:.0f}", scale=100, suffix="%") for s in shown}
        if FC in shown:
            finding = f"{report.percent(self.shares.share(FC).estimate)} of customers are fully connected"
            if HS in shown:
                finding += f", {report.percent(self.shares.share(HS).estimate)} highly satisfied"
        else:
            finding = f"Fewer than {self.min_cell:,} customers are fully connected, so their share is not shown"
        if small.any() and FC in shown:
            finding += f"; fewer than {self.min_cell:,}, not shown: {', '.join(t.loc[small, 'segment'])}"
        title = common.titled(finding, self.n_segmented, "respondents with a segment")
        if small.all():
            ax.set_axis_off()
            ax.set_title(title)
        else:
            plots.segment_shares(t, ax=ax, title=common.titled(finding, self.n_segmented, "respondents with a segment",
                                                               width=None))
        hidden = [s for s in segments.SEGMENTS if s not in shown]
        alt = common.alt_text(
            "Share of customers in each segment: " + "; ".join(f"{s} {pct[s]}" for s in shown) if shown else "",
            f"Fewer than {self.min_cell:,} customers, not shown: {', '.join(hidden)}" if hidden else "",
            f"n={self.n_segmented:,} respondents with a segment")
        return common.done(fig, alt=alt)

    def segment_table(self) -> Any:
        """Segment shares as a table: segment, share, 95% CI, n (small segments suppressed)."""
        rows = []
        for _, r in self.shares.table.iterrows():
            small = r["n"] < self.min_cell
            rows.append({"Segment": _cap(r["segment"]),
                         "Share": f"suppressed (n < {self.min_cell:,})" if small else report.percent(r["share"]),
                         "95% CI": "" if small else f"{report.percent(r['ci_low'])} – {report.percent(r['ci_high'])}",
                         "n": f"{int(r['n']):,}"})
        return _styler(pd.DataFrame(rows))

    def connection_index(self) -> Any:
        """Distribution of the connection index with the fully-connected threshold (respondents with a segment)."""
        from .. import plots

        fig, (ax,) = common.figure(8, 4)
        v = self.index_values.dropna()
        n = len(self.index_values)
        above = float((v >= self.threshold).mean()) if len(v) else float("nan")
        q1, med, q3 = (float(v.quantile(q)) for q in (0.25, 0.5, 0.75)) if len(v) else (float("nan"),) * 3
        finding = (f"{report.percent(above)} of respondents score {self.threshold:g} or more on the connection index; "
                   f"the median is {report.number(med, '{:.0f}')}")
        plots.index_distribution(pd.DataFrame({"connection_index": self.index_values}), threshold=self.threshold,
                                 ax=ax, title=common.titled(finding, n, "respondents with a segment", width=None))
        alt = common.alt_text(
            f"Connection index (0 to 100) of the {n:,} respondents with a segment: median "
            f"{report.number(med, '{:.0f}')}, middle half between {report.number(q1, '{:.0f}')} and "
            f"{report.number(q3, '{:.0f}')}",
            f"{report.percent(above)} score at or above the fully connected threshold of {self.threshold:g}")
        return common.done(fig, alt=alt)

    def _value_finding(self, v: str) -> str:
        """'Fully connected customers have 1.91× the annual spend of highly satisfied ones', or why not."""
        m = self.multipliers[v]
        label = _value_label(v).lower()
        if self._multiplier_suppressed(m):
            return f"The value of connection in {label} is not shown: a segment has fewer than {self.min_cell:,} customers"
        if not m.estimable:
            return f"The value of connection in {label} is not estimable"
        if m.kind == "rate":
            return (f"Fully connected customers show {report.number(m.estimate, '{:.2f}')}× the rate of {label} of "
                    "highly satisfied ones")
        return f"Fully connected customers have {report.number(m.estimate, '{:.2f}')}× the {label} of highly satisfied ones"

    def _value_alt(self, v: str) -> str:
        m, vbs = self.multipliers[v], self.by_segment[v]
        label = _value_label(v)
        parts = []
        for _, r in vbs.table.iterrows():
            if r["n"] < self.min_cell:
                parts.append(f"{r['segment']} not shown (fewer than {self.min_cell:,})")
            elif vbs.kind == "rate":
                parts.append(f"{r['segment']} {common.interval(r.rename({'mean': 'estimate'}), '{:.1f}', scale=100, suffix='%')}")
            else:
                fmt = "{:,.0f}" if abs(float(r["mean"])) >= 100 else "{:,.2f}"
                parts.append(f"{r['segment']} {common.interval(r.rename({'mean': 'estimate'}), fmt)}")
        what = "rate" if vbs.kind == "rate" else "mean"
        ratio = (f"fully connected ÷ highly satisfied: {common.interval(m.ratio, suffix='×')}"
                 if m.estimable and not self._multiplier_suppressed(m) else "")
        return common.alt_text(f"{label}, {what} by segment: " + "; ".join(parts), ratio)

    def value_chart(self) -> Any:
        """Mean value (or rate) by segment for every value column, each titled with its multiplier; one base n."""
        fig, axes = common.figure(8, 4.2, nrows=len(self.values))
        stated: set[int] = set()
        for ax, v in zip(axes, self.values):
            vbs = self.by_segment[v]
            vbs.plot(ax=ax, min_cell=self.min_cell, title=self._value_finding(v))
            n = int(vbs.table["n"].sum())
            common.set_title(ax, self._value_finding(v), None if n in stated else n, "respondents with a segment")
            stated.add(n)
        alt = " ".join(self._value_alt(v) for v in self.values)
        return common.done(fig, alt=alt + f" n={self.n_segmented:,} respondents with a segment.")

    def value_table(self) -> Any:
        """Mean value (or rate) by segment with its 95% CI and n, every value column (small segments suppressed)."""
        rows = []
        for v in self.values:
            vbs = self.by_segment[v]
            for _, r in vbs.table.iterrows():
                if r["n"] < self.min_cell:
                    cell = f"suppressed (n < {self.min_cell:,})"
                elif vbs.kind == "rate":
                    cell = report.ci_text(r["mean"] * 100, r["ci_low"] * 100, r["ci_high"] * 100, fmt="{:.1f}%")
                else:
                    cell = report.ci_text(r["mean"], r["ci_low"], r["ci_high"], fmt="{:,.2f}")
                rows.append({"Value": _value_label(v), "Segment": _cap(r["segment"]),
                             "Mean or rate (95% CI)": cell, "n": f"{int(r['n']):,}"})
        return _styler(pd.DataFrame(rows))

    def multiplier_table(self) -> Any:
        """The value multiplier (fully connected ÷ highly satisfied) of every value column: ratio of means, adjusted
        for the covariates, ratio of medians, each with its 95% CI and n."""
        covs = next(iter(self.adjusted.values())).covariate_words() if self.adjusted else ""
        adj_col = f"Adjusted for {covs} (95% CI)" if covs else "Adjusted (95% CI)"
        rows = []
        for v in self.values:
            m, adj = self.multipliers[v], self.adjusted[v]

            def cell(e: Estimate | None, what: str) -> str:
                if e is None:
                    return f"no {what} for a yes/no value"
                if not e.estimable:
                    return f"not estimable: {e.note}"
                return report.ci_text(e.estimate, e.ci_low, e.ci_high, fmt="{:.2f}").replace(" (", "× (", 1) \
                    if e.has_interval else f"{report.number(e.estimate, '{:.2f}')}× (no interval)"

            if self._multiplier_suppressed(m):
                small = f"suppressed (a segment has fewer than {self.min_cell:,} customers)"
                raw = adjusted = median = small
            else:
                raw, median = cell(m.ratio, "ratio"), cell(adj.median, "median")
                adjusted = cell(adj.adjusted, "ratio") if adj.covariates else "no covariates configured"
            rows.append({"Value": _value_label(v), "Ratio of means (95% CI)": raw, adj_col: adjusted,
                         "Ratio of medians (95% CI)": median, "n": f"{m.n:,}"})
        return _styler(pd.DataFrame(rows))

    def what_this_shows(self) -> Markdown:
        """What the value comparison shows and what it does not (associations in one survey)."""
        adj = self.adjusted[self.headline_value]
        covs = adj.covariate_words() if adj.covariates else ""
        what = _value_label(self.headline_value).lower()
        shows = (f"the rate of {what} among fully connected customers set against the rate among highly satisfied ones"
                 if adj.kind == "rate" else
                 f"fully connected customers' average {what} set against highly satisfied customers'")
        medians = ""
        if adj.median is not None:
            medians = ((f"- {what.capitalize()} is skewed (a few customers account for much of it), so the ratio of "
                        "medians is shown beside the ratio of means; " if adj.skewed else
                        "- The ratio of medians is shown beside the ratio of means; ")
                       + "the two answer different questions (the typical customer against the average per customer).")
        lines = ["**What this shows and what it does not.**",
                 f"- It shows how {what} *goes with* emotional connection among these respondents: {shows}.",
                 "- It does not show that connecting a customer would raise their value: customers with more "
                 f"{what} may feel more connected for that reason, and both may follow from something the survey did "
                 "not measure."
                 + (f" Allowing for {covs} removes the part of the gap that those differences account for, not "
                    "every other difference." if covs else ""),
                 medians,
                 f"- The segments depend on where the connection line is drawn (this report uses {self.threshold:g}); "
                 "the section on the threshold shows the figures at other lines."]
        return Markdown("\n".join(line for line in lines if line))

    def threshold_chart(self) -> Any:
        """Segment shares and the headline value's multiplier against the connection threshold, with 95% bands."""
        fig, axes = common.figure(11, 4.4, ncols=2)
        sens = self.sensitivity
        label = _value_label(self.headline_value)
        shown = sens.shown(self.min_cell)
        ts, ms = shown["share"], shown["multiplier"]
        sens.plot(ax=axes, value_label=label, min_cell=self.min_cell)
        if len(ts) >= 2:
            left = (f"The fully connected share runs from {report.percent(sens.share(ts[0]).estimate)} at {ts[0]:g} to "
                    f"{report.percent(sens.share(ts[-1]).estimate)} at {ts[-1]:g}")
        elif ts:
            left = f"{report.percent(sens.share(ts[0]).estimate)} are fully connected at {ts[0]:g}"
        else:
            left = f"The fully connected share is not shown at any threshold (fewer than {self.min_cell:,})"
        values = [sens.multiplier(t).estimate for t in ms]
        if len(ms) >= 2:
            right = (f"The {label.lower()} multiplier stays between {report.number(min(values), '{:.2f}')}× and "
                     f"{report.number(max(values), '{:.2f}')}× from {ms[0]:g} to {ms[-1]:g}")
        elif ms:
            right = f"The {label.lower()} multiplier is {report.number(values[0], '{:.2f}')}× at {ms[0]:g}"
        else:
            right = f"The {label.lower()} multiplier is not shown at any threshold"
        t = sens.table
        used = t[(t["threshold"] == sens.threshold) & (t["measure"] == "multiplier")]
        n_mult = int(used["n"].iloc[0]) if len(used) else None
        common.set_title(axes[0], left, sens.n, "respondents")
        common.set_title(axes[1], right, n_mult if n_mult != sens.n else None, f"in the two segments at {sens.threshold:g}")
        alt = common.alt_text(
            f"How the segments change with the connection threshold (this report uses {sens.threshold:g})",
            "Fully connected share: " + "; ".join(f"{common.interval(sens.share(t), '{:.0f}', scale=100, suffix='%')} "
                                                  f"at {t:g}" for t in ts) if ts else "",
            f"{label} multiplier (fully connected ÷ highly satisfied): "
            + "; ".join(f"{common.interval(sens.multiplier(t), suffix='×')} at {t:g}" for t in ms) if ms else "",
            f"n={sens.n:,} respondents")
        return common.done(fig, alt=alt)

    def threshold_table(self) -> Any:
        """Per threshold: the three segment shares and the multiplier, with 95% CI and n (small cells suppressed)."""
        sens = self.sensitivity
        what = _value_label(self.headline_value).lower()
        t = sens.table
        rows = []
        for th in sens.thresholds:
            row = {"Connection threshold": f"{th:g} (used)" if th == sens.threshold else f"{th:g}"}
            for seg in segments.SEGMENTS:
                r = t[(t["threshold"] == th) & (t["measure"] == seg)].iloc[0]
                row[f"{_cap(seg)} (95% CI)"] = (f"suppressed (n < {self.min_cell:,})" if r["count"] < self.min_cell else
                                                f"{report.percent(r['estimate'])} ({report.percent(r['ci_low'])} – "
                                                f"{report.percent(r['ci_high'])})")
            row["n"] = f"{int(t[(t['threshold'] == th) & (t['measure'] == segments.SEGMENTS[0])]['n'].iloc[0]):,}"
            r = t[(t["threshold"] == th) & (t["measure"] == "multiplier")].iloc[0]
            e = sens.multiplier(th)
            if r["count"] < self.min_cell:
                cell = f"suppressed (a segment has fewer than {self.min_cell:,} customers)"
            elif not e.estimable:
                cell = f"not estimable: {e.note}"
            elif e.has_interval:
                cell = report.ci_text(e.estimate, e.ci_low, e.ci_high, fmt="{:.2f}").replace(" (", "× (", 1)
            else:
                cell = f"{report.number(e.estimate, '{:.2f}')}× (no interval)"
            row[f"Multiplier, {'rate of' if sens.kind == 'rate' else 'mean'} {what} (95% CI)"] = cell
            row["n, multiplier"] = f"{int(r['n']):,}"
            rows.append(row)
        return _styler(pd.DataFrame(rows))

    def threshold_notes(self) -> Markdown:
        """How far the headline depends on the threshold, in words."""
        return Markdown(str(self.sensitivity.headline(self.min_cell)))

    def ranking_chart(self) -> Any:
        """The motivators ranked by their share of the explained variation in the headline value."""
        fig, (ax,) = common.figure(8, 5)
        r = self.ranking
        what = _value_label(self.headline_value).lower()
        if r.reason is not None or r.table.empty:
            ax.set_axis_off()
            why = r.reason.sentence if r.reason is not None else "no motivator has a score that varies"
            ax.set_title(common.titled(f"The motivators cannot be ranked on {what}: {why}", r.n, "respondents"))
            return common.done(fig, alt=common.alt_text(f"The motivators cannot be ranked on {what}: {why}",
                                                        f"n={r.n:,} respondents"))
        t = r.table.sort_values("rank")
        top = t.iloc[0]
        r2 = report.number(r.r2, "{:.2f}")
        if r.explains:
            finding = (f"{_cap(top['motivator'])} is the motivator most linked to {what}: "
                       f"{report.number(top['rescaled'], '{:.0f}')}% of what the motivators explain (R² = {r2})")
        else:
            finding = f"The motivators explain little of {what} (R² = {r2}), so none is named"
        r.plot(ax=ax, top=r.top if r.explains else 0, title=finding)
        common.set_title(ax, finding, r.n, "respondents with every motivator score and a value")
        listed = "; ".join(f"{_cap(row['motivator'])} {common.interval(row.rename({'rescaled': 'estimate'}), '{:.0f}', suffix='%')}"
                           for _, row in t.head(5).iterrows())
        alt = common.alt_text(
            f"Motivators ranked by their share of what they explain of {what} together (R² = {r2})"
            + ("" if r.explains else ", which is no more than chance"),
            f"The first {min(5, len(t))}: {listed}", f"n={r.n:,} respondents")
        return common.done(fig, alt=alt)

    def ranking_table(self) -> Any:
        """Rank, motivator, share of explained variation (95% CI), how often in the top three, n."""
        t = self.ranking.table
        top = self.ranking.top
        rows = [{"Rank": int(r["rank"]), "Motivator": _cap(r["motivator"]),
                 _SHARE_HEADER: report.ci_text(r["rescaled"], r["ci_low"], r["ci_high"],
                                                                            fmt="{:.1f}"),
                 f"In top {top} (share of resamples)": report.number(r["in_top"], "{:.0%}"),
                 "n": f"{int(r['n']):,}"} for _, r in t.iterrows()]
        columns = ["Rank", "Motivator", _SHARE_HEADER, f"In top {top} (share of resamples)", "n"]
        return _styler(pd.DataFrame(rows, columns=columns))

    def ranking_notes(self) -> Markdown:
        """What the ranking rests on: R² of the motivators together, its test, n; motivators left out and why."""
        r = self.ranking
        what = _value_label(self.headline_value).lower()
        lines = []
        if r.reason is not None:
            lines.append(str(r.headline()))
        else:
            test = f", {report.p_value(r.r2_p_value)}" if r.r2_p_value is not None else ""
            lines.append(f"Together the {len(r.table):,} motivator scores explain {report.percent(r.r2)} of the differences "
                         f"in {what} between customers (**R² = {report.number(r.r2, '{:.2f}')}**; F test{test}; "
                         f"n={r.n:,} respondents with every motivator score and a value). Each motivator's share in "
                         "the table is its part of that R²." if r.r2_p_value is not None else
                         f"Together the motivator scores explain a pseudo-R² of {report.number(r.r2, '{:.2f}')} of "
                         f"{what} (n={r.n:,}).")
            if not r.explains:
                lines.append(self._ranking_sentence())
        if r.excluded:
            named = [f"**{report.text(_cap(m))}** ({why})" for m, why in r.excluded.items()]
            lines.append("*Not ranked:* " + report.listing(named, limit=10) + ". A motivator whose score does not "
                         "vary cannot explain any difference in value.")
        return Markdown("\n\n".join(lines))

    def profiles_chart(self) -> Any:
        """Mean score (0–100) on each motivator by segment (respondents with a segment), titled with the largest
        gap between fully connected and highly satisfied customers."""
        from .. import plots

        fig, (ax,) = common.figure(8, 6)
        t = self.profiles.table.copy()
        small = t["segment"].isin(self._small())
        t.loc[small, ["mean", "ci_low", "ci_high"]] = float("nan")
        wide = t.pivot_table(index="motivator", columns="segment", values="mean", observed=True)
        finding = "How each segment scores on the motivators is shown for the segments large enough to report"
        gap = None
        if {FC, HS} <= set(wide.columns) and wide[[FC, HS]].notna().all(axis=1).any():
            d = (wide[FC] - wide[HS]).dropna()
            m = d.abs().idxmax()
            gap = (m, float(wide.loc[m, FC]), float(wide.loc[m, HS]))
            finding = (f"Fully connected and highly satisfied customers differ most on “{_cap(m)}”: "
                       f"{report.number(gap[1], '{:.0f}')} against {report.number(gap[2], '{:.0f}')} of 100")
        if small.any():
            finding += f"; fewer than {self.min_cell:,}, not shown: {', '.join(self._small())}"
        plots.motivator_profiles(t, ax=ax, title=common.titled(finding, self.n_segmented, "respondents with a segment",
                                                               width=None),
                                 group_n={s: self._segment_n(s) for s in segments.SEGMENTS})

        def spread(seg: str) -> str:
            rows = t[(t["segment"] == seg) & t["mean"].notna()].sort_values("mean", ascending=False)
            if rows.empty:
                return ""
            hi, lo = rows.iloc[0], rows.iloc[-1]
            return (f"{seg} (n={self._segment_n(seg):,}) from {report.number(lo['mean'], '{:.0f}')} on "
                    f"{lo['motivator']} to {report.number(hi['mean'], '{:.0f}')} on {hi['motivator']}")

        shown = [s for s in segments.SEGMENTS if s not in self._small() and spread(s)]
        widest = ""
        if gap is not None:
            fc_row = t[(t["segment"] == FC) & (t["motivator"] == gap[0])].iloc[0]
            hs_row = t[(t["segment"] == HS) & (t["motivator"] == gap[0])].iloc[0]
            widest = (f"The widest gap between fully connected and highly satisfied customers is on “{_cap(gap[0])}”: "
                      f"{common.interval(fc_row.rename({'mean': 'estimate'}), '{:.0f}')} against "
                      f"{common.interval(hs_row.rename({'mean': 'estimate'}), '{:.0f}')}")
        alt = common.alt_text(
            "Mean score (0 to 100) on each emotional motivator by segment; scores run for "
            + "; ".join(spread(s) for s in shown) if shown else "",
            widest,
            f"Segments not shown (fewer than {self.min_cell:,}): {', '.join(self._small())}" if small.any() else "")
        return common.done(fig, alt=alt)

    def reliability_table(self) -> Any:
        """Cronbach's alpha of each motivator scale with its 95% CI and n."""
        rows = []
        for _, r in self.reliability.table.iterrows():
            if r["n_items"] < 2:
                alpha = "one question: no alpha"
            elif r["alpha"] != r["alpha"]:  # NaN: the answers do not vary
                alpha = f"not estimable: {Reason.of('constant')}"
            else:
                alpha = report.ci_text(r["alpha"], r["ci_low"], r["ci_high"], fmt="{:.2f}")
            rows.append({"Motivator": _cap(r["motivator"]), "Questions": int(r["n_items"]),
                         "Cronbach's alpha (95% CI)": alpha, "n": f"{int(r['n']):,}"})
        return _styler(pd.DataFrame(rows))

    def reliability_notes(self) -> Markdown:
        """Which scales are less reliable, and whether every question loads on its own motivator."""
        return Markdown(str(self.reliability.headline()) + "\n\n" + str(self.loadings.headline(self.item_labels)))

    def sample_notes(self) -> Markdown:
        """Who is in the analysis (the joins, consent, respondents without a segment, effective sample size)."""
        return Markdown(self.sample_note)

    def methods(self) -> Markdown:
        """The methods appendix: what every report shares, then this page's estimators."""
        what = _value_label(self.headline_value).lower()
        lines = [self.methods_common,
                 f"- **Base.** Segment figures (shares, value by segment, the multiplier, profiles, the connection "
                 f"index) rest on the {self.n_segmented:,} respondents with a segment.",
                 "- **Value intervals.** Means and multipliers: bias-corrected and accelerated (BCa) bootstrap, "
                 f"{self.n_boot:,} resamples drawn within each segment, seed {self.seed}. Segments with fewer than "
                 f"{self.min_cell:,} customers are suppressed.",
                 self._multiplier_methods(),
                 self._threshold_methods(),
                 "- **Motivator ranking.** Johnson's relative weights of the motivator scores (0–100 each) on "
                 f"{what}; respondents with a missing score or value are left out (n={self.ranking.n:,}"
                 + (f", model R² = {report.number(self.ranking.r2, '{:.2f}')}" if self.ranking.reason is None else "")
                 + f"); percentile bootstrap intervals from {self.ranking.n_boot:,} resamples.",
                 "- **Reliability.** Cronbach's alpha with Feldt's interval; exploratory factor analysis (maximum "
                 f"likelihood, oblimin rotation) on the {self.loadings.n:,} respondents who answered every "
                 "motivator question.",
                 str(glossary.see_glossary())]
        return Markdown("\n".join(line for line in lines if line))

    def _multiplier_methods(self) -> str:
        adj = self.adjusted[self.headline_value]
        what = _value_label(self.headline_value).lower()
        lines = ["- **Value multiplier, three ways.** The *ratio of means* divides the fully connected segment's mean "
                 f"{what} by the highly satisfied segment's (unadjusted)."]
        if adj.covariates:
            family = ("gamma regression (the spread of the value grows with its level)" if adj.family == "gamma" else
                      "Poisson quasi-likelihood regression (the value has zeros or is yes/no)")
            lines.append(f"The *adjusted ratio* comes from a log-link {family} of {what} on the segment and "
                         f"{adj.covariate_words()}, fitted on the {adj.adjusted.n:,} customers of the two segments with "
                         "every covariate: the ratio of the two segments' mean value for customers of the same "
                         "covariate mix, with a robust (sandwich) 95% interval.")
        else:
            lines.append("No covariates are configured, so the ratio is not adjusted for who the customers are.")
        if adj.median is not None:
            lines.append(f"The *ratio of medians* divides the two segments' median {what}, with a percentile bootstrap "
                         f"interval ({self.n_boot:,} resamples within each segment).")
        lines.append("All three describe how value goes with connection among respondents; none shows that connecting "
                     "customers would change their value.")
        return " ".join(lines)

    def _threshold_methods(self) -> str:
        sens = self.sensitivity
        listed = report.listing([f"{t:g}" for t in sens.thresholds], limit=10)
        return ("- **Threshold sensitivity.** Respondents are assigned to segments again at connection thresholds of "
                f"{listed} (this report uses {sens.threshold:g}); at each, the segment shares (score intervals; survey-weighted when weighted) and the "
                "ratio of means are recomputed. The multiplier's intervals come from one bootstrap of all respondents "
                f"({sens.n_boot:,} resamples, seed {self.seed}) re-segmented at every threshold, so the segment sizes "
                "vary between resamples; at the threshold used that interval is a little wider than the headline's, "
                "which resamples within the two segments.")

    # -- results.json ------------------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        """The ``results.json`` entries, in the shapes notebook 00, the index and the batch read."""
        shares = {}
        for seg, e in self.shares.to_dict().items():
            shares[seg] = report.suppressed(e["count"], self.min_cell) if e["count"] < self.min_cell else e
        head = self.multipliers[self.headline_value]
        if self._multiplier_suppressed(head):
            value_multiplier = dict(report.suppressed(head.n, self.min_cell), value=head.value)
        else:
            adj = self.adjusted[self.headline_value]
            value_multiplier = dict(head.to_dict(), kind=head.kind,
                                    adjusted=dict(adj.adjusted.to_dict(), covariates=list(adj.covariates)))
            if adj.median is not None:
                value_multiplier["median"] = adj.median.to_dict()
        multipliers = {v: (report.suppressed(m.n, self.min_cell) if self._multiplier_suppressed(m)
                           else report.estimate_dict(m.estimate, m.ci_low, m.ci_high, m.n))
                       for v, m in self.multipliers.items()}
        out = {"client": self.client, "n_respondents": int(self.sample.analysed), "segment_shares": shares,
               "value_multiplier": value_multiplier, "value_multipliers": multipliers,
               "top_motivators": self.ranking.top_motivators(), "threshold_sensitivity": self._sensitivity_dict(),
               "weighting": dict(self.weighting)}
        if not self.ranking.explains:
            out["top_motivators_note"] = _plain(self._ranking_sentence())
        return report.to_jsonable(out)

    def _sensitivity_dict(self) -> dict[str, Any]:
        """``ThresholdSensitivity.to_dict()`` with figures resting on fewer than ``min_cell`` customers suppressed."""
        out = self.sensitivity.to_dict()
        for row in out["by_threshold"]:
            for seg, e in row["segment_shares"].items():
                if e["count"] < self.min_cell:
                    row["segment_shares"][seg] = report.suppressed(e["count"], self.min_cell)
            e = row["value_multiplier"]
            if e["count"] < self.min_cell:
                row["value_multiplier"] = report.suppressed(e["n"], self.min_cell)
        return out

    def record(self) -> None:
        """Record every ``results.json`` entry from inside the notebook (shows nothing)."""
        for key, value in self.results().items():
            report.record(key, value)


def _plain(markdown: str) -> str:
    """A sentence without Markdown emphasis and escapes, for results.json."""
    import html
    import re

    return html.unescape(re.sub(r"\\(.)", r"\1", markdown.replace("**", "")))


def build(eng: Any, *, seed: int = 0, n_boot: int = 2000) -> ValuePage:
    """Compute notebook 01's result objects for ``eng`` (notebook parameters ``seed`` and ``n_boot``).

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 800, seed=1)
    >>> page = build(eng, n_boot=50)
    >>> sorted(page.results())
    ['client', 'n_respondents', 'segment_shares', 'threshold_sensitivity', 'top_motivators', 'value_multiplier', 'value_multipliers', 'weighting']
    >>> page.results()["n_respondents"] == eng.sample.analysed
    True
    """
    cfg = eng.config
    weight = cfg.get("weight")
    frame = eng.frame()
    cb = eng.codebook
    values = list(cfg["value"])
    seg = frame[frame["segment"].notna()]
    shares = segments.shares(frame, weight=weight)
    by_segment = {v: motivators.value_by_segment(frame, value=v, weight=weight, n_boot=n_boot, seed=seed) for v in values}
    covariates = [c for c in (cfg.get("covariates") or []) if c in frame.columns]
    adjusted = {v: motivators.adjusted_multiplier(frame, value=v, covariates=covariates, weight=weight, n_boot=n_boot,
                                                  seed=seed) for v in values}
    multipliers = {v: a.multiplier for v, a in adjusted.items()}  # value_multiplier's result, computed once
    threshold = float(cfg["connection"]["threshold"])
    sensitivity = motivators.threshold_sensitivity(
        frame, value=values[0], sat_column=cfg["satisfaction"]["column"], top_box=cfg["satisfaction"]["top_box"],
        threshold=threshold, weight=weight, n_boot=n_boot, seed=seed)
    ranking = motivators.rank(frame, cb, value=values[0], weight=weight, n_boot=n_boot, seed=seed)
    # Questions are named by their wording (codebook label), never by their column.
    labels = {}
    for motivator, cols in motivators.motivator_items(cb).items():
        for i, c in enumerate(cols, 1):
            lab = cb.loc[cb["column"] == c, "label"].iloc[0] if "label" in cb else None
            labels[c] = str(lab) if isinstance(lab, str) and lab.strip() else f"question {i} on “{motivator}”"
    return ValuePage(
        client=str(eng.client), sample=eng.sample, min_cell=int(cfg["privacy"]["min_cell"]),
        threshold=threshold, weighted=weight is not None, n_boot=n_boot, seed=seed,
        values=values, shares=shares, by_segment=by_segment, multipliers=multipliers, adjusted=adjusted,
        sensitivity=sensitivity, ranking=ranking,
        profiles=motivators.profiles(frame, cb, weight=weight), reliability=motivators.reliability(frame, cb),
        loadings=motivators.item_loadings(frame, cb), index_values=seg["connection_index"].reset_index(drop=True),
        item_labels=labels, methods_common=common.methods_common(eng), weighting=common.weighting_record(eng),
        sample_note=report.sample_notes(eng, frame, shares))
