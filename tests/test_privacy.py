"""cxlib.privacy: scrubbing contact details, escaping markup, suppressing small cells."""
from __future__ import annotations

import pandas as pd
import pytest

from cxlib import privacy


@pytest.mark.parametrize("text,leak", [
    ("write to anna.smith+cx@mail.example.co.uk please", "anna.smith"),
    ("call 0161 496 0000", "496"),
    ("ring +1 (555) 010-4477 any time", "010"),
    ("my card 4111111111111111 was charged twice", "4111"),
    ("see https://evil.example/x?id=9 for details", "evil.example"),
    ("order no 12345678", "12345678"),
])
def test_scrub_removes_contact_details_and_numbers(text, leak):
    assert leak not in privacy.scrub(text)


def test_scrub_keeps_ordinary_words_and_small_numbers():
    assert privacy.scrub("Great staff, 2 visits in 3 weeks, 10/10") == "Great staff, 2 visits in 3 weeks, 10/10"


def test_safe_verbatim_escapes_markup():
    out = privacy.safe_verbatim("<script>alert(1)</script><img src=x onerror=alert(1)> mail me: a@b.com")
    assert "<script>" not in out and "<img" not in out and "a@b.com" not in out
    assert "&lt;script&gt;" in out


def test_suppress_blanks_small_cells_without_changing_the_input():
    t = pd.DataFrame({"segment": ["a", "b"], "n": [10, 100], "mean": [1.0, 2.0]})
    out = privacy.suppress(t, min_cell=30)
    assert pd.isna(out.loc[0, "mean"]) and out.loc[1, "mean"] == 2.0 and out["suppressed"].tolist() == [True, False]
    assert t.loc[0, "mean"] == 1.0


# -- pseudonymous ids in every analysis view (#10) ----------------------------------------------------

def test_analysis_views_carry_pseudonyms_consistently_and_only_for_consenting_customers():
    import hashlib
    import hmac

    import cxlib as cx
    from cxlib import contacts as contacts_module

    eng, _ = cx.synth.make_engagement("retailer", 400, seed=6)
    raw = set(eng.customers[eng.id_column])
    frame, contacts = eng.frame(), eng.contact_frame()
    assert not raw & set(frame[eng.id_column]) and not raw & set(contacts[eng.id_column])
    # Same pseudonym in both views, and the keyed hash is HMAC-SHA256 under the engagement's key.
    agreed = eng.customers.loc[eng.customers["analytics_consent"], eng.id_column]
    expected = {"c_" + hmac.new(eng._pseudonym_key.encode(), str(i).encode(), hashlib.sha256).hexdigest()[:16]
                for i in agreed}
    assert set(contacts[eng.id_column]) <= expected and set(frame[eng.id_column]) <= expected
    # Contacts of customers who withheld consent are not analysed.
    refused = set(eng.customers.loc[~eng.customers["analytics_consent"], eng.id_column])
    assert refused and len(contacts) == eng.contacts[eng.id_column].isin(set(agreed)).sum()
    # The same engagement loaded twice gives the same pseudonyms (reports reproduce).
    again, _ = cx.synth.make_engagement("retailer", 400, seed=6)
    assert again.frame()[eng.id_column].tolist() == frame[eng.id_column].tolist()
    # Raw contacts against the pseudonymised frame: a clear error, not a silent "no contacts".
    with pytest.raises(ValueError, match="contact_frame"):
        contacts_module.contact_experience(eng.contacts, frame, id_column=eng.id_column)
