"""Which column of an import file is which field: field names, header search, mapping.

The mapping is a plain dict ``field -> header text as in the file``, e.g.
``{"category": "Kategori", "date": "Datum", "x": "X"}``; :func:`propose_mapping` proposes it from
Swedish or English header names, :func:`find_header_row` finds the header row even below title
rows, and :func:`resolve_columns` turns a mapping into column indexes. Everything here is also
importable from :mod:`ingest.file_import`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingest.tabular import ImportRejected
from ingest.values import is_blank, normalise_key

__all__ = ["FIELDS", "find_header_row", "propose_mapping", "resolve_columns"]

#: field -> (Swedish label shown to users, header names recognised; matched by normalise_key).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "category": ("kategori", ("kategori", "category", "kategorikod", "typ", "type",
                              "händelsetyp", "händelse", "brottstyp", "observationstyp")),
    "date": ("datum", ("datum", "date", "observationsdatum", "händelsedatum", "dag",
                       "datum och tid", "datum tid", "tidpunkt", "datetime", "observerad")),
    "time": ("tid", ("tid", "time", "klockslag", "kl", "klockan", "starttid")),
    "place": ("plats", ("plats", "place", "platsbeskrivning", "adress", "address", "location",
                        "plats text", "gatuadress")),
    "description": ("beskrivning", ("beskrivning", "description", "kommentar", "text",
                                    "händelsebeskrivning", "notering", "fritext", "comment")),
    "x": ("x", ("x", "e", "easting", "öst", "ost", "x koordinat", "e koordinat", "sweref x",
                "x sweref", "östlig")),
    "y": ("y", ("y", "n", "northing", "nord", "y koordinat", "n koordinat", "sweref y",
                "y sweref", "nordlig")),
    "lat": ("latitud", ("lat", "latitud", "latitude", "breddgrad")),
    "lon": ("longitud", ("lon", "lng", "long", "longitud", "longitude", "längdgrad")),
    "count": ("antal", ("antal", "count", "antal personer", "antal inblandade", "involved count",
                        "involverade", "inblandade")),
    "external_id": ("id", ("id", "externt id", "external id", "extern id", "ärendenummer",
                           "ärende", "löpnummer", "referens", "rapport id", "händelse id")),
    "area": ("område", ("område", "area", "områdeskod", "area code", "deso", "regso",
                        "est område", "områdesnamn")),
}  # fmt: skip

_ALIAS_TO_FIELD: dict[str, str] = {
    normalise_key(alias): name for name, (_, aliases) in FIELDS.items() for alias in aliases
}


def propose_mapping(headers: list[Any]) -> dict[str, str]:
    """Propose ``field -> header`` from header names (Swedish or English, any case/diacritics).

    Each field takes the first header that matches one of its names; unknown headers are left
    out. Coordinates map to ``x``/``y`` or ``lat``/``lon``.

    Examples
    --------
    >>> propose_mapping(["Händelse-ID", "Kategori", "Datum", "Latitud", "Longitud", "Övrigt"])
    {'external_id': 'Händelse-ID', 'category': 'Kategori', 'date': 'Datum', 'lat': 'Latitud', \
'lon': 'Longitud'}
    """
    mapping: dict[str, str] = {}
    for header in headers:
        if is_blank(header):
            continue
        name = _ALIAS_TO_FIELD.get(normalise_key(header))
        if name is not None and name not in mapping:
            mapping[name] = str(header).strip()
    return mapping


def find_header_row(
    rows: list[list[Any]], wanted: set[str] | None = None, max_scan: int = 30
) -> int:
    """Index (0-based, into ``rows``) of the header row, skipping title rows above it.

    With ``wanted`` (header texts from a saved mapping) the first row holding all of them is the
    header. Otherwise the row among the first ``max_scan`` with the most recognised header names
    (at least two); failing that the first non-empty row.

    Examples
    --------
    >>> find_header_row([["Rapport vecka 47"], [], ["Kategori", "Datum", "Plats"], ["klotter"]])
    2
    """
    scan = rows[:max_scan]
    if wanted:
        want = {normalise_key(w) for w in wanted}
        for i, cells in enumerate(scan):
            if want <= {normalise_key(c) for c in cells if not is_blank(c)}:
                return i
        raise ImportRejected(
            "Hittar ingen rubrikrad med kolumnerna i den sparade mallen: "
            + ", ".join(sorted(wanted))
            + "."
        )
    best, best_score = None, 1
    for i, cells in enumerate(scan):
        score = len({_ALIAS_TO_FIELD.get(normalise_key(c)) for c in cells if not is_blank(c)}
                    - {None})
        if score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    for i, cells in enumerate(rows):
        if any(not is_blank(c) for c in cells):
            return i
    raise ImportRejected("Filen innehåller inga rader.")


def resolve_columns(mapping: Mapping[str, str], headers: list[str]) -> dict[str, int]:
    """Column index of each mapped field; ``ImportRejected`` names a missing column or coordinate."""
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ValueError(f"okända fält i kolumnmallen: {unknown}")
    by_key: dict[str, int] = {}
    for i, h in enumerate(headers):
        by_key.setdefault(normalise_key(h), i)
    columns: dict[str, int] = {}
    for name, header in mapping.items():
        idx = by_key.get(normalise_key(header))
        if idx is None:
            raise ImportRejected(f"Kolumnen \"{header}\" ({FIELDS[name][0]}) finns inte i filen.")
        columns[name] = idx
    for name in ("category", "date"):
        if name not in columns:
            raise ImportRejected(
                f"Hittar ingen kolumn för {FIELDS[name][0]}. Ange vilken kolumn som innehåller "
                f"{FIELDS[name][0]}."
            )
    for a, b in (("x", "y"), ("lat", "lon")):
        if (a in columns) != (b in columns):
            missing = b if a in columns else a
            raise ImportRejected(f"Kolumnen för {FIELDS[missing][0]} saknas; båda koordinaterna "
                                 "behövs.")
    return columns
