"""A PII corpus for :func:`cxlib.privacy.scrub` (#16, "privacy at the door"), in English, Dutch, German and French.

``PII_COMMENTS``: ``(comment, planted)`` pairs; none of the planted strings may survive ``scrub(comment,
pii_values=PII_VALUES)``. They cover e-mail addresses of every common shape (apostrophes, plus tags,
sub-domains, hyphens, digits, upper case, obfuscated), phone numbers in national and international formats
(UK, Ireland, US, Netherlands, Belgium, Germany, France), names in greetings, sign-offs and introductions,
and values of the engagement's ``pii`` columns (``PII_PEOPLE``: names, e-mail addresses, phone numbers,
addresses, customer references), also where a comment holds only a first or a last name, or drops the
accent of one. ``LANGUAGE`` and ``KIND`` name each comment's language (``en``, ``nl``, ``de``, ``fr``) and
kind (``e-mail``, ``phone``, ``name``, ``pii value``).

``ORDINARY_COMMENTS``: comments that hold nothing personal and must come back exactly as they are.

The survey of the session's small batch (tests/conftest.py, ``small_engagements``) carries all of it: the
comments in its verbatim column, :func:`respondents` in its ``pii`` columns (``PII_COLUMNS``), and
``PII_TEMPLATES`` filled with each respondent's own values; tests/test_privacy_scan.py then checks that
nothing of it appears in any published file. Every string here is Windows-1252 encodable (the awkward corpus
saves that survey as cp1252).
"""
from __future__ import annotations

import unicodedata

__all__ = ["PII_COMMENTS", "PII_VALUES", "PII_PEOPLE", "PII_COLUMNS", "PII_TEMPLATES", "ORDINARY_COMMENTS",
           "LANGUAGE", "KIND", "respondents"]

#: The survey's ``pii`` columns as a Qualtrics export names them (recipient fields, embedded data), by key.
PII_COLUMNS = {"first": "RecipientFirstName", "last": "RecipientLastName", "email": "RecipientEmail",
               "phone": "RecipientPhone", "address": "RecipientAddress", "reference": "ExternalReference"}

#: The respondents whose pii-column values the comments below mention.
PII_PEOPLE: list[dict[str, str]] = [
    {"first": "Pieter", "last": "Jansen", "email": "pieter.jansen@kpnmail.nl", "phone": "06-24681357",
     "address": "Keizersgracht 221", "reference": "CUST-00912"},
    {"first": "Sanne", "last": "van den Berg", "email": "s.vandenberg+winkel@hotmail.nl", "phone": "+31 20 555 0199",
     "address": "Prinsengracht 12", "reference": "CUST-00417"},
    {"first": "Friedrich", "last": "Baumgartner", "email": "f.baumgartner@mail.example.de",
     "phone": "+49 89 2345 6789", "address": "Hauptstraße 5", "reference": "CUST-00533"},
    {"first": "Élodie", "last": "Rousseau", "email": "elodie.rousseau@orange.fr", "phone": "+33 1 42 60 12 34",
     "address": "Rue de Rivoli 18", "reference": "CUST-00688"},
    {"first": "Grace", "last": "O'Malley", "email": "grace.o'malley@eircom.net", "phone": "+353 87 123 4567",
     "address": "12 Harbour Road", "reference": "CUST-00701"},
    {"first": "Ahmed", "last": "Yilmaz", "email": "ahmed.yilmaz@ziggo.nl", "phone": "+31 6 4455 6677",
     "address": "Kerkstraat 7", "reference": "CUST-00345"},
    # A respondent whose names are common words: "Will Best" goes, "I will be back, best shop" stays.
    {"first": "Will", "last": "Best", "email": "will.best@example.co.uk", "phone": "07700 900461",
     "address": "3 Mill Lane", "reference": "CUST-00256"},
]

#: Every value of ``PII_PEOPLE`` (and each full name), as ``Engagement.pii_values()`` would give them.
PII_VALUES: list[str] = sorted({v for p in PII_PEOPLE for v in (*p.values(), f"{p['first']} {p['last']}")})

