"""Raw client exports, written the way Qualtrics and a CRM deliver them (not with ``cx synth``), with the truth.

``write_raw_exports(folder, n_customers=1500, seed=0)`` writes four files into ``folder`` and returns a
:class:`RawExports` holding their paths and ``truth``:

- a **Qualtrics CSV export** (UTF-8 with BOM, CRLF): line 1 the column names, line 2 the question text (with
  Qualtrics' HTML: ``<strong>``, ``<br>``), line 3 ``{"ImportId": ...}`` cells; Qualtrics' metadata columns
  first, then ``Q1`` overall satisfaction 0–10 (anchors in the question text), the matrix ``Q2_1…Q2_20`` of
  motivator statements (1–5 agree), ``Q3_1…Q3_30`` performance of 30 experience elements (0–10, "Not
  applicable" exported as 11), ``Q4_1…Q4_30`` stated importance of the same elements (1–7, "Not applicable"
  exported as 8) **in another order and with slightly different wording, case or punctuation**, ``Q5``
  likelihood to recommend 0–10, ``Q6`` an open comment (English, Dutch, German, French; some with e-mail
  addresses, phone numbers and sign-offs; "no comment"), and the embedded-data id ``CustomerID``. Answers
  are the numeric codes (Qualtrics' "use numeric values"), metadata as text (Status ``IP Address`` /
  ``Survey Preview`` / ``Survey Test``, Finished ``True``/``False``). Rows are in RecordedDate order.
- the same survey as **SPSS .sav** (pyreadstat): variable labels = question text, value labels on the scales
  (with the "Not applicable" codes labelled), Status and Finished as numeric codes with value labels
  (``truth["sav_codes"]``), dates as SPSS datetimes, ``Duration (in seconds)`` named ``Duration__in_seconds_``
  as Qualtrics' SPSS export names it.
- the **Qualtrics survey file** (.qsf, JSON): ``SurveyEntry`` and ``SurveyElements`` (``BL`` blocks, ``FL``
  flow with the ``CustomerID`` embedded data, ``SO`` options, one ``SQ`` per question with ``QuestionID``,
  ``DataExportTag``, ``QuestionText``, ``QuestionType``/``Selector``, ``Choices``/``Answers`` and
  ``RecodeValues``), shaped like real exports.
- a **CRM extract** ``crm_export.csv`` (Windows-1252, CRLF): ``Customer_ID`` (the survey's ``CustomerID``
  values, leading zeros kept), ``Customer_Name, Email, Phone, Region, Age_Band, Open_Date, Close_Date``
  (blank = still a customer), ``Closed`` (Y/N), ``Tenure_Months``, ``Annual_Spend`` (quoted, thousands
  separators: ``"1,703.57"``), ``Visits``, ``Marketing_Consent`` (Y/N).

The generative model (one latent set per customer; anonymous respondents get their own)
-------------------------------------------------------------------------------------------
- Performance latents ``E_j = 0.3 G + 0.95 U_j`` for the 30 elements (a mild halo ``G``).
- Connection ``C ∝ Σ_{d ∈ drivers} E_d + 0.75 ε``, standardised: only the three planted drivers move it.
- Ten motivators ``m_k = 0.8 C + 0.6 u_k``; two 1–5 items each (``round(3 + 1.1 (0.85 m_k + 0.53 e))``).
  So the connection index (mean of the items) is driven by the three planted elements and nothing else.
- Stated importance (1–7) is drawn around an element mean unrelated to the effects: **low for the three
  drivers** (they are the planted *hidden drivers*), 4.4–6.3 for the others.
- Satisfaction, recommendation, log annual spend and visits rise with ``C``; the yearly hazard of closing
  the account falls with ``C`` (``0.3 exp(-0.6 C)``).

``truth`` keys
--------------
``seed, n_customers, client, extract_date, survey_file, sav_file, qsf_file, crm_file``; ``id_columns``
``{survey, customers}``; ``drivers`` (the planted driver elements, also ``hidden_drivers``),
``element_effects``; ``elements`` ``{element: {stage, dimension, performance_column, importance_column,
importance_wording, stated_mean}}``; ``items`` ``{column: {motivator, names_motivator, statement}}``;
``missing_codes`` ``{column: [codes]}`` and ``missing_code_by_block`` ``{"Q3": 11, "Q4": 8}``;
``rows`` ``{preview, test, partial, anonymous, duplicate, closed_before_response, valid}`` (0-based data-row
positions in the survey export; ``duplicate`` = the earlier response of a customer who answered twice,
dropped under ``duplicates: latest``) and ``counts`` (their lengths); ``closed_before_response_ids``;
``ignore_columns``, ``pii_columns``; ``pii_in_comments`` ``[{row, kind, value}]``; ``sav_codes``;
``engagement_yaml`` / ``codebook`` (the researcher's final files for the Qualtrics CSV: a dict and a
DataFrame) and ``sav_engagement_yaml`` / ``sav_codebook`` (the same for the .sav).

Deterministic: the same ``seed`` and ``n_customers`` give the same bytes (numpy ``default_rng``).
"""
from __future__ import annotations

import copy
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RawExports", "write_raw_exports", "ELEMENTS", "STATEMENTS", "DRIVERS", "EXTRACT_DATE"]

CLIENT = "Acme"
EXTRACT_DATE = "2026-11-15"
FIELD_START = pd.Timestamp("2025-09-15 08:00:00")
FIELD_DAYS = 45

#: The 30 experience elements as the performance block words them: (wording, stage, dimension). The stage and
#: dimension are the researcher's judgment (no export holds them).
ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("Inspiring shop window", "discover", "emotion"),
    ("Clear prices online", "discover", "effectiveness"),
    ("Helpful website search", "discover", "ease"),
    ("Offers that fit me", "discover", "emotion"),
    ("Opening hours that suit me", "discover", "ease"),
    ("Honest product information", "discover", "effectiveness"),
    ("Welcoming store atmosphere", "visit", "emotion"),
    ("Staff remember me", "visit", "emotion"),
    ("Easy-to-browse aisles", "visit", "ease"),
    ("Enough staff on the floor", "visit", "effectiveness"),
    ("Knowledgeable staff advice", "visit", "effectiveness"),
    ("Free parking", "visit", "ease"),
    ("Fast checkout", "buy", "ease"),
    ("Self-service tills that work", "buy", "ease"),
    ("Price match promise", "buy", "effectiveness"),
    ("Choice of payment methods", "buy", "ease"),
    ("Loyalty points added automatically", "buy", "effectiveness"),
    ("Personal thank-you at the till", "buy", "emotion"),
    ("Delivery on the promised day", "receive", "effectiveness"),
    ("Tracking updates", "receive", "effectiveness"),
    ("Careful packaging", "receive", "effectiveness"),
    ("Friendly delivery driver", "receive", "emotion"),
    ("Click and collect ready on time", "receive", "effectiveness"),
    ("Plastic-free packaging", "receive", "emotion"),
    ("Free returns", "service", "effectiveness"),
    ("Fast refunds", "service", "effectiveness"),
    ("Helpful contact centre", "service", "effectiveness"),
    ("Staff don't rush me", "service", "emotion"),
    ("Follow-up after a complaint", "service", "emotion"),
    ("Apology that feels sincere", "service", "emotion"),
)

