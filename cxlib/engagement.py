"""An engagement: one client's survey, customers, codebook and contacts, loaded and validated.

``load_engagement(path)`` reads a DESIGN §3 folder; ``from_frames(...)`` builds the same object from
in-memory frames (used by ``cxlib.synth``). Both validate everything and raise ``cxlib.DataError``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import segments

__all__ = ["Engagement", "load_engagement", "from_frames"]


@dataclass(frozen=True, eq=False)
class Engagement:
    """A validated engagement. Frames are the validated inputs; never mutate them in place.

    Attributes
    ----------
    slug : str
        Folder name, also the report folder's name.
    client : str
        Display name of the client.
    config : dict
        ``engagement.yaml`` with defaults filled in (see ``cxlib.schema``).
    survey, customers, codebook : DataFrame
        The validated input tables (numeric survey columns as float).
    contacts : DataFrame or None
        Contact-point experiences, when the engagement has them.
    path : Path or None
        The folder the engagement was read from (None when built in memory).
    files : dict
        For each input role (``survey``, ``customers``, ...), the file it was read from.
    """

    slug: str
    client: str
    config: dict[str, Any]
    survey: pd.DataFrame
    customers: pd.DataFrame
    codebook: pd.DataFrame
    contacts: pd.DataFrame | None = None
    path: Path | None = None
    files: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Engagement({self.slug!r}, client={self.client!r}, respondents={len(self.survey)}, "
                f"customers={len(self.customers)})")

    # -- codebook helpers -------------------------------------------------------------------
    def columns(self, role: str) -> list[str]:
        """Survey columns whose codebook role is ``role``, in codebook order."""
        return self.codebook.loc[self.codebook["role"] == role, "column"].tolist()

    def scales(self, role: str | None = None) -> dict[str, tuple[float, float]]:
        """Codebook scale (min, max) of each survey column with a scale, optionally of one role."""
        cb = self.codebook if role is None else self.codebook[self.codebook["role"] == role]
        cb = cb.dropna(subset=["scale_min", "scale_max"])
        return {r.column: (float(r.scale_min), float(r.scale_max)) for r in cb.itertuples()}

    @property
    def id_column(self) -> str:
        return self.config["id"]

    # -- the analysis frame -----------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """Survey joined to customers on the id, consent applied, with ``connection_index`` and ``segment``.

        Respondents without a customer row are dropped (validation has reported how many). Customers
        who withheld analytics consent are counted but not analysed: they are removed here, and the
        count is kept in ``frame.attrs["n_no_consent"]``. ``frame.attrs["n_survey"]`` is the number of
        survey rows before the join.
        """
        cfg = self.config
        key = cfg["id"]
        cust = self.customers
        # The wave lives in the survey; validation checks that customers agree where both have it.
        overlap = [c for c in cust.columns if c in self.survey.columns and c != key]
        joined = self.survey.merge(cust.drop(columns=overlap), on=key, how="inner", validate="one_to_one")
        n_no_consent = 0
        consent = cfg.get("privacy", {}).get("consent")
        if consent:
            keep = joined[consent].astype("boolean").fillna(False).to_numpy(dtype=bool)
            n_no_consent = int((~keep).sum())
            joined = joined.loc[keep]
        items = joined[self.columns("motivator_item")]
        joined = joined.assign(
            connection_index=segments.connection_index(items, scale=self.scales("motivator_item"))
        )
        sat = cfg["satisfaction"]
        joined["segment"] = segments.assign(
            joined, threshold=cfg["connection"]["threshold"], sat_column=sat["column"], top_box=sat["top_box"]
        )
        joined = joined.reset_index(drop=True)
        joined.attrs = {"n_survey": len(self.survey), "n_no_consent": n_no_consent}
        return joined


def load_engagement(path: str | Path) -> Engagement:  # implemented with cxlib.readers / cxlib.schema
    raise NotImplementedError


def from_frames(*args: Any, **kwargs: Any) -> Engagement:  # implemented with cxlib.schema
    raise NotImplementedError