_CORPUS: dict[str, dict[str, list[tuple[str, list[str]]]]] = {
    # -- e-mail addresses, every common shape -------------------------------------------------------------
    "e-mail": {
        "en": [
            ("Please mail mary.o'brien@gmail.com about my refund", ["mary", "o'brien", "gmail"]),
            ("write to jo+cx@example.co.uk please", ["jo+cx", "example.co.uk", "jo"]),
            ("My address is J.Doe-Smith99@Mail.Sub.Example.COM now", ["Doe-Smith99", "Mail.Sub", "Example.COM"]),
            ("contact: first_last@mail-server.example.org.", ["first_last", "mail-server"]),
            ("mail jo at example dot com if anything changes", ["jo at example", "example dot com"]),
            ("mail jo [at] example [dot] com", ["jo [at]", "example [dot]"]),
            ("email ANNA.SCHMIDT @ WEB.DE please", ["ANNA.SCHMIDT", "WEB.DE"]),
            ("Reach me: o'connor.sean+shop@mail.ie", ["o'connor", "sean+shop", "mail.ie"]),
            ("my work mail is m.wilson@sales.eu.bigcorp.com", ["m.wilson", "bigcorp"]),
            ("Contact jane dot doe at gmail dot com", ["jane", "doe", "gmail"]),
            ("sarah.o'neill+orders@mail.example.co.uk wrote to you twice", ["sarah", "o'neill", "orders"]),
            ("Email: <JANE.DOE@EXAMPLE.COM>.", ["JANE.DOE", "EXAMPLE.COM"]),
        ],
        "nl": [
            ("Stuur een mail naar jan.de.vries@kpnmail.nl aub", ["jan.de.vries", "kpnmail"]),
            ("mijn mail is kees(at)example.nl", ["kees(at)", "example.nl"]),
            ("Mail naar m.de.groot+webshop@student.uva.nl graag", ["de.groot", "webshop", "uva"]),
            ("Mijn e-mail: annelies.o'hara@hotmail.com", ["annelies", "o'hara", "hotmail"]),
            ("stuur het naar k.visser(at)zeelandnet(punt)nl", ["visser", "zeelandnet"]),
            ("Graag reactie op JOOST.BAKKER@PLANET.NL", ["JOOST", "BAKKER", "PLANET"]),
        ],
        "de": [
            ("Bitte an hans.mueller@t-online.de schreiben", ["hans.mueller", "t-online"]),
            ("Meine E-Mail: lena.schulz+shop@mail.gmx.de", ["lena.schulz", "gmx"]),
            ("Antwort bitte an anna [at] gmx [punkt] de", ["anna", "gmx"]),
            ("Kontakt: j.o'neill@firma.example.de", ["o'neill", "firma"]),
            ("Schreiben Sie an Jürgen.Groß@web.de", ["Jürgen", "Groß"]),
        ],
        "fr": [
            ("Écrivez-moi à élodie.dupont@orange.fr merci", ["élodie.dupont", "orange.fr"]),
            ("Mon mail : jean-luc.d'arcy@free.fr", ["jean-luc", "d'arcy"]),
            ("écrivez à marie.leroy+commandes@laposte.net", ["leroy", "commandes", "laposte"]),
            ("contact : paul.martin arobase orange point fr", ["paul.martin", "orange point"]),
            ("Répondez à C.DUBOIS@SFR.FR svp", ["DUBOIS", "SFR"]),
        ],
    },
    # -- phone numbers, national and international ------------------------------------------------------
    "phone": {
        "en": [
            ("Call (555) 123-4567 after work", ["123-4567", "(555)"]),
            ("call me on +1 555-123-4567", ["555-123-4567"]),
            ("text 07700 900123 when it's ready", ["07700", "900123"]),
            ("ring +44 (0)20 7946 0958 any time", ["7946", "0958"]),
            ("mobile 07911.123.456", ["07911", "123.456"]),
            ("my mobile is +44 7700 900987", ["7700 900987", "900987"]),
            ("office 0161 496 0000, ask for accounts", ["0161", "496 0000"]),
            ("freephone 1-800-555-0199 was useless", ["555-0199"]),
        ],
        "nl": [
            ("Bel me op 06-12345678 graag", ["12345678"]),
            ("Mijn nummer: +31 6 1234 5678", ["1234 5678", "+31 6"]),
            ("Bel 0031 20 123 4567 tussen 9 en 5", ["123 4567", "0031"]),
            ("Nummer 010-1234567 werkt niet meer", ["1234567"]),
            ("Bereikbaar op 06 12 34 56 78", ["12 34 56 78"]),
            ("vast nummer 020-7654321", ["7654321"]),
            ("mijn nummer is +31 (0)6 87654321", ["87654321"]),
            ("Bel +32 475 12 34 56 (België)", ["475 12 34 56"]),
        ],
        "de": [
            ("Rufen Sie mich an: +49 (0)30 1234567", ["1234567", "+49"]),
            ("Telefon 030/1234567, ab 18 Uhr", ["030/1234567", "1234567"]),
            ("Tel. 0201 234 56 78 (Essen)", ["234 56 78"]),
            ("Handy: +49 171 1234567", ["171 1234567"]),
            ("Festnetz 0171 / 123 45 67", ["0171", "123 45 67"]),
            ("erreichbar unter (089) 123 456 78", ["123 456 78"]),
            ("0049 89 98765432 nach 17 Uhr", ["98765432"]),
        ],
        "fr": [
            ("Appelez-moi au 01 23 45 67 89", ["23 45 67 89"]),
            ("Mon portable : +33 6 12 34 56 78", ["12 34 56 78", "+33"]),
            ("Mon numéro : 06.12.34.56.78", ["06.12.34.56.78"]),
            ("appelez le +33 (0)6 98 76 54 32", ["98 76 54 32"]),
            ("fixe : 0033 1 45 67 89 01", ["45 67 89 01"]),
            ("Tél : 07 11 22 33 44", ["11 22 33 44"]),
        ],
    },
    # -- names in greetings, sign-offs and introductions --------------------------------------------------
    "name": {
        "en": [
            ("no comment Regards, Mark Wilson", ["Mark", "Wilson"]),
            ("All good. Kind regards, Jan", ["Jan"]),
            ("Quick delivery. Thanks, Sarah", ["Sarah"]),
            ("Love the new app. Cheers - Tom", ["Tom"]),
            ("The refund took weeks. Best, J. Smith", ["Smith", "J."]),
            ("no comment regards mark wilson", ["mark", "wilson"]),
            ("Great shop, will be back - Ben", ["Ben"]),
            ("Staff were lovely.\nRachel", ["Rachel"]),
            ("Hi, I'm Mark and I shop here weekly", ["Mark"]),
            ("My name is Mark Wilson and I want a call back", ["Mark", "Wilson"]),
            ("Dear Mark, the parcel never came", ["Mark"]),
            ("Hello Emma! Thanks for sorting it", ["Emma"]),
            ("Dear Mrs Smith, the parcel was late", ["Smith"]),
            ("no comment. Regards, MARK WILSON", ["MARK", "WILSON"]),
            ("Thx, Dave", ["Dave"]),
            ("BR, Dave Smith", ["Dave", "Smith"]),
            ("Rgds, Gareth", ["Gareth"]),
            ("Kind regards,\nHelen Clarke (Leeds)", ["Helen", "Clarke"]),
            ("Hello, this is Dave from Leeds, please call me back", ["Dave"]),
            ("Thanks from Priya", ["Priya"]),
            ("Sorted quickly. Best regards. Oliver Twist", ["Oliver", "Twist"]),
        ],
        "nl": [
            ("Goede winkel. Groeten, Jan de Vries", ["Jan", "Vries"]),
            ("Met vriendelijke groet, Anna", ["Anna"]),
            ("Alles prima. Mvg, Pieter", ["Pieter"]),
            ("Snelle levering Gr. Kees", ["Kees"]),
            ("Ik ben Jan, vaste klant", ["Jan"]),
            ("Mijn naam is Fleur Bakker en ik ben tevreden", ["Fleur", "Bakker"]),
            ("Beste Sanne, dank voor de hulp", ["Sanne"]),
            ("Hallo Anna, alles is goed gegaan", ["Anna"]),
            ("Beste mevrouw Smits, bedankt voor het bellen", ["Smits"]),
            ("Groetjes van Lisa", ["Lisa"]),
            ("Groeten uit Utrecht, Kees", ["Kees"]),
            ("Met vriendelijke groet, mevrouw De Jong", ["Jong"]),
            ("Top service! Groetjes, Femke", ["Femke"]),
            ("Vriendelijke groet,\nJoost Visser", ["Joost", "Visser"]),
            ("Tot ziens, Sem", ["Sem"]),
        ],
        "de": [
            ("Mit freundlichen Grüßen, Hans Müller", ["Hans", "Müller"]),
            ("Sehr zufrieden. Viele Grüße, Anna", ["Anna"]),
            ("Alles super LG Jonas", ["Jonas"]),
            ("Mein Name ist Hans und ich bin zufrieden", ["Hans"]),
            ("Lieber Lukas, danke für alles", ["Lukas"]),
            ("Liebe Grüße\nSophie Wagner", ["Sophie", "Wagner"]),
            ("Guten Tag, Herr Schmidt, alles erledigt", ["Schmidt"]),
            ("Beste Grüße, Lena Schulz", ["Lena", "Schulz"]),
            ("Grüße aus Köln, Jürgen", ["Jürgen"]),
            ("Liebe Grüße von Lena", ["Lena"]),
            ("MFG KLAUS MEIER", ["KLAUS", "MEIER"]),
            ("Danke, Lena!", ["Lena"]),
            ("Mit freundlichen Grüßen\nDr. Hans-Peter Müller-Lüdenscheidt", ["Hans-Peter", "Lüdenscheidt"]),
            ("Ich heiße Lena Schulz und bin Stammkundin", ["Lena", "Schulz"]),
        ],
        "fr": [
            ("Cordialement, Marie Dupont", ["Marie", "Dupont"]),
            ("Livraison rapide. Bien à vous, Jean-Pierre", ["Jean-Pierre"]),
            ("Très bon accueil. Merci, Claire", ["Claire"]),
            ("Je m'appelle Marie et je suis cliente depuis 2010", ["Marie"]),
            ("Bonjour Marie, rien à signaler", ["Marie"]),
            ("Bonjour Madame Lefèvre, tout va bien", ["Lefèvre"]),
            ("Bonne équipe. Amicalement, Luc Bernard", ["Luc", "Bernard"]),
            ("Service au top — Océane", ["Océane"]),
            ("Cdlt, Paul Martin", ["Paul", "Martin"]),
            ("Merci d'avance, Chloé", ["Chloé"]),
            ("Bisous, Chloé", ["Chloé"]),
            ("Cordialement,\nJean-Marc de la Fontaine", ["Jean-Marc", "Fontaine"]),
            ("Tout est parfait. Bien à vous. Paul Martin", ["Paul", "Martin"]),
            ("Je suis Paul, client fidèle", ["Paul"]),
            ("CORDIALEMENT, MARIE DUPONT", ["MARIE", "DUPONT"]),
        ],
    },
    # -- values of the engagement's pii columns (PII_PEOPLE) ----------------------------------------------
    "pii value": {
        "en": [
            ("Pieter at the Utrecht branch was great", ["Pieter"]),
            ("mr JANSEN helped me twice", ["JANSEN"]),
            ("Ms O’Malley sorted my account", ["Malley"]),
            ("My customer number is CUST-00912", ["CUST-00912", "00912"]),
            ("mail me on AHMED.YILMAZ@ZIGGO.NL", ["AHMED", "ZIGGO"]),
            ("Grace was really helpful", ["Grace"]),
            ("Will Best called me back, lovely man", ["Will Best"]),
            ("Elodie Rousseau knew her stuff", ["Elodie", "Rousseau"]),
            ("ask for Mr Yilmaz at the desk", ["Yilmaz"]),
            ("send it to 12 harbour road please", ["12 harbour road"]),
        ],
        "nl": [
            ("Sanne van den Berg heeft me goed geholpen", ["Sanne", "Berg"]),
            ("Stuur de brief naar Keizersgracht 221 aub", ["Keizersgracht 221"]),
            ("bel +31 6 4455 6677", ["4455", "6677"]),
            ("Pieter Jansen van de klantenservice was top", ["Pieter", "Jansen"]),
            ("Mijn klantnummer is CUST-00417", ["CUST-00417", "00417"]),
            ("Mevrouw Van Den Berg belde terug", ["Berg"]),
            ("Bel Ahmed op 06-24681357", ["Ahmed", "24681357"]),
        ],
        "de": [
            ("Herr Baumgartner war sehr freundlich", ["Baumgartner"]),
            ("Friedrich hat alles erklärt", ["Friedrich"]),
            ("Lieferung an Hauptstraße 5 kam nie an", ["Hauptstraße 5"]),
            ("Lieferung an die Hauptstrasse 5 bitte", ["Hauptstrasse 5"]),
            ("Bitte an f.baumgartner@mail.example.de antworten", ["baumgartner"]),
            ("Friedrich Baumgartner, Kundennummer CUST-00533", ["Friedrich", "Baumgartner", "CUST-00533"]),
        ],
        "fr": [
            ("Élodie Rousseau au guichet était parfaite", ["Élodie", "Rousseau"]),
            ("Madame rousseau était gentille", ["rousseau"]),
            ("J'habite rue de rivoli 18, Paris", ["rivoli 18"]),
            ("Écrivez à elodie.rousseau@orange.fr", ["elodie.rousseau", "orange.fr"]),
            ("Élodie m'a rappelée au +33 1 42 60 12 34", ["Élodie", "42 60 12 34"]),
            ("Grâce à Mme O'Malley tout est réglé", ["O'Malley", "Malley"]),
        ],
    },
}

