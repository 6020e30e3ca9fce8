"""Notebook 02, driver analysis: which experience elements are most linked to emotional connection, against
what customers say matters; journey stages and experience dimensions; where to act first; how certain the
ranking is; the same elements against other outcomes.

An element is named a hidden driver, key driver or overrated element only when the resampling evidence
supports the label at the rule's false-discovery rate (:class:`cxlib.drivers.QuadrantRule`); the others
whose estimates fall in a quadrant are shown as *possible* ones, in the tables, on the map and in the
headline, and results.json lists them apart (``classification``).

``build(eng)`` computes every result once; each method of :class:`DriversPage` words one section of the
report. Base: every analysed respondent with a connection index (``eng.frame()`` as it is; the n of the
derived importance), weighted when the engagement has respondent weights.

Examples
--------
>>> import cxlib as cx
>>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=1)
>>> page = build(eng, n_boot=50)
>>> sorted(page.results())
['classification', 'hidden_drivers', 'key_drivers', 'overrated']
>>> "hidden driver" in page.headline()
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import glossary, report
from . import common
from ..drivers import (Importance, OutcomeRanks, PairwiseDifferences, Priorities, RankStability, Rollup,
                       importance, outcome_ranks, pairwise_differences, priorities, rank_stability, rollup)
from ..results import Reason

__all__ = ["DriversPage", "build", "LIST_LIMIT"]

#: Names shown in a sentence before "and N more" (tables and results.json list every element).
LIST_LIMIT = 5
#: Elements shown in the ranking and priority tables.
TOP = 10
#: The outcome label of the fully-connected flag in the cross-outcome table.
FULLY_CONNECTED = "Fully connected (yes/no)"
_FLAG = "__fully_connected__"


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)


def _literal(text: str) -> str:
    """A name drawn literally by matplotlib (a ``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def label(code: Any) -> str:
    """A stage or dimension as the codebook labels it, as literal text: written labels as they are, a
    lower-case code raised at its first letter (``discover`` → ``Discover``), never re-cased otherwise.

    Examples
    --------
    >>> label("In the shop"), label("ease"), label("<b>x</b>")
    ('In the shop', 'Ease', '&lt;b&gt;x&lt;/b&gt;')
    """
    return report.text(report.label(code))


def names(items: Any, *, limit: int = LIST_LIMIT, bold: bool = True) -> str:
    """Element names for a sentence, each as literal text; cut lists say "and N more".

    Examples
    --------
    >>> names(["a", "b", "c"], limit=2)
    '**a**, **b** and 1 more'
    >>> names([])
    'none'
    """
    shown = [f"**{report.text(x)}**" if bold else report.text(x) for x in items]
    return report.listing(shown, limit=limit)


def _plural(k: int, one: str, many: str) -> str:
    return f"{k:,} {one if k == 1 else many}"


def _derived(row: Any) -> str:
    return report.ci_text(row["derived"], row["ci_low"], row["ci_high"], fmt="{:.1f}")


#: How the tables and the quadrant column word an element's evidence.
EVIDENCE_WORDS = {"supported": "supported", "possible": "possible", "not tested": "–"}
#: results.json names of the quadrants.
RESULT_KEYS = {"hidden driver": "hidden_drivers", "overrated": "overrated", "key driver": "key_drivers"}


def _score(value: Any, n: int, min_cell: int) -> str:
    """A 0–100 mean, or suppressed when fewer than ``min_cell`` answered."""
    return f"suppressed (n < {min_cell:,})" if n < min_cell else report.number(value, "{:.0f}/100")


@dataclass(frozen=True)
class DriversPage:
    """The results behind notebook 02 and their words (one method per section)."""

    client: str
    min_cell: int
    n_boot: int
    seed: int
    imp: Importance
    stages: Rollup
    dimensions: Rollup
    stability: RankStability
    pairs: PairwiseDifferences | None
    first: Priorities
    outcomes: OutcomeRanks
    methods_common: str = ""
    outcome_notes: dict = field(default_factory=dict)

    # -- headline -----------------------------------------------------------------------------------------
    def headline(self) -> report.Markdown:
        """The findings in a few sentences: the supported quadrant lists (and how many more are possible),
        the stage that matters most (CI, n), and the elements that could not be assessed."""
        imp = self.imp
        lines = [f"### {report.text(self.client)}: headline findings"]
        if not imp.estimable:
            lines.append("Which elements are linked to emotional connection could not be estimated: "
                         f"{report.text(imp.reason.sentence)} (n={imp.n:,}).")
            return report.Markdown("\n\n".join(lines + self._excluded_lines()))
        level = self._level_plain()
        hidden, over, key = imp.hidden_drivers(), imp.overrated(), imp.key_drivers()
        lines.append(f"**{_plural(len(hidden), 'hidden driver', 'hidden drivers')}**, supported {level}: "
                     f"{names(hidden)}. Customers do not call them important, yet they are linked to emotional "
                     "connection more than an average element is." + self._possible_text("hidden driver")
                     if hidden else f"**No supported hidden driver** ({level}): no element that customers do "
                                    "not call important is clearly linked to emotional connection more than an "
                                    "average element." + self._possible_text("hidden driver"))
        lines.append(f"**{_plural(len(over), 'overrated element', 'overrated elements')}** (supported): "
                     f"{names(over)}. Customers say they matter, but they are linked to emotional connection less "
                     "than an average element is." + self._possible_text("overrated")
                     if over else "**No supported overrated element**: no element customers call important is "
                                  "clearly linked to connection less than an average element."
                                  + self._possible_text("overrated"))
        lines.append(f"**{_plural(len(key), 'key driver', 'key drivers')}** (supported) matter on both counts: "
                     f"{names(key)}." + self._possible_text("key driver")
                     if key else "**No supported key driver**: no element is clearly both important to customers "
                                 "and linked to connection more than an average element."
                                 + self._possible_text("key driver"))
        if self.stages.estimable and len(self.stages.table):
            top = self.stages.table.iloc[0]
            lines.append(f"The journey stage most linked to emotional connection is **{label(top['stage'])}**: "
                         f"{report.ci_text(top['derived'], top['ci_low'], top['ci_high'], fmt='{:.0f}%', n=imp.n)} "
                         f"of what the elements explain, where the {len(imp.names):,} elements together "
                         f"{self._explained()}.")
        return report.Markdown("\n\n".join(lines + self._excluded_lines()))

    def _level_plain(self) -> str:
        """The labels' evidence level in plain words: 'once the 60 elements compared are allowed for (on average
        at most one named element in 10 would be a false lead)'."""
        rule = self.imp.rule
        return (f"once the {len(self.imp.names):,} elements compared are allowed for (on average at most one named "
                f"element in {max(round(1 / rule.fdr), 2):,} would be a false lead)")

    def _explained(self, *, inside: bool = False) -> str:
        """'explain 46% of the differences in emotional connection between customers (R² = 0.46)'; ``inside``
        parentheses already, the R² follows a comma."""
        r2 = report.number(self.imp.r2, "{:.2f}")
        return (f"explain {report.percent(self.imp.r2)} of the differences in emotional connection between customers"
                + (f", R² = {r2}" if inside else f" (R² = {r2})"))

    def what_this_shows(self) -> report.Markdown:
        """What the driver analysis shows and what it does not: associations among respondents, credit shared
        between correlated elements, and what a label's false-discovery rate means."""
        imp = self.imp
        r2 = (f" (together they {self._explained(inside=True)})") if imp.estimable else ""
        lines = [
            "**What this shows and what it does not.**",
            "- It shows how customers' ratings of each experience element *go together with* their emotional "
            f"connection in this survey, and how the elements share the connection the experience explains{r2}.",
            "- It does not show what improving an element would do: customers who feel connected may rate "
            "everything more kindly, and elements that are rated alike share credit, so a question that nearly "
            "repeats another divides the credit between them.",
            "- Stated importance is what customers say matters; derived importance is how their ratings go with "
            "connection. A hidden driver is where the two disagree, which makes it worth testing, not proven.",
            f"- Labels allow for the number of elements compared (a {imp.rule.fdr * 100:.0f}% false-discovery rate, "
            f"{'Benjamini–Hochberg' if imp.rule.fdr_method == 'bh' else 'Benjamini–Yekutieli'}): on average at most one "
            f"named element in {max(round(1 / imp.rule.fdr), 2):,} would be a false lead. Possible elements need more evidence (a larger sample or the next wave) before acting on "
            "them.",
        ]
        return report.Markdown("\n".join(lines))

    def _possible_text(self, quadrant: str) -> str:
        maybe = self.imp.possible(quadrant)
        if not maybe:
            return ""
        what = {"hidden driver": "hidden driver", "overrated": "overrated element", "key driver": "key driver"}[quadrant]
        one = len(maybe) == 1
        return (f" {_plural(len(maybe), 'more element is a possible ' + what, 'more elements are possible ' + what + 's')}"
                f" ({'its' if one else 'their'} estimates fall in this quadrant, but the evidence does not support "
                f"the label): {names(maybe, bold=False)}.")

    def _excluded_lines(self) -> list[str]:
        if not self.imp.excluded:
            return []
        items = [f"**{report.text(e)}** ({report.text(r.sentence)})" for e, r in self.imp.excluded.items()]
        return ["*Not estimable:* " + report.listing(items, limit=LIST_LIMIT) + ". An element needs varying ratings "
                "of its own before its link to connection can be measured."]

    # -- the stated-vs-derived map ------------------------------------------------------------------------
    def importance_map(self) -> Any:
        """Every element by stated (across) and derived (up) importance, in four quadrants, titled with the
        strongest supported hidden driver (or key driver) and the number of supported labels."""
        imp = self.imp
        if not imp.estimable:
            return report.Markdown(f"No map: {report.text(imp.reason.sentence)}.")
        fig, (ax,) = common.figure(10, 7)
        supported = {q: imp.elements(q, "supported") for q in RESULT_KEYS}
        possible = sum(len(imp.possible(q)) for q in RESULT_KEYS)
        counts = report.listing([_plural(len(supported["key driver"]), "key driver", "key drivers"),
                                 _plural(len(supported["hidden driver"]), "hidden driver", "hidden drivers"),
                                 _plural(len(supported["overrated"]), "overrated element", "overrated elements")],
                                conjunction="and")
        if supported["hidden driver"]:
            lead = f"{supported['hidden driver'][0]} is the strongest hidden driver"
        elif supported["key driver"]:
            lead = f"{supported['key driver'][0]} is the strongest key driver"
        else:
            lead = f"No element's label is supported at the {imp.rule.fdr * 100:.0f}% false-discovery rate"
        finding = f"{lead}; {counts} supported" + (f", {possible:,} more possible" if possible else "")
        # The title goes in before the names are placed: a title set afterwards changes the layout under them.
        imp.plot(ax=ax, title=common.titled(_literal(finding), imp.n, "respondents", width=80))

        def listed(quadrant: str) -> str:
            members = supported[quadrant]
            if not members:
                return f"no {quadrant}s"
            rows = imp.rows(members)
            items = [f"{r['element']} {common.interval(r.rename({'derived': 'estimate'}), '{:.1f}', suffix='%')}"
                     for _, r in rows.head(LIST_LIMIT).iterrows()]
            more = f" and {len(members) - LIST_LIMIT:,} more" if len(members) > LIST_LIMIT else ""
            return f"{quadrant}s: " + "; ".join(items) + more
        alt = common.alt_text(
            f"{len(imp.names):,} experience elements placed by how important customers say they are (across, 0 to "
            f"100) and by how much of emotional connection they explain (up, %), cut at "
            f"{report.number(imp.stated_cut, '{:.0f}')} and {report.number(imp.derived_cut, '{:.1f}')}%",
            f"{lead}. Supported " + ". Supported ".join(listed(q) for q in ("hidden driver", "key driver", "overrated")),
            f"{possible:,} more elements are possible ones, their evidence short of the level" if possible else "",
            f"n={imp.n:,} respondents")
        return common.done(fig, alt=alt)

    def rule(self) -> report.Markdown:
        """Where the map is cut, in words."""
        if not self.imp.estimable:
            return report.Markdown("")
        return report.Markdown(self.imp.rule_text())

    # -- key, hidden and overrated ------------------------------------------------------------------------
    def quadrant_table(self, quadrant: str) -> Any:
        """Every element whose estimates fall in one quadrant, the supported ones first (each best first):
        element, journey stage, stated importance, derived importance with its 95% CI, the evidence
        (supported or possible at the rule's level), the label's adjusted p-value, n."""
        imp = self.imp
        if not imp.estimable:
            return report.Markdown(f"Not estimable: {report.text(imp.reason.sentence)}.")
        members = imp.elements(quadrant, "supported") + imp.possible(quadrant)
        if not members:
            return report.Markdown(f"No element is a{'n' if quadrant[0] in 'aeiou' else ''} {quadrant} here.")
        rows = imp.rows(members)
        return _styler(pd.DataFrame({
            "Element": [str(e) for e in rows["element"]],
            "Journey stage": [report.label(s) for s in rows["stage"]],
            "Stated importance": [_score(v, k, self.min_cell) for v, k in zip(rows["stated"], rows["n_stated"])],
            "Derived importance, % (95% CI)": [_derived(r) for _, r in rows.iterrows()],
            f"Evidence ({imp.rule.fdr * 100:.0f}% FDR)": [EVIDENCE_WORDS[str(v)] for v in rows["evidence"]],
            "Adjusted p-value": [report.p_value(q) if pd.notna(q) else "not tested" for q in rows["q_value"]],
            "n": [f"{imp.n:,}"] * len(rows),
        }))

    def hidden_table(self) -> Any:
        """The hidden drivers: high derived, low stated importance."""
        return self.quadrant_table("hidden driver")

    def overrated_table(self) -> Any:
        """The overrated elements: customers call them important; they are linked to connection less than an
        average element."""
        return self.quadrant_table("overrated")

    def key_table(self) -> Any:
        """The key drivers: important on both counts."""
        return self.quadrant_table("key driver")

    # -- stages and dimensions ----------------------------------------------------------------------------
    def rollups(self) -> Any:
        """Derived importance summed by journey stage and by experience dimension, with 95% intervals, each
        titled with the stage or dimension that holds the most."""
        if not self.stages.estimable:
            return report.Markdown(f"Not estimable: {report.text(self.stages.reason.sentence)}.")
        fig, axes = common.figure(13, 4.8, ncols=2)
        r2 = getattr(self.imp, "r2", None)
        parts = []
        for i, (ax, r, what) in enumerate(zip(axes, (self.stages, self.dimensions),
                                              ("journey stage", "experience dimension"))):
            r.plot(ax=ax)
            t = r.table.sort_values("derived", ascending=False)
            if t.empty:
                ax.set_title(f"No {what} could be summed", loc="left")
                continue
            top = t.iloc[0]
            finding = (f"{_literal(report.pretty(top[r.by]))} is the {what} most linked to connection: "
                       f"{report.number(top['derived'], '{:.0f}')}% of what the elements explain")
            if i == 0 and r2 is not None and r2 == r2:
                finding += f" (R² = {report.number(r2, '{:.2f}')})"
            common.set_title(ax, finding, r.n if i == 0 else None, "respondents")
            parts.append(f"{what.capitalize()}s by their share of what the elements explain of connection: "
                         + "; ".join(f"{report.pretty(row[r.by])} "
                                     f"{common.interval(row.rename({'derived': 'estimate'}), '{:.0f}', suffix='%')}"
                                     for _, row in t.iterrows()))
        return common.done(fig, alt=common.alt_text(*parts, f"n={self.stages.n:,} respondents"))

    def rollup_text(self) -> report.Markdown:
        """The stages and dimensions in order, each with its share, 95% CI and number of elements."""
        if not self.stages.estimable:
            return report.Markdown("")
        out = []
        for r, what in ((self.stages, "Journey stages"), (self.dimensions, "Experience dimensions")):
            parts = [f"{label(row[r.by])} {report.ci_text(row['derived'], row['ci_low'], row['ci_high'], fmt='{:.0f}%')}"
                     f" over {_plural(int(row['n_elements']), 'element', 'elements')}"
                     for _, row in r.table.iterrows()]
            out.append(f"**{what}**, by their share of what the elements explain of emotional connection (the "
                       f"elements together {self._explained(inside=True)}; n={r.n:,}): " + "; ".join(parts) + ".")
        return report.Markdown("\n\n".join(out))

    # -- where to act first -------------------------------------------------------------------------------
    def priorities_table(self) -> Any:
        """The elements where better performance would raise connection most (opportunity, best first)."""
        if not self.first.estimable:
            return report.Markdown(f"Not estimable: {report.text(self.first.reason.sentence)}.")
        t = self.first.table
        rows = self.imp.rows([str(e) for e in t["element"]])
        return _styler(pd.DataFrame({
            "Element": [str(e) for e in t["element"]],
            "Journey stage": [report.label(s) for s in t["stage"]],
            "Dimension": [report.label(s) for s in t["dimension"]],
            "Derived importance, % (95% CI)": [_derived(r) for _, r in rows.iterrows()],
            "Performance": [_score(v, k, self.min_cell) for v, k in zip(rows["performance"], rows["n_performance"])],
            "Opportunity": [report.number(v, "{:.2f}") for v in t["opportunity"]],
            "Quadrant": [report.pretty(q) + (" (possible)" if ev == "possible" else "")
                         for q, ev in zip(t["quadrant"], rows["evidence"])],
            "n": [f"{self.first.n:,}"] * len(t),
        }))

    # -- how certain the ranking is -----------------------------------------------------------------------
    def ranking_table(self) -> Any:
        """The ten most important elements: rank, its 95% interval over resamples, share of resamples in the
        top ten."""
        s = self.stability
        if s.table.empty:
            return report.Markdown(f"Not estimable: {report.text(s.reason.sentence)}.")
        if s.reason is not None and s.reason.code == "no_bootstrap":
            return report.Markdown("The ranking was computed without resampling, so how certain it is cannot be "
                                   "shown; run with resampling for rank intervals.")
        t = s.table.head(TOP)
        return _styler(pd.DataFrame({
            "Rank": [f"{int(r)}" for r in t["rank"]],
            "Element": [str(e) for e in t["element"]],
            "Rank, 95% interval": [report.interval(a, b, fmt="{:.0f}") for a, b in zip(t["rank_ci_low"], t["rank_ci_high"])],
            f"In top {s.top}": [report.percent(v) for v in t["in_top"]],
            "n": [f"{s.n:,}"] * len(t),
        }))

    def ranking_text(self) -> report.Markdown:
        """How many pairs among the top five differ clearly."""
        p = self.pairs
        if p is None or p.reason is not None:
            return report.Markdown("")
        return report.Markdown(
            f"{p.n_clear:,} of {len(p.table):,} pairs among the top {len(p.names)} differ clearly (the 95% interval "
            f"of their difference excludes zero); the others cannot be told apart with this sample (n={p.n:,}).")

    # -- elements that lower connection -------------------------------------------------------------------
    def lowering(self) -> report.Markdown:
        """Elements with more than an equal share whose better performance goes with lower connection."""
        if not self.imp.estimable:
            return report.Markdown(f"Not estimable: {report.text(self.imp.reason.sentence)}.")
        low = self.imp.lowering()
        if not low:
            return report.Markdown("No element with more than an equal share goes with lower connection.")
        return report.Markdown("These elements go with *lower* connection when they perform better (check the "
                               f"question wording): {names(low, limit=len(low))}.")

    # -- the same elements against other outcomes ---------------------------------------------------------
    def outcomes_table(self) -> Any:
        """Rank of the ten most important elements (for connection) under each outcome."""
        wide = self.outcomes.wide(top=TOP)
        if wide.empty:
            return report.Markdown("No outcome could be estimated.")
        out = pd.DataFrame({"Element (rank by outcome)": [str(e) for e in wide["element"]]})
        for col in wide.columns[1:]:
            out[col] = [report.number(v, "{:.0f}") for v in wide[col]]
        return _styler(out)

    def outcomes_text(self) -> report.Markdown:
        """The n behind each outcome, and why any could not be estimated."""
        t = self.outcomes.table
        done = [f"{report.text(o)} (n={int(t.loc[t['outcome'] == o, 'n'].iloc[0]):,})"
                for o in self.outcomes.outcomes if o not in self.outcomes.excluded]
        lines = [f"Ranks within each outcome, 1 = the largest share: {report.listing(done, limit=len(done))}."] if done else []
        if self.outcomes.excluded:
            lines.append("*Not estimable:* " + "; ".join(f"**{report.text(o)}**: {report.text(r.sentence)}"
                                                         for o, r in self.outcomes.excluded.items()) + ".")
        return report.Markdown("\n\n".join(lines))

    # -- methods ------------------------------------------------------------------------------------------
    def methods(self) -> report.Markdown:
        """The methods appendix: the common part, then this page's estimators."""
        imp = self.imp
        lines = [self.methods_common] if self.methods_common else []
        sample = f"- **Sample.** {imp.n:,} respondents with a connection index and consent to analytics"
        if imp.weighted and imp.n_effective is not None:
            sample += f"; weighted by the respondent weights (effective sample size {imp.n_effective:,.0f})."
        else:
            sample += "."
        lines.append(sample)
        count = len(imp.names)
        fit = (f" (model R² = {report.number(imp.r2, '{:.2f}')}, {report.p_value(imp.r2_p_value)})"
               if imp.estimable else f"; not estimable here: {report.text(imp.reason.sentence)}")
        lines.append(f"- **Derived importance.** Johnson's relative weights of the {count:,} elements' performance "
                     f"ratings on the connection index{fit}; each weight is the element's share of the explained "
                     "variation.")
        rule = {"mean": "set to the element's average, so a blank neither raises nor lowers its weight",
                "pairwise": "left out pair by pair (pairwise-complete correlations)",
                "listwise": "handled by leaving out every respondent with a blank"}[imp.missing]
        lines.append(f"- **Unanswered elements** (“not experienced”) are {rule}.")
        if self.n_boot:
            lines.append(f"- **Intervals.** Percentile bootstrap, {self.n_boot:,} resamples of respondents, "
                         f"seed {self.seed}; rank intervals are the 2.5th and 97.5th percentiles of each element's "
                         "rank across resamples. Stated importance is resampled with the same respondents.")
        else:
            lines.append("- **Intervals.** None: computed without resampling.")
        if imp.estimable:
            lines.append(f"- **Quadrants.** {imp.rule_text()} The family of tests is every element of the map "
                         f"({len(imp.names):,} elements); the tables give each label's adjusted p-value "
                         f"({'Benjamini–Hochberg' if imp.rule.fdr_method == 'bh' else 'Benjamini–Yekutieli'}).")
        lines.append("- **Where to act first.** Opportunity = derived importance × room to improve "
                     "(100 − performance) ÷ 100; elements that go with lower connection are left out.")
        lines.append(f"- **Other outcomes.** Being fully connected (yes/no) uses logistic relative weights "
                     f"(Tonidandel & LeBreton 2010) and is reported only when both the fully connected and the other "
                     f"respondents number at least {self.min_cell}; value uses linear relative weights.")
        lines.append(f"- **Elements rated by few.** Stated importance and performance of an element rated by fewer than "
                     f"{self.min_cell} respondents are not shown.")
        lines.append(str(glossary.see_glossary()))
        return report.Markdown("\n".join(lines))

    # -- results.json -------------------------------------------------------------------------------------
    def _listing(self, members: tuple[str, ...]) -> list[dict[str, Any]]:
        imp = self.imp
        if not members:
            return []
        rows = imp.rows(members)
        extra = {"n_effective": imp.n_effective} if imp.weighted and imp.n_effective is not None else {}
        return [{"element": str(r["element"]), "stage": str(r["stage"]), "stated": r["stated"],
                 **report.estimate_dict(r["derived"], r["ci_low"], r["ci_high"], imp.n, **extra),
                 "q_value": r["q_value"]}
                for _, r in rows.iterrows()]

    def results(self) -> dict[str, Any]:
        """``hidden_drivers``, ``overrated``, ``key_drivers``: the *supported* elements of each quadrant, best
        first, as ``{"element", "stage", "stated", "estimate", "ci_low", "ci_high", "n", "q_value"}``
        (+ ``n_effective``); ``classification``: ``{"rule", "fdr", "fdr_method", "n_elements", "r2",
        "derived_cut", "stated_cut", "possible":
        {hidden_drivers, overrated, key_drivers}}`` (the possible ones in the same shape)."""
        imp = self.imp
        out: dict[str, Any] = {key: self._listing(imp.elements(q, "supported")) for q, key in RESULT_KEYS.items()}
        out["classification"] = {
            "rule": imp.rule_text() if imp.estimable else "", "fdr": imp.rule.fdr, "fdr_method": imp.rule.fdr_method,
            "n_elements": len(imp.names) if imp.estimable else 0,
            # What the elements explain of the connection index together, and the map's cuts: the summary
            # states every share of explained variance with its R².
            "r2": imp.r2 if imp.estimable else None, "derived_cut": imp.derived_cut if imp.estimable else None,
            "stated_cut": imp.stated_cut if imp.estimable else None,
            "possible": {key: self._listing(imp.possible(q)) if imp.estimable else [] for q, key in RESULT_KEYS.items()}}
        return report.to_jsonable(out)

    def record(self) -> None:
        """Record :meth:`results` for results.json (shows nothing in the report)."""
        for key, value in self.results().items():
            report.record(key, value)


def _fully_connected(frame: pd.DataFrame) -> pd.Series:
    return (frame["segment"] == "fully connected").astype(float).where(frame["segment"].notna())


def build(eng: Any, *, seed: int = 0, n_boot: int = 1000) -> DriversPage:
    """Compute notebook 02's results for an engagement.

    Parameters
    ----------
    eng : Engagement
    seed : int
        Seed of every resampling step.
    n_boot : int
        Bootstrap resamples for every interval (0: none).

    Returns
    -------
    DriversPage
    """
    cfg = eng.config
    weight = cfg.get("weight")
    min_cell = int(cfg["privacy"]["min_cell"])
    frame = eng.frame()
    imp = importance(frame, eng.codebook, "connection_index", weight=weight, n_boot=n_boot, seed=seed)
    stability = rank_stability(imp, top=TOP)
    pairs = None
    if stability.reason is None and len(stability.table) >= 2:
        pairs = pairwise_differences(imp, names=[str(e) for e in stability.table["element"].head(5)])
    others: dict[str, Importance] = {"Connection index": imp}
    flag = _fully_connected(frame)
    fc = frame.assign(**{_FLAG: flag})
    fc_imp = importance(fc, eng.codebook, _FLAG, weight=weight, n_boot=0, seed=seed)
    k, n_flag = int(flag.sum()), int(flag.notna().sum())
    if k == 0:
        fc_imp = _suppressed(fc_imp, Reason.of("segment_empty", segment="fully connected"))
    elif min(k, n_flag - k) < min_cell:  # too few fully connected (or other) respondents to report on
        fc_imp = _suppressed(fc_imp, Reason.of("below_min_cell", min_cell=min_cell, n=min(k, n_flag - k)))
    others[FULLY_CONNECTED] = fc_imp
    value = cfg["value"][0]
    others[report.pretty(value)] = importance(frame, eng.codebook, value, weight=weight, n_boot=0, seed=seed)
    return DriversPage(
        client=eng.client, min_cell=min_cell, n_boot=n_boot, seed=seed, imp=imp,
        stages=rollup(imp, by="stage"), dimensions=rollup(imp, by="dimension"), stability=stability, pairs=pairs,
        first=priorities(imp, top=TOP), outcomes=outcome_ranks(others),
        methods_common=common.methods_common(eng))


def _suppressed(imp: Importance, reason: Reason) -> Importance:
    """The same elements, not estimable for ``reason`` (a group below ``min_cell``, or empty)."""
    from dataclasses import replace

    return replace(imp, reason=reason)
