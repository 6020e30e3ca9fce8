"""Notebook 03's words: how long each segment stays, attrition at the horizon, what goes with leaving, how
fast experiences fade, and attrition by wave.

:func:`build` computes every result object once; each method of :class:`AttritionPage` words one section of
the notebook (Markdown sentences, a table or a figure); :meth:`AttritionPage.results` gives the
``results.json`` entries ``attrition`` and ``hazard_ratio``.

Bases: figures about segments rest on the respondents with a segment (``eng.sample.segmented``);
attrition by wave on every analysed respondent (``eng.frame()`` as it is), as notebook 04 computes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import contacts as cxc
from . import common
from .. import report, survival
from ..report import Markdown
from ..results import Estimate, Reason

__all__ = ["AttritionPage", "build", "HALF_LIVES"]

#: Half-lives compared in the recency section (None: no decay, a plain average of every rating).
HALF_LIVES = cxc.HALF_LIVES
CONTRAST = ("fully connected", "highly satisfied")


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html")


def _pct(e: Estimate) -> str:
    return report.ci_text(e.estimate * 100, e.ci_low * 100, e.ci_high * 100, fmt="{:.0f}%", n=e.n)


def _bold_pct(e: Estimate) -> str:
    lo, hi = report.percent(e.ci_low), report.percent(e.ci_high)
    return f"**{report.percent(e.estimate)}** (95% CI {lo}–{hi}; n={e.n:,})"


def _days(value: float) -> str:
    return report.number(value, "{:,.0f}")


def _figure(width: float, height: float) -> Any:
    import matplotlib.pyplot as plt

    from .. import plots

    plots.set_theme()
    fig = plt.figure(figsize=(width, height))
    return fig


def _done(fig: Any) -> Any:
    import matplotlib.pyplot as plt

    plt.close(fig)  # shown once, by the notebook displaying the returned Figure
    return fig


@dataclass(frozen=True, eq=False)
class AttritionPage:
    """Notebook 03's result objects and their words (see :func:`build`)."""

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

    def hazard_ratio(self) -> Estimate:
        """Fully connected against highly satisfied, from the main model (not estimable with its reason)."""
        if not self.comparable:
            return Estimate.missing(Reason.of("below_min_cell", min_cell=self.min_cell,
                                              n=min(self.sizes.get(s, 0) for s in CONTRAST)), n=self.n_segmented)
        if not self.model.estimable:
            return self.model.hazard_ratio("segment")
        return self.model.hazard_ratio("segment", CONTRAST[0])

    # -- sections -------------------------------------------------------------------------------
    def headline(self) -> Markdown:
        """The headline findings: attrition of the two segments, the hazard ratio, customers kept."""
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
        if hr.estimable:
            adjusted = self._adjusted_for()
            parts.append(f"At any moment a fully connected customer is **{report.number(hr.estimate, '{:.2f}')}×** as "
                         f"likely to leave as a highly satisfied one (hazard ratio, 95% CI "
                         f"{report.interval(hr.ci_low, hr.ci_high)}; n={hr.n:,})"
                         + (f", allowing for {adjusted}." if adjusted != "none" else "."))
        elif hr.reason is not None and hr.reason.code == "no_events":
            parts.append(f"**No customer left** during follow-up (n={self.n_segmented:,}), so no hazard ratio can be "
                         "estimated: there is no leaving to compare between segments.")
        else:
            parts.append(f"No hazard ratio is estimated: {hr.reason.sentence if hr.reason else 'not estimable'}.")
        k = self.kept
        if k.estimable and k.has_interval and not self._no_events:
            more = "more" if k.estimate >= 0 else "fewer"
            parts.append(f"If highly satisfied customers stayed like fully connected ones, about "
                         f"**{abs(k.estimate):,.0f} {more} of every 1,000** would still be customers after "
                         f"{_days(self.horizon)} days (95% CI {report.interval(k.ci_low, k.ci_high, fmt='{:,.0f}')}; "
                         f"n={k.n:,}).")
        return Markdown("\n\n".join(parts))

    def curves(self) -> Any:
        """Kaplan–Meier curves per segment with the at-risk table (a Figure), or why none is drawn."""
        if all(n < self.min_cell for n in self.sizes.values()):
            return Markdown(f"No curve is drawn: every segment has fewer than {self.min_cell} customers.")
        fig = _figure(9, 6)
        ax = fig.gca()
        self.km.plot(ax=ax, min_cell=self.min_cell, horizon=self.horizon,
                     title=f"Connected customers stay longer (n={sum(n for n in self.sizes.values() if n >= self.min_cell):,})")
        fig.subplots_adjust(bottom=0.3)
        return _done(fig)

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
        """Log-rank test over the reported segments, and Holm-adjusted pairwise tests."""
        return Markdown(self.logrank_test.headline()
                        + (f" Segments below {self.min_cell} customers are left out of the tests." if self.small else ""))

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

    def hazard_ratios(self) -> Any:
        """Forest plot of the hazard ratios (suppressed segments left out), or why there are none."""
        if not self.model.estimable:
            return Markdown(f"No hazard ratios: {self.model.reason.sentence}.")
        t = self.model.table
        terms = t.loc[~((t["variable"] == "segment") & t["level"].isin(self.small)), "covariate"].tolist()
        if not terms:
            return Markdown(f"No hazard ratio is shown: every term concerns a segment below {self.min_cell} customers.")
        fig = _figure(8, 0.5 * len(terms) + 2.0)
        self.model.plot(ax=fig.gca(), terms=terms)
        refs = [f"{self.labels.get(c, report.pretty(c)).lower()} {level}" for c, level in self.model.reference.items()]
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        if refs:
            fig.text(0.01, 0.01, "Compared with: " + "; ".join(str(r).replace("$", r"\$") for r in refs) + ".",
                     fontsize=9, color="#444")
        return _done(fig)

    def ph_check(self) -> Markdown:
        """The proportional-hazards check, and the stratified model where a covariate fails it."""
        if not self.model.estimable:
            return Markdown("The proportional-hazards check needs a fitted model; there is none "
                            f"({self.model.reason.sentence}).")
        text = self.model.ph_test.headline()
        if "segment" in self.model.ph_test.violated_variables:
            text += (" For the segments this means the gap in the risk of leaving is not the same throughout follow-up; "
                     "attrition at the horizon and days kept, above, do not rest on this assumption.")
        if self.stratified is not None:
            words = report.listing([report.text(self.labels.get(s, report.pretty(s)).lower()) for s in self.strata])
            e = (self.stratified.hazard_ratio("segment", CONTRAST[0]) if self.stratified.estimable
                 else self.stratified.hazard_ratio("segment"))
            if e.estimable:
                text += (f" Stratifying the baseline hazard by {words} instead gives a fully connected hazard ratio of "
                         f"{report.ci_text(e.estimate, e.ci_low, e.ci_high, n=e.n)}.")
            else:
                text += f" The model stratified by {words} cannot be estimated: {e.reason.sentence}."
        return Markdown(text)

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
            return Markdown("Follow-up start dates are not given, so experience enters the model as it stood when the "
                            "survey was taken.")
        if self.later is not None:
            if self.later.code == "no_later_contacts":
                return Markdown("No contact was recorded after follow-up started, so experience enters the model as "
                                "it stood at the start.")
            return Markdown(f"The time-varying model cannot be estimated: {self.later.sentence}.")
        tv = self.time_varying
        e = tv.hazard_ratio("experience")
        return Markdown(f"{self.n_later:,} later contacts split follow-up into {tv.rows:,} periods for {tv.n:,} customers. "
                        f"Each point of the *current* experience score multiplies the risk of leaving by "
                        f"{report.ci_text(e.estimate, e.ci_low, e.ci_high)}.")

    def waves(self) -> Any:
        """Attrition at the horizon in each wave (every analysed respondent), or why there is no comparison."""
        if self.wave_attrition is None:
            return Markdown("This engagement has a single wave, so there is no before/after comparison of attrition.")
        names = [str(w) for w in self.wave_names if str(w) in self.wave_attrition.groups]
        return _styler(self._attrition_rows(self.wave_attrition, names, "Wave"))

    def methods(self) -> Markdown:
        """The methods appendix: what every report says, then this report's estimators."""
        weighted = " weighted by the respondent weights" if self.weighted else ""
        lines = [
            "- **Follow-up.** Days from the survey to leaving, or to the end of observation for customers still "
            "active (censored).",
            f"- **Curves and attrition.** Kaplan–Meier{weighted}; 95% intervals (exponential Greenwood). Segment figures "
            f"rest on the {self.n_segmented:,} respondents with a segment; attrition by wave on all "
            f"{self.n_analysed:,} analysed respondents.",
            "- **Log-rank tests.** Each respondent counts once; pairwise p-values Holm-adjusted.",
            "- **Customers kept.** The difference between the two segments' attrition per 1,000, with a delta-method "
            "interval from the Greenwood variances.",
            f"- **Restricted mean survival time.** Area under the Kaplan–Meier curve to the horizon{weighted}; its "
            "standard error from the Klein–Moeschberger variance. Nothing is extrapolated past the longest follow-up.",
            "- **Hazard ratios.** Cox proportional hazards (Efron ties)"
            + (", robust standard errors with weights" if self.weighted else "")
            + "; the proportional-hazards assumption is checked with the scaled Schoenfeld residual test (rank time).",
            f"- **Contact experience.** Recency-weighted mean rating with a half-life of {_days(self.half_life_days)} days, "
            "as of the latest contact in the customer's wave.",
        ]
        return Markdown(self.methods_common + "\n" + "\n".join(lines))

    # -- results.json ---------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        """``{"attrition": {segment: estimate}, "hazard_ratio": estimate}`` in the results.json shape (docs/outputs.md)."""
        att = {}
        for g in self.attrition.groups:
            e = self.attrition.estimate(g)
            if e.n < self.min_cell:
                att[g] = report.suppressed(e.n, self.min_cell)
            else:
                d = e.to_dict()
                d.pop("method", None)  # a not-estimable entry keeps its reason code and sentence (``note``)
                att[g] = {**d, "horizon": self.horizon}
        hr = self.hazard_ratio()
        if hr.estimable:
            hazard = report.estimate_dict(hr.estimate, hr.ci_low, hr.ci_high, hr.n,
                                          contrast="fully connected vs highly satisfied")
        else:
            why = self._why_not() if not self.comparable else hr.reason.sentence
            hazard = {"estimate": None, "ci_low": None, "ci_high": None, "n": self.n_segmented,
                      "note": f"not estimable: {why}"}
        return {"attrition": att, "hazard_ratio": hazard}

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