PII_COMMENTS: list[tuple[str, list[str]]] = [pair for by_language in _CORPUS.values()
                                             for pairs in by_language.values() for pair in pairs]
#: Each PII comment's language (``en``, ``nl``, ``de``, ``fr``) and kind (``e-mail``, ``phone``, ``name``,
#: ``pii value``).
LANGUAGE: dict[str, str] = {c: lang for by_language in _CORPUS.values() for lang, pairs in by_language.items()
                            for c, _ in pairs}
KIND: dict[str, str] = {c: kind for kind, by_language in _CORPUS.items() for pairs in by_language.values()
                        for c, _ in pairs}

#: Comments a respondent writes with their own pii-column values in them (filled by :func:`respondents`'
#: values, keys of ``PII_COLUMNS``), one or two per language.
PII_TEMPLATES: list[tuple[str, str]] = [
    ("en", "Please call me back on {phone}. Thanks, {first}"),
    ("en", "{first} {last} here, account {reference}: the refund never came"),
    ("nl", "Stuur de factuur naar {address}, of mail {email}"),
    ("nl", "Ik ben {first} {last}, bel me op {phone}"),
    ("de", "Bitte schicken Sie die Rechnung an {email}. Gruß, {first} {last}"),
    ("de", "Meine Kundennummer ist {reference}, Adresse {address}"),
    ("fr", "Mon adresse a changé : {address}. Cordialement, {last}"),
    ("fr", "Écrivez à {email} ou appelez le {phone}, merci"),
]

