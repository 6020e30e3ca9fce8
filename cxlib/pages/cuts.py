"""Notebook 06, business cuts: every headline figure by each ``cuts`` column of ``engagement.yaml`` (region,
channel, business unit), each group against the rest of the customers, which part of the business lags once
chance is allowed for, and the drivers within each group where its size supports a driver analysis.

``build(eng)`` computes every result once (:func:`cxlib.cuts.compare`, :func:`cxlib.cuts.drivers_by_cut`); each
method of :class:`CutsPage` words one section. Groups with fewer than ``privacy.min_cell`` customers are not
shown and the page says so.

Examples
--------
>>> import cxlib as cx
>>> eng, _ = cx.synth.make_engagement("retailer", 600, seed=1)
>>> page = build(eng, cuts=["region"], n_boot=0)
>>> sorted(page.results())
['cuts']
>>> "region" in page.headline()
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import report
from . import common
from .drivers import names
from ..cuts import CutComparison, compare, drivers_by_cut
from ..results import Reason

__all__ = ["CutsPage", "build"]

#: Charts drawn per cut: the metrics with a lagging group first, then these, at most this many.
CHARTS_PER_CUT = 2
_DEFAULT_CHARTS = ("nps", "connected", "attrition")


def _styler(frame: pd.DataFrame) -> Any:
    return frame.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)


def _cut_name(cut: str) -> str:
    return report.pretty(cut).lower()


@dataclass(frozen=True)
class CutsPage:
    """The results behind notebook 06 and their words (one method per section)."""

    client: str
    comparison: CutComparison
    drivers: tuple = ()  # ((cut, ((group, Importance | Reason), ...)), ...)
    driver_cut: str | None = None
    min_cell: int = 30
    n_boot: int = 200
    methods_common: str = ""
    value_unit: str = ""
    notes: tuple[str, ...] = field(default=())

    # -- the answer first ---------------------------------------------------------------------------------
    def headline(self) -> report.Markdown:
        """Which part of the business lags, with each gap's interval and n; or that none does."""
        c = self.comparison
        if not c.cuts:
            return report.Markdown("This engagement defines no business cuts (`cuts:` in engagement.yaml lists "
                                   "customers columns such as region or channel), so there is nothing to break down.")
        return c.headline()

    def lagging_table(self) -> Any:
        """Where a group does worse than the rest: its figure, the rest's, the gap with its interval, n."""
        c = self.comparison
        lag = c.lagging()
        if lag.empty:
            return report.Markdown("No group does worse than the rest of the customers on any measure once every "
                                   "group and measure of its cut is allowed for." if c.cuts else "")
        rows = []
        for r in lag.itertuples():
            rows.append({"Cut": report.pretty(r.cut), "Group": str(r.group), "Measure": c.label(r.metric),
                         "Group's figure (95% CI)": self._with_ci(r.metric, r.estimate, r.ci_low, r.ci_high),
                         "The rest": c.figure_text(r.metric, r.rest),
                         "Gap (95% CI)": self._with_ci(r.metric, r.difference, r.difference_ci_low,
                                                       r.difference_ci_high, change=True),
                         "n": f"{int(r.n):,}", "n, the rest": f"{int(r.n_rest):,}",
                         "p (adjusted)": report.p_value(r.p_adjusted)})
        return _styler(pd.DataFrame(rows))

    def _with_ci(self, metric: str, est: float, lo: float, hi: float, *, change: bool = False) -> str:
        c = self.comparison
        return f"{c.figure_text(metric, est, change=change)} ({c.figure_text(metric, lo, change=change)} to " \
               f"{c.figure_text(metric, hi, change=change)})"

    # -- every headline by every cut ------------------------------------------------------------------------
    @property
    def cuts(self) -> tuple[str, ...]:
        """The cuts compared, in engagement.yaml's order."""
        return tuple(self.comparison.cuts)

    def cut_heading(self, cut: str) -> report.Markdown:
        """The section heading of one cut, with its groups and how many are too small to show."""
        c = self.comparison
        t = c.table
        shown = sorted(set(t.loc[t["cut"] == cut, "group"]))
        small = c.suppressed
        hidden = small[(small["cut"] == cut) & (small["metric"] == "all")]
        tail = (f" {len(hidden):,} group(s) with fewer than {self.min_cell:,} customers are not shown."
                if len(hidden) else "")
        return report.Markdown(f"### By {report.text(_cut_name(cut))}\n\n{len(shown):,} groups: "
                               f"{report.listing([report.text(g) for g in shown], limit=12)}.{tail}")

    def banner(self, cut: str) -> Any:
        """One cut's banner table: each measure (rows) in each group (columns), with its 95% interval; a ▲ or ▼
        marks a group above or below the rest beyond chance (Holm over the cut's groups and measures); a row
        of n; groups below ``min_cell`` shown as suppressed."""
        c = self.comparison
        t = c.table
        t = t[t["cut"] == cut]
        small = c.suppressed
        small_all = small[(small["cut"] == cut) & (small["metric"] == "all")]
        if t.empty:
            reason = c.excluded.get(cut)
            if len(small_all):
                return report.Markdown(f"No figures by {_cut_name(cut)}: every group has fewer than "
                                       f"{self.min_cell:,} customers (or leaves fewer than that for the rest), so none "
                                       f"is shown.")
            return report.Markdown(f"No figures by {_cut_name(cut)}: {reason}." if reason else
                                   f"No figures by {_cut_name(cut)}.")
        groups = sorted(set(t["group"]) | set(small_all["group"]), key=lambda s: (str(s).lower(), str(s)))
        rows = []
        for metric in dict.fromkeys(t["metric"]):
            row = {"Measure": c.label(metric)}
            for g in groups:
                r = t[(t["group"] == g) & (t["metric"] == metric)]
                if r.empty:
                    row[str(g)] = f"suppressed (n<{self.min_cell:,})"
                    continue
                r = r.iloc[0]
                mark = ""
                if r["p_adjusted"] < 0.05:
                    mark = " ▲" if r["difference"] > 0 else " ▼"
                row[str(g)] = self._with_ci(metric, r["estimate"], r["ci_low"], r["ci_high"]) + mark
            rows.append(row)
        n_row = {"Measure": "Customers (n)"}
        for g in groups:
            r = t[(t["group"] == g) & (t["metric"] == "attrition")]
            r = r if len(r) else t[t["group"] == g]
            n_row[str(g)] = f"{int(r['n'].max()):,}" if len(r) else f"fewer than {self.min_cell:,}"
        rows.append(n_row)
        return _styler(pd.DataFrame(rows))

    def banner_note(self) -> report.Markdown:
        c = self.comparison
        missing = {k: v for k, v in c.missing.items() if v}
        parts = ["Each figure with its 95% confidence interval. **▲ / ▼**: the group is above / below the rest of the "
                 "customers by more than chance would give, allowing for every group and measure of the cut (Holm's "
                 "method). Whether a higher figure is better depends on the measure: fewer customers leaving is "
                 "better, a higher value multiplier says only that connection goes with more value there."]
        if missing:
            parts.append("Customers without a value of the cut are left out of it: " + "; ".join(
                f"{report.number(v)} for {_cut_name(k)}" for k, v in missing.items()) + ".")
        if c.weighted:
            parts.append("Figures are weighted to the customer base.")
        return report.Markdown(" ".join(parts))

    def charts(self, cut: str) -> list[Any]:
        """Each group's gap from the rest, for the measures where a group lags (and NPS and the connected
        share otherwise), at most :data:`CHARTS_PER_CUT`."""
        import matplotlib.pyplot as plt

        from .. import plots

        c = self.comparison
        t = c.table
        t = t[t["cut"] == cut]
        if t.empty:
            return []
        lag = c.lagging()
        lagging = list(dict.fromkeys(lag.loc[lag["cut"] == cut, "metric"]))
        metrics = [m for m in lagging + list(_DEFAULT_CHARTS) if m in set(t["metric"])]
        out = []
        for metric in list(dict.fromkeys(metrics))[:CHARTS_PER_CUT]:
            plots.set_theme()
            d = t[t["metric"] == metric]
            fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(d) + 2.0))
            plots.cut_gaps(c, metric=metric, cut=cut, ax=ax)
            title = ax.get_title(loc="left").replace("\n", " ")
            alt = common.alt_text(title, "; ".join(
                f"{r.group}: {c.figure_text(metric, r.difference, change=True)} against the rest "
                f"({c.figure_text(metric, r.difference_ci_low, change=True)} to "
                f"{c.figure_text(metric, r.difference_ci_high, change=True)}; n={int(r.n):,})" for r in d.itertuples()))
            out.append(common.done(fig, alt=alt))
        return out

    # -- drivers within each group --------------------------------------------------------------------------
    def drivers_section(self) -> report.Markdown:
        """The supported key and hidden drivers within each group of the first cut, where n supports a driver
        analysis; the groups that are too small say so."""
        if not self.drivers:
            return report.Markdown("No driver analysis by cut: the engagement defines no business cuts."
                                   if not self.comparison.cuts else "No driver analysis by cut was run.")
        lines = []
        for cut, groups in self.drivers:
            lines.append(f"**By {_cut_name(cut)}.**")
            for group, res in groups:
                if isinstance(res, Reason):
                    lines.append(f"- {report.text(group)}: not analysed, {res}.")
                    continue
                if not getattr(res, "estimable", True) or res.table.empty:
                    lines.append(f"- {report.text(group)}: the driver analysis could not be estimated.")
                    continue
                key, hidden = res.key_drivers(), res.hidden_drivers()
                n = int(res.n)
                if not key and not hidden:
                    lines.append(f"- {report.text(group)} (n={n:,}): no element is a supported key or hidden driver "
                                 f"in this group's sample.")
                    continue
                parts = []
                if hidden:
                    parts.append("hidden drivers " + names(hidden, limit=4))
                if key:
                    parts.append("key drivers " + names(key, limit=4))
                lines.append(f"- {report.text(group)} (n={n:,}): " + "; ".join(parts) + ".")
        return report.Markdown("\n".join(lines))

    # -- the end of the report ------------------------------------------------------------------------------
    def limits(self) -> report.Markdown:
        return report.Markdown("\n".join([
            "- **It shows** how each part of the business compares with the rest of the customers on every headline "
            "measure, with 95% intervals, and which gaps are larger than chance would give once all the groups and "
            "measures of a cut are allowed for.",
            "- **It does not show** why a part of the business lags. Groups differ in who their customers are (age, "
            "tenure, what they buy), and a gap can come from that mix as well as from how they are served.",
            "- **Small groups are not shown**: a group with fewer than "
            f"{self.min_cell:,} customers is suppressed, so a part of the business can lag without appearing here.",
        ]))

    def methods(self) -> report.Markdown:
        c = self.comparison
        lines = [self.methods_common,
                 "- **Each group against the rest.** The group's customers and every other customer with a value of "
                 "the cut are two separate samples. Shares: the group's Wilson interval, Newcombe's interval of the "
                 "difference and the two-proportion z-test; NPS: the variance of promoters minus detractors in each, "
                 "a normal interval and z-test; attrition: Kaplan–Meier at the horizon in each, z-test; mean value: "
                 "Welch's t; value multiplier (fully connected ÷ highly satisfied mean value): the delta method."
                 + (" With weights, survey-weighted (linearised) standard errors throughout." if c.weighted else ""),
                 "- **Family of tests.** Holm's method adjusts the p-values over every group and measure of one cut, "
                 "so the chance of any false alarm among them stays at 5%. A group *lags* when it is worse than the "
                 "rest on the connected share, attrition, promoters, NPS or mean value with an adjusted p below 0.05.",
                 f"- **Driver analysis by cut.** Within each group of {_cut_name(self.driver_cut)} with at least ten "
                 f"customers per experience element (and at least {self.min_cell:,}), the same analysis as the driver "
                 f"report with {self.n_boot:,} bootstrap resamples; smaller groups are not analysed."
                 if self.driver_cut else "- **Driver analysis by cut.** Not run."]
        return report.Markdown("\n".join(lines))

    # -- results.json ---------------------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        out = self.comparison.to_dict()
        drivers: dict[str, Any] = {}
        for cut, groups in self.drivers:
            for group, res in groups:
                if isinstance(res, Reason):
                    drivers.setdefault(str(cut), {})[str(group)] = {"reason": res.code, "note": res.sentence}
                else:
                    drivers.setdefault(str(cut), {})[str(group)] = {
                        "n": int(res.n), "key_drivers": list(res.key_drivers()),
                        "hidden_drivers": list(res.hidden_drivers())}
        if drivers:
            out["drivers"] = drivers
        return {"cuts": out}

    def record(self) -> None:
        for key, value in self.results().items():
            report.record(key, value)


