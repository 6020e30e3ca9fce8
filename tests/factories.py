"""Small valid engagements for tests, written once per process with cxlib.synth and copied."""
from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import cxlib as cx


@lru_cache(maxsize=4)
def _template(kind: str, n: int, seed: int) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="cxlib-template-")) / "template"
    cx.synth.make_engagement(kind, n_customers=n, seed=seed, path=folder)
    return folder


def write_valid_engagement(folder: Path, *, kind: str = "retailer", n: int = 150, seed: int = 5) -> Path:
    """Write a small, valid engagement folder (every DESIGN §3 feature: waves, weights, consent, contacts)."""
    shutil.copytree(_template(kind, n, seed), folder)
    return Path(folder)
