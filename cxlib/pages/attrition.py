"""Notebook 03's words: how long each segment stays, attrition at the horizon, what goes with leaving, how
fast experiences fade, and attrition by wave.

:func:`build` computes every result object once; each method of :class:`AttritionPage` words one section of
the notebook (Markdown sentences, a table or a figure); :meth:`AttritionPage.results` gives the
``results.json`` entries ``attrition``, ``hazard_ratio`` and the figures the summary words beside them.

Bases: figures about segments rest on the respondents with a segment (``eng.sample.segmented``);
attrition by wave on every analysed respondent (``eng.frame()`` as it is), as notebook 04 computes it.

The models (issue 17): the headline hazard ratio (fully connected against highly satisfied) allows for the
engagement's ``covariates`` and for nothing that may lie between connection and leaving: the contact
experience, a likely mediator, enters a separate, labelled model. Every baseline covariate uses only what
was known at each customer's follow-up start (the experience score, :func:`cxlib.contacts.contact_experience`
with ``origin``); later contacts enter only the time-varying model. Where the fully connected against highly
satisfied term fails the proportional-hazards check, the headline leads with attrition at the horizon and
days kept (restricted mean survival time), which do not assume a constant ratio, and the hazard ratio is
given only as an average over follow-up.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import contacts as cxc
from . import common
from .. import glossary, report, survival
from ..errors import ArgumentError
from ..report import Markdown
from ..results import Estimate, Reason

__all__ = ["AttritionPage", "build", "HALF_LIVES", "rate_words"]

#: Half-lives compared in the recency section (None: no decay, a plain average of every rating).
HALF_LIVES = cxc.HALF_LIVES
CONTRAST = ("fully connected", "highly satisfied")


#: Fractions a hazard ratio below 1 is read as ("about half the rate of"): the nearest, when within 10% of it.
_FRACTIONS = ((0.25, "a quarter of the rate of"), (1 / 3, "a third of the rate of"), (0.5, "half the rate of"),
              (2 / 3, "two thirds of the rate of"), (0.75, "three quarters of the rate of"))


def rate_words(hazard_ratio: float) -> str:
    """A hazard ratio read as a rate of leaving: the words between "leave at" and the comparison group.

    A hazard ratio compares rates (customers leaving per customer still there, per day), not chances:
    0.5 is "about half the rate of", never "half as likely to leave".

    Examples
    --------
    >>> rate_words(0.46), rate_words(0.58), rate_words(1.0), rate_words(1.34), rate_words(2.05)
    ('about half the rate of', 'about 58% of the rate of', 'about the same rate as', 'about 1.3 times the rate of', 'about twice the rate of')
    """
    hr = float(hazard_ratio)
    if 0.95 <= hr <= 1.05:
        return "about the same rate as"
    if hr < 1:
        value, words = min(_FRACTIONS, key=lambda f: abs(hr - f[0]))
        if abs(hr - value) <= 0.1 * value:
            return f"about {words}"
        return f"about {report.number(hr * 100, '{:.0f}')}% of the rate of"
    if abs(hr - 2) <= 0.1:
        return "about twice the rate of"
    return f"about {report.number(hr, '{:.1f}')} times the rate of"


def _ph_words(ph: survival.PHTest) -> str:
    """The proportional-hazards check in words: which terms' hazard ratios change over follow-up."""
    if ph.reason is not None:
        return f"The proportional-hazards check could not be made: {ph.reason.sentence}."
    if not ph.violated:
        return ("The proportional-hazards check finds no term whose hazard ratio changes over follow-up, so one "
                "hazard ratio per term describes the data.")
    labels = ph.table.set_index("covariate")["label"]
    one = len(ph.violated) == 1
    return (f"The hazard ratio{'' if one else 's'} of {report.listing([report.text(labels[c]) for c in ph.violated], limit=5)} "
            f"{'changes' if one else 'change'} over follow-up (proportional-hazards check p < {ph.alpha:g}), so "
            + ("its single value is an average" if one else "their single values are averages") + " over follow-up.")


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html")


def _pct(e: Estimate) -> str:
    return report.ci_text(e.estimate * 100, e.ci_low * 100, e.ci_high * 100, fmt="{:.0f}%", n=e.n)


def _bold_pct(e: Estimate) -> str:
    lo, hi = report.percent(e.ci_low), report.percent(e.ci_high)
    return f"**{report.percent(e.estimate)}** (95% CI {lo}–{hi}; n={e.n:,})"


def _days(value: float) -> str:
    return report.number(value, "{:,.0f}")