#: How the importance block words some elements (case, punctuation, spacing, an article): pairing the blocks
#: must match wording, not position.
IMPORTANCE_WORDING = {
    "Staff remember me": "staff remember me.",
    "Easy-to-browse aisles": "Easy to browse aisles",
    "Self-service tills that work": "Self service tills that work",
    "Opening hours that suit me": "Opening hours that suit  me",
    "Delivery on the promised day": "Delivery on the promised day.",
    "Free returns": "FREE returns",
    "Staff don't rush me": "Staff don\u2019t rush me",
    "Follow-up after a complaint": "Follow up after a complaint",
    "Apology that feels sincere": "An apology that feels sincere",
    "Knowledgeable staff advice": "Knowledgeable Staff Advice",
}

#: The planted drivers of connection (all three with low stated importance: hidden drivers).
DRIVERS: tuple[str, ...] = ("Staff remember me", "Personal thank-you at the till", "Follow-up after a complaint")

#: The 20 motivator statements of the Q2 matrix: (statement, motivator, whether the wording names it).
STATEMENTS: tuple[tuple[str, str, bool], ...] = (
    ("Acme helps me feel a sense of belonging", "feel a sense of belonging", True),
    ("Acme helps me feel secure about my money", "feel secure", True),
    ("Shopping at Acme helps me stand out from the crowd", "stand out from the crowd", True),
    ("Acme gives me confidence in the future", "have confidence in the future", True),
    ("Acme helps me enjoy a sense of well-being", "enjoy a sense of well-being", True),
    ("Acme gives me a sense of freedom", "feel a sense of freedom", True),
    ("Acme gets me", "be the person I want to be", False),
    ("Shopping at Acme gives me a sense of thrill", "feel a sense of thrill", True),
    ("Acme helps me protect the environment", "protect the environment", True),
    ("Acme helps me be the person I want to be", "be the person I want to be", True),
    ("Acme helps me succeed in life", "succeed in life", True),
    ("I feel I belong with Acme", "feel a sense of belonging", True),
    ("Acme makes my day", "feel a sense of thrill", False),
    ("With Acme I feel secure", "feel secure", True),
    ("With Acme I stand out from the crowd", "stand out from the crowd", True),
    ("Acme makes me confident about my future", "have confidence in the future", True),
    ("Acme is good for my well-being", "enjoy a sense of well-being", True),
    ("I can be spontaneous with Acme", "feel a sense of freedom", False),
    ("Acme makes it easy to protect the environment", "protect the environment", True),
    ("Acme is on my side", "succeed in life", False),
)

Q1_TEXT = ("<strong>Overall</strong>, how satisfied are you with Acme?<br>0 = not at all satisfied, "
           "10 = extremely satisfied")
Q2_TEXT = "To what extent do you agree?"
Q3_TEXT = "How would you rate Acme on each?"
Q4_TEXT = "How important is each to you?"
Q5_TEXT = "How likely are you to recommend Acme to a friend or colleague?"
Q6_TEXT = "Anything else you would like to tell us?"
NA_PERF, NA_IMP = 11, 8

#: Qualtrics metadata columns: (name, question text in line 2, ImportId cell of line 3).
METADATA: tuple[tuple[str, str, str], ...] = (
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Amsterdam"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Amsterdam"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Amsterdam"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
)
PII_COLUMNS = ("RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference")
SAV_NAMES = {"Duration (in seconds)": "Duration__in_seconds_"}
SAV_CODES = {"Status": {"IP Address": 0, "Survey Preview": 1, "Survey Test": 2},
             "Finished": {"False": 0, "True": 1}}

FIRST = {"EN": ["James", "Mary", "Mark", "Sarah", "David", "Emma", "Paul", "Linda", "Tom", "Kate"],
         "NL": ["Jan", "Sanne", "Pieter", "Anouk", "Daan", "Femke", "Bram", "Lotte", "Joost", "Eva"],
         "DE": ["Anna", "Lukas", "Jürgen", "Sophie", "Felix", "Lena", "Matthias", "Hanna", "Jonas", "Greta"],
         "FR": ["Marie", "Louis", "Camille", "Hélène", "Julien", "Chloé", "Étienne", "Léa", "Hugo", "Inès"]}
