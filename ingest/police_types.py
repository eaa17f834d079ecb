"""Default mapping from Polisen's event ``type`` to the lägesbild's category codes.

A plain dict, so the api can replace it (or parts of it) with a kommun's own table:
``{**DEFAULT_POLICE_TYPE_MAPPING, **rows_from_db}``. A value is

* a category code from the seed taxonomy (docs/data-contract.md), or
* ``None``: the type is not part of a crime-prevention lägesbild (traffic accidents, missing
  persons, rescue operations …) and the event is skipped with the counted reason
  ``ej_relevant_typ``.

Types not in the mapping at all are handled by the parser's ``unmapped_category`` parameter
(default ``"ovrigt"``), so a new police type is never silently lost.

Decisions worth knowing (the kommun can override every one of them):

* **Brand → ovrigt.** Polisen's "Brand" covers car fires, building fires and grass fires; most are
  not known to be set on purpose, so calling them *anlagd brand* would overstate arson.
  "Mordbrand" (arson by definition) → ``anlagd_brand``.
* **Våld/hot mot tjänsteman** and **Sabotage mot blåljusverksamhet** → ``incident_anstalld``:
  threats, violence and obstruction against people at work is what that category is for.
  **Olaga hot** → ``ovrigt``: mostly between private persons, not against staff.
* **The serious violence** has its own categories (issue 13): Skottlossning (incl. misstänkt) →
  ``skjutning``; Explosion → ``sprangning``; Mord/dråp (incl. försök) → ``dodligt_vald``;
  Våldtäkt (incl. försök), Sexualbrott and Sedlighetsbrott → ``sexualbrott``, a *sensitive*
  category (its free text is shown to analysts only and never exported). Until then they were
  counted as misshandel (Mord/dråp) or ovrigt; reports stored before keep their category.
  **Ofredande/förargelse** stays ``ovrigt``: mostly not sexual. **Smällar** (fireworks, bangs)
  stays ``ovrigt``: a bang is not known to be an explosion.
* **Olovlig körning** → ``olovlig_trafik``: in the feed this is largely moped riders and drivers
  without licence; *Trafikbrott* (speeding, drunk driving) is skipped.
* **Sammanfattning natt / kväll och natt / dag** are bundles of many incidents. The parser keeps
  each as ONE record flagged as a summary (see :data:`SUMMARY_TYPES`), never split and never
  placed in an area; its category is the parser's ``summary_category`` (default ``"ovrigt"``),
  whatever this mapping says. Any type starting with "Sammanfattning" counts as a summary.
"""

from __future__ import annotations

#: Police types that bundle many incidents in one text (compared case-insensitively).
SUMMARY_TYPES: frozenset[str] = frozenset(
    {"sammanfattning natt", "sammanfattning kväll och natt", "sammanfattning dag",
     "sammanfattning kväll", "sammanfattning helg", "sammanfattning vecka"}
)

#: Police ``type`` -> category code, or None to skip the event as not relevant.
DEFAULT_POLICE_TYPE_MAPPING: dict[str, str | None] = {
    # Skadegörelse and fire
    "Skadegörelse": "skadegorelse",
    "Brand": "ovrigt",
    "Mordbrand": "anlagd_brand",
    # Violence
    "Misshandel": "misshandel",
    "Misshandel, grov": "misshandel",
    "Mord/dråp": "dodligt_vald",
    "Mord/dråp, försök": "dodligt_vald",
    "Larm Överfall": "ovrigt",
    "Skottlossning": "skjutning",
    "Skottlossning, misstänkt": "skjutning",
    "Explosion": "sprangning",
    "Olaga hot": "ovrigt",
    "Olaga frihetsberövande/människorov": "ovrigt",
    "Våldtäkt": "sexualbrott",
    "Våldtäkt, försök": "sexualbrott",
    "Sexualbrott": "sexualbrott",
    "Sedlighetsbrott": "sexualbrott",
    "Ofredande/förargelse": "ovrigt",
    # Against staff
    "Våld/hot mot tjänsteman": "incident_anstalld",
    "Sabotage mot blåljusverksamhet": "incident_anstalld",
    # Robbery
    "Rån": "ran",
    "Rån, försök": "ran",
    "Rån väpnat": "ran",
    "Rån övrigt": "ran",
    # Theft and burglary
    "Stöld/inbrott": "stold_inbrott",
    "Stöld": "stold_inbrott",
    "Stöld, försök": "stold_inbrott",
    "Inbrott": "stold_inbrott",
    "Inbrott, försök": "stold_inbrott",
    "Larm Inbrott": "stold_inbrott",
    "Motorfordon, stöld": "stold_inbrott",
    "Häleri": "ovrigt",
    # Drugs
    "Narkotikabrott": "narkotika",
    # Order and public space
    "Bråk": "ovrigt",
    "Ordningslagen": "ovrigt",
    "Fylleri/LOB": "ovrigt",
    "Fylleri": "ovrigt",
    "Knivlagen": "ovrigt",
    "Vapenlagen": "ovrigt",
    "Smällar": "ovrigt",
    "Farligt föremål, misstänkt": "ovrigt",
    "Olaga intrång": "ovrigt",
    "Hemfridsbrott": "ovrigt",
    "Alkohollagen": "ovrigt",
    "Övrigt": "ovrigt",
    # Traffic in public space
    "Olovlig körning": "olovlig_trafik",
    # Not part of a crime-prevention lägesbild: skipped with a counted reason
    "Trafikolycka": None,
    "Trafikolycka, personskada": None,
    "Trafikolycka, vilt": None,
    "Trafikolycka, singel": None,
    "Trafikolycka, smitning från": None,
    "Trafikkontroll": None,
    "Trafikbrott": None,
    "Trafikhinder": None,
    "Rattfylleri": None,
    "Arbetsplatsolycka": None,
    "Försvunnen person": None,
    "Efterlyst person": None,
    "Anträffad död": None,
    "Fjällräddning": None,
    "Räddningsinsats": None,
    "Sjukdom/olycksfall": None,
    "Vållande till kroppsskada": None,
    "Djur": None,
    "Lagen om hundar och katter": None,
    "Information": None,
    "Uppdatering": None,
    "Kontroll person/fordon": None,
    "Kontroll": None,
    "Polisinsats/kommendering": None,
    "Bedrägeri": None,
    "Förfalskningsbrott": None,
    "Åldringsbrott": None,
    "Motorfordon, anträffat stulet": None,
    "Anträffat gods": None,
    "Miljöbrott": None,
    "Skyddslagen": None,
    "Luftfartslagen": None,
    "Sjölagen": None,
    "Utlänningslagen": None,
}