@dataclass(frozen=True, eq=False)
class AttritionPage:
    """Notebook 03's result objects and their words (see :func:`build`).

    ``model`` is the headline Cox model (segment and the engagement's covariates); ``unadjusted`` the segment
    alone; ``with_experience`` adds the contact-experience score at follow-up start (a likely mediator, never
    the headline; None without contacts); ``stratified`` the headline model stratified by the covariates that
    fail the proportional-hazards check (None when none does); ``time_varying`` the headline covariates with
    the experience score as it stood on each day of follow-up; ``by_period`` (only where fully connected against
    highly satisfied fails the proportional-hazards check) the headline model with a separate segment hazard
    ratio before and after day ``period_cut`` (the median day of leaving), a time-varying effect. ``start_source`` says where each customer's
    follow-up start came from (``"follow-up start"``, ``"response date"``, or ``""`` when no date is known).
    """

    client: str
    horizon: float
    half_life_days: float
    min_cell: int
    weighted: bool
    n_segmented: int
    n_analysed: int
    sizes: dict
    labels: dict
    covariates: tuple
    km: survival.KaplanMeier
    attrition: survival.Attrition
    kept: Estimate
    logrank_test: survival.Test
    rmst: survival.RMST
    rmst_difference: survival.RMSTDifference | None
    model: survival.CoxModel
    stratified: survival.CoxModel | None
    strata: tuple
    half_lives: cxc.HalfLives
    time_varying: survival.CoxModel | None
    later: Reason | None
    n_later: int
    wave_attrition: survival.Attrition | None
    wave_names: tuple = ()
    contacts_given: bool = False
    start_given: bool = False
    methods_common: str = ""
    unadjusted: survival.CoxModel | None = None
    with_experience: survival.CoxModel | None = None
    start_source: str = ""
    by_period: survival.CoxModel | None = None
    period_cut: float | None = None

    # -- helpers --------------------------------------------------------------------------------
    @property
    def small(self) -> list[str]:
        """Segments below ``min_cell`` (suppressed everywhere on this page)."""
        return [s for s, n in self.sizes.items() if n < self.min_cell]

    @property
    def comparable(self) -> bool:
        """Both segments of the headline comparison reach ``min_cell``."""
        return all(self.sizes.get(s, 0) >= self.min_cell for s in CONTRAST)

    def _why_not(self) -> str:
        return "; ".join(f"{s} customers are too few to report (n={self.sizes.get(s, 0):,}, below {self.min_cell})"
                         for s in CONTRAST if self.sizes.get(s, 0) < self.min_cell)

    def _adjusted_for(self) -> str:
        others = [self.labels.get(c, report.pretty(c)).lower() for c in self.covariates if c != "segment"]
        return report.listing([report.text(o) for o in others], limit=6)

    @property
    def _no_events(self) -> bool:
        return self.model.reason is not None and self.model.reason.code == "no_events"

    def _contrast(self, model: survival.CoxModel | None) -> Estimate:
        """Fully connected against highly satisfied in ``model`` (not estimable with its reason)."""
        if not self.comparable:
            return Estimate.missing(Reason.of("below_min_cell", min_cell=self.min_cell,
                                              n=min(self.sizes.get(s, 0) for s in CONTRAST)), n=self.n_segmented)
        if model is None:
            return Estimate.missing(Reason.of("no_data"), n=self.n_segmented)
        if not model.estimable:
            return model.hazard_ratio("segment")
        return model.hazard_ratio("segment", CONTRAST[0])

    def hazard_ratio(self) -> Estimate:
        """Fully connected against highly satisfied, from the headline model (the segment and the engagement's
        covariates; not the contact experience, a likely mediator)."""
        return self._contrast(self.model)

    def hazard_ratio_unadjusted(self) -> Estimate:
        """Fully connected against highly satisfied, from the segment alone."""
        return self._contrast(self.unadjusted if self.unadjusted is not None else self.model)

    @property
    def segment_ph(self) -> tuple[bool | None, float | None]:
        """Whether the headline contrast (fully connected against highly satisfied) passes the
        proportional-hazards check of the headline model, and the check's p-value: the term's own test when the
        check is made per term, the segment's joint test when it is made per variable; ``(None, None)`` when
        there is no check."""
        m = self.model
        if not (self.comparable and m.estimable) or m.ph_test is None or m.ph_test.reason is not None:
            return None, None
        t = m.ph_test.table
        rows = t[t["covariate"] == f"segment[{CONTRAST[0]}]"]
        if rows.empty:
            rows = t[t["variable"] == "segment"]
        if rows.empty:
            return None, None
        return not bool(rows["violated"].astype(bool).any()), float(rows["p_value"].min())

    @property
    def ph_holds(self) -> bool | None:
        """True when the headline contrast passes the proportional-hazards check (None: no check)."""
        return self.segment_ph[0]

    def _rate_sentence(self, hr: Estimate, *, bold: bool = True) -> str:
        """'Fully connected customers leave at about half the rate of highly satisfied ones (hazard ratio …)'."""
        value = report.number(hr.estimate, "{:.2f}")
        value = f"**{value}**" if bold else value
        tail = ""
        if hr.has_interval and hr.ci_low <= 1 <= hr.ci_high:
            tail = ", an interval that includes no difference"
        return (f"fully connected customers leave at {rate_words(hr.estimate)} highly satisfied ones (hazard ratio "
                f"{value}, 95% CI {report.interval(hr.ci_low, hr.ci_high)}; n={hr.n:,}{tail})")

    def _rate_plain(self, hr: Estimate) -> str:
        """The headline's rate sentence without the method's name: 'fully connected customers leave at about
        half the rate of highly satisfied ones (**0.50** times their rate of leaving, 95% CI 0.43–0.58; n=5,621)'
        (the tables and the methods name it a hazard ratio, which the glossary explains)."""
        tail = ""
        if hr.has_interval and hr.ci_low <= 1 <= hr.ci_high:
            tail = ", an interval that includes no difference"
        return (f"fully connected customers leave at {rate_words(hr.estimate)} highly satisfied ones "
                f"(**{report.number(hr.estimate, '{:.2f}')}** times their rate of leaving, 95% CI "
                f"{report.interval(hr.ci_low, hr.ci_high)}; n={hr.n:,}{tail})")

    # -- sections -------------------------------------------------------------------------------
    def headline(self) -> Markdown:
        """The headline findings: attrition of the two segments; then the hazard ratio as a rate, adjusted and
        unadjusted, where the two segments' rates keep a constant ratio, or days kept where they do not;
        customers kept."""
        head = f"### {report.text(self.client)}: headline findings"
        if not self.comparable:
            return Markdown(f"{head}\n\nAttrition is not compared between segments: {self._why_not()}. "
                            "The tables below show the segments large enough to report.")
        fc, hs = (self.attrition.estimate(s) for s in CONTRAST)
        parts = [head]
        if fc.estimable and hs.estimable:
            parts.append(f"Within {_days(self.horizon)} days, {_bold_pct(fc)} of fully connected customers left, "
                         f"against {_bold_pct(hs)} of highly satisfied customers.")
        else:
            why = next(e.reason.sentence for e in (fc, hs) if not e.estimable)
            parts.append(f"Attrition within {_days(self.horizon)} days is not estimable: {why}.")
        hr = self.hazard_ratio()
        holds, p = self.segment_ph
        adjusted = self._adjusted_for()
        allowing = f", allowing for {adjusted}" if adjusted != "none" else ""
        if hr.estimable and holds is False:
            d = self.rmst_difference.estimate if self.rmst_difference is not None else None
            if d is not None and d.estimable and d.has_interval:
                more = "more" if d.estimate >= 0 else "fewer"
                parts.append(f"Over those {_days(self.horizon)} days, fully connected customers stayed on average "
                             f"**{_days(abs(d.estimate))} {more} days** than highly satisfied ones (days kept, 95% CI "
                             f"{report.interval(d.ci_low, d.ci_high, fmt='{:,.0f}')}; n={d.n:,}).")
            parts.append("The ratio of the two segments' rates of leaving changes over follow-up, so no single ratio "
                         "describes it; this report leads with attrition at the horizon and days kept, which do not "
                         f"assume a constant ratio. Averaged over follow-up{allowing}, the ratio of their rates is "
                         f"{report.ci_text(hr.estimate, hr.ci_low, hr.ci_high, n=hr.n)}.")
        elif hr.estimable:
            text = self._rate_plain(hr)
            parts.append(text[:1].upper() + text[1:] + allowing + ".")
            u = self.hazard_ratio_unadjusted()
            if adjusted != "none" and u.estimable:
                parts.append(f"Without that allowance the ratio is "
                             f"{report.ci_text(u.estimate, u.ci_low, u.ci_high, n=u.n)}.")
        elif hr.reason is not None and hr.reason.code == "no_events":
            parts.append(f"**No customer left** during follow-up (n={self.n_segmented:,}), so no rates of leaving can be "
                         "compared between segments.")
        else:
            parts.append("The segments' rates of leaving are not compared: "
                         f"{hr.reason.sentence if hr.reason else 'not estimable'}.")
        k = self.kept
        if k.estimable and k.has_interval and not self._no_events:
            more = "more" if k.estimate >= 0 else "fewer"
            parts.append(f"If highly satisfied customers left like fully connected ones, about "
                         f"**{abs(k.estimate):,.0f} {more} of every 1,000** would still be customers after "
                         f"{_days(self.horizon)} days (95% CI {report.interval(k.ci_low, k.ci_high, fmt='{:,.0f}')}; "
                         f"n={k.n:,}), if nothing else about them differed.")
        return Markdown("\n\n".join(parts))

    def what_it_shows(self) -> Markdown:
        """What this report shows and what it does not (associations, not effects)."""
        adjusted = self._adjusted_for()
        allowing = (f"The models allow for {adjusted} and for nothing else." if adjusted != "none"
                    else "The models allow for nothing besides the segment.")
        lines = [
            "**What this shows and what it does not.** It shows how long the customers of each segment stayed after "
            "the survey: differences in leaving are associations, measured over the same follow-up, not effects of "
            "connection. Fully connected customers may differ from highly satisfied ones in ways the data do not "
            f"measure (how long they have been customers, what they hold, how they were won), and any of these may "
            f"go with leaving too. {allowing}",
        ]
        if self.contacts_given:
            lines.append("The contact experience is left out of the headline comparison: it is likely part of the "
                         "way connection and leaving are linked (a mediator), so allowing for it would hide part of "
                         "the difference. The comparison that also allows for it is shown separately, labelled.")
            if self.start_source:
                lines.append(f"Every experience score at the start of follow-up uses only contacts up to each "
                             f"customer's {self.start_source}; later contacts enter only the model that follows the "
                             "score through follow-up.")
            else:
                lines.append("Follow-up start dates are not given, so the experience score is taken as of the latest "
                             "contact recorded in each customer's wave, which assumes the contact records end when the "
                             "survey starts follow-up.")
        lines.append("A hazard ratio compares rates of leaving (of the customers still there, how many leave each "
                     "day), not the chance of ever leaving.")
        return Markdown(" ".join(lines))

    def curves(self) -> Any:
        """Kaplan–Meier curves per segment with the at-risk table (a Chart), titled with attrition at the
        horizon of the two segments compared, or why none is drawn."""
        if all(n < self.min_cell for n in self.sizes.values()):
            return Markdown(f"No curve is drawn: every segment has fewer than {self.min_cell} customers.")
        fig, (ax,) = common.figure(9, 6.2)
        n = sum(n for n in self.sizes.values() if n >= self.min_cell)
        est = {s: self.attrition.estimate(s) for s in self.attrition.groups if s not in self.small}
        est = {s: e for s, e in est.items() if e.estimable}
        fc, hs = est.get(CONTRAST[0]), est.get(CONTRAST[1])
        days = _days(self.horizon)
        if fc is not None and hs is not None:
            finding = (f"{report.percent(fc.estimate)} of fully connected customers left within {days} days, "
                       f"against {report.percent(hs.estimate)} of highly satisfied ones")
        elif est:
            s, e = next(iter(est.items()))
            finding = f"{report.percent(e.estimate)} of {s} customers left within {days} days"
        else:
            finding = f"Attrition within {days} days is not estimable for any segment shown"
        self.km.plot(ax=ax, min_cell=self.min_cell, horizon=self.horizon,
                     title=common.titled(finding, n, "customers with a segment", width=None))
        fig.subplots_adjust(bottom=0.3, top=0.88)
        alt = common.alt_text(
            "Share of customers still active by days since the survey, one curve per segment with its 95% band",
            f"Left within {days} days: " + "; ".join(f"{s} {common.interval(e, '{:.0f}', scale=100, suffix='%')}"
                                                    for s, e in est.items()) if est else "",
            f"Segments not shown (fewer than {self.min_cell:,}): {', '.join(self.small)}" if self.small else "",
            f"n={n:,} customers with a segment")
        return common.done(fig, alt=alt, tight=False)

    def _attrition_rows(self, result: survival.Attrition, names: list[str], header: str) -> pd.DataFrame:
        rows = []
        for g in names:
            e = result.estimate(g)
            if e.n < self.min_cell:
                cell = f"suppressed (n < {self.min_cell})"
            elif e.estimable:
                cell = report.ci_text(e.estimate * 100, e.ci_low * 100, e.ci_high * 100, fmt="{:.1f}%")
            else:
                cell = f"not estimable: {e.reason.sentence}"
            rows.append({header: str(g)[:1].upper() + str(g)[1:], f"Left within {_days(self.horizon)} days (95% CI)": cell,
                         "n": f"{e.n:,}"})
        return pd.DataFrame(rows)

    def attrition_table(self) -> Any:
        """Attrition at the horizon per segment, with its interval and n; small segments suppressed."""
        return _styler(self._attrition_rows(self.attrition, self.attrition.groups, "Segment"))

    def logrank(self) -> Markdown:
        """Log-rank test over the reported segments, and the pairwise tests: one family, Holm-adjusted."""
        t = self.logrank_test
        text = t.headline()
        k = len(t.table) if t.estimable else 0
        if k > 1:
            text += (f" The pairwise tests are one family of {k} comparisons (every pair of reported segments), "
                     f"their p-values adjusted together by {t.adjust.capitalize()}'s method.")
        return Markdown(text + (f" Segments below {self.min_cell} customers are left out of the tests." if self.small else ""))

    def days_kept_table(self) -> Any:
        """Restricted mean survival time per segment (days active out of the horizon)."""
        rows = []
        for g in self.rmst.groups:
            e = self.rmst.estimate(g)
            if e.n < self.min_cell:
                cell = f"suppressed (n < {self.min_cell})"
            elif e.estimable:
                cell = report.ci_text(e.estimate, e.ci_low, e.ci_high, fmt="{:,.0f}")
            else:
                cell = f"not estimable: {e.reason.sentence}"
            rows.append({"Segment": g[:1].upper() + g[1:], f"Days active out of {_days(self.horizon)} (95% CI)": cell,
                         "n": f"{e.n:,}"})
        return _styler(pd.DataFrame(rows))

    def days_kept(self) -> Markdown:
        """How many more days the fully connected stay within the horizon."""
        if not self.comparable:
            return Markdown(f"No difference in days kept is reported: {self._why_not()}.")
        if self._no_events:
            return Markdown(f"No difference in days kept is reported: {self.model.reason.sentence}.")
        return Markdown(self.rmst_difference.headline())

    def hazard_ratio_table(self) -> Any:
        """Fully connected against highly satisfied in each model: unadjusted, the headline (the engagement's
        covariates), also allowing for contact experience (a likely mediator), stratified, time-varying."""
        if not self.comparable:
            return Markdown(f"No hazard ratio is compared: {self._why_not()}.")
        adjusted = self._adjusted_for()
        rows = [("Segment only (unadjusted)", self.unadjusted)]
        if adjusted != "none":
            rows.append((f"Allowing for {adjusted} (the headline)", self.model))
        else:
            rows = [("Segment only (unadjusted; the headline)", self.unadjusted or self.model)]
        if self.with_experience is not None:
            rows.append(("Also allowing for the contact experience at the start of follow-up (a likely mediator: "
                         "not the headline)", self.with_experience))
        if self.stratified is not None:
            words = report.listing([report.text(self.labels.get(s, report.pretty(s)).lower()) for s in self.strata])
            rows.append((f"Headline model stratified by {words} (a separate baseline rate for each)", self.stratified))
        if self.time_varying is not None:
            rows.append(("Headline model with the contact experience as it stood each day (time-varying; a likely "
                         "mediator)", self.time_varying))
        out = []
        for name, m in rows:
            e = self._contrast(m)
            cell = (report.ci_text(e.estimate, e.ci_low, e.ci_high) if e.estimable
                    else f"not estimable: {e.reason.sentence}")
            out.append({"Model": name, "Hazard ratio, fully connected vs highly satisfied (95% CI)": cell,
                        "n": f"{e.n:,}"})
        return _styler(pd.DataFrame(out))

    def hazard_ratios(self) -> Any:
        """Forest plot of the headline model's hazard ratios (suppressed segments left out), titled with the
        fully connected against highly satisfied rate, or why there are none."""
        if not self.model.estimable:
            return Markdown(f"No hazard ratios: {self.model.reason.sentence}.")
        t = self.model.table
        terms = t.loc[~((t["variable"] == "segment") & t["level"].isin(self.small)), "covariate"].tolist()
        if not terms:
            return Markdown(f"No hazard ratio is shown: every term concerns a segment below {self.min_cell} customers.")
        fig, (ax,) = common.figure(8, 0.5 * len(terms) + 2.4)
        hr = self.hazard_ratio()
        averaged = " (averaged over follow-up)" if self.ph_holds is False else ""
        if hr.estimable:
            finding = (f"Fully connected customers leave at {rate_words(hr.estimate)} highly satisfied ones: hazard "
                       f"ratio {report.number(hr.estimate, '{:.2f}')}{averaged}")
        else:
            finding = "The fully connected against highly satisfied hazard ratio is not estimable"
        self.model.plot(ax=ax, terms=terms, title=common.titled(finding, self.model.n, "customers", width=None))
        refs = [f"{self.labels.get(c, report.pretty(c)).lower()} {level}" for c, level in self.model.reference.items()]
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        if refs:
            fig.text(0.01, 0.01, "Compared with: " + "; ".join(str(r).replace("$", r"\$") for r in refs) + ".",
                     fontsize=9, color="#444")
        rows = t[t["covariate"].isin(terms)]
        names = rows["label"] if "label" in rows else rows["covariate"]
        listed = "; ".join(f"{name} {common.interval(r.rename({'hazard_ratio': 'estimate'}))}"
                           for name, (_, r) in zip(names, rows.iterrows()))
        alt = common.alt_text(
            finding + (f" (95% CI {report.interval(hr.ci_low, hr.ci_high)})" if hr.estimable and hr.has_interval else ""),
            f"Hazard ratios of leaving (below 1: leaves less often), each term against its reference: {listed}",
            "Compared with: " + "; ".join(refs) if refs else "", f"n={self.model.n:,} customers")
        return common.done(fig, alt=alt, tight=False)

    def ph_check(self) -> Markdown:
        """The proportional-hazards check of the headline model: which family of tests and at what level, what
        a failure of the segment means for the headline, and the stratified model where a covariate fails."""
        if not self.model.estimable:
            return Markdown("The proportional-hazards check needs a fitted model; there is none "
                            f"({self.model.reason.sentence}).")
        ph = self.model.ph_test
        text = _ph_words(ph)
        if ph.reason is None:
            k = len(ph.table)
            text += (f" The check is one family of {k} tests (one per term of the model), each at the 5% level "
                     "without adjustment: a cautious rule here, since a failure only moves the report to figures "
                     "that do not rest on the assumption.")
        holds, p = self.segment_ph
        if holds is False:
            text += (f" For fully connected against highly satisfied customers ({report.p_value(p)}) the ratio of their "
                     "rates of leaving is not the same throughout follow-up, so the headline rests on attrition at the "
                     "horizon and days kept, which do not need this assumption; the hazard ratio is only an average "
                     "over follow-up.")
            text += self._by_period_words()
        elif holds and "segment" in ph.violated_variables:
            text += (f" The check fails for a segment other than the two the headline compares; for fully connected "
                     f"against highly satisfied customers it does not ({report.p_value(p)}).")
        if self.stratified is not None:
            words = report.listing([report.text(self.labels.get(s, report.pretty(s)).lower()) for s in self.strata])
            e = self._contrast(self.stratified)
            if e.estimable:
                text += (f" For {words}, which fail{'s' if len(self.strata) == 1 else ''} the check, the remedy is to "
                         f"stratify by {words} (a separate baseline rate of leaving for each, so no hazard ratio is "
                         f"assumed constant for {words}): the fully connected hazard ratio is then "
                         f"{report.ci_text(e.estimate, e.ci_low, e.ci_high, n=e.n)}.")
                if holds is False:
                    text += " This remedies the failure of " + words + ", not that of the segments."
            else:
                text += f" The model stratified by {words} cannot be estimated: {e.reason.sentence}."
        return Markdown(text)

    def _by_period_words(self) -> str:
        """The segment's hazard ratio before and after ``period_cut`` (a time-varying effect), in words."""
        m = self.by_period
        if m is None or not m.estimable or self.period_cut is None:
            return ""
        cut = _days(self.period_cut)
        early, late = (m.hazard_ratio(f"{CONTRAST[0]} {k}") for k in ("early", "late"))
        def hr(e: Estimate) -> str:
            return f"{report.number(e.estimate, '{:.2f}')}, 95% CI {report.interval(e.ci_low, e.ci_high)}"

        return (f" Split at day {cut} (the median day of leaving), fully connected customers leave at "
                f"{rate_words(early.estimate)} highly satisfied ones in the first {cut} days (hazard ratio "
                f"{hr(early)}) and at {rate_words(late.estimate)} them afterwards (hazard ratio {hr(late)}; "
                f"n={m.n:,}), allowing for the same covariates.")

    def recency_table(self) -> Any:
        """The model's fit at each half-life, with the hazard ratio per rating point."""
        h = self.half_lives
        if not h.estimable:
            return Markdown(self.recency())
        t = h.table
        rows = [{"Half-life": r.label,
                 "Hazard ratio per rating point (95% CI)": report.ci_text(r.hazard_ratio, r.ci_low, r.ci_high),
                 "Model fit (log-likelihood)": report.number(r.log_likelihood, "{:,.1f}"), "n": f"{int(r.n):,}"}
                for r in t.itertuples()]
        return _styler(pd.DataFrame(rows))

    def recency(self) -> Markdown:
        """Which half-life describes leaving best."""
        h = self.half_lives
        if not h.estimable and h.reason.code == "no_contacts":
            return Markdown("This engagement has no contact-point data, so how fast experiences fade cannot be "
                            "estimated.")
        return Markdown(h.headline())

    def later_contacts(self) -> Markdown:
        """Contacts after follow-up starts, as a time-varying score: or which input is missing, truly."""
        if not self.contacts_given and self.start_given:
            return Markdown("Follow-up start dates are given, but this engagement has no contact-point data, so there "
                            "is no experience score to follow after the survey.")
        if not self.contacts_given:
            return Markdown("This engagement has no contact-point data and no follow-up start dates, so experience "
                            "cannot be followed after the survey.")
        if not self.start_given:
            return Markdown("Follow-up start dates are not given, so experience enters the model as it stood at the "
                            "latest contact recorded in each customer's wave, taken to be when the survey started "
                            "follow-up. Should the contact records run on past the survey, the response dates are needed "
                            "to keep later contacts out of that score.")
        if self.later is not None:
            if self.later.code == "no_later_contacts":
                return Markdown("No contact was recorded after follow-up started, so experience enters the model as "
                                "it stood at the start.")
            return Markdown(f"The time-varying model cannot be estimated: {self.later.sentence}.")
        tv = self.time_varying
        e = tv.hazard_ratio("experience")
        return Markdown(f"{self.n_later:,} later contacts split follow-up into {tv.rows:,} periods for {tv.n:,} customers. "
                        f"Each point of the *current* experience score (contacts up to the day before) goes with a "
                        f"hazard ratio of {report.ci_text(e.estimate, e.ci_low, e.ci_high)}: customers whose current "
                        f"score is a point higher leave at {rate_words(e.estimate)} those a point lower. A low current "
                        "score may be a sign of leaving already under way as much as a reason for it.")

    def waves(self) -> Any:
        """Attrition at the horizon in each wave (every analysed respondent), or why there is no comparison."""
        if self.wave_attrition is None:
            return Markdown("This engagement has a single wave, so there is no before/after comparison of attrition.")
        names = [str(w) for w in self.wave_names if str(w) in self.wave_attrition.groups]
        return _styler(self._attrition_rows(self.wave_attrition, names, "Wave"))

    def methods(self) -> Markdown:
        """The methods appendix: what every report says, then this report's estimators."""
        weighted = " weighted by the respondent weights" if self.weighted else ""
        robust = getattr(self.attrition, "variance", "greenwood") == "robust"
        variance = ("the infinitesimal-jackknife (robust) variance, which allows for the weights' variability" if robust
                    else "Greenwood's variance")
        adjusted = self._adjusted_for()
        if self.start_source:
            experience = (f"as of each customer's {self.start_source} (contacts after it are left out of this score "
                          "and enter only the time-varying model)")
        else:
            experience = ("as of the latest contact recorded in the customer's wave, since no follow-up start dates "
                          "are given (this assumes the contact records end when the survey starts follow-up)")
        lines = [
            "- **Follow-up.** Days from the survey to leaving, or to the end of observation for customers still "
            "active (censored).",
            f"- **Curves and attrition.** Kaplan–Meier{weighted}; 95% log-log intervals from {variance}. Segment figures "
            f"rest on the {self.n_segmented:,} respondents with a segment; attrition by wave on all "
            f"{self.n_analysed:,} analysed respondents.",
            "- **Log-rank tests.** Each respondent counts once; the pairwise p-values are one family (every pair of "
            "reported segments), Holm-adjusted.",
            "- **Customers kept.** The difference between the two segments' attrition per 1,000, with a delta-method "
            f"interval from the same variances ({'robust' if robust else 'Greenwood'}).",
            f"- **Restricted mean survival time.** Area under the Kaplan–Meier curve to the horizon{weighted}; its "
            + ("standard error from the infinitesimal-jackknife (robust) variance" if robust
               else "standard error from the Klein–Moeschberger variance")
            + ". Nothing is extrapolated past the longest follow-up.",
            "- **Hazard ratios.** Cox proportional hazards (Efron ties)"
            + (", robust standard errors with weights" if self.weighted else "")
            + (f". The headline model holds the segment and {adjusted}" if adjusted != "none"
               else ". The headline model holds the segment alone")
            + "; the contact experience, a likely mediator, is only in separate models. The proportional-hazards "
            "assumption is checked with the score test of R's cox.zph (survival 3, Kaplan–Meier time scale), one test per "
            "covariate at the 5% level; where "
            "fully connected against highly satisfied fails it, the headline uses attrition at the horizon and days "
            "kept instead, and where another covariate fails it, the model is also fitted stratified by it.",
            f"- **Contact experience.** Recency-weighted mean rating with a half-life of {_days(self.half_life_days)} "
            f"days, {experience}.",
            str(glossary.see_glossary()),
        ]
        return Markdown(self.methods_common + "\n" + "\n".join(lines))

    # -- results.json ---------------------------------------------------------------------------
    def _hr_entry(self, e: Estimate, **extra: Any) -> dict[str, Any]:
        if e.estimable:
            return report.estimate_dict(e.estimate, e.ci_low, e.ci_high, e.n,
                                        contrast="fully connected vs highly satisfied", **extra)
        why = self._why_not() if not self.comparable else (e.reason.sentence if e.reason else "not estimable")
        return {"estimate": None, "ci_low": None, "ci_high": None, "n": self.n_segmented, "note": f"not estimable: {why}"}

    def results(self) -> dict[str, Any]:
        """The results.json entries (docs/outputs.md): ``attrition`` {segment: estimate + horizon};
        ``hazard_ratio`` (the headline model: the segment and the engagement's covariates, listed in
        ``adjusted_for``); ``hazard_ratio_unadjusted`` (the segment alone); ``hazard_ratio_with_experience``
        (also the contact experience, a likely mediator; only with contacts); ``ph_holds`` (whether fully
        connected against highly satisfied passes the proportional-hazards check: true, false, or null when it
        could not be made) with ``ph_p_value``; ``days_kept`` (the restricted-mean-survival difference, fully
        connected minus highly satisfied, in days out of ``horizon``)."""
        att = {}
        for g in self.attrition.groups:
            e = self.attrition.estimate(g)
            if e.n < self.min_cell:
                att[g] = report.suppressed(e.n, self.min_cell)
            else:
                d = e.to_dict()
                d.pop("method", None)  # a not-estimable entry keeps its reason code and sentence (``note``)
                att[g] = {**d, "horizon": self.horizon}
        adjusted_for = [c for c in self.covariates if c != "segment"]
        out = {"attrition": att,
               "hazard_ratio": self._hr_entry(self.hazard_ratio(), adjusted_for=adjusted_for),
               "hazard_ratio_unadjusted": self._hr_entry(self.hazard_ratio_unadjusted(), adjusted_for=[])}
        if self.with_experience is not None:
            out["hazard_ratio_with_experience"] = self._hr_entry(
                self._contrast(self.with_experience), adjusted_for=adjusted_for + ["contact experience"],
                note="also adjusted for the contact experience at the start of follow-up, a likely mediator")
        holds, p = self.segment_ph
        out["ph_holds"] = holds
        out["ph_p_value"] = report.to_jsonable(p) if p is not None else None
        d = self.rmst_difference.estimate if (self.rmst_difference is not None and self.comparable) else None
        if d is not None and d.estimable and not self._no_events:
            out["days_kept"] = report.estimate_dict(d.estimate, d.ci_low, d.ci_high, d.n, horizon=self.horizon,
                                                    contrast="fully connected minus highly satisfied")
        else:
            why = (self._why_not() if not self.comparable else self.model.reason.sentence if self._no_events
                   else d.reason.sentence if d is not None and d.reason is not None else "not estimable")
            out["days_kept"] = {"estimate": None, "ci_low": None, "ci_high": None, "n": self.n_segmented,
                                "note": f"not estimable: {why}"}
        return out

    def record(self) -> None:
        """Record :meth:`results` for ``results.json`` (shows nothing in the notebook)."""
        for key, value in self.results().items():
            report.record(key, value)


