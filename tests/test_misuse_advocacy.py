"""The advocacy/waves/verbatims misuse corpus (tests/misuse_advocacy.py): each call raises ArgumentError naming
the argument, or returns a not-estimable result with its reason; never a raw KeyError, IndexError or numpy
message."""
from __future__ import annotations

import pytest

from cxlib.errors import ArgumentError
from misuse_advocacy import CASES


def test_the_advocacy_corpus_is_large_enough_and_unique():
    assert len(CASES) >= 10 and len({c for c, _, _ in CASES}) == len(CASES)


def _reason(result):
    reason = getattr(result, "reason", None)
    if reason is None and hasattr(result, "estimate"):
        reason = getattr(result.estimate, "reason", None)
    return reason


@pytest.mark.parametrize("case_id,call,expected", CASES, ids=[c for c, _, _ in CASES])
def test_advocacy_misuse_is_explained(case_id, call, expected):
    if expected.startswith("reason:"):
        result = call()
        reason = _reason(result)
        assert reason is not None and reason.code == expected.split(":", 1)[1]
        assert reason.sentence and "nan" not in reason.sentence.lower()
        if hasattr(result, "headline"):
            assert "nan" not in str(result.headline()).lower()
        return
    with pytest.raises(ArgumentError) as err:
        call()
    assert err.value.argument == expected, str(err.value)
    assert err.value.function in str(err.value)
    assert not isinstance(err.value, (KeyError, IndexError))