LAST = {"EN": ["Wilson", "O'Brien", "Smith", "Taylor", "Brown", "Walker", "Hughes", "Green", "Clarke", "Hall"],
        "NL": ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "de Jong", "Mulder", "Bos", "Dekker"],
        "DE": ["Schmidt", "Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Wagner"],
        "FR": ["Dubois", "Martin", "Bernard", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Mercier"]}
DOMAINS = {"EN": ["gmail.com", "outlook.com", "mail.btinternet.co.uk", "yahoo.co.uk"],
           "NL": ["xs4all.nl", "ziggo.nl", "gmail.com", "kpnmail.nl"],
           "DE": ["web.de", "mail.t-online.de", "gmx.de", "gmail.com"],
           "FR": ["orange.fr", "free.fr", "laposte.net", "gmail.com"]}
REGION_OF = {"EN": "North", "NL": "West", "DE": "East", "FR": "South"}
LANG_SHARE = {"EN": 0.4, "NL": 0.3, "DE": 0.15, "FR": 0.15}

COMMENTS = {
    "EN": {"good": ["The staff are lovely and always remember my name.", "Great service, keep it up!",
                    "Really happy with my last order, arrived on time.", "Best shop in town, I tell all my friends."],
           "bad": ["The checkout queue was far too long on Saturday.", "My refund took three weeks, not good enough.",
                   "Nobody followed up on my complaint.", "Prices went up again and the shelves were empty."],
           "none": ["no comment", "No comment.", "n/a", "nothing to add"],
           "signoff": "Regards, {name}", "email": "You can reach me at {email}",
           "phone": "Please call me on {phone}."},
    "NL": {"good": ["Vriendelijk personeel, ze kennen me bij naam.", "Prima service, ga zo door!",
                    "Mijn bestelling kwam keurig op tijd.", "Fijne winkel, ik kom er graag."],
           "bad": ["De rij bij de kassa was veel te lang.", "Mijn geld terugkrijgen duurde drie weken.",
                   "Niemand heeft gereageerd op mijn klacht.", "Alles is weer duurder geworden."],
           "none": ["geen opmerkingen", "Geen commentaar.", "nee"],
           "signoff": "Met vriendelijke groet, {name}", "email": "Mail me gerust op {email}",
           "phone": "Bel me op {phone}."},
    "DE": {"good": ["Sehr freundliches Personal, man kennt mich dort.", "Toller Service, weiter so!",
                    "Die Lieferung kam pünktlich an.", "Ich kaufe gern bei Acme ein."],
           "bad": ["Die Schlange an der Kasse war viel zu lang.", "Die Rückerstattung hat drei Wochen gedauert.",
                   "Auf meine Beschwerde hat niemand reagiert.", "Die Preise sind schon wieder gestiegen."],
           "none": ["keine Anmerkungen", "Nichts.", "kein Kommentar"],
           "signoff": "Mit freundlichen Grüßen, {name}", "email": "Schreiben Sie mir an {email}",
           "phone": "Rufen Sie mich an unter {phone}."},
    "FR": {"good": ["Le personnel est très aimable et se souvient de moi.", "Excellent service, continuez !",
                    "Ma commande est arrivée à l'heure.", "J'adore ce magasin."],
           "bad": ["La file d'attente à la caisse était trop longue.", "Le remboursement a pris trois semaines.",
                   "Personne n'a donné suite à ma réclamation.", "Les prix ont encore augmenté."],
           "none": ["aucun commentaire", "Rien à signaler.", "non"],
           "signoff": "Cordialement, {name}", "email": "Vous pouvez m'écrire à {email}",
           "phone": "Appelez-moi au {phone}."},
}


@dataclass(frozen=True)
class RawExports:
    """The files :func:`write_raw_exports` wrote and the truth planted in them.

    Attributes
    ----------
    folder : Path
    qualtrics_csv, sav, qsf, crm_csv : Path
        The Qualtrics CSV export, the same survey as SPSS .sav, the Qualtrics survey file and the CRM extract.
    truth : dict
        See the module docstring.
    """

    folder: Path
    qualtrics_csv: Path
    sav: Path
    qsf: Path
    crm_csv: Path
    truth: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def plain(text: str) -> str:
    """Question text without HTML tags and with single spaces (what a researcher would keep as a label).

    Examples
    --------
    >>> plain("<strong>Overall</strong>, how?<br>0 = not")
    'Overall, how? 0 = not'
    """
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).replace(" ,", ",").strip()


# -- people and customers --------------------------------------------------------------------------------

def _email(first: str, last: str, lang: str, rng: np.random.Generator) -> str:
    import unicodedata

    def ascii_(s: str) -> str:
        return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()

    f, l_ = ascii_(first), ascii_(last).replace(" ", "")
    shape = int(rng.integers(0, 4))
    local = (f"{f}.{l_}", f"{f[0]}{l_}", f"{f}+acme", f"{f}.{l_}{int(rng.integers(1, 99))}")[shape]
    return f"{local}@{DOMAINS[lang][int(rng.integers(0, 4))]}"


def _phone(lang: str, rng: np.random.Generator) -> str:
    d = [str(x) for x in rng.integers(0, 10, 9)]
    national = bool(rng.integers(0, 2))
    if lang == "NL":
        return f"06-{''.join(d[:8])}" if national else f"+31 6 {''.join(d[:4])} {''.join(d[4:8])}"
    if lang == "DE":
        return f"0151 {''.join(d[:8])}" if national else f"+49 151 {''.join(d[:8])}"
    if lang == "FR":
        return (f"06 {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]} {d[6]}{d[7]}" if national
                else f"+33 6 {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]} {d[6]}{d[7]}")
    return f"07{''.join(d[:3])} {''.join(d[3:9])}" if national else f"+44 7{''.join(d[:3])} {''.join(d[3:9])}"


def _money(x: float) -> str:
    return f"{x:,.2f}"


# -- the survey answers --------------------------------------------------------------------------------

def _latents(n: int, rng: np.random.Generator, driver_idx: np.ndarray) -> dict[str, np.ndarray]:
    p = len(ELEMENTS)
    g = rng.normal(size=(n, 1))
    e = 0.3 * g + np.sqrt(1 - 0.09) * rng.normal(size=(n, p))
    c = e[:, driver_idx].sum(axis=1) + 0.75 * rng.normal(size=n)
    k = len(driver_idx)
    c = c / np.sqrt(k + k * (k - 1) * 0.09 + 0.75**2)  # unit variance (element covariance 0.3² = 0.09)
    return {"E": e, "C": c}


def _answers(lat: dict[str, np.ndarray], rows: np.ndarray, rng: np.random.Generator,
             stated_mean: np.ndarray, imp_order: np.ndarray) -> pd.DataFrame:
    """Answers (numeric codes) of the latent rows ``rows``: Q1, Q2_1..20, Q3_1..30, Q4_1..30, Q5."""
    n = len(rows)
    c, e = lat["C"][rows], lat["E"][rows]
    out: dict[str, Any] = {}
    out["Q1"] = np.clip(np.round(7.0 + 1.6 * (0.7 * c + 0.71 * rng.normal(size=n))), 0, 10)
    mot_names = list(dict.fromkeys(m for _, m, _ in STATEMENTS))
    m = {k: 0.8 * c + 0.6 * rng.normal(size=n) for k in mot_names}
    for j, (_, mot, _) in enumerate(STATEMENTS, 1):
        x = 0.85 * m[mot] + 0.53 * rng.normal(size=n)
        out[f"Q2_{j}"] = np.clip(np.round(3.0 + 1.1 * x), 1, 5)
    for j in range(len(ELEMENTS)):
        perf = np.clip(np.round(7.0 + 1.7 * e[:, j]), 0, 10)
        perf[rng.random(n) < 0.06] = NA_PERF  # "Not applicable" exported as its code
        out[f"Q3_{j + 1}"] = perf
    for k, j in enumerate(imp_order, 1):  # Q4_k asks about element imp_order[k-1]
        imp = np.clip(np.round(stated_mean[j] + 1.1 * rng.normal(size=n)), 1, 7)
        imp[rng.random(n) < 0.03] = NA_IMP
        out[f"Q4_{k}"] = imp
    out["Q5"] = np.clip(np.round(7.0 + 2.0 * (0.65 * c + 0.76 * rng.normal(size=n))), 0, 10)
    return pd.DataFrame(out)