def _labels(eng: Any, columns: list[str]) -> dict[str, str]:
    cb = eng.codebook.set_index("column")["label"] if "label" in eng.codebook else pd.Series(dtype=object)
    out = {"segment": "Segment", "experience": "Contact experience"}
    for c in columns:
        if c in out:
            continue
        label = cb.get(c)
        out[c] = str(label) if isinstance(label, str) and label.strip() else report.pretty(c)
    return out


def _follow_up_start(eng: Any, frame: pd.DataFrame) -> tuple[pd.Series | None, str, str | None]:
    """Each customer's follow-up start (dates indexed by pseudonymised id), where it comes from in words, and
    the frame column holding it: ``attrition.start`` when given, else the response date (``respondents.date``)
    when the survey has one; ``(None, "", None)`` when no date is known."""
    from ..schema import timestamps

    cfg = eng.config
    id_column = eng.id_column
    start = (cfg.get("attrition") or {}).get("start")
    if start and start in frame.columns:
        return pd.Series(timestamps(frame[start]).to_numpy(), index=frame[id_column].to_numpy()), "follow-up start", start
    date = (cfg.get("respondents") or {}).get("date")
    if date and date in frame.columns:
        return pd.Series(timestamps(frame[date]).to_numpy(), index=frame[id_column].to_numpy()), "response date", date
    if date and date in eng.survey.columns and cfg["id"] in eng.survey.columns:
        s = eng.survey[[cfg["id"], date]].dropna(subset=[cfg["id"]])
        when = pd.Series(timestamps(s[date]).to_numpy(), index=eng.pseudonyms(s[cfg["id"]]).to_numpy())
        when = when[~when.index.duplicated(keep="last")]
        return when.reindex(frame[id_column].to_numpy()), "response date", None
    return None, "", None


