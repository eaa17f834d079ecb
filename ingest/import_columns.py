"""Which column of an import file is which field: field names, header search, mapping.

The mapping is a plain dict ``field -> header text as in the file``, e.g.
``{"category": "Kategori", "date": "Datum", "x": "X"}``; :func:`propose_mapping` proposes it from
Swedish or English header names, :func:`find_header_row` finds the header row even below title
rows, and :func:`resolve_columns` turns a mapping into column indexes. Everything here is also
importable from :mod:`ingest.file_import`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ingest.tabular import ImportRejected
from ingest.values import is_blank, normalise_key

__all__ = [
    "FIELDS", "describe_columns", "field_of_header", "find_header_row", "propose_mapping",
    "resolve_columns",
]

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
                "x sweref", "östlig", "östlig koordinat", "östkoordinat", "east", "koordinat x",
                "x koord")),
    "y": ("y", ("y", "n", "northing", "nord", "y koordinat", "n koordinat", "sweref y",
                "y sweref", "nordlig", "nordlig koordinat", "nordkoordinat", "north", "koordinat y",
                "y koord")),
    "lat": ("latitud", ("lat", "latitud", "latitude", "breddgrad")),
    "lon": ("longitud", ("lon", "lng", "long", "longitud", "longitude", "längdgrad")),
    "count": ("antal", ("antal", "count", "antal personer", "antal inblandade", "involved count",
                        "involverade", "inblandade")),
    "external_id": ("id", ("id", "externt id", "external id", "extern id", "ärendenummer",
                           "ärende", "löpnummer", "referens", "rapport id", "händelse id",
                           "ärendenr", "ärende nr", "ärende id", "löpnr", "löp nr", "objekt id")),
    "area": ("område", ("område", "area", "områdeskod", "area code", "deso", "regso",
                        "est område", "områdesnamn")),
}  # fmt: skip

_ALIAS_TO_FIELD: dict[str, str] = {
    normalise_key(alias): name for name, (_, aliases) in FIELDS.items() for alias in aliases
}
# What a header may carry beside the field's name: a unit or coordinate system in parentheses or
# brackets ("X (SWEREF 99 TM)", "Östlig (E)"), or the system written out ("N sweref99 1500").
_BRACKETS = re.compile(r"[(\[][^)\]]*[)\]]")
_CRS_WORDS = re.compile(
    r"sweref[\s_-]*99([\s_-]*tm|[\s_-]*\d\d[\s_-]*\d\d)?|rt[\s_-]*90([\s_-]*2[.,]5[\s_-]*gon[\s_-]*[vw])?"
    r"|wgs[\s_-]*84|epsg:?[\s_-]*\d+",
    re.IGNORECASE,
)


def field_of_header(header: Any) -> str | None:
    """The field a header names, also with a coordinate system beside it; None if unknown.

    Examples
    --------
    >>> [field_of_header(h) for h in ["X (SWEREF 99 TM)", "Nordlig (N)", "Ärendenr", "E_SWEREF99TM",
    ...                               "Lat WGS84", "Fastighet"]]
    ['x', 'y', 'external_id', 'x', 'lat', None]
    """
    if is_blank(header):
        return None
    text = str(header)
    for candidate in (text, _BRACKETS.sub(" ", text), _CRS_WORDS.sub(" ", _BRACKETS.sub(" ", text))):
        key = normalise_key(candidate)
        if key and key in _ALIAS_TO_FIELD:
            return _ALIAS_TO_FIELD[key]
    return None


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
        name = field_of_header(header)
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
        score = len({field_of_header(c) for c in cells if not is_blank(c)} - {None})
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


def describe_columns(
    headers: list[str], mapping: Mapping[str, str], uses: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Every column of the file with what it is used as (Swedish), or ``"ignorerad"``.

    ``uses`` overrides the label of a field (the coordinate columns name their system there).

    Examples
    --------
    >>> describe_columns(["Ärendenr", "Kategori", "Fastighet", ""], {"external_id": "Ärendenr",
    ...                  "category": "Kategori"})
    [('Ärendenr', 'externt id'), ('Kategori', 'kategori'), ('Fastighet', 'ignorerad')]
    """
    by_header = {normalise_key(h): name for name, h in mapping.items()}
    labels = {name: label for name, (label, _) in FIELDS.items()}
    labels["external_id"] = "externt id"
    out: list[tuple[str, str]] = []
    for header in headers:
        if is_blank(header):
            continue
        name = by_header.get(normalise_key(header))
        if name is None:
            out.append((header, "ignorerad"))
        else:
            out.append((header, (uses or {}).get(name) or labels[name]))
    return out