def _comment(lang: str, tone: float, name: str, email: str, phone: str, rng: np.random.Generator
             ) -> tuple[str | None, list[tuple[str, str]]]:
    """A comment in ``lang`` whose tone follows connection, and the PII it carries [(kind, value)]."""
    t = COMMENTS[lang]
    u = rng.random()
    if u < 0.35:
        return None, []
    if u < 0.43:
        text = t["none"][int(rng.integers(0, len(t["none"])))]
    else:
        pool = t["good"] if tone + 0.5 * rng.normal() > 0 else t["bad"]
        text = pool[int(rng.integers(0, len(pool)))]
    pii: list[tuple[str, str]] = []
    v = rng.random()
    if v < 0.04 and email:
        text += " " + t["email"].format(email=email)
        pii.append(("email", email))
    elif v < 0.07 and phone:
        text += " " + t["phone"].format(phone=phone)
        pii.append(("phone", phone))
    if rng.random() < 0.06 and name:
        text += " " + t["signoff"].format(name=name)
        pii.append(("name", name))
    return text, pii


def _stamp(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def _response_id(rng: np.random.Generator) -> str:
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
    return "R_" + "".join(rng.choice(alphabet, 15))


# -- the researcher's final files -----------------------------------------------------------------------

def _codebook(columns: list[str], imp_order: np.ndarray, *, sav: bool) -> pd.DataFrame:
    cols = ["column", "role", "label", "scale_min", "scale_max", "motivator", "element", "stage", "dimension",
            "missing_codes"]
    rows = []

    def add(column: str, role: str, label: str, lo: float | None = None, hi: float | None = None, **kw: Any) -> None:
        rows.append({"column": column, "role": role, "label": label, "scale_min": lo, "scale_max": hi, **kw})

    meta_labels = {name: text for name, text, _ in METADATA}
    for name in columns:
        if name == "CustomerID":
            continue  # the id has no codebook row
        original = next((k for k, v in SAV_NAMES.items() if v == name), name) if sav else name
        if original in meta_labels:
            add(name, "pii" if original in PII_COLUMNS else "ignore", meta_labels[original])
        elif name == "Q1":
            add(name, "satisfaction", plain(Q1_TEXT), 0.0, 10.0)
        elif name == "Q5":
            add(name, "advocacy", Q5_TEXT, 0.0, 10.0)
        elif name == "Q6":
            add(name, "verbatim", Q6_TEXT)
        elif name.startswith("Q2_"):
            s, mot, _ = STATEMENTS[int(name[3:]) - 1]
            add(name, "motivator_item", f"{Q2_TEXT} - {s}", 1.0, 5.0, motivator=mot)
        elif name.startswith("Q3_"):
            w, stage, dim = ELEMENTS[int(name[3:]) - 1]
            add(name, "element_performance", f"{Q3_TEXT} - {w}", 0.0, 10.0, element=w, stage=stage, dimension=dim,
                missing_codes=str(NA_PERF))
        elif name.startswith("Q4_"):
            w, stage, dim = ELEMENTS[int(imp_order[int(name[3:]) - 1])]
            add(name, "element_importance", f"{Q4_TEXT} - {IMPORTANCE_WORDING.get(w, w)}", 1.0, 7.0, element=w,
                stage=stage, dimension=dim, missing_codes=str(NA_IMP))
        else:  # pragma: no cover - every column is listed above
            raise KeyError(name)
    return pd.DataFrame(rows, columns=cols).astype({"scale_min": float, "scale_max": float})


def _engagement(*, sav: bool) -> dict[str, Any]:
    if sav:
        drop = [{"column": "Status", "in": [SAV_CODES["Status"]["Survey Preview"], SAV_CODES["Status"]["Survey Test"]]},
                {"column": "Finished", "equals": SAV_CODES["Finished"]["False"]},
                {"column": "CustomerID", "blank": True}]
    else:
        drop = [{"column": "Status", "in": ["Survey Preview", "Survey Test"]},
                {"column": "Finished", "equals": "False"},
                {"column": "CustomerID", "blank": True}]
    return {
        "client": CLIENT,
        "survey": "survey.sav" if sav else "survey.csv",
        "customers": "customers.csv",
        "codebook": "codebook.csv",
        "id": {"survey": "CustomerID", "customers": "Customer_ID"},
        "respondents": {"drop": drop, "duplicates": "latest", "date": "RecordedDate"},
        "satisfaction": {"column": "Q1", "top_box": 9},
        "connection": {"threshold": 75},
        "value": ["Annual_Spend", "Visits"],
        "attrition": {"start": "RecordedDate", "end": "Close_Date", "observed_until": EXTRACT_DATE,
                      "event": "Closed", "event_values": {"left": ["Y"], "stayed": ["N"]}, "horizon": 365},
        "advocacy": {"column": "Q5"},
        "privacy": {"min_cell": 30, "consent": "Marketing_Consent", "pii": ["Customer_Name", "Email", "Phone"]},
        "covariates": ["Region", "Age_Band"],
    }


# -- writers --------------------------------------------------------------------------------------------

def _write_csv(path: Path, header: list[list[str]], rows: list[list[Any]], encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for h in header:
        w.writerow(h)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    path.write_bytes(buf.getvalue().encode(encoding))


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return v


def _qsf(imp_order: np.ndarray, survey_id: str) -> dict[str, Any]:
    def sq(qid: str, tag: str, text: str, qtype: str, selector: str, sub: str | None = None, **payload: Any
           ) -> dict[str, Any]:
        body = {"QuestionText": text, "DefaultChoices": False, "DataExportTag": tag, "QuestionType": qtype,
                "Selector": selector, **({"SubSelector": sub} if sub else {}),
                "Configuration": {"QuestionDescriptionOption": "UseText"}, "QuestionDescription": plain(text),
                **payload, "Validation": {"Settings": {"ForceResponse": "OFF", "ForceResponseType": "ON",
                                                       "Type": "None"}},
                "Language": [], "DataVisibility": {"Private": False, "Hidden": False}, "QuestionID": qid}
        return {"SurveyID": survey_id, "Element": "SQ", "PrimaryAttribute": qid,
                "SecondaryAttribute": plain(text)[:100], "TertiaryAttribute": None, "Payload": body}

    def choices(labels: list[str]) -> dict[str, Any]:
        return {str(i): {"Display": t} for i, t in enumerate(labels, 1)}

    def scale(lo: int, hi: int, ends: tuple[str, str], na: int | None) -> tuple[dict, list, dict]:
        labels = [f"{v}" for v in range(lo, hi + 1)]
        labels[0], labels[-1] = f"{lo} - {ends[0]}", f"{hi} - {ends[1]}"
        recode = {str(i): str(v) for i, v in enumerate(range(lo, hi + 1), 1)}
        if na is not None:
            labels.append("Not applicable")
            recode[str(len(labels))] = str(na)
        return choices(labels), [str(i) for i in range(1, len(labels) + 1)], recode

    q1c, q1o, q1r = scale(0, 10, ("Not at all satisfied", "Extremely satisfied"), None)
    agree = ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree",
             "Strongly agree"]
    q3a, q3o, q3r = scale(0, 10, ("Very poor", "Excellent"), NA_PERF)
    q4a, q4o, q4r = scale(1, 7, ("Not at all important", "Extremely important"), NA_IMP)
    imp_words = [IMPORTANCE_WORDING.get(ELEMENTS[j][0], ELEMENTS[j][0]) for j in imp_order]

    def matrix(labels: list[str], answers: dict, order: list[str], recode: dict) -> dict[str, Any]:
        return {"Choices": choices(labels), "ChoiceOrder": [str(i) for i in range(1, len(labels) + 1)],
                "Answers": answers, "AnswerOrder": order, "RecodeValues": recode, "ChoiceDataExportTags": False,
                "NextChoiceId": len(labels) + 1, "NextAnswerId": len(order) + 1}

    questions = [
        sq("QID1", "Q1", Q1_TEXT, "MC", "SAVR", "TX", Choices=q1c, ChoiceOrder=q1o, RecodeValues=q1r),
        sq("QID2", "Q2", Q2_TEXT, "Matrix", "Likert", "SingleAnswer",
           **matrix([s for s, _, _ in STATEMENTS], choices(agree), [str(i) for i in range(1, 6)],
                    {str(i): str(i) for i in range(1, 6)})),
        sq("QID3", "Q3", Q3_TEXT, "Matrix", "Likert", "SingleAnswer",
           **matrix([w for w, _, _ in ELEMENTS], q3a, q3o, q3r)),
        sq("QID4", "Q4", Q4_TEXT, "Matrix", "Likert", "SingleAnswer", **matrix(imp_words, q4a, q4o, q4r)),
        sq("QID5", "Q5", Q5_TEXT, "MC", "NPS", None,
           Choices={str(v): {"Display": str(v)} for v in range(11)}, ChoiceOrder=[str(v) for v in range(11)],
           ColumnLabels={"0": "Not at all likely", "10": "Extremely likely"}),
        sq("QID6", "Q6", Q6_TEXT, "TE", "ML", None),
    ]
    blocks = {"SurveyID": survey_id, "Element": "BL", "PrimaryAttribute": "Survey Blocks", "SecondaryAttribute": None,
              "TertiaryAttribute": None,
              "Payload": [{"Type": "Default", "Description": "Default Question Block", "ID": "BL_3kLmN0pQrStUvWx",
                           "BlockElements": []},
                          {"Type": "Trash", "Description": "Trash / Unused Questions", "ID": "BL_9zYxWvUtSrQpOnM"},
                          {"Type": "Standard", "SubType": "", "Description": "Overall", "ID": "BL_1aBcDeFgHiJkLmN",
                           "BlockElements": [{"Type": "Question", "QuestionID": "QID1"}]},
                          {"Type": "Standard", "SubType": "", "Description": "Motivators", "ID": "BL_2bCdEfGhIjKlMnO",
                           "BlockElements": [{"Type": "Question", "QuestionID": "QID2"}]},
                          {"Type": "Standard", "SubType": "", "Description": "Experience", "ID": "BL_4dEfGhIjKlMnOpQ",
                           "BlockElements": [{"Type": "Question", "QuestionID": "QID3"}, {"Type": "Page Break"},
                                             {"Type": "Question", "QuestionID": "QID4"}]},
                          {"Type": "Standard", "SubType": "", "Description": "Advocacy", "ID": "BL_5eFgHiJkLmNoPqR",
                           "BlockElements": [{"Type": "Question", "QuestionID": "QID5"},
                                             {"Type": "Question", "QuestionID": "QID6"}]}]}
    flow = {"SurveyID": survey_id, "Element": "FL", "PrimaryAttribute": "Survey Flow", "SecondaryAttribute": None,
            "TertiaryAttribute": None,
            "Payload": {"Type": "Root", "FlowID": "FL_1", "Properties": {"Count": 7},
                        "Flow": [{"Type": "EmbeddedData", "FlowID": "FL_2",
                                  "EmbeddedData": [{"Description": "CustomerID", "Type": "Recipient",
                                                    "Field": "CustomerID", "VariableType": "String",
                                                    "DataVisibility": [], "AnalyzeText": False}]},
                                 {"Type": "Standard", "ID": "BL_1aBcDeFgHiJkLmN", "FlowID": "FL_3"},
                                 {"Type": "Standard", "ID": "BL_2bCdEfGhIjKlMnO", "FlowID": "FL_4"},
                                 {"Type": "Standard", "ID": "BL_4dEfGhIjKlMnOpQ", "FlowID": "FL_5"},
                                 {"Type": "Standard", "ID": "BL_5eFgHiJkLmNoPqR", "FlowID": "FL_6"}]}}
    options = {"SurveyID": survey_id, "Element": "SO", "PrimaryAttribute": "Survey Options", "SecondaryAttribute": None,
               "TertiaryAttribute": None,
               "Payload": {"BackButton": "false", "SaveAndContinue": "true", "SurveyProtection": "PublicSurvey",
                           "BallotBoxStuffingPrevention": "false", "NoIndex": "Yes", "SecureResponseFiles": "true",
                           "SurveyExpiration": "None", "SurveyTermination": "DefaultMessage", "Header": "",
                           "Footer": "", "ProgressBarDisplay": "None", "PartialData": "+1 week",
                           "SurveyLanguage": "EN", "AvailableLanguages": {"EN": [], "NL": [], "DE": [], "FR": []}}}
    count = {"SurveyID": survey_id, "Element": "QC", "PrimaryAttribute": "Survey Question Count",
             "SecondaryAttribute": str(len(questions)), "TertiaryAttribute": None, "Payload": None}
    return {"SurveyEntry": {"SurveyID": survey_id, "SurveyName": "Acme Customer Survey 2025",
                            "SurveyDescription": None, "SurveyOwnerID": "UR_0Ab1Cd2Ef3Gh4Ij", "SurveyBrandID": "acme",
                            "DivisionID": None, "SurveyLanguage": "EN", "SurveyActiveResponseSet": "RS_5kLm6No7Pq8Rs9T",
                            "SurveyStatus": "Active", "SurveyStartDate": "2025-09-15 08:00:00",
                            "SurveyExpirationDate": "0000-00-00 00:00:00", "SurveyCreationDate": "2025-08-20 14:02:11",
                            "CreatorID": "UR_0Ab1Cd2Ef3Gh4Ij", "LastModified": "2025-09-12 09:41:07",
                            "LastAccessed": "0000-00-00 00:00:00", "LastActivated": "2025-09-15 07:58:30",
                            "Deleted": None},
            "SurveyElements": [blocks, flow, options, count, *questions]}


def _value_labels() -> dict[str, dict[float, str]]:
    agree = {1.0: "Strongly disagree", 2.0: "Somewhat disagree", 3.0: "Neither agree nor disagree",
             4.0: "Somewhat agree", 5.0: "Strongly agree"}
    out: dict[str, dict[float, str]] = {"Q1": {0.0: "Not at all satisfied", 10.0: "Extremely satisfied"},
                                         "Q5": {0.0: "Not at all likely", 10.0: "Extremely likely"},
                                         "Status": {float(v): k for k, v in SAV_CODES["Status"].items()},
                                         "Finished": {float(v): k for k, v in SAV_CODES["Finished"].items()}}
    for j in range(1, len(STATEMENTS) + 1):
        out[f"Q2_{j}"] = dict(agree)
    for j in range(1, len(ELEMENTS) + 1):
        out[f"Q3_{j}"] = {0.0: "Very poor", 10.0: "Excellent", float(NA_PERF): "Not applicable"}
        out[f"Q4_{j}"] = {1.0: "Not at all important", 7.0: "Extremely important", float(NA_IMP): "Not applicable"}
    return out


# -- the whole set -----------------------------------------------------------------------------------

def write_raw_exports(folder: Path, *, n_customers: int = 1500, seed: int = 0) -> RawExports:
    """Write a Qualtrics CSV export, the same survey as .sav and .qsf, and a CRM extract into ``folder``.

    Parameters
    ----------
    folder : Path
        Created if missing; nothing is written outside it.
    n_customers : int
        Rows of the CRM extract (at least 200); about 80% of them answered the survey.
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives the same bytes.

    Returns
    -------
    RawExports

    Examples
    --------
    >>> import tempfile, pathlib
    >>> raw = write_raw_exports(pathlib.Path(tempfile.mkdtemp()), n_customers=200, seed=1)
    >>> raw.truth["drivers"], raw.truth["counts"]["preview"]
    (['Staff remember me', 'Personal thank-you at the till', 'Follow-up after a complaint'], 2)
    """
    if n_customers < 200:
        raise ValueError("n_customers must be at least 200")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    p = len(ELEMENTS)
    names = [w for w, _, _ in ELEMENTS]
    driver_idx = np.array([names.index(d) for d in DRIVERS])
    imp_order = rng.permutation(p)
    stated_mean = rng.uniform(4.4, 6.3, p)
    stated_mean[driver_idx] = rng.uniform(3.0, 3.5, len(driver_idx))

    # Customers (CRM) with their latents.
    n = n_customers
    ids = np.sort(rng.choice(np.arange(1, 1_000_000), n, replace=False))
    cust_id = [f"{i:07d}" for i in ids]
    langs = rng.choice(list(LANG_SHARE), n, p=list(LANG_SHARE.values()))
    first = [FIRST[lg][int(rng.integers(0, 10))] for lg in langs]
    last = [LAST[lg][int(rng.integers(0, 10))] for lg in langs]
    first[0], last[0], langs[0] = "Mark", "Wilson", "EN"   # the issue's "no comment Regards, Mark Wilson"
    first[1], last[1], langs[1] = "Mary", "O'Brien", "EN"  # an e-mail with an apostrophe
    emails = [_email(f, l_, lg, rng) for f, l_, lg in zip(first, last, langs)]
    emails[1] = "mary.o'brien@gmail.com"
    phones = [_phone(lg, rng) for lg in langs]
    lat = _latents(n, rng, driver_idx)
    c = lat["C"]
    region = np.where(rng.random(n) < 0.6, [REGION_OF[lg] for lg in langs],
                      rng.choice(["North", "South", "East", "West"], n))
    age_band = rng.choice(["18-34", "35-54", "55+"], n, p=[0.3, 0.4, 0.3])
    open_date = pd.Timestamp("2025-09-01") - pd.to_timedelta(rng.integers(60, 365 * 12, n), unit="D")
    spend = np.exp(6.7 + 0.35 * c + 0.55 * rng.normal(size=n))
    visits = rng.poisson(np.exp(2.2 + 0.25 * c))
    consent = np.where(rng.random(n) < 0.93, "Y", "N")

    # Who answered: valid respondents, partial responses, and a few who answered twice.
    order = rng.permutation(n)
    n_partial = max(5, n // 40)
    n_valid = int(round(0.8 * n))
    valid_c = np.sort(order[:n_valid])
    partial_c = np.sort(order[n_valid:n_valid + n_partial])
    # Mark Wilson and Mary O'Brien (customers 0 and 1) answered: their comments are the issue's examples.
    valid_c = np.sort(np.r_[0, 1, np.setdiff1d(valid_c, [0, 1])[:n_valid - 2]])
    partial_c = np.setdiff1d(partial_c, [0, 1])
    n_dup = max(2, n // 250)
    dup_c = rng.choice(valid_c[valid_c > 1], n_dup, replace=False)
    n_closed_before = max(2, n // 150)
    closed_before_c = rng.choice(np.setdiff1d(valid_c, np.r_[dup_c, 0, 1]), n_closed_before, replace=False)

    extract = pd.Timestamp(EXTRACT_DATE)
    resp_time = {int(k): FIELD_START + pd.Timedelta(seconds=int(rng.integers(0, FIELD_DAYS * 86400)))
                 for k in np.r_[valid_c, partial_c]}
    # Account closing: yearly hazard 0.3 exp(-0.6 C) from the response (or mid-field for non-respondents).
    ref = [resp_time.get(k, FIELD_START + pd.Timedelta(days=FIELD_DAYS // 2)) for k in range(n)]
    years = rng.exponential(1.0 / (0.3 * np.exp(-0.6 * c)))
    close: list[pd.Timestamp | None] = []
    for k in range(n):
        t = ref[k] + pd.Timedelta(days=float(years[k] * 365.25))
        day = t.normalize() + pd.Timedelta(days=1)  # the CRM records the day; never before the response itself
        close.append(day if day <= extract else None)
    for k in closed_before_c:  # closed a few days before answering (the invitation list was older)
        close[int(k)] = (resp_time[int(k)] - pd.Timedelta(days=int(rng.integers(2, 30)))).normalize()

    # Survey rows: (kind, customer or None, time); answers from the customer's latents.
    records: list[dict[str, Any]] = []

    def base(kind: str, k: int | None, when: pd.Timestamp, lang: str) -> dict[str, Any]:
        dur = int(rng.integers(180, 1500))
        start = when - pd.Timedelta(seconds=dur)
        rec = {"kind": kind, "cust": k, "StartDate": _stamp(start), "EndDate": _stamp(when), "Status": "IP Address",
               "IPAddress": f"{int(rng.integers(62, 217))}.{int(rng.integers(0, 256))}.{int(rng.integers(0, 256))}."
                            f"{int(rng.integers(1, 255))}",
               "Progress": "100", "Duration (in seconds)": str(dur), "Finished": "True", "RecordedDate": _stamp(when),
               "ResponseId": _response_id(rng), "RecipientLastName": None, "RecipientFirstName": None,
               "RecipientEmail": None, "ExternalReference": None,
               "LocationLatitude": f"{rng.uniform(43.0, 53.5):.4f}", "LocationLongitude": f"{rng.uniform(-2.5, 13.4):.4f}",
               "DistributionChannel": "email", "UserLanguage": lang, "CustomerID": None, "_when": when}
        if k is not None:
            rec.update(RecipientLastName=last[k], RecipientFirstName=first[k], RecipientEmail=emails[k],
                       ExternalReference=f"LC{(ids[k] * 7919) % 10**9:09d}", CustomerID=cust_id[k])
        return rec

    for k in valid_c:
        records.append(base("valid", int(k), resp_time[int(k)], str(langs[k])))
    for k in dup_c:  # an earlier response of the same customer (reminder link), 2-10 days before
        records.append(base("duplicate", int(k), resp_time[int(k)] - pd.Timedelta(days=int(rng.integers(2, 11))),
                            str(langs[k])))
    for k in partial_c:
        rec = base("partial", int(k), resp_time[int(k)], str(langs[k]))
        progress = int(rng.integers(8, 90))
        rec.update(Progress=str(progress), Finished="False", _progress=progress)
        # Qualtrics records an unfinished response when the session expires (PartialData: +1 week).
        rec["RecordedDate"] = _stamp(pd.Timestamp(rec["StartDate"]) + pd.Timedelta(days=7))
        rec["EndDate"] = rec["RecordedDate"]
        rec["_when"] = pd.Timestamp(rec["RecordedDate"])
        records.append(rec)
    n_preview, n_test, n_anon = max(2, n // 375), 2, max(3, n // 125)
    for i in range(n_preview):
        rec = base("preview", None, FIELD_START - pd.Timedelta(days=int(rng.integers(1, 5)), hours=i), "EN")
        rec.update(Status="Survey Preview", DistributionChannel="preview")
        records.append(rec)
    for i in range(n_test):
        rec = base("test", None, FIELD_START - pd.Timedelta(days=1, hours=3 + i), "EN")
        rec.update(Status="Survey Test", DistributionChannel="test", IPAddress=None, LocationLatitude=None,
                   LocationLongitude=None)
        records.append(rec)
    for i in range(n_anon):  # the anonymous link on the website: no embedded id
        rec = base("anonymous", None, FIELD_START + pd.Timedelta(seconds=int(rng.integers(0, FIELD_DAYS * 86400))),
                   str(rng.choice(list(LANG_SHARE))))
        rec.update(DistributionChannel="anonymous")
        records.append(rec)

    # Answers: customers' rows from their latents; anonymous from fresh latents; previews and tests at random.
    cust_rows = np.array([r["cust"] if r["cust"] is not None else -1 for r in records])
    answers = pd.DataFrame(index=range(len(records)), columns=_answers(lat, np.array([0]), np.random.default_rng(0),
                                                                         stated_mean, imp_order).columns, dtype=float)
    has_c = cust_rows >= 0
    answers.loc[has_c] = _answers(lat, cust_rows[has_c], rng, stated_mean, imp_order).to_numpy()
    anon = np.array([r["kind"] == "anonymous" for r in records])
    anon_lat = _latents(int(anon.sum()), rng, driver_idx)
    answers.loc[anon] = _answers(anon_lat, np.arange(int(anon.sum())), rng, stated_mean, imp_order).to_numpy()
    fake = np.array([r["kind"] in ("preview", "test") for r in records])
    for col in answers.columns:
        hi = 5 if col.startswith("Q2_") else 7 if col.startswith("Q4_") else 10
        lo = 0 if col in ("Q1", "Q5") or col.startswith("Q3_") else 1
        answers.loc[fake, col] = rng.integers(lo, hi + 1, int(fake.sum()))
    qcols = list(answers.columns)
    for i, r in enumerate(records):  # partial responses stop part-way (blank after the last page reached)
        if r["kind"] == "partial":
            answers.loc[i, qcols[int(len(qcols) * r["_progress"] / 100):]] = np.nan
    comments: list[str | None] = []
    pii_found: list[tuple[int, str, str]] = []
    tones = np.zeros(len(records))
    tones[has_c] = c[cust_rows[has_c]]
    for i, r in enumerate(records):
        k = r["cust"]
        name = f"{first[k]} {last[k]}" if k is not None else ""
        text, pii = _comment(r["UserLanguage"], tones[i], name, emails[k] if k is not None else "",
                             phones[k] if k is not None else "", rng)
        if r["kind"] == "partial":
            text, pii = None, []
        if k == 0:
            text, pii = "no comment Regards, Mark Wilson", [("name", "Mark Wilson")]
        if k == 1:
            text, pii = "Lovely shop. Reply to mary.o'brien@gmail.com please", [("email", "mary.o'brien@gmail.com")]
        comments.append(text)
        pii_found.extend((i, kind, v) for kind, v in pii)

    # Qualtrics orders the export by RecordedDate.
    order_rows = sorted(range(len(records)), key=lambda i: (records[i]["_when"], records[i]["ResponseId"]))
    position = {old: new for new, old in enumerate(order_rows)}
    q2 = [f"Q2_{j}" for j in range(1, len(STATEMENTS) + 1)]
    q3 = [f"Q3_{j}" for j in range(1, p + 1)]
    q4 = [f"Q4_{j}" for j in range(1, p + 1)]
    columns = [m for m, _, _ in METADATA] + ["Q1", *q2, *q3, *q4, "Q5", "Q6", "CustomerID"]
    labels = {m: t for m, t, _ in METADATA}
    imports = {m: j for m, _, j in METADATA}
    labels.update(Q1=Q1_TEXT, Q5=Q5_TEXT, Q6=Q6_TEXT, CustomerID="CustomerID")
    imports.update(Q1='{"ImportId":"QID1"}', Q5='{"ImportId":"QID5"}', Q6='{"ImportId":"QID6_TEXT"}',
                   CustomerID='{"ImportId":"CustomerID"}')
    for j, (s, _, _) in enumerate(STATEMENTS, 1):
        labels[f"Q2_{j}"], imports[f"Q2_{j}"] = f"{Q2_TEXT} - {s}", f'{{"ImportId":"QID2_{j}"}}'
    for j, (w, _, _) in enumerate(ELEMENTS, 1):
        labels[f"Q3_{j}"], imports[f"Q3_{j}"] = f"{Q3_TEXT} - {w}", f'{{"ImportId":"QID3_{j}"}}'
    for k, j in enumerate(imp_order, 1):
        w = ELEMENTS[j][0]
        labels[f"Q4_{k}"] = f"{Q4_TEXT} - {IMPORTANCE_WORDING.get(w, w)}"
        imports[f"Q4_{k}"] = f'{{"ImportId":"QID4_{k}"}}'
    table = []
    for old in order_rows:
        r = records[old]
        row = [r[m] for m, _, _ in METADATA]
        row += [_cell(v) for v in answers.loc[old].tolist()]
        row += [comments[old], r["CustomerID"]]
        table.append(row)

    stem = "Acme Customer Survey 2025_November 3, 2025_09.14"
    qualtrics_csv = folder / f"{stem}.csv"
    _write_csv(qualtrics_csv, [columns, [labels[c_] for c_ in columns], [imports[c_] for c_ in columns]], table,
               "utf-8-sig")

    # SPSS .sav of the same survey.
    import pyreadstat

    sav_cols = [SAV_NAMES.get(c_, c_) for c_ in columns]
    sav_frame = pd.DataFrame(table, columns=sav_cols)
    for c_ in ("StartDate", "EndDate", "RecordedDate"):
        sav_frame[c_] = pd.to_datetime(sav_frame[c_])
    for c_, codes in SAV_CODES.items():
        sav_frame[c_] = sav_frame[c_].map(codes).astype(float)
    numeric = ["Progress", "Duration__in_seconds_", "LocationLatitude", "LocationLongitude", "Q1", *q2, *q3, *q4, "Q5"]
    for c_ in numeric:
        sav_frame[c_] = pd.to_numeric(sav_frame[c_]).astype(float)
    for c_ in sav_cols:
        if sav_frame[c_].dtype == object:
            sav_frame[c_] = sav_frame[c_].fillna("")
    sav = folder / f"{stem}.sav"
    pyreadstat.write_sav(sav_frame, str(sav), column_labels=[labels[c_] for c_ in columns],
                         variable_value_labels=_value_labels())
    # The SPSS header holds the writing date and time (bytes 92-108): fixed, so a seed gives the same bytes.
    blob = bytearray(sav.read_bytes())
    blob[92:109] = b"03 Nov 2509:14:00"
    sav.write_bytes(bytes(blob))

    qsf = folder / "Acme_Customer_Survey_2025.qsf"
    qsf.write_text(json.dumps(_qsf(imp_order, "SV_0AcmeCx2025Sv1"), ensure_ascii=False), encoding="utf-8")

    # CRM extract.
    crm_header = ["Customer_ID", "Customer_Name", "Email", "Phone", "Region", "Age_Band", "Open_Date", "Close_Date",
                  "Closed", "Tenure_Months", "Annual_Spend", "Visits", "Marketing_Consent"]
    crm_rows = []
    for k in range(n):
        end = close[k] if close[k] is not None else extract
        months = (end.year - open_date[k].year) * 12 + (end.month - open_date[k].month) - (end.day < open_date[k].day)
        crm_rows.append([cust_id[k], f"{first[k]} {last[k]}", emails[k], phones[k], region[k], age_band[k],
                         open_date[k].strftime("%Y-%m-%d"), close[k].strftime("%Y-%m-%d") if close[k] is not None
                         else "", "Y" if close[k] is not None else "N", str(int(months)), _money(float(spend[k])),
                         str(int(visits[k])), consent[k]])
    crm_csv = folder / "crm_export.csv"
    _write_csv(crm_csv, [crm_header], crm_rows, "cp1252")

    # The truth.
    kinds = [records[old]["kind"] for old in order_rows]
    rows = {kind: [i for i, k_ in enumerate(kinds) if k_ == kind]
            for kind in ("valid", "preview", "test", "partial", "anonymous", "duplicate")}
    cb_set = {cust_id[int(k)] for k in closed_before_c}
    rows["closed_before_response"] = [i for i, old in enumerate(order_rows)
                                      if records[old]["kind"] == "valid" and records[old]["CustomerID"] in cb_set]
    effects = {w: (1.0 if w in DRIVERS else 0.0) for w in names}
    imp_col = {ELEMENTS[j][0]: f"Q4_{k}" for k, j in enumerate(imp_order, 1)}
    truth: dict[str, Any] = {
        "seed": seed, "n_customers": n, "client": CLIENT, "extract_date": EXTRACT_DATE,
        "survey_file": qualtrics_csv.name, "sav_file": sav.name, "qsf_file": qsf.name, "crm_file": crm_csv.name,
        "id_columns": {"survey": "CustomerID", "customers": "Customer_ID"},
        "drivers": list(DRIVERS), "hidden_drivers": list(DRIVERS), "element_effects": effects,
        "elements": {w: {"stage": s, "dimension": d, "performance_column": f"Q3_{j}", "importance_column": imp_col[w],
                         "importance_wording": IMPORTANCE_WORDING.get(w, w),
                         "stated_mean": float((stated_mean[j - 1] - 1) / 6 * 100)}
                     for j, (w, s, d) in enumerate(ELEMENTS, 1)},
        "items": {f"Q2_{j}": {"motivator": m, "names_motivator": named, "statement": s}
                  for j, (s, m, named) in enumerate(STATEMENTS, 1)},
        "missing_codes": {**{c_: [NA_PERF] for c_ in q3}, **{c_: [NA_IMP] for c_ in q4}},
        "missing_code_by_block": {"Q3": NA_PERF, "Q4": NA_IMP},
        "rows": rows, "counts": {k_: len(v) for k_, v in rows.items()},
        "closed_before_response_ids": sorted(cb_set),
        "ignore_columns": [m for m, _, _ in METADATA if m not in PII_COLUMNS], "pii_columns": list(PII_COLUMNS),
        "pii_in_comments": [{"row": position[i], "kind": kind, "value": v} for i, kind, v in pii_found
                            if records[i]["kind"] != "partial"],
        "sav_codes": copy.deepcopy(SAV_CODES),
        "answers": "numeric codes (Qualtrics 'use numeric values'); metadata as text in the CSV, Status and "
                   "Finished as numeric codes with value labels in the .sav",
        "engagement_yaml": _engagement(sav=False), "codebook": _codebook(columns, imp_order, sav=False),
        "sav_engagement_yaml": _engagement(sav=True), "sav_codebook": _codebook(sav_cols, imp_order, sav=True),
    }
    return RawExports(folder, qualtrics_csv, sav, qsf, crm_csv, truth)
