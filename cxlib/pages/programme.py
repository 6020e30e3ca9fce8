"""Notebook 04, advocacy and the programme: who recommends the brand, what changed between the waves (with
intervals and Holm-adjusted p-values), what the change in segment mix implies if each segment kept behaving as
before, and what customers say in their own words. Two cross-sections without a comparison group show what
changed, not what caused it; the page says so (:meth:`ProgrammePage.limits`).

``build(eng)`` computes every result once; each method of :class:`ProgrammePage` words one section of the
report. Bases: the overall NPS and the by-wave figures use every analysed respondent (``eng.frame()``); the
segment figures, the mix and the verbatims use respondents with a segment.

Examples
--------
>>> import cxlib as cx
>>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=1)
>>> page = build(eng, n_boot=50)
>>> sorted(page.results())
['nps']
>>> "Net Promoter Score is" in page.headline()
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import glossary, report
from . import common
from ..advocacy import NPS, NPSBySegment, nps, nps_by_segment
from ..errors import ArgumentError
from ..results import Reason
from ..segments import SEGMENTS
from ..verbatims import Themes, Verbatims, WordFrequency, themes, verbatims, word_frequency
from ..waves import MixImpact, WaveComparison, compare_waves, mix_impact

__all__ = ["ProgrammePage", "build"]

_SEGMENT_NAMES = {s: s[:1].upper() + s[1:] for s in SEGMENTS}


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)


def _literal(text: str) -> str:
    """A name drawn literally by matplotlib (a ``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def _ci(e: Any, fmt: str) -> str:
    return report.interval(e.ci_low, e.ci_high, fmt=fmt) if e.has_interval else "no interval"


@dataclass(frozen=True)
class ProgrammePage:
    """The results behind notebook 04 and their words (one method per section)."""

    client: str
    min_cell: int
    customers: int
    weighted: bool
    n_boot: int
    seed: int
    overall: NPS | None
    by_segment: NPSBySegment | None
    card: WaveComparison
    card_std: WaveComparison
    impact: MixImpact | None
    mix_reasons: tuple = ()
    quotes: Verbatims | None = None
    words_used: WordFrequency | None = None
    theme_result: Themes | None = None
    text_reason: Reason | None = None
    nps_reason: Reason | None = None
    methods_common: str = ""

    # -- headline -----------------------------------------------------------------------------------------
    def headline(self) -> report.Markdown:
        """The page's findings in a few sentences, each with its CI and n."""
        lines = [f"### {report.text(self.client)}: headline findings"]
        if self.overall is not None:
            lines.append(str(self.overall.headline()))
        else:
            lines.append(f"Net Promoter Score is not reported: {self.nps_reason}.")
        seg = self._segment_comparison()
        if seg:
            lines.append(seg)
        if self.card.reason is not None:
            lines.append(f"There is no before/after comparison: {self.card.reason}.")
        else:
            lines.append(self._changes())
            lines.append("The waves are separate samples, and there is no comparison group without the programme: "
                         "these figures show what changed between the waves, not why, and a survey cannot show how "
                         "much of it the programme brought about.")
        if self.impact is not None and self.impact.get("active_customers").estimable:
            lines.append(str(self.impact.headline()))
        return report.Markdown("\n\n".join(lines))

    def _changes(self) -> str:
        """The changes between the waves in plain words: those beyond what chance alone would give once every
        measure compared is allowed for (Holm's method, named in the table and the methods), then the others."""
        card = self.card
        before, after = (report.text(w) for w in card.waves)
        k = len(card.metrics)
        beyond = card.significant()
        rest = [m for m in card.metrics if m not in beyond]
        lines = []
        if beyond:
            lines.append(f"Between {before} and {after}, these changes are beyond what chance alone would give, "
                         f"allowing for the {k} measures compared: " + "; ".join(card.describe(m) for m in beyond) + ".")
        if rest:
            lines.append(f"{'These' if beyond else f'Between {before} and {after}, these'} changes are within what "
                         f"chance alone could give once the {k} measures compared are allowed for (the 95% intervals "
                         "shown do not allow for it, so one may exclude zero): "
                         + "; ".join(card.describe(m) for m in rest) + ".")
        if card.excluded:
            lines.append("Not compared: " + "; ".join(f"{card.label(m)} ({r})" for m, r in card.excluded.items()) + ".")
        return "\n\n".join(lines)

    def _segment_comparison(self) -> str:
        if self.by_segment is None:
            return ""
        fc, hs = (self.by_segment.get(s).estimate for s in ("fully connected", "highly satisfied"))
        if min(fc.n, hs.n) < self.min_cell or not (fc.estimable and hs.estimable):
            small = [s for s, e in (("fully connected", fc), ("highly satisfied", hs)) if e.n < self.min_cell]
            return (f"Segment NPS is not compared: fewer than {self.min_cell} {report.listing(small)} customers "
                    "answered." if small else "")
        lead = ("Fully connected customers recommend the brand more (the two intervals do not overlap)"
                if fc.ci_low > hs.ci_high else
                "Fully connected customers recommend the brand less than highly satisfied ones (the two intervals do "
                "not overlap)" if fc.ci_high < hs.ci_low
                else "Fully connected and highly satisfied customers recommend the brand about equally (the intervals "
                     "overlap)")
        return (f"{lead}: NPS **{report.number(fc.estimate, '{:+.0f}')}** (95% CI {_ci(fc, '{:+.0f}')}; n={fc.n:,}) against "
                f"**{report.number(hs.estimate, '{:+.0f}')}** for highly satisfied customers (95% CI {_ci(hs, '{:+.0f}')}; "
                f"n={hs.n:,}).")

    # -- who recommends the brand -----------------------------------------------------------------------
    def nps_chart(self) -> Any:
        """NPS by segment with 95% intervals, titled with the segments' scores; segments below min_cell left out
        and said to be."""
        if self.by_segment is None:
            return report.Markdown(f"No chart: {self.nps_reason}.")
        fig, (ax,) = common.figure(9, 3.6)
        shown = {}
        for s in SEGMENTS:
            try:
                e = self.by_segment.get(s).estimate
            except ArgumentError:  # a segment nobody in it answered: not drawn
                continue
            if e.n >= self.min_cell and e.estimable:
                shown[s] = e

        def score(e: Any) -> str:
            return report.number(e.estimate, "{:+.0f}").replace("-", "−")
        if len(shown) >= 2:
            first, *rest = shown
            finding = (f"{_SEGMENT_NAMES[first]} customers' NPS is {score(shown[first])}, against "
                       + report.listing([f"{score(shown[s])} for {s}" for s in rest], conjunction="and") + " customers")
        elif shown:
            s = next(iter(shown))
            finding = f"{_SEGMENT_NAMES[s]} customers' NPS is {score(shown[s])}"
        else:
            finding = f"No segment has {self.min_cell} or more answers"
        hidden = [s for s in SEGMENTS if s not in shown]
        if hidden and shown:
            finding += f"; fewer than {self.min_cell} answers, not shown: {', '.join(hidden)}"
        n = sum(e.n for e in shown.values())
        try:
            self.by_segment.plot(ax=ax, min_cell=self.min_cell, title=common.titled(finding, n, "respondents", width=None))
        except ValueError:
            return report.Markdown(f"No segment has {self.min_cell} or more answers, so no segment is shown.")
        alt = common.alt_text(
            "Net Promoter Score (% promoters minus % detractors, −100 to +100) by segment: "
            + "; ".join(f"{s} {common.interval(e, '{:+.0f}')}".replace("-", "−") for s, e in shown.items()),
            f"Not shown (fewer than {self.min_cell} answers): {', '.join(hidden)}" if hidden else "",
            f"n={n:,} respondents")
        return common.done(fig, alt=alt)

    def _rows(self) -> list[tuple[str, NPS]]:
        rows = [("All respondents", self.overall)] if self.overall is not None else []
        if self.by_segment is not None:
            rows += [(_SEGMENT_NAMES.get(g, str(g)), r) for g, r in self.by_segment.estimates]
        return rows

    def nps_table(self) -> Any:
        """NPS with its 95% CI and n, for everyone and per segment (small segments suppressed)."""
        if self.overall is None:
            return report.Markdown(f"Not reported: {self.nps_reason}.")
        out = []
        for name, r in self._rows():
            e = r.estimate
            if name != "All respondents" and e.n < self.min_cell:
                cell = f"suppressed (n < {self.min_cell})"
            elif not e.estimable:
                cell = f"not estimable: {e.reason}"
            else:
                cell = f"{report.number(e.estimate, '{:+.0f}')} (95% CI {_ci(e, '{:+.0f}')})"
            out.append({"Group": name, "NPS (95% CI)": cell, "n": f"{e.n:,}"})
        return _styler(pd.DataFrame(out))

    def shares_table(self) -> Any:
        """Promoters, passives and detractors per group, with the promoter share's 95% CI."""
        if self.overall is None:
            return report.Markdown(f"Not reported: {self.nps_reason}.")
        out = []
        for name, r in self._rows():
            e = r.estimate
            if (name != "All respondents" and e.n < self.min_cell) or not e.estimable:
                sup = f"suppressed (n < {self.min_cell})" if e.n < self.min_cell else "–"
                out.append({"Group": name, "Promoters (95% CI)": sup, "Passives": sup, "Detractors": sup, "n": f"{e.n:,}"})
                continue
            t = r.table.set_index("category")
            pro = t.loc["promoters"]
            out.append({"Group": name,
                        "Promoters (95% CI)": f"{report.percent(pro['share'])} "
                                              f"({report.percent(pro['ci_low'])}–{report.percent(pro['ci_high'])})",
                        "Passives": report.percent(t.loc["passives", "share"]),
                        "Detractors": report.percent(t.loc["detractors", "share"]), "n": f"{e.n:,}"})
        return _styler(pd.DataFrame(out))

    # -- before and after ---------------------------------------------------------------------------------
    def scorecard_chart(self) -> Any:
        """Each change with its 95% interval (filled: clear after Holm adjustment), titled with what moved and
        what did not (every measure compared, the value too though it is not drawn on the points axis)."""
        card = self.card
        if card.reason is not None:
            return report.Markdown(f"This engagement has a single wave, so there is no before/after comparison."
                                   if card.reason.code == "single_wave" else
                                   f"There is no before/after comparison: {card.reason}.")
        rows = int(card.table["change"].notna().sum())
        fig, (ax,) = common.figure(9, 0.9 * rows + 3.0)  # two-line tick labels and a panel per unit need the height
        before, after = (str(w) for w in card.waves)
        moved = card.significant()
        rest = [m for m in card.metrics if m not in moved]

        def change(m: str) -> str:
            r = card.row(m)
            unit = " points" if m != "value" else ""
            verb = "rose" if r["change"] > 0 else "fell"
            return f"{card.label(m)} {verb} {card.change_text(m, abs(r['change'])).lstrip('+')}{unit}"
        if moved:
            finding = report.listing([change(m) for m in moved], conjunction="and", limit=5)
            finding = finding[:1].upper() + finding[1:] + f" from {before} to {after}"
            if rest:
                finding += (f"; {report.listing([card.label(m) for m in rest], conjunction='and', limit=5)} "
                            f"did not move clearly")
        else:
            finding = (f"None of the {len(card.metrics)} measures compared moved clearly from {before} to {after}")
        n = int((card.table["n_before"] + card.table["n_after"]).max()) if len(card.table) else 0
        try:
            card.plot(ax=ax, title=common.titled(_literal(finding), n, "respondents in the two waves", width=70))
        except ValueError:
            return report.Markdown("No share or score could be compared, so there is no chart.")
        alt = common.alt_text(
            f"Change in each measure from {before} to {after} with its 95% interval",
            "; ".join(card.describe(m) for m in card.metrics),
            f"Clear after allowing for the {len(card.metrics)} measures compared at once (Holm): "
            + (report.listing([card.label(m) for m in moved], conjunction="and") if moved else "none"),
            "The value is not drawn on the chart (its unit is not points)" if "value" in card.metrics else "",
            "Not compared: " + "; ".join(f"{card.label(m)} ({r})" for m, r in card.excluded.items())
            if card.excluded else "")
        return common.done(fig, alt=alt)

    def scorecard_table(self) -> Any:
        """Measure, the two waves, the change with its 95% CI, Holm-adjusted p (the family: every measure compared
        between the two waves), Cohen's h and n."""
        card = self.card
        if card.reason is not None:
            return report.Markdown(f"Not available: {card.reason}.")
        before, after = (str(w) for w in card.waves)
        out = []
        for metric in card.metrics:
            r = card.row(metric)
            unit = " points" if metric in ("connected", "attrition", "advocacy", "nps") else ""
            k = 100 if metric in ("connected", "attrition", "advocacy") else 1
            fmt = "{:+,.0f}" if metric == "value" else "{:+.1f}"
            out.append({"Measure": card.label(metric)[:1].upper() + card.label(metric)[1:],
                        before: card.level_text(metric, r["before"]), after: card.level_text(metric, r["after"]),
                        "Change (95% CI)": f"{card.change_text(metric, r['change'])}{unit} "
                                           f"({report.interval(k * r['ci_low'], k * r['ci_high'], fmt=fmt)})",
                        self._p_column(): report.p_value(r["p_adjusted"]).replace("p = ", "").replace("p < ", "< "),
                        "Cohen's h": report.number(r["cohens_h"] if abs(r["cohens_h"]) >= 0.005 else 0.0, "{:+.2f}")
                        if pd.notna(r["cohens_h"]) else "–",
                        "n": f"{int(r['n_before']):,} / {int(r['n_after']):,}"})
        for metric, reason in card.excluded.items():
            label = card.label(metric)
            out.append({"Measure": label[:1].upper() + label[1:], before: "–", after: "–",
                        "Change (95% CI)": f"not estimable: {reason}", self._p_column(): "–", "Cohen's h": "–",
                        "n": "–"})
        return _styler(pd.DataFrame(out))

    def _p_column(self) -> str:
        return f"p (Holm, {len(self.card.metrics)} measures)"

    def limits(self) -> report.Markdown:
        """What this report shows and what it does not, in a few plain lines."""
        lines = [
            "- **It shows** how likely customers in each segment are to recommend the brand, with 95% intervals, and "
            "how each measure differs between the first and the last wave.",
            "- **It does not show** that connection makes customers recommend the brand: the segments are compared "
            "in one survey, so the difference is an association.",
        ]
        if self.card.reason is None:
            lines.append(
                f"- **Between the waves**: two separate samples of customers, not the same customers twice, and no "
                f"comparison group without the programme. A change can come from the programme, from anything else "
                f"that changed in the meantime, or from who answered. Whether a change is beyond chance allows for the "
                f"{len(self.card.metrics)} measures compared between the waves (Holm's method); the 95% intervals "
                "do not.")
        if self.impact is not None:
            lines.append("- **The segment mix** figures are arithmetic, not a measured gain: they assume each segment "
                         "kept behaving as in the first wave, and their intervals cover the resampling of respondents "
                         "only.")
        return report.Markdown("\n".join(lines))

    def within_segments(self) -> report.Markdown:
        """The changes with the segment mix held fixed (direct standardisation)."""
        std = self.card_std
        if std.reason is not None:
            return report.Markdown("")
        notes = [std.describe(m) for m in ("advocacy", "nps", "attrition", "value") if m in std.metrics]
        missing = [f"{std.label(m)}: not estimable ({r})" for m, r in std.excluded.items() if m != "connected"]
        if not notes and not missing:
            return report.Markdown("")
        return report.Markdown(
            "**Within segments.** The segment mix can differ between the waves. Holding the mix fixed at that of both waves "
            "together (respondents with a segment), the changes are: " + "; ".join(notes + missing) + ". What remains "
            "is change within segments; the rest came from customers moving between segments.")

    # -- the mix ------------------------------------------------------------------------------------------
    def mix_table(self) -> Any:
        """What the change in segment mix is worth, with 95% intervals; or why it is not available."""
        if self.impact is None:
            return report.Markdown("Not available: " + "; ".join(str(r) for r in self.mix_reasons) + ".")
        out = []
        for q in ("value_per_customer", "value_total", "active_customers"):
            e = self.impact.get(q)
            cell = (f"{report.number(0.0 if abs(e.estimate) < 0.5 else e.estimate, '{:+,.0f}')} "
                    f"(95% CI {_ci(e, '{:+,.0f}')})" if e.estimable
                    else f"not estimable: {e.reason}")
            out.append({"Implied by the mix change": self.impact.label(q), "Estimate (95% CI)": cell,
                        "n": f"{e.n:,}" if e.estimable else "–"})
        return _styler(pd.DataFrame(out))

    # -- verbatims ----------------------------------------------------------------------------------------
    def verbatims(self) -> report.Markdown:
        """A few comments per segment (scrubbed, shown as text), chosen for substance by the rule the page states;
        small segments show none."""
        if self.quotes is None:
            return report.Markdown(f"No comments to show: {self.text_reason}.")
        q = self.quotes
        shown = sum(q.eligible.values())
        total = int(q.table.drop_duplicates(q.by).loc[lambda t: ~t["suppressed"], "n_comments"].sum())
        rule = (f"Quotes are chosen among comments with {q.rule}; {shown:,} of the {total:,} comments of the segments "
                f"shown meet that rule. Among them, comments many customers made and those with more to say come "
                f"first; the choice is reproducible (seed {self.seed}). Personal details are removed and shown as "
                "[name], [email], [phone].") if total else ""
        body = str(q.markdown(label=lambda g: _SEGMENT_NAMES.get(g, str(g))))
        return report.Markdown(report.text(rule) + "\n\n" + body if rule else body)

    def words(self) -> Any:
        """The words and phrases each segment's comments use most (no function word or filler in English, Dutch,
        German or French; phrases are two such words side by side)."""
        if self.words_used is None:
            return report.Markdown("")
        t = self.words_used.table
        if t.empty:
            return report.Markdown(f"No segment has {self.min_cell} or more comments, so no words are counted.")
        table = _styler(pd.DataFrame({
            "Segment": [_SEGMENT_NAMES.get(g, str(g)) for g in t["segment"]], "Term": t["term"],
            "Comments": [f"{c:,} of {n:,} ({report.percent(c / n)})" for c, n in zip(t["comments"], t["n_comments"])]}))
        return table.set_caption("Words and phrases used most, by the share of each segment's comments that use them "
                                 "(function words and fillers such as “like”, “get” or “really” left out, in English, "
                                 "Dutch, German and French)")

    def _theme_rows(self) -> pd.DataFrame:
        t = self.theme_result.table
        return t[t["theme"] > 0]

    def themes(self) -> Any:
        """The themes the comments raise: per theme, how many of each segment's comments raise it, and one
        comment of the segment where it is most frequent, in the customer's words."""
        if self.theme_result is None:
            return report.Markdown("")
        t = self._theme_rows()
        if t.empty:
            return report.Markdown(f"No segment has {self.min_cell} or more comments with words to group, so no "
                                   "themes are shown.")
        by = self.theme_result.by
        groups = list(pd.unique(t[by]))
        out = []
        for theme, sub in t.groupby("theme", sort=True):
            row = {"Theme": sub["label"].iloc[0][:1].upper() + sub["label"].iloc[0][1:], "Top terms": sub["terms"].iloc[0]}
            for g in groups:
                r = sub[sub[by] == g].iloc[0]
                row[_SEGMENT_NAMES.get(g, str(g))] = (f"{int(r['comments']):,} of {int(r['n_comments']):,} "
                                                      f"({report.percent(r['share'])})")
            lead = sub.sort_values(["share", "comments"], ascending=False, kind="stable")
            lead = lead[lead["quote"] != ""]
            row["In their words"] = (f"“{lead['quote'].iloc[0]}” ({_SEGMENT_NAMES.get(lead[by].iloc[0], lead[by].iloc[0]).lower()})"
                                     if len(lead) else "no comment of this theme meets the rule for quotes")
            out.append(row)
        none = self.theme_result.table
        none = none[none["theme"] == 0]
        caption = ("Themes of the comments, each named by its top terms: comments per segment that raise it (a comment "
                   "counts under one theme, and only if it uses one of the theme's named terms)")
        if len(none) and none["comments"].sum():
            caption += (f"; {int(none['comments'].sum()):,} comments fit no theme (too short, or about "
                        "something fewer customers raise)")
        return _styler(pd.DataFrame(out)).set_caption(caption)

    def themes_chart(self) -> Any:
        """The share of each segment's comments raising each theme, titled with the largest segment's first theme."""
        from .. import plots

        if self.theme_result is None:
            return report.Markdown("")
        t = self._theme_rows()
        if t.empty or not t["comments"].sum():
            return report.Markdown("No theme to chart: no segment has enough comments with words to group.")
        by = self.theme_result.by
        firsts = t.drop_duplicates(by)
        n = int(firsts["n_comments"].sum())
        big = firsts.sort_values("n_comments", ascending=False, kind="stable").iloc[0][by]
        lead = self.theme_result.top(big)
        label = lead["label"][:1].upper() + lead["label"][1:]
        finding = (f"“{label}” is the theme {big} customers raise most ({report.percent(lead['share'])} of their "
                   "comments)")
        top = min(max(8, firsts.shape[0]), t["theme"].nunique())
        fig, (ax,) = common.figure(9, 1.4 + 0.25 * top * len(firsts))
        plots.themes(self.theme_result, ax=ax, top=top, title=common.titled(_literal(finding), n, "comments"))
        per_group = []
        for g in firsts[by]:
            r = self.theme_result.top(g)
            per_group.append(f"{_SEGMENT_NAMES.get(g, str(g))} customers raise “{r['label']}” most "
                             f"({report.percent(r['share'])} of {int(r['n_comments']):,} comments)")
        alt = common.alt_text(f"Share of each segment's comments raising each of {top} themes (each segment's first "
                              "theme and those raised most)",
                              "; ".join(per_group), f"n={n:,} comments")
        return common.done(fig, alt=alt)

    # -- methods ------------------------------------------------------------------------------------------
    def methods(self) -> report.Markdown:
        """The methods appendix: the common part, then this page's estimators."""
        if self.weighted:
            nps_line = ("- **NPS interval.** Promoter and detractor shares come from one sample; the variance of P − D is the "
                        "survey-weighted (linearised) variance of each respondent's +100 / 0 / −100, as R's survey package "
                        "computes it for weighted respondents; 95% normal interval. Shares have the survey-weighted logit "
                        "interval (R svyciprop).")
            change_line = ("- **Changes in shares.** Differences of survey-weighted shares with the waves as independent "
                           "samples (R svycontrast); attrition by Kaplan–Meier at the horizon with the robust variance that "
                           "allows for the weights (the same estimate as the attrition report's attrition by wave); NPS "
                           "change from the two survey-weighted variances; value from the survey-weighted means.")
        else:
            nps_line = ("- **NPS interval.** Promoter and detractor shares come from one sample, so Var(P − D) = "
                        "(P + D − (P − D)²) / n; 95% normal interval. Shares have score intervals.")
            change_line = ("- **Changes in shares.** Newcombe's hybrid score interval and the two-proportion z-test; "
                           "attrition by Kaplan–Meier at the horizon with Greenwood standard errors (the same estimate as "
                           "the attrition report's attrition by wave); NPS change from the two analytic variances; value "
                           "by Welch's t.")
        lines = [
            "- **Bases.** The overall Net Promoter Score and the figures of each wave use every analysed respondent; "
            "segment figures, the mix and the comments use respondents with a segment.",
            nps_line,
            change_line,
            "- **Multiple comparisons.** One family: every measure compared between the two waves "
            f"({len(self.card.metrics)} this time), Holm-adjusted p-values; intervals unadjusted. The segments' Net "
            "Promoter Scores are compared by their intervals only, not tested.",
            "- **Within segments.** Direct standardisation to the pooled segment mix of both waves.",
            "- **Value of the mix change.** First-wave value and retention per segment times the change in segment "
            + (f"shares; percentile bootstrap with {self.n_boot:,} resamples within waves, seed {self.seed}."
               if self.n_boot else "shares; computed without resampling, so without intervals."),
            f"- **Suppression and privacy.** Groups with fewer than {self.min_cell} answers are not shown; comments are "
            "scrubbed of contact details and shown as text, never as markup.",
            "- **Quotes, words and themes.** Quotes are drawn, reproducibly, among comments that meet the rule stated "
            "with them (enough words besides removed personal details, at least one word of substance, not a stock "
            "answer); words exclude the function words and fillers of English, Dutch, German and French, and phrases "
            "are two such words side by side in one clause. Themes: non-negative matrix factorisation of the "
            "comments' TF-IDF term profiles (scikit-learn), each theme named by its top terms; a comment counts "
            "under the theme of its largest loading among those whose named terms it uses.",
            str(glossary.see_glossary()),
        ]
        return report.Markdown(self.methods_common + "\n" + "\n".join(lines))

    # -- results.json -------------------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        """``nps``: ``{"overall": estimate, <segment>: estimate}`` (segments of at least min_cell); absent
        without an advocacy question. ``waves`` is the tracker's (notebook 05, :mod:`cxlib.pages.tracker`), which
        carries this scorecard's shape too; ``self.card.to_dict()`` is the scorecard's own."""
        out: dict[str, Any] = {}
        if self.overall is not None:
            nps_out = {"overall": self.overall.estimate.to_dict()}
            for g, r in self.by_segment.estimates:
                if r.n >= self.min_cell:
                    nps_out[str(g)] = r.estimate.to_dict()
            out["nps"] = {k: {f: v for f, v in e.items() if f not in ("method",)} for k, e in nps_out.items()}
        return report.to_jsonable(out)

    def record(self) -> None:
        """Record ``nps`` for ``results.json`` (shows nothing)."""
        for key, value in self.results().items():
            report.record(key, value)


def _customer_base(eng: Any) -> int:
    """The customers the mix figures are scaled to: those still customers at the survey date."""
    return len(eng.customer_base())


def _mix(eng: Any, card: WaveComparison, frame: pd.DataFrame, *, n_boot: int, seed: int) -> tuple[MixImpact | None, tuple]:
    cfg = eng.config
    att = cfg.get("attrition")
    reasons = []
    if card.reason is not None:
        reasons.append(card.reason)
    if not att:
        reasons.append(Reason.of("not_configured", what="attrition data (how long each customer was followed and "
                                                        "whether they left)"))
    if reasons:
        return None, tuple(reasons)
    seg = frame.dropna(subset=["segment"])
    impact = mix_impact(seg, wave=cfg["wave"], waves=list(card.waves), value=cfg["value"][0],
                        duration=att["duration"], event=att["event"], horizon=float(att["horizon"]),
                        customers=_customer_base(eng), weight=cfg.get("weight"), n_boot=n_boot, seed=seed)
    return impact, ()


def _codebook_labels(eng: Any) -> list[str]:
    """The codebook's element, stage and motivator labels (what a quote or a theme may be related to)."""
    cb = eng.codebook
    return [str(v) for c in ("element", "stage", "motivator") if c in cb for v in pd.unique(cb[c].dropna())]


def build(eng: Any, *, seed: int = 0, n_boot: int = 1000, quotes_per_segment: int = 3) -> ProgrammePage:
    """Compute notebook 04's results for ``eng``.

    Parameters
    ----------
    eng : Engagement
    seed : int
        Seed of the mix bootstrap, of the choice of quotes and of the themes.
    n_boot : int
        Bootstrap resamples for the value of the mix change (0: no intervals).
    quotes_per_segment : int
        Verbatims shown per segment.
    """
    from ..checks import count

    n_boot = count(n_boot, "programme.build", "n_boot", minimum=2, allow_zero=True)
    quotes_per_segment = count(quotes_per_segment, "programme.build", "quotes_per_segment", minimum=1)
    cfg = eng.config
    min_cell = int(cfg["privacy"]["min_cell"])
    weight = cfg.get("weight")
    frame = eng.frame()
    adv = (cfg.get("advocacy") or {}).get("column")
    overall = by_segment = nps_reason = None
    if adv:
        overall = nps(frame[adv], weights=frame[weight] if weight else None)
        by_segment = nps_by_segment(frame, column=adv, weight=weight)
    else:
        nps_reason = Reason.of("not_configured", what="a likelihood-to-recommend question")
    card = compare_waves(eng)
    card_std = compare_waves(eng, standardise=True)
    impact, mix_reasons = _mix(eng, card, frame, n_boot=n_boot, seed=seed)
    text_cols = eng.columns("verbatim")
    quotes = words = found = text_reason = None
    if text_cols:
        pii = eng.pii_values()  # the respondents' own names, e-mails and numbers: scrubbed from every comment
        labels = _codebook_labels(eng)
        quotes = verbatims(frame, text=text_cols[0], per_group=quotes_per_segment, seed=seed, min_cell=min_cell,
                           labels=labels, pii_values=pii)
        words = word_frequency(frame, text=text_cols[0], top=8, min_cell=min_cell, pii_values=pii)
        found = themes(frame, text=text_cols[0], seed=seed, min_cell=min_cell, labels=labels, pii_values=pii)
    else:
        text_reason = Reason.of("not_configured", what="a free-text question")
    return ProgrammePage(client=eng.client, min_cell=min_cell, customers=_customer_base(eng),
                         weighted=bool(weight), n_boot=n_boot, seed=seed, overall=overall, by_segment=by_segment,
                         card=card, card_std=card_std, impact=impact, mix_reasons=mix_reasons, quotes=quotes,
                         words_used=words, theme_result=found, text_reason=text_reason, nps_reason=nps_reason,
                         methods_common=common.methods_common(eng))
