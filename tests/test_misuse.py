"""Acceptance (#15): the misuse corpus. Every ``tests/misuse_<topic>.py`` lists ``CASES`` of public functions
called wrongly (wrong columns, weight and label names, a Series for a frame, ``n_boot`` 0 or 1, horizons past
follow-up, negative horizons, 20-row frames, out-of-range scores). Each raises ``ArgumentError`` naming the
argument (or ``DataError``), or returns a not-estimable result with its reason; none surfaces a raw
``KeyError``, ``IndexError`` or numpy message.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from cxlib.errors import ArgumentError, DataError

TOPICS = sorted(p.stem for p in Path(__file__).parent.glob("misuse_*.py"))
CASES = [(topic, case_id, call, expected) for topic in TOPICS
         for case_id, call, expected in importlib.import_module(topic).CASES]


def test_the_corpus_has_at_least_40_calls():
    assert len(CASES) >= 40, f"{len(CASES)} misuse calls in {TOPICS}"
    assert len({(t, c) for t, c, _, _ in CASES}) == len(CASES)


def _reason_code(result) -> str | None:
    for attr in ("reason",):
        r = getattr(result, attr, None)
        if r is not None:
            return getattr(r, "code", None)
    est = getattr(result, "estimate", None)
    return getattr(getattr(est, "reason", None), "code", None)


@pytest.mark.parametrize("topic,case_id,call,expected", CASES, ids=[f"{t}:{c}" for t, c, _, _ in CASES])
def test_misuse_is_explained(topic, case_id, call, expected):
    if expected == "DataError":
        with pytest.raises(DataError):
            call()
    elif expected.startswith("reason:"):
        assert _reason_code(call()) == expected.split(":", 1)[1]
    else:
        with pytest.raises(ArgumentError) as err:
            call()
        assert err.value.argument == expected, str(err.value)
        assert err.value.function and err.value.function in str(err.value)
