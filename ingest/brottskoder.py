"""Default mapping from the police's brottskod (Brå's kodlista) to the lägesbild's category codes.

A polisanmält brott is coded with a four-digit brottskod from Brå's *Klassificering av brott*
(kodlista in force from 1 January 2016, revised yearly; the police write the code and its
rubricering, e.g. ``1203;Skadegörelse på motorfordon, ej brand``). A kommun receives an extract of
recorded offences under the information-sharing duty and maps the codes it cares about to its own
categories; every other code is either left out on purpose (``None``) or listed for mapping.

A plain dict, replaced (or partly replaced) by a kommun's own table:
``{**DEFAULT_BROTTSKOD_MAPPING, **rows_from_db}``. A value is a category code of the seed taxonomy
or ``None`` ("importeras inte").

Sources and their limits (recorded so the table can be checked, not trusted blindly):

* Brå, *Klassificering av brott*, kodlista (bra.se, "Klassificering av brott", versions 5.0–7.0 and
  later; brottsvåg.se/brottskoder reproduces the 2016 list). The codes 0301–0310 (försök till mord
  och dråp; fullbordat mord, dråp) were read in that list.
* The codes below for skadegörelse (1201–1214), mordbrand (1301), rån (0891–0896), våld mot
  tjänsteman (1701–1702) and narkotika (5010–5013) were written from Brå's list as the project knew
  it; the texts were not available in full to the author when this table was written. **Check them
  against the kodlista in force** before relying on them: the kommun edits the table on the page
  "Brottskoder" (and an unknown code is never dropped: it is listed for mapping).
* Categories: skadegörelse, brand (anlagd brand), bilbrand (skadegörelse genom brand på
  motorfordon → anlagd brand), våld mot tjänsteman (→ incident mot anställd), rån, narkotika, as
  issue 13 asks. Dödligt våld: 0301–0310 (attempted and completed mord/dråp, as read in the list
  above; attempts go to the same category, as the police event type "Mord/dråp, försök" does).
  Skjutning, sprängning and sexualbrott codes are not seeded: their codes were not available to
  check, so they are listed for mapping on the first file that holds them.
"""

from __future__ import annotations

#: Brottskod → (the rubricering as the police write it, category code or None).
DEFAULT_BROTTSKODER: dict[str, tuple[str, str | None]] = {
    # Mord och dråp (3 kap. 1–3 §§), Brå's list as read (brottsvåg.se/brottskoder, 2016 list)
    "0301": (
        "Försök till mord eller dråp i "
        "förening med självmord/självmordsförsök med användning av skjutvapen",
        "dodligt_vald",
    ),
    "0302": (
        "Försök till mord eller dråp utan "
        "förening med självmord/självmordsförsök med användning av skjutvapen",
        "dodligt_vald",
    ),
    "0303": (
        "Försök, förberedelse och stämpling till mord eller "
        "dråp utan användning av skjutvapen mot kvinna/flicka",
        "dodligt_vald",
    ),
    "0304": (
        "Försök, förberedelse och stämpling till mord eller "
        "dråp utan användning av skjutvapen mot man/pojke",
        "dodligt_vald",
    ),
    "0305": (
        "Försök till mord eller dråp i "
        "förening med självmord/självmordsförsök utan användning av skjutvapen",
        "dodligt_vald",
    ),
    "0306": (
        "Försök till mord eller dråp utan "
        "förening med självmord/självmordsförsök utan användning av skjutvapen",
        "dodligt_vald",
    ),
    "0307": (
        "Försök, förberedelse och stämpling till mord eller "
        "dråp med användning av skjutvapen mot kvinna/flicka",
        "dodligt_vald",
    ),
    "0308": (
        "Försök, förberedelse och stämpling till mord eller "
        "dråp med användning av skjutvapen mot man/pojke",
        "dodligt_vald",
    ),
    "0309": ("Barnadråp", "dodligt_vald"),
    "0310": (
        "Fullbordat mord, dråp eller misshandel med "
        "dödlig utgång utan användning av skjutvapen",
        "dodligt_vald",
    ),
    # Skadegörelse (12 kap. brottsbalken), incl. klotter and bilbrand
    "1201": ("Skadegörelse genom brand, motorfordon", "anlagd_brand"),
    "1202": ("Skadegörelse genom brand, ej motorfordon", "anlagd_brand"),
    "1203": ("Skadegörelse på motorfordon, ej brand", "skadegorelse"),
    "1209": ("Klotter mot kollektivtrafiken", "klotter"),
    "1210": ("Klotter mot stat, kommun, region", "klotter"),
    "1211": ("Klotter, övrigt", "klotter"),
    "1212": ("Skadegörelse mot kollektivtrafiken, ej klotter", "skadegorelse"),
    "1213": ("Skadegörelse mot stat, kommun, region, ej klotter", "skadegorelse"),
    "1214": ("Skadegörelse, övrig, ej klotter", "skadegorelse"),
    # Allmänfarliga brott (13 kap.)
    "1301": ("Mordbrand", "anlagd_brand"),
    # Rån (8 kap. 5–6 §§)
    "0891": ("Rån mot butik", "ran"),
    "0892": ("Rån mot person utomhus", "ran"),
    "0896": ("Rån, övrigt", "ran"),
    # Våld mot tjänsteman (17 kap. 1 §)
    "1701": ("Våld mot tjänsteman, polis", "incident_anstalld"),
    "1702": ("Våld mot tjänsteman, övriga", "incident_anstalld"),
    # Narkotikastrafflagen
    "5010": ("Narkotikabrott, eget bruk", "narkotika"),
    "5011": ("Narkotikabrott, innehav", "narkotika"),
    "5012": ("Narkotikabrott, överlåtelse", "narkotika"),
    "5013": ("Narkotikabrott, framställning", "narkotika"),
}

#: Brottskod → category code (None: not imported), the form the api overlays with a kommun's rows.
DEFAULT_BROTTSKOD_MAPPING: dict[str, str | None] = {
    code: category for code, (_text, category) in DEFAULT_BROTTSKODER.items()
}