def _by_period(frame: pd.DataFrame, covariates: list[str], levels: list[str], *, duration: str, event: str,
               weight: str | None, id_column: str, labels: dict, cut: float) -> survival.CoxModel | None:
    """The headline model with the segment's hazard ratios allowed to differ before and after day ``cut``:
    follow-up split at ``cut`` (counting-process rows), one indicator per segment level and period."""
    cols = list(dict.fromkeys([id_column, duration, event, *covariates] + ([weight] if weight else [])))
    rows = frame[cols].dropna()
    t = rows[duration].to_numpy(float)
    early = rows.assign(_start=0.0, _stop=np.minimum(t, cut), _late=False)
    early[event] = np.where(t <= cut, rows[event].to_numpy(), 0)
    late = rows[t > cut].assign(_start=float(cut), _late=True)
    late["_stop"] = late[duration].to_numpy(float)
    ep = pd.concat([early, late], ignore_index=True)
    terms, labels = [], dict(labels)
    for level in levels:
        for name, flag in (("early", False), ("late", True)):
            term = f"{level} {name}"
            ep[term] = ((ep["segment"] == level) & (ep["_late"] == flag)).astype(float)
            labels[term] = f"Segment: {level}, {'before' if not flag else 'after'} day {cut:,.0f}"
            terms.append(term)
    others = [c for c in covariates if c != "segment"]
    try:
        return survival.cox_time_varying(ep, start="_start", stop="_stop", event=event, id_column=id_column,
                                         covariates=terms + others, weight=weight, labels=labels)
    except ArgumentError:  # a period without customers of a level (a constant indicator): no split model
        return None