ORDINARY_COMMENTS: list[str] = [
    # English
    "Staff remember me",
    "The parking is a maze",
    "Great service, thanks!",
    "Thanks for the help",
    "Thanks, Great job",
    "Dear Team, keep it up",
    "Best Price!",
    "Great staff, 2 visits in 3 weeks, 10/10",
    "I will be back, best shop in town.",
    "The app keeps logging me out.",
    "They really get me.",
    "Fine, nothing special.",
    "Thanks again, Everyone was so helpful.",
    "Hello? Is anyone reading these?",
    "Paid £45 on 12/05/2024 and it arrived at 10.30",
    "I am British and proud of this shop",
    "This is Amsterdam's best shop",
    "Kind regards from a happy customer",
    # Dutch
    "Prima service, bedankt!",
    "De winkel is altijd schoon. Groeten aan het team",
    "Beste service ooit, echt top",
    "Heel vriendelijk personeel, dank je wel",
    "Ik ben tevreden over de levering",
    "Groeten uit Utrecht",
    "Tot ziens en bedankt",
    # German
    "Sehr gut, danke",
    "Alles in Ordnung, vielen Dank!",
    "Die Wartezeit war zu lang.",
    "Liebe Grüße an das ganze Team",
    "Hallo, die App stürzt oft ab",
    "Liebe Grüße aus Berlin",
    "Guten Tag, Herr Kundenberater war nett",
    # French
    "Très bien",
    "Merci beaucoup, super équipe !",
    "Le magasin est trop loin de chez moi.",
    "Bonjour, rien à signaler",
    "Bonjour Madame, tout va bien",
    "Cordialement, une cliente fidèle",
    "Grâce à l'équipe, tout est réglé",
    "Merci pour tout, à bientôt !",
]

