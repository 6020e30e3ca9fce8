"""The notebook 01 misuse corpus (tests/misuse_value.py): each call raises ArgumentError naming the argument,
or returns a not-estimable result with its reason; never a raw KeyError, IndexError or numpy message."""
from __future__ import annotations

import pytest

from cxlib.errors import ArgumentError
from misuse_value import CASES


def test_the_value_corpus_is_large_enough_and_unique():
    assert len(CASES) >= 10 and len({c for c, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("case_id,call,expected", CASES, ids=[c for c, _, _ in CASES])
def test_value_misuse_is_explained(case_id, call, expected):
    if expected.startswith("reason:"):
        result = call()
        assert result.reason is not None and result.reason.code == expected.split(":", 1)[1]
        text = str(result.headline())
        assert result.reason.sentence and "nan" not in text.lower() and "not" in text
        return
    with pytest.raises(ArgumentError) as err:
        call()
    assert err.value.argument == expected, str(err.value)
    assert err.value.function and err.value.function in str(err.value)
    assert not isinstance(err.value, (KeyError, IndexError))
