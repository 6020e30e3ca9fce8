"""Notebook 01's words: who is fully connected, what a connected customer is worth, which emotional
motivators drive value, and how well the motivators are measured.

:func:`build` computes every result object once; each method of :class:`ValuePage` words one section of
the notebook (Markdown sentences, a table or a figure); :meth:`ValuePage.results` gives the ``results.json``
entries ``client``, ``n_respondents``, ``segment_shares``, ``value_multiplier``, ``value_multipliers``,
``top_motivators`` (and ``top_motivators_note`` when the motivators explain nothing).

Bases: figures about segments (shares, value by segment, the multiplier, profiles, the connection index)
rest on the respondents with a segment (``eng.sample.segmented``), stated on every chart; the respondent
count is every analysed respondent (``eng.sample.analysed``); the motivator ranking and the reliability
state their own n (respondents with every motivator score and a value; respondents who answered a scale).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import motivators, report, segments
from . import common
from ..report import Markdown
from ..results import Estimate, Reason

__all__ = ["ValuePage", "build"]

FC, HS, _OTHER = segments.SEGMENTS


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html")


def _figure(width: float, height: float, nrows: int = 1) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    from .. import plots

    plots.set_theme()
    fig, axes = plt.subplots(nrows, 1, figsize=(width, height * nrows), squeeze=False)
    return fig, list(axes[:, 0])


def _wrap(title: str, width: int = 52) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(title, width)) or title


def _done(fig: Any) -> Any:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    plt.close(fig)  # shown once, by the notebook displaying the returned Figure
    return fig


def _cap(name: Any) -> str:
    text = str(name)
    return text[:1].upper() + text[1:]


def _value_label(column: str) -> str:
    return report.pretty(column)


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
    ranking: motivators.MotivatorRanking
    profiles: motivators.Profiles
    reliability: motivators.Reliability
    loadings: motivators.Loadings
    index_values: pd.Series = field(repr=False)
    item_labels: dict[str, str] = field(default_factory=dict, repr=False)
    methods_common: str = ""
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
        measure = f"the rate of {what}" if m.kind == "rate" else f"the {what}"
        ci = (f"95% CI {report.interval(m.ci_low, m.ci_high, fmt='{:.2f}')}" if m.ratio.has_interval
              else "no interval")
        return (f"Fully connected customers show **{report.number(m.estimate, '{:.2f}')}×** {measure} of highly "
                f"satisfied customers ({ci}; n={m.n:,}).")

    def _share_sentence(self) -> str:
        if FC in self._small():
            return (f"Fewer than {self.min_cell:,} customers are fully connected, so their share is not reported "
                    f"(n={self.n_segmented:,} respondents with a segment).")
        e = self.shares.share(FC)
        if not e.estimable:
            return f"The fully connected share is not estimable: {e.note}."
        return (f"**{report.percent(e.estimate)}** of customers are fully connected (95% CI "
                f"{report.percent(e.ci_low)}–{report.percent(e.ci_high)}; n={e.n:,} respondents with a segment).")

    # -- sections ----------------------------------------------------------------------------------------
    def headline(self) -> Markdown:
        """The headline findings: the value of connection, the connected share, the motivators that drive value."""
        s = self.sample
        lines = [f"### {report.text(self.client)}: headline findings",
                 self._multiplier_sentence(self.headline_value),
                 self._share_sentence(),
                 str(self.ranking.headline()),
                 f"*Based on {s.analysed:,} analysed respondents, {s.segmented:,} of them with a segment.*"]
        return Markdown("\n\n".join(lines))

    def segment_chart(self) -> Any:
        """Segment shares with their intervals (respondents with a segment)."""
        from .. import plots

        fig, (ax,) = _figure(9, 3)
        t = self.shares.table
        small = t["n"] < self.min_cell
        t.loc[small, ["share", "ci_low", "ci_high"]] = float("nan")
        fc = self.shares.share(FC)
        title = (f"{report.percent(fc.estimate)} of customers are fully connected (n={self.n_segmented:,})"
                 if FC not in self._small() and fc.estimable else f"Customers by segment (n={self.n_segmented:,})")
        if small.any():
            title += f"; fewer than {self.min_cell:,}, not shown: {', '.join(t.loc[small, 'segment'])}"
        title = _wrap(title)
        if small.all():
            ax.set_axis_off()
            ax.set_title(title)
        else:
            plots.segment_shares(t, ax=ax, title=title)
        return _done(fig)

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

        fig, (ax,) = _figure(8, 4)
        plots.index_distribution(pd.DataFrame({"connection_index": self.index_values}), threshold=self.threshold,
                                 ax=ax, title=f"How strongly customers are connected (n={len(self.index_values):,})")
        return _done(fig)

    def value_chart(self) -> Any:
        """Mean value (or rate) by segment for every value column, titled with its multiplier."""
        fig, axes = _figure(8, 4.2, nrows=len(self.values))
        for ax, v in zip(axes, self.values):
            m = self.multipliers[v]
            label = _value_label(v)
            ok = m.estimable and not self._multiplier_suppressed(m)
            measure = "the rate of " if m.kind == "rate" else "the "
            title = (f"Fully connected: {report.number(m.estimate, '{:.2f}')}× {measure}{label.lower()} of highly "
                     f"satisfied" if ok else f"{label} by segment")
            self.by_segment[v].plot(ax=ax, min_cell=self.min_cell, title=title)
            ax.set_title(_wrap(ax.get_title(loc="left")), loc="left")
        return _done(fig)

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
        """The value multiplier (fully connected ÷ highly satisfied) of every value column, with 95% CI and n."""
        rows = []
        for v in self.values:
            m = self.multipliers[v]
            if self._multiplier_suppressed(m):
                cell = f"suppressed (a segment has fewer than {self.min_cell:,} customers)"
            elif not m.estimable:
                cell = f"not estimable: {m.note}"
            else:
                cell = report.ci_text(m.estimate, m.ci_low, m.ci_high, fmt="{:.2f}").replace(" (", "× (", 1)
            rows.append({"Value": _value_label(v), "Fully connected ÷ highly satisfied (95% CI)": cell,
                         "n": f"{m.n:,}"})
        return _styler(pd.DataFrame(rows))

    def ranking_chart(self) -> Any:
        """The motivators ranked by their share of the explained variation in the headline value."""
        fig, (ax,) = _figure(8, 5)
        if self.ranking.reason is not None or self.ranking.table.empty:
            ax.set_axis_off()
            ax.set_title(f"The motivators cannot be ranked (n={self.ranking.n:,})")
        else:
            self.ranking.plot(ax=ax, top=self.ranking.top if self.ranking.explains else 0)
        return _done(fig)

    def ranking_table(self) -> Any:
        """Rank, motivator, share of explained variation (95% CI), how often in the top three, n."""
        t = self.ranking.table
        top = self.ranking.top
        rows = [{"Rank": int(r["rank"]), "Motivator": _cap(r["motivator"]),
                 "Share of explained variation, % (95% CI)": report.ci_text(r["rescaled"], r["ci_low"], r["ci_high"],
                                                                            fmt="{:.1f}"),
                 f"In top {top} (share of resamples)": report.number(r["in_top"], "{:.0%}"),
                 "n": f"{int(r['n']):,}"} for _, r in t.iterrows()]
        columns = ["Rank", "Motivator", "Share of explained variation, % (95% CI)", f"In top {top} (share of resamples)", "n"]
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
            lines.append(f"Together the {len(r.table):,} motivator scores explain **R² = {report.number(r.r2, '{:.2f}')}** of the "
                         f"variation in {what} (F test{test}; n={r.n:,} respondents with every motivator score and a "
                         f"value)." if r.r2_p_value is not None else
                         f"Together the motivator scores explain a pseudo-R² of {report.number(r.r2, '{:.2f}')} of "
                         f"{what} (n={r.n:,}).")
            if not r.explains:
                lines.append(str(r.headline()))
        if r.excluded:
            named = [f"**{report.text(_cap(m))}** ({why})" for m, why in r.excluded.items()]
            lines.append("*Not ranked:* " + report.listing(named, limit=10) + ". A motivator whose score does not "
                         "vary cannot explain any difference in value.")
        return Markdown("\n\n".join(lines))

    def profiles_chart(self) -> Any:
        """Mean score (0–100) on each motivator by segment (respondents with a segment)."""
        from .. import plots

        fig, (ax,) = _figure(8, 6)
        t = self.profiles.table
        small = t["segment"].isin(self._small())
        t.loc[small, ["mean", "ci_low", "ci_high"]] = float("nan")
        title = f"How each segment scores on the motivators (n={self.n_segmented:,})"
        if small.any():
            title += f"; fewer than {self.min_cell:,}, not shown: {', '.join(self._small())}"
        plots.motivator_profiles(t, ax=ax, title=_wrap(title),
                                 group_n={s: self._segment_n(s) for s in segments.SEGMENTS})
        return _done(fig)

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
                 "- **Motivator ranking.** Johnson's relative weights of the motivator scores (0–100 each) on "
                 f"{what}; respondents with a missing score or value are left out (n={self.ranking.n:,}"
                 + (f", model R² = {report.number(self.ranking.r2, '{:.2f}')}" if self.ranking.reason is None else "")
                 + f"); percentile bootstrap intervals from {self.ranking.n_boot:,} resamples.",
                 "- **Reliability.** Cronbach's alpha with Feldt's interval; exploratory factor analysis (maximum "
                 f"likelihood, oblimin rotation) on the {self.loadings.n:,} respondents who answered every "
                 "motivator question."]
        return Markdown("\n".join(line for line in lines if line))

    # -- results.json ------------------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        """The ``results.json`` entries, in the shapes notebook 00, the index and the batch read."""
        shares = {}
        for seg, e in self.shares.to_dict().items():
            shares[seg] = report.suppressed(e["count"], self.min_cell) if e["count"] < self.min_cell else e
        head = self.multipliers[self.headline_value]
        value_multiplier = (dict(report.suppressed(head.n, self.min_cell), value=head.value)
                            if self._multiplier_suppressed(head) else head.to_dict())
        multipliers = {v: (report.suppressed(m.n, self.min_cell) if self._multiplier_suppressed(m)
                           else report.estimate_dict(m.estimate, m.ci_low, m.ci_high, m.n))
                       for v, m in self.multipliers.items()}
        out = {"client": self.client, "n_respondents": int(self.sample.analysed), "segment_shares": shares,
               "value_multiplier": value_multiplier, "value_multipliers": multipliers,
               "top_motivators": self.ranking.top_motivators()}
        if not self.ranking.explains:
            out["top_motivators_note"] = _plain(str(self.ranking.headline()))
        return report.to_jsonable(out)

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
    ['client', 'n_respondents', 'segment_shares', 'top_motivators', 'value_multiplier', 'value_multipliers']
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
    multipliers = {v: motivators.value_multiplier(frame, value=v, weight=weight, n_boot=n_boot, seed=seed) for v in values}
    ranking = motivators.rank(frame, cb, value=values[0], weight=weight, n_boot=n_boot, seed=seed)
    # Questions are named by their wording (codebook label), never by their column.
    labels = {}
    for motivator, cols in motivators.motivator_items(cb).items():
        for i, c in enumerate(cols, 1):
            lab = cb.loc[cb["column"] == c, "label"].iloc[0] if "label" in cb else None
            labels[c] = str(lab) if isinstance(lab, str) and lab.strip() else f"question {i} on “{motivator}”"
    return ValuePage(
        client=str(eng.client), sample=eng.sample, min_cell=int(cfg["privacy"]["min_cell"]),
        threshold=float(cfg["connection"]["threshold"]), weighted=weight is not None, n_boot=n_boot, seed=seed,
        values=values, shares=shares, by_segment=by_segment, multipliers=multipliers, ranking=ranking,
        profiles=motivators.profiles(frame, cb, weight=weight), reliability=motivators.reliability(frame, cb),
        loadings=motivators.item_loadings(frame, cb), index_values=seg["connection_index"].reset_index(drop=True),
        item_labels=labels, methods_common=common.methods_common(eng),
        sample_note=report.sample_notes(eng, frame, shares))