def build(eng: Any, *, seed: int = 0, half_life_days: float = 90) -> AttritionPage:
    """Compute notebook 03's result objects for ``eng`` and return the page that words them.

    Parameters
    ----------
    eng : Engagement
        A loaded engagement (``cx.load_engagement``).
    seed : int
        Random seed (the page draws no resamples; kept so every page is called alike).
    half_life_days : float
        Recency half-life of the contact-experience score in the experience models and the time-varying model.

    Notes
    -----
    The headline model holds the segment and the engagement's ``covariates``; the contact experience, a likely
    mediator, only enters the separate ``with_experience`` and time-varying models. Each customer's follow-up
    start is ``attrition.start`` or, failing it, the response date (``respondents.date``); the experience score
    at the start of follow-up uses only contacts up to it. With neither date, the score is taken as of the
    latest contact recorded in the customer's wave (:func:`cxlib.contacts.contact_experience` without
    ``origin``), which the methods appendix states as an assumption.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=1)
    >>> page = build(eng)
    >>> sorted(page.results())[:3], "nan" in page.headline()
    (['attrition', 'days_kept', 'hazard_ratio'], False)
    >>> page.model.covariates, page.with_experience.covariates[-1]
    (('segment', 'region', 'age_band'), 'experience')
    """
    cfg = eng.config
    att = cfg["attrition"]
    duration, event, horizon = att["duration"], att["event"], float(att.get("horizon", 365))
    weight = cfg.get("weight")
    min_cell = int(cfg["privacy"]["min_cell"])
    wave = cfg.get("wave")
    everyone = eng.frame()
    frame = everyone.dropna(subset=["segment"])
    contacts = eng.contact_frame()
    id_column = eng.id_column
    origin, start_source, start_column = _follow_up_start(eng, frame)
    if contacts is not None:
        frame = frame.join(cxc.contact_experience(contacts, frame, id_column=id_column, origin=origin,
                                                  wave=None if origin is not None else wave,
                                                  half_life_days=half_life_days))
    covariates = ["segment"] + list(cfg.get("covariates") or [])
    labels = _labels(eng, covariates + ["experience"])
    sizes = {str(k): int(v) for k, v in frame["segment"].value_counts(sort=False).items()}
    from ..segments import SEGMENTS

    sizes = {s: sizes.get(s, 0) for s in SEGMENTS}
    small = [s for s, n in sizes.items() if n < min_cell]
    comparable = all(sizes[s] >= min_cell for s in CONTRAST)
    shared = dict(duration=duration, event=event, weight=weight)

    km = survival.km(frame, by="segment", **shared)
    attrition = survival.attrition(frame, horizon=horizon, by="segment", **shared)
    kept = (survival.customers_kept(attrition, a=CONTRAST[0], b=CONTRAST[1]) if comparable
            else Estimate.missing(Reason.of("below_min_cell", min_cell=min_cell, n=min(sizes[s] for s in CONTRAST))))
    reported = frame[~frame["segment"].isin(small)]
    logrank_test = survival.pairwise_logrank(reported, duration=duration, event=event, by="segment")
    rmst = survival.rmst(frame, horizon=horizon, by="segment", **shared)
    rmst_difference = (survival.rmst_difference(frame, horizon=horizon, by="segment", a=CONTRAST[0], b=CONTRAST[1],
                                                **shared) if comparable else None)
    reference = {"segment": CONTRAST[1]} if sizes[CONTRAST[1]] else None
    fit = dict(reference=reference, labels=labels, **shared)
    unadjusted = survival.cox(frame, covariates=["segment"], **fit)
    model = survival.cox(frame, covariates=covariates, **fit) if len(covariates) > 1 else unadjusted
    with_experience = (survival.cox(frame, covariates=covariates + ["experience"], **fit) if contacts is not None
                       else None)

    stratified, strata = None, ()
    if model.estimable and comparable and model.ph_test.reason is None:
        base = [v for v in model.ph_test.violated_variables if v != "segment"]
        if base:
            strata = tuple(base)
            stratified = survival.cox(frame, covariates=[c for c in covariates if c not in base], strata=list(base),
                                      **fit)

    by_period, period_cut = None, None
    if model.estimable and comparable and model.ph_test.reason is None:
        t = model.ph_test.table
        rows = t[t["covariate"] == f"segment[{CONTRAST[0]}]"]
        rows = rows if len(rows) else t[t["variable"] == "segment"]
        if len(rows) and rows["violated"].astype(bool).any():
            period_cut = float(np.floor(np.median(frame.loc[frame[event] == 1, duration])))
            levels = [s for s in SEGMENTS if s != CONTRAST[1] and sizes[s] > 0]
            by_period = _by_period(frame, covariates, levels, duration=duration, event=event, weight=weight,
                                   id_column=id_column, labels=labels, cut=period_cut)
            period_cut = period_cut if by_period is not None else None

    half_lives = cxc.compare_half_lives(frame, contacts, duration=duration, event=event, id_column=id_column,
                                        covariates=["segment"], origin=origin,
                                        wave=None if origin is not None else wave, weight=weight)

    time_varying, later, n_later = None, None, 0
    if contacts is not None and origin is not None:
        if not model.estimable:
            later = model.reason
        else:
            base_frame = everyone.dropna(subset=["segment"])
            if start_column and start_column in base_frame.columns:
                base_frame = base_frame.drop(columns=[start_column])
            episodes = cxc.experience_episodes(contacts, base_frame, id_column=id_column, duration=duration,
                                               event=event, origin=origin, half_life_days=half_life_days)
            n_later = int((episodes["start"] > 0).sum())
            if n_later == 0:
                later = Reason.of("no_later_contacts")
            else:
                time_varying = survival.cox_time_varying(episodes, start="start", stop="stop", event=event,
                                                         id_column=id_column, covariates=covariates + ["experience"],
                                                         weight=weight, reference=reference, labels=labels)
                if not time_varying.estimable:
                    later = time_varying.reason

    waves = tuple(cfg.get("waves") or [])
    by_wave = None
    if wave and len(waves) > 1:
        by_wave = survival.attrition(everyone, horizon=horizon, by=wave, **shared)

    sample = eng.sample
    return AttritionPage(
        client=eng.client, horizon=horizon, half_life_days=float(half_life_days), min_cell=min_cell,
        weighted=bool(weight), n_segmented=sample.segmented, n_analysed=sample.analysed, sizes=sizes, labels=labels,
        covariates=tuple(covariates), km=km, attrition=attrition, kept=kept, logrank_test=logrank_test, rmst=rmst,
        rmst_difference=rmst_difference, model=model, stratified=stratified, strata=strata, half_lives=half_lives,
        time_varying=time_varying, later=later, n_later=n_later, wave_attrition=by_wave, wave_names=waves,
        contacts_given=contacts is not None, start_given=origin is not None, methods_common=common.methods_common(eng),
        unadjusted=unadjusted, with_experience=with_experience, start_source=start_source, by_period=by_period,
        period_cut=period_cut)