def build(eng: Any, *, seed: int = 0, half_life_days: float = 90) -> AttritionPage:
    """Compute notebook 03's result objects for ``eng`` and return the page that words them.

    Parameters
    ----------
    eng : Engagement
        A loaded engagement (``cx.load_engagement``).
    seed : int
        Random seed (the page draws no resamples; kept so every page is called alike).
    half_life_days : float
        Recency half-life of the contact-experience score in the main model and the time-varying model.

    Examples
    --------
    >>> import cxlib as cx
    >>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=1)
    >>> page = build(eng)
    >>> sorted(page.results()), "nan" in page.headline()
    (['attrition', 'hazard_ratio'], False)
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
    if contacts is not None:
        frame = frame.join(cxc.contact_experience(contacts, frame, id_column=id_column, wave=wave,
                                                  half_life_days=half_life_days))
    covariates = ["segment"] + list(cfg.get("covariates") or []) + (["experience"] if contacts is not None else [])
    labels = _labels(eng, covariates)
    sizes = {str(k): int(v) for k, v in frame["segment"].value_counts(sort=False).items()}
    from ..segments import SEGMENTS

    sizes = {s: sizes.get(s, 0) for s in SEGMENTS}
    small = [s for s, n in sizes.items() if n < min_cell]
    comparable = all(sizes[s] >= min_cell for s in CONTRAST)
    common = dict(duration=duration, event=event, weight=weight)

    km = survival.km(frame, by="segment", **common)
    attrition = survival.attrition(frame, horizon=horizon, by="segment", **common)
    kept = (survival.customers_kept(attrition, a=CONTRAST[0], b=CONTRAST[1]) if comparable
            else Estimate.missing(Reason.of("below_min_cell", min_cell=min_cell, n=min(sizes[s] for s in CONTRAST))))
    reported = frame[~frame["segment"].isin(small)]
    logrank_test = survival.pairwise_logrank(reported, duration=duration, event=event, by="segment")
    rmst = survival.rmst(frame, horizon=horizon, by="segment", **common)
    rmst_difference = (survival.rmst_difference(frame, horizon=horizon, by="segment", a=CONTRAST[0], b=CONTRAST[1],
                                                **common) if comparable else None)
    reference = {"segment": CONTRAST[1]} if sizes[CONTRAST[1]] else None
    model = survival.cox(frame, covariates=covariates, reference=reference, labels=labels, **common)

    stratified, strata = None, ()
    if model.estimable and comparable and model.ph_test.reason is None:
        base = [v for v in model.ph_test.violated_variables if v not in ("segment", "experience")]
        if base:
            strata = tuple(base)
            stratified = survival.cox(frame, covariates=[c for c in covariates if c not in base], reference=reference,
                                      strata=list(base), labels=labels, **common)

    half_lives = cxc.compare_half_lives(frame, contacts, duration=duration, event=event, id_column=id_column,
                                        covariates=["segment"], wave=wave, weight=weight)

    start = att.get("start")
    time_varying, later, n_later = None, None, 0
    if contacts is not None and start:
        if not model.estimable:
            later = model.reason
        else:
            base = everyone.dropna(subset=["segment"])
            origin = base.set_index(id_column)[start]
            episodes = cxc.experience_episodes(contacts, base.drop(columns=[start]), id_column=id_column,
                                               duration=duration, event=event, origin=origin,
                                               half_life_days=half_life_days)
            n_later = int((episodes["start"] > 0).sum())
            if n_later == 0:
                later = Reason.of("no_later_contacts")
            else:
                time_varying = survival.cox_time_varying(episodes, start="start", stop="stop", event=event,
                                                         id_column=id_column, covariates=covariates, weight=weight,
                                                         reference=reference, labels=labels)
                if not time_varying.estimable:
                    later = time_varying.reason

    waves = tuple(cfg.get("waves") or [])
    by_wave = None
    if wave and len(waves) > 1:
        by_wave = survival.attrition(everyone, horizon=horizon, by=wave, **common)

    sample = eng.sample
    return AttritionPage(
        client=eng.client, horizon=horizon, half_life_days=float(half_life_days), min_cell=min_cell,
        weighted=bool(weight), n_segmented=sample.segmented, n_analysed=sample.analysed, sizes=sizes, labels=labels,
        covariates=tuple(covariates), km=km, attrition=attrition, kept=kept, logrank_test=logrank_test, rmst=rmst,
        rmst_difference=rmst_difference, model=model, stratified=stratified, strata=strata, half_lives=half_lives,
        time_varying=time_varying, later=later, n_later=n_later, wave_attrition=by_wave, wave_names=waves,
        contacts_given=contacts is not None, start_given=bool(start), methods_common=common.methods_common(eng))