def build(eng: Any, *, seed: int = 0, cuts: list[str] | None = None, n_boot: int = 200,
          driver_cuts: int = 1) -> CutsPage:
    """Compute notebook 06's results for ``eng``.

    Parameters
    ----------
    eng : Engagement
    seed : int
        Seed of the driver analyses' bootstrap.
    cuts : list of str, optional
        Grouping columns (default ``engagement.yaml``'s ``cuts``).
    n_boot : int
        Bootstrap resamples of each group's driver analysis (0: no driver analysis by cut).
    driver_cuts : int
        How many of the cuts get a driver analysis per group (the first ones; each group's analysis is a full
        bootstrap, so this bounds the run time).
    """
    from ..checks import count

    n_boot = count(n_boot, "cuts.build", "n_boot", minimum=2, allow_zero=True)
    driver_cuts = count(driver_cuts, "cuts.build", "driver_cuts", allow_zero=True)
    comparison = compare(eng, cuts=cuts)
    drivers = []
    if n_boot and comparison.cuts:
        for cut in comparison.cuts[:driver_cuts]:
            found = drivers_by_cut(eng, cut=cut, n_boot=n_boot, seed=seed)
            drivers.append((cut, tuple(found.items())))
    unit = ((eng.config.get("value_labels") or {}).get(comparison.value) or {}).get("unit") or ""
    return CutsPage(client=eng.client, comparison=comparison, drivers=tuple(drivers),
                    driver_cut=drivers[0][0] if drivers else None, min_cell=int(eng.config["privacy"]["min_cell"]),
                    n_boot=n_boot, methods_common=common.methods_common(eng), value_unit=unit)