# -- generated respondents for the rest of a survey's rows ---------------------------------------------

_FIRST = ["Marieke", "Joost", "Annelies", "Bram", "Femke", "Lotte", "Jeroen", "Wouter", "Ingrid", "Gerrit",
          "Klaus", "Jürgen", "Ute", "Dieter", "Heike", "Benoît", "Margaux", "Thibault", "Aurélie", "Gaëlle",
          "Siobhan", "Declan", "Niamh", "Alistair", "Fiona", "Hamish", "Priya", "Tobias", "Mathilde", "Sven"]
_LAST = ["Visser", "Meijer", "de Boer", "Mulder", "Hendriks", "Dekker", "Brouwer", "van Dijk", "Wagner", "Becker",
         "Hoffmann", "Schäfer", "Neumann", "Zimmermann", "Lefebvre", "Moreau", "Fournier", "Girard", "Mercier",
         "Gallagher", "Brennan", "Kavanagh", "McAllister", "O'Sullivan", "Achterberg", "Kowalski", "Nakamura",
         "Okonkwo", "Lindqvist", "Vermeulen"]
_STREETS = ["Dorpsstraat {n}", "Kerkweg {n}", "Bahnhofstraße {n}", "Lindenallee {n}", "{n} rue Victor Hugo",
            "{n} avenue Foch", "{n} Station Road", "{n} Church Lane"]
