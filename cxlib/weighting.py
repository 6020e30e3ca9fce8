"""Weighting respondents to the customer base: raking (iterative proportional fitting) with trimming.

Connected customers answer surveys more readily than others, so shares computed over respondents as they
came lean towards the connected. The customers file holds every customer's region, age band, tenure and
the like: :func:`rake` gives each respondent a weight so that the weighted respondents match the customer
base on each of those columns (its *margins*), starting from given design weights when there are some, and
caps extreme weights (``trim``). ``engagement.yaml``'s ``weighting: {rake: [region, age_band, tenure_band],
trim: 5}`` has :class:`cxlib.Engagement` do it for every analysis (the frame's ``cx_weight`` column).

:meth:`Weighting.estimate` gives a raked mean or share with an interval that accounts for the raking
(linearisation, as R ``survey`` computes it for a raked design). ``rake(..., by="wave")`` rakes each wave's
respondents to the base as it stood at that wave.

Checked against R ``survey::rake`` (weights, with and without trimming through ``survey::trimWeights``)
and ``survey::calibrate(calfun = "raking")`` + ``svymean`` (the interval) in tests/test_weighting.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from . import checks
from .errors import ArgumentError, DataError
from .report import Markdown, listing, number, percent, pretty, text, to_jsonable
from .results import Estimate, Reason, Result

__all__ = ["WEIGHT_COLUMN", "BLANK", "Weighting", "rake", "bands", "compare"]

#: The analysis frame's column holding the raking weights (``Engagement.frame()`` with ``weighting:``).
WEIGHT_COLUMN = "cx_weight"
#: The category of a blank value in a raking column (blank customers are a margin of their own).
BLANK = "(blank)"
#: Numeric columns with more distinct values than this are banded into quantile bands of the customer base.
MAX_CATEGORIES = 12

_FUNCTION = "weighting.rake"


def _numeric(values: pd.Series) -> pd.Series | None:
    """The column as numbers when every non-blank value is one, else None."""
    present = values.dropna()
    if present.empty:
        return None
    if pd.api.types.is_bool_dtype(present):
        return None
    num = pd.to_numeric(present.astype(str).str.strip().str.replace(",", ".", regex=False), errors="coerce") \
        if not pd.api.types.is_numeric_dtype(present) else present.astype(float)
    if num.isna().any():
        return None
    return pd.to_numeric(values.where(values.notna()).astype(object).map(
        lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip().replace(",", ".")),
        errors="coerce")


def bands(values: pd.Series, *, k: int = 5) -> np.ndarray:
    """Edges of ``k`` quantile bands of a numeric column (repeated quantiles merged): what :func:`rake` uses
    for a numeric column with more than 12 distinct values.

    Examples
    --------
    >>> bands(pd.Series(range(1, 101)), k=4).tolist()
    [1.0, 25.75, 50.5, 75.25, 100.0]
    """
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if v.size == 0:
        return np.array([], dtype=float)
    return np.unique(np.quantile(v, np.linspace(0, 1, k + 1)))


def _band_labels(edges: np.ndarray) -> list[str]:
    for fmt in ("{:,.0f}", "{:,.3g}", "{:,.6g}", "{!r}"):
        if fmt == "{:,.0f}" and not np.all(np.abs(edges - np.round(edges)) < 1e-9):
            continue
        labels = [f"{number(lo, fmt)}–{number(hi, fmt)}" for lo, hi in zip(edges[:-1], edges[1:])]
        if len(set(labels)) == len(labels):
            return labels
    return [f"band {i + 1}" for i in range(len(edges) - 1)]


def _categories(population: pd.Series, sample: pd.Series, column: str) -> tuple[pd.Series, pd.Series, list[str],
                                                                                   list[float] | None]:
    """Both columns as category labels (text; blank -> BLANK); numeric columns with many values banded."""
    num_pop = _numeric(population)
    num_smp = _numeric(sample) if num_pop is not None else None
    if num_pop is not None and num_smp is not None and num_pop.dropna().nunique() > MAX_CATEGORIES:
        edges = bands(num_pop)
        labels = _band_labels(edges)
        inner = np.r_[-np.inf, edges[1:-1], np.inf]

        def cut(x: pd.Series) -> pd.Series:
            out = pd.cut(x, inner, labels=labels, right=True, include_lowest=True).astype(object)
            return out.where(x.notna(), BLANK)

        return cut(num_pop), cut(num_smp), labels + [BLANK], edges.tolist()

    def as_text(x: pd.Series) -> pd.Series:
        return x.map(lambda v: BLANK if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""
                     else (format(v, "g") if isinstance(v, float) else str(v).strip()))

    pop, smp = as_text(population), as_text(sample)
    order = sorted((set(pop) | set(smp)) - {BLANK}, key=lambda s: (len(s) if s.isdigit() else 0, s)) + [BLANK]
    return pop, smp, order, None


def _ipf(w: np.ndarray, codes: list[np.ndarray], targets: list[np.ndarray], *, tol: float,
         max_iter: int) -> tuple[np.ndarray, int, float]:
    """Iterative proportional fitting: scale ``w`` margin by margin until every weighted share is within
    ``tol`` of its target share. Returns the weights, the sweeps made and the largest margin error."""
    w = w.copy()
    err = np.inf
    for it in range(1, max_iter + 1):
        for k, t in zip(codes, targets):
            tot = np.bincount(k, weights=w, minlength=len(t))
            w *= (t * w.sum() / tot)[k]
        err = max(float(np.abs(np.bincount(k, weights=w, minlength=len(t)) / w.sum() - t).max())
                  for k, t in zip(codes, targets))
        if err < tol:
            return w, it, err
    return w, max_iter, err


@dataclass(frozen=True, eq=False)
class Weighting(Result):
    """Raking weights of respondents to the customer base's margins (:func:`rake`).

    ``table`` columns: ``column, category, population_n, population_share, n, n_effective, sample_share,
    weighted_share`` — per margin and category, the customers in the base and their share, the respondents
    (and their Kish effective n) and their share unweighted and weighted.

    Attributes
    ----------
    weights : Series
        One weight per respondent (mean 1), indexed as the respondents given to :func:`rake`.
    columns : tuple of str
        The margins raked to.
    design_weight : str or None
        The design-weight column raking started from.
    trim : float or None
        Weights capped at ``trim`` × the mean weight (None: not trimmed).
    trimmed : int
        Respondents whose weight was capped (in any trimming round).
    iterations : int
        Raking sweeps made (over every trimming round).
    max_margin_error : float
        Largest difference between a weighted share and its customer-base share, at the end.
    converged : bool
        Raking (and trimming) met the tolerance; when False, ``reason`` says why.
    design_effect, n_effective : float
        Kish's design effect ``1 + CV²`` of the weights and the effective sample size ``n / deff``.
    n, population : int
        Respondents weighted; customers in the base (with ``by``: rows of the stacked bases of the groups).
    band_edges : dict
        For each numeric column banded into quantile bands of the base, its band edges.
    by : str or None
        The column each group of which was raked on its own (the waves), or None; the table's first column.
    reason : Reason or None
        Why raking did not converge.

    Examples
    --------
    >>> sample = pd.DataFrame({"region": ["N"] * 70 + ["S"] * 30})
    >>> w = rake(sample, pd.DataFrame({"region": ["N", "S"] * 500}), columns=["region"])
    >>> w.weights.groupby(sample["region"]).first().round(3).to_dict(), w.n, w.population
    ({'N': 0.714, 'S': 1.667}, 100, 1000)
    >>> w.headline()
    'Respondents are weighted to the customer base (n=100 respondents, 1,000 customers) on region: design effect 1.19, effective n 84.'
    """

    _weights: pd.Series = field(repr=False, default=None)
    columns: tuple[str, ...] = ()
    design_weight: str | None = None
    trim: float | None = None
    trimmed: int = 0
    iterations: int = 0
    max_margin_error: float = 0.0
    converged: bool = True
    design_effect: float = 1.0
    n_effective: float = 0.0
    n: int = 0
    population: int = 0
    band_edges: dict[str, list[float]] = field(default_factory=dict)
    by: str | None = None
    reason: Reason | None = None
    _codes: tuple[np.ndarray, ...] = field(repr=False, default=())

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "_weights", self._weights.copy())

    @property
    def weights(self) -> pd.Series:
        """One weight per respondent (mean 1), indexed as the respondents given to :func:`rake` (a copy)."""
        return self._weights.copy()

    def headline(self) -> Markdown:
        margins = listing([pretty(c).lower() for c in self.columns], limit=6)
        groups = self._table[self.by].nunique() if self.by is not None else 1
        base = (f"{self.population:,} customers" if self.by is None else
                f"{self.population:,} customer rows over {groups:,} {text(pretty(self.by).lower())} groups")
        out = (f"Respondents are weighted to the customer base (n={self.n:,} respondents, {base}) on {text(margins)}"
               + (f", within each {text(pretty(self.by).lower())}" if self.by is not None else "")
               + (", starting from the survey's design weights" if self.design_weight else "") + ": design effect "
               f"{number(self.design_effect, '{:.2f}')}, effective n {number(self.n_effective)}.")
        if self.trim is not None:
            capped = (f"{self.trimmed:,} respondent{'s were' if self.trimmed != 1 else ' was'} capped" if self.trimmed
                      else "no weight needed capping")
            out += f" Weights are capped at {number(self.trim, '{:g}')}× the mean: {capped}."
        if not self.converged:
            out += f" The weights do not match the customer base exactly: {self.reason}."
        return Markdown(out)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        import matplotlib.pyplot as plt

        ax = ax or plt.gca()
        t = self._table
        labels = [f"{pretty(c)}: {cat}" for c, cat in zip(t["column"], t["category"])]
        if self.by is not None:
            labels = [f"{g} · {label}" for g, label in zip(t[self.by], labels)]
        y = np.arange(len(t))[::-1]
        ax.scatter(t["population_share"], y, marker="|", s=200, color="black", label="Customer base", zorder=3)
        ax.scatter(t["sample_share"], y, color="#BBBBBB", label="Respondents, unweighted", zorder=2)
        ax.scatter(t["weighted_share"], y, color="#0072B2", marker="x", label="Respondents, weighted", zorder=4)
        ax.set_yticks(y, labels)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel("Share")
        ax.set_title(kwargs.get("title", f"Respondents against the customer base (n={self.n:,})"))
        ax.legend(loc="best", fontsize=8)
        return ax

    def to_dict(self) -> dict[str, Any]:
        """The ``weighting`` entry of ``results.json``: margins, trimming, convergence, design effect,
        effective n and the margins table."""
        out = {"margins": list(self.columns), "design_weight": self.design_weight, "trim": self.trim,
               "trimmed": self.trimmed, "iterations": self.iterations, "max_margin_error": self.max_margin_error,
               "converged": self.converged, "design_effect": self.design_effect, "n": self.n,
               "n_effective": self.n_effective, "population": self.population, "band_edges": self.band_edges,
               "by": self.by,
               "table": self._table.to_dict(orient="records")}
        if self.reason is not None:
            out["reason"] = self.reason.to_dict()
        return to_jsonable(out)

    def estimate(self, values: pd.Series, *, ci: float = 0.95) -> Estimate:
        """The raked mean of ``values`` (a 0/1 column gives a share) with a linearised interval that accounts
        for the raking.

        Parameters
        ----------
        values : Series
            One value per respondent, indexed as :attr:`weights`; blanks are left out (their weights too).
        ci : float
            Confidence level.

        Returns
        -------
        Estimate
            Wald interval ``ȳ ± z·SE``; ``n`` respondents with a value and Kish's ``n_effective``.

        Notes
        -----
        The raked mean ``ȳ = Σ wᵢyᵢ / Σ wᵢ`` is a calibration estimator (Deville & Särndal 1992); its
        linearised variance takes out of the influence values ``xᵢ = wᵢ(yᵢ − ȳ) / Σw`` what the margins
        explain: ten sweeps over the margins of ``x ← x − w · mean_category(x / w)`` (backfitting towards the
        projection on the margins' categories), then ``V = n/(n−1) Σ (xᵢ − x̄)²``. This is what R ``survey``
        computes for ``svymean`` on a ``rake``d design with ``ids = ~1`` (``svyrecvar``), checked to 1e-6.
        The interval is ``ȳ ± z√V``. It does not correct raking on the wrong margins: it is as good as the
        assumption that, within the margins' categories, respondents are like the customers who did not
        respond.

        References
        ----------
        Deville, J.-C. & Särndal, C.-E. (1992). Calibration estimators in survey sampling. JASA 87, 376–382.
        Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R, §7.

        Examples
        --------
        >>> sample = pd.DataFrame({"g": ["a"] * 60 + ["b"] * 40, "y": [1] * 30 + [0] * 30 + [1] * 10 + [0] * 30})
        >>> base = pd.DataFrame({"g": ["a"] * 500 + ["b"] * 500})
        >>> w = rake(sample, base, columns=["g"])
        >>> e = w.estimate(sample["y"])
        >>> round(e.estimate, 3), e.n  # (0.5 + 0.25) / 2
        (0.375, 100)
        """
        z_crit = float(_st.norm.ppf(0.5 + checks.level(ci, "Weighting.estimate") / 2))
        y = pd.to_numeric(checks.series(values, "Weighting.estimate", "values"), errors="coerce")
        weights = self.weights
        if not y.index.equals(weights.index):
            missing = weights.index.difference(y.index)
            if len(missing):
                raise ArgumentError("Weighting.estimate: values must have one value per weighted respondent, "
                                    f"indexed as the weights ({len(missing):,} respondents have none)",
                                    function="Weighting.estimate", argument="values")
            y = y.reindex(weights.index)
        keep = y.notna().to_numpy()
        method = "raked mean; linearised interval accounting for the raking (as R survey)"
        if keep.sum() < 2:
            return Estimate.missing(Reason.of("too_few", n=int(keep.sum()), need=2), n=int(keep.sum()), method=method)
        w = weights.to_numpy(dtype=float)[keep]
        yv = y.to_numpy(dtype=float)[keep]
        n = len(yv)
        mean = float(np.sum(w * yv) / np.sum(w))
        x = w * (yv - mean) / np.sum(w)
        codes = [c[keep] for c in self._codes]
        for _ in range(10):  # R survey's svyrecvar: ten sweeps of backfitting on the margins
            for k in codes:
                x = x - w * (np.bincount(k, weights=x / w) / np.maximum(np.bincount(k), 1))[k]
        var = n / (n - 1) * float(np.sum((x - x.mean()) ** 2))
        se = math.sqrt(var)
        from .stats import kish_effective_n

        return Estimate(mean, mean - z_crit * se, mean + z_crit * se, n=n, n_effective=kish_effective_n(w),
                        method=method)


def compare(data: pd.DataFrame, population: pd.DataFrame, *, columns: list[str],
            weight: str | None = None) -> pd.DataFrame:
    """How respondents differ from a customer base, margin by margin, without weighting them to it.

    The categories are those :func:`rake` would use (numeric columns with more than 12 values in five
    quantile bands of the base; blanks a category of their own).

    Parameters
    ----------
    data, population : DataFrame
        Respondents and the customer base, both holding ``columns``.
    columns : list of str
        The customers columns to compare.
    weight : str, optional
        Respondent weights: the respondents' shares are weighted by them.

    Returns
    -------
    DataFrame
        ``column, category, population_n, population_share, n, sample_share, gap`` (``gap`` = sample share −
        population share), one row per category present in either.

    Examples
    --------
    >>> sample = pd.DataFrame({"region": ["N"] * 70 + ["S"] * 30})
    >>> base = pd.DataFrame({"region": ["N"] * 500 + ["S"] * 500})
    >>> t = compare(sample, base, columns=["region"])
    >>> t[["category", "population_share", "sample_share"]].values.tolist(), t["gap"].round(2).tolist()
    ([['N', 0.5, 0.7], ['S', 0.5, 0.3]], [0.2, -0.2])
    """
    fn = "weighting.compare"
    data = checks.frame(data, fn)
    population = checks.frame(population, fn, "population")
    checks.columns(data, fn, weight=weight)
    w = np.ones(len(data)) if weight is None else pd.to_numeric(data[weight], errors="coerce").fillna(0).to_numpy()
    rows = []
    for c in checks.column_list(data, fn, "columns", columns):
        if c not in population.columns:
            raise ArgumentError(f"{fn}: column {c!r} is not a column of the customer base"
                                f"{checks.close_matches(c, population.columns)}", function=fn, argument="columns")
        pop, smp, order, _ = _categories(population[c], data[c], c)
        pop_counts, smp_counts = pop.value_counts(), smp.value_counts()
        smp_w = pd.Series(w, index=smp.index).groupby(smp).sum()
        for k in order:
            if pop_counts.get(k, 0) == 0 and smp_counts.get(k, 0) == 0:
                continue
            share = float(smp_w.get(k, 0.0) / w.sum()) if w.sum() > 0 else np.nan
            p = pop_counts.get(k, 0) / len(population) if len(population) else np.nan
            rows.append({"column": c, "category": k, "population_n": int(pop_counts.get(k, 0)), "population_share": p,
                         "n": int(smp_counts.get(k, 0)), "sample_share": share, "gap": share - p})
    return pd.DataFrame(rows, columns=["column", "category", "population_n", "population_share", "n", "sample_share",
                                       "gap"])


def rake(data: pd.DataFrame, population: pd.DataFrame, *, columns: list[str], weight: str | None = None,
         trim: float | None = None, by: str | None = None, tol: float = 1e-10, max_iter: int = 1000,
         max_trim_rounds: int = 200, name: str = WEIGHT_COLUMN) -> Weighting:
    """Raking weights of respondents to the margins of a customer base.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, holding ``columns`` (and ``weight``).
    population : DataFrame
        One row per customer of the base (``Engagement.customer_base(consenting=True)``), holding ``columns``.
    columns : list of str
        The margins: categorical columns (text, or numbers with at most 12 distinct values); a numeric
        column with more values is banded into five quantile bands of the base (``band_edges`` records
        them). A blank value is a category of its own (``"(blank)"``).
    weight : str, optional
        Design weights of the respondents to start from (positive); default: every respondent 1.
    trim : float, optional
        Cap on a weight as a multiple of the mean weight (> 1), e.g. 5: weights above it are capped, the
        excess spread equally over the others (R ``survey::trimWeights``), and the weights raked again,
        round after round, until no weight exceeds the cap by more than one part in a million.
    tol : float
        Raking stops when every weighted share is within ``tol`` of its customer-base share.
    max_iter, max_trim_rounds : int
        Raking sweeps per round, trimming rounds.
    by : str, optional
        Rake each group (a wave) on its own: the respondents of group *g* to the margins of the base's rows
        with ``by == g`` (stack one copy of the base per wave, each as it stood at that wave). Each group
        keeps its respondents' share of the total weight; the table gains a first column named ``by``.
    name : str
        Name of the weights Series.

    Returns
    -------
    Weighting
        Weights with mean 1, the margins table, trimming, convergence, design effect and effective n. Not
        converging is not an error: ``converged`` is False and ``reason`` says why (the weights are the
        last round's).

    Raises
    ------
    DataError
        A category of the base has no respondent (raking cannot give it weight), a respondent's category is
        not in the base, or a margin has no values. The message names the column and the category.
    ArgumentError
        A column is missing, ``trim`` is not above 1, a design weight is not positive.

    Notes
    -----
    Iterative proportional fitting (Deming & Stephan 1940): for each margin in turn, every respondent's
    weight is multiplied by (customer-base share of their category) ÷ (weighted respondent share of it);
    sweeps repeat until the largest margin error is below ``tol``. The result is the minimum-discrimination
    (raking-ratio) calibration ``wᵢ = dᵢ exp(xᵢ'λ)`` of the design weights ``d`` (Deville & Särndal 1992).
    Kish's design effect ``n Σw² / (Σw)² = 1 + CV²``; effective n ``= n / deff``.

    Own implementation (30 lines of numpy), chosen over ``balance`` (needs numpy < 2 on Python 3.11),
    ``samplics`` (archived; pulls polars), ``weightipy`` (no design weights, anesrake-style cap inside the
    sweeps) and ``svy`` (0.x, polars and a compiled core): docs/decisions.md, "Honest inference (issue 17)".

    Checked against R ``survey::rake`` to 1e-12 (weights), and with trimming against R's ``rake`` +
    ``trimWeights`` rounds, in tests/test_weighting.py.

    References
    ----------
    Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency table when
    the expected marginal totals are known. Ann. Math. Statist. 11, 427–444.
    Kish, L. (1965). Survey Sampling. Wiley. Lumley, T. (2010). Complex Surveys, §7.

    Examples
    --------
    >>> sample = pd.DataFrame({"region": ["N"] * 70 + ["S"] * 30, "age": (["young"] * 50 + ["old"] * 50)})
    >>> base = pd.DataFrame({"region": ["N"] * 500 + ["S"] * 500, "age": ["young"] * 400 + ["old"] * 600})
    >>> w = rake(sample, base, columns=["region", "age"])
    >>> w.converged, round(w.design_effect, 3)
    (True, 1.203)
    >>> t = w.table
    >>> t.loc[t["category"] == "S", ["population_share", "sample_share", "weighted_share"]].round(3).values.tolist()
    [[0.5, 0.3, 0.5]]
    >>> rake(sample, base.assign(region=["N"] * 500 + ["E"] * 500), columns=["region"])
    Traceback (most recent call last):
    ...
    cxlib.errors.DataError: weighting.rake: column 'region': category 'E' has 500 customers in the customer base but no respondent, so no weight can stand for it; merge it with a neighbouring category (a banded or grouped column in the customers file) or leave 'region' out of weighting.rake
    """
    data = checks.frame(data, _FUNCTION)
    population = checks.frame(population, _FUNCTION, "population")
    if isinstance(columns, str):
        columns = [columns]
    if not isinstance(columns, (list, tuple)) or not columns:
        raise ArgumentError(f"{_FUNCTION}: columns must list the customers columns to rake to, found {columns!r}",
                            function=_FUNCTION, argument="columns")
    columns = list(columns)
    checks.columns(data, _FUNCTION, weight=weight)
    for c in columns:
        for frame, what in ((data, "respondents"), (population, "customer base")):
            if c not in frame.columns:
                raise ArgumentError(f"{_FUNCTION}: column {c!r} is not a column of the {what}"
                                    f"{checks.close_matches(c, frame.columns)}", function=_FUNCTION,
                                    argument="columns")
    if trim is not None:
        trim = checks.positive(trim, _FUNCTION, "trim")
        if trim <= 1:
            raise ArgumentError(f"{_FUNCTION}: trim caps weights at trim × the mean weight, so it must be above 1 "
                                f"(e.g. 5), found {trim!r}", function=_FUNCTION, argument="trim")
    max_iter = checks.count(max_iter, _FUNCTION, "max_iter")
    if len(data) == 0:
        raise ArgumentError(f"{_FUNCTION}: there are no respondents to weight", function=_FUNCTION, argument="data")
    if len(population) == 0:
        raise DataError(f"{_FUNCTION}: the customer base is empty, so there are no margins to weight to")
    if weight is not None:
        d = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(d) & (d > 0)):
            raise ArgumentError(f"{_FUNCTION}: design weight {weight!r} must be positive and present for every "
                                "respondent", function=_FUNCTION, argument="weight")
    else:
        d = np.ones(len(data))
    if by is not None:
        for frame, what in ((data, "respondents"), (population, "customer base")):
            if by not in frame.columns:
                raise ArgumentError(f"{_FUNCTION}: by {by!r} is not a column of the {what}"
                                    f"{checks.close_matches(by, frame.columns)}", function=_FUNCTION, argument="by")
        smp_by = data[by].map(lambda v: None if v is None or v != v else str(v)).to_numpy(dtype=object)
        pop_by = population[by].map(lambda v: None if v is None or v != v else str(v)).to_numpy(dtype=object)
        if any(v is None for v in smp_by):
            raise ArgumentError(f"{_FUNCTION}: by {by!r} is blank for some respondents", function=_FUNCTION,
                                argument="by")
        groups = sorted(set(smp_by))
    else:
        smp_by = np.full(len(data), "", dtype=object)
        pop_by = np.full(len(population), "", dtype=object)
        groups = [""]
    n_all = len(data)
    codes: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    rows: list[dict[str, Any]] = []
    edges_by: dict[str, list[float]] = {}
    for c in columns:
        pop_all, smp_all, order_all, edges = _categories(population[c], data[c], c)
        if (pop_all == BLANK).all():
            raise DataError(f"{_FUNCTION}: column {c!r} has no values in the customer base, so it gives no margin "
                            f"to weight to; leave it out of weighting.rake", column=c)
        if edges is not None:
            edges_by[c] = edges
        code = np.full(n_all, -1, dtype=int)
        target: list[float] = []
        for g in groups:
            where = f" in {by} {g!r}" if by is not None else ""
            pop, smp = pop_all[pop_by == g], smp_all[smp_by == g]
            if len(pop) == 0:
                raise DataError(f"{_FUNCTION}: the customer base has no customers{where}, so there are no margins "
                                "to weight its respondents to", column=c)
            pop_counts, smp_counts = pop.value_counts(), smp.value_counts()
            order = [k for k in order_all if pop_counts.get(k, 0) > 0 or smp_counts.get(k, 0) > 0]
            for k in order:
                if pop_counts.get(k, 0) > 0 and smp_counts.get(k, 0) == 0:
                    raise DataError(f"{_FUNCTION}: column {c!r}: category {k!r} has {int(pop_counts[k]):,} customers "
                                    f"in the customer base{where} but no respondent, so no weight can stand for it; "
                                    "merge it with a neighbouring category (a banded or grouped column in the "
                                    f"customers file) or leave {c!r} out of weighting.rake", column=c)
                if smp_counts.get(k, 0) > 0 and pop_counts.get(k, 0) == 0:
                    m = int(smp_counts[k])
                    raise DataError(f"{_FUNCTION}: column {c!r}: category {k!r} has {m:,} respondent{'s' * (m != 1)}"
                                    f"{where} but no customer in the customer base; check that the respondents' "
                                    "customer rows are in the base (consent, end dates)", column=c)
            index = {k: len(target) + i for i, k in enumerate(order)}
            code[smp_by == g] = smp.map(index).to_numpy(dtype=int)
            share_g = len(smp) / n_all  # each group keeps its respondents' share of the total weight
            target += [pop_counts.get(k, 0) / len(pop) * share_g for k in order]
            rows += [{**({by: g} if by is not None else {}), "column": c, "category": k,
                      "population_n": int(pop_counts.get(k, 0)), "population_share": pop_counts.get(k, 0) / len(pop)}
                     for k in order]
        codes.append(code)
        targets.append(np.array(target, dtype=float))
    w, iterations, err = _ipf(d / d.mean(), codes, targets, tol=tol, max_iter=max_iter)
    converged = err < tol
    reason = None if converged else Reason.of("not_converged", detail=f"raking did not converge in {max_iter:,} sweeps (the "
                                                             f"largest margin is {err:.2g} off)")
    trimmed_mask = np.zeros(len(w), dtype=bool)
    if trim is not None and converged:
        for _ in range(max_trim_rounds):
            cap = trim * w.mean()
            if w.max() <= cap * (1 + 1e-6):
                break
            over = w > cap
            trimmed_mask |= over
            # R survey::trimWeights: cap, and spread what was cut equally over the weights not capped.
            excess = float((w[over] - cap).sum())
            w = np.where(over, cap, w + excess / max(int((~over).sum()), 1))
            w, it, err = _ipf(w, codes, targets, tol=tol, max_iter=max_iter)
            iterations += it
            if err >= tol:
                converged = False
                reason = Reason.of("not_converged", detail=f"raking did not converge in {max_iter:,} sweeps after capping "
                                                 f"the weights at {trim:g}× the mean (the largest margin is "
                                                 f"{err:.2g} off)")
                break
        else:
            converged = False
            reason = Reason.of("not_converged", detail=f"capping the weights at {trim:g}× the mean and raking again did not "
                                             f"settle in {max_trim_rounds:,} rounds (the largest weight is "
                                             f"{w.max() / w.mean():.3g}× the mean); the customer base may need a "
                                             "higher cap or fewer margins")
    w = w / w.mean()
    n = len(w)
    deff = float(n * np.sum(w**2) / np.sum(w) ** 2)
    table = pd.DataFrame(rows)
    ns, neff, sshare, wshare = [], [], [], []
    from .stats import kish_effective_n

    group_n = {g: int((smp_by == g).sum()) for g in groups}
    group_w = {g: float(w[smp_by == g].sum()) for g in groups}
    for k, t in zip(codes, targets):
        counts = np.bincount(k, minlength=len(t))
        wt = np.bincount(k, weights=w, minlength=len(t))
        first = {j: smp_by[int(np.flatnonzero(k == j)[0])] for j in range(len(t))}
        ns += counts.tolist()
        neff += [kish_effective_n(w[k == j]) for j in range(len(t))]
        sshare += [counts[j] / group_n[first[j]] for j in range(len(t))]
        wshare += [wt[j] / group_w[first[j]] for j in range(len(t))]
    table["n"], table["n_effective"], table["sample_share"], table["weighted_share"] = ns, neff, sshare, wshare
    table = table[([by] if by is not None else []) + ["column", "category", "population_n", "population_share", "n",
                                                     "n_effective", "sample_share", "weighted_share"]]
    max_err = float(np.abs(table["weighted_share"] - table["population_share"]).max())
    return Weighting(table, _weights=pd.Series(w, index=data.index, name=name), columns=tuple(columns),
                     design_weight=weight, trim=trim, trimmed=int(trimmed_mask.sum()), iterations=int(iterations),
                     max_margin_error=max_err, converged=bool(converged), design_effect=deff,
                     n_effective=float(n / deff), n=n,
                     population=len(population) if by is None else int(pd.Series(pop_by).isin(groups).sum()),
                     band_edges=edges_by, by=by, reason=reason, _codes=tuple(codes))
