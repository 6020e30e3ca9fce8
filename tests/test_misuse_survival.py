"""The survival misuse corpus (tests/misuse_survival.py): each call raises ArgumentError naming the argument,
or returns a not-estimable result with its reason; never a raw KeyError, IndexError or numpy message."""
from __future__ import annotations

import pytest

from cxlib.errors import ArgumentError
from misuse_survival import CASES


def test_the_survival_corpus_is_large_enough_and_unique():
    assert len(CASES) >= 10 and len({c for c, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("case_id,call,expected", CASES, ids=[c for c, _, _ in CASES])
def test_survival_misuse_is_explained(case_id, call, expected):
    if expected.startswith("reason:"):
        result = call()
        assert result.reason is not None and result.reason.code == expected.split(":", 1)[1]
        assert result.reason.sentence
        headline = getattr(result, "headline", None)
        if callable(headline):
            assert "nan" not in headline().lower()
        return
    with pytest.raises(ArgumentError) as err:
        call()
    assert err.value.argument == expected, str(err.value)
    assert err.value.function in str(err.value)
    assert not isinstance(err.value, (KeyError, IndexError))
