"""Privacy at the door (#16, first slice): codebook roles ``ignore`` and ``pii`` keep survey metadata and
personal data out of every analysis frame, and the ``pii`` values are scrubbed from the verbatims."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

import cxlib as cx
from cxlib import verbatims
from cxlib.pages import programme

NAMES = ["Marieke Jansen", "Pieter de Vries", "Hans Müller", "Claire Dubois"]


@functools.lru_cache(maxsize=1)
def _engagement():
    eng, _ = cx.synth.make_engagement("retailer", 600, seed=4)
    survey = eng.survey.copy()
    rng = np.random.default_rng(0)
    survey["RecipientName"] = [NAMES[i % len(NAMES)] for i in range(len(survey))]
    survey["RecipientEmail"] = [f"r{i}.o'brien+cx@mail.example.nl" for i in range(len(survey))]
    survey["IPAddress"] = [f"10.0.{i % 250}.{rng.integers(1, 250)}" for i in range(len(survey))]
    # Respondents who sign their comment, or mention a colleague by name.
    survey["comment"] = [f"The staff were helpful and the shop was tidy. Groeten, {n.split()[0]}" if i % 3 == 0 else
                         f"I spoke with {n} at the counter and it went well" if i % 3 == 1 else c
                         for i, (n, c) in enumerate(zip(survey["RecipientName"], survey["comment"]))]
    extra = pd.DataFrame([{"column": "RecipientName", "role": "pii", "label": "Recipient name"},
                          {"column": "RecipientEmail", "role": "pii", "label": "Recipient e-mail"},
                          {"column": "IPAddress", "role": "ignore", "label": "IP address"}])
    codebook = pd.concat([eng.codebook, extra], ignore_index=True)
    return cx.from_frames(eng.config, survey, eng.customers, codebook, eng.contacts, slug="with-pii")


def test_ignore_and_pii_columns_never_reach_the_analysis_frame():
    eng = _engagement()
    frame = eng.frame()
    assert not {"RecipientName", "RecipientEmail", "IPAddress"} & set(frame.columns)
    assert eng.id_column in frame.columns and "comment" in frame.columns
    assert set(NAMES) <= set(eng.pii_values())


def test_pii_values_are_scrubbed_from_the_quotes_and_the_words():
    eng = _engagement()
    frame = eng.frame()
    quotes = verbatims.verbatims(frame, text="comment", per_group=30, min_cell=1, pii_values=eng.pii_values())
    text = " ".join(quotes.table["quote"].dropna())
    assert "helpful" in text  # ordinary words stay
    for name in NAMES:
        for part in name.split():
            if len(part) >= 3 and part not in ("de",):
                assert part not in text, part
    words = verbatims.word_frequency(frame, text="comment", min_cell=1, top=50, pii_values=eng.pii_values())
    assert not {"marieke", "pieter", "jansen", "müller", "dubois"} & set(words.table["term"])


def test_the_programme_page_scrubs_the_engagements_pii():
    eng = _engagement()
    page = programme.build(eng, n_boot=20)
    shown = str(page.verbatims())
    assert "Marieke" not in shown and "Jansen" not in shown and "o'brien" not in shown