_DOMAINS = ["gmail.com", "hotmail.nl", "web.de", "orange.fr", "mail.example.co.uk", "ziggo.nl", "t-online.de",
            "free.fr", "eircom.net"]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def respondents(n: int) -> list[dict[str, str]]:
    """pii-column values for ``n`` survey rows: ``PII_PEOPLE`` first, then generated people (every tenth
    row blank, as an anonymous link gives), each with a distinct e-mail address, phone number, address and
    reference in the shapes of the four countries.

    Examples
    --------
    >>> rows = respondents(12)
    >>> rows[0]["first"], rows[9]["email"], rows[10]["reference"]
    ('Pieter', '', 'CUST-01010')
    """
    out: list[dict[str, str]] = []
    for i in range(n):
        if i < len(PII_PEOPLE):
            out.append(dict(PII_PEOPLE[i]))
            continue
        if i % 10 == 9:
            out.append({k: "" for k in PII_COLUMNS})
            continue
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST) + i) % len(_LAST)]
        f, l = _ascii(first), _ascii(last)
        email = [f"{f}.{l}@{{d}}", f"{f[0]}.{l}+shop@{{d}}", f"{f}.{l}{i}@{{d}}", f"{l}.{f}@shop.{{d}}",
                 f"{f}_{l}{i}@{{d}}"][i % 5].format(d=_DOMAINS[i % len(_DOMAINS)])
        phone = [f"+31 6 {i:04d} {9000 - i:04d}", f"06-{i:04d}{i % 97:04d}", f"+49 171 {i:07d}",
                 f"+33 6 {i // 100 % 100:02d} {i % 100:02d} {i % 89:02d} {i % 83:02d}", f"07700 900{i % 1000:03d}",
                 f"+353 87 {i % 1000:03d} {i:04d}"][i % 6]
        out.append({"first": first, "last": last, "email": email, "phone": phone,
                    "address": _STREETS[i % len(_STREETS)].format(n=i % 300 + 1), "reference": f"CUST-{1000 + i:05d}"})
    return out
