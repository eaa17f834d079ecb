"""Polisanmälda brott: the police's extract of recorded offences, as a kommun receives it.

Under the information-sharing duty the police send a kommun an extract of recorded offences, either
one row per offence or counts per area, code and day. The extract is written by the police's own
systems: Swedish headers, ``;`` as separator, Windows-1252 (or UTF-8 with BOM), decimal comma::

    Anmälningsnummer;Brottskod;Brottskodstext;Brottsdatum;Brottstid;DeSO;X (SWEREF 99 TM);Y (SWEREF 99 TM)
    5000-K123456-26;1203;Skadegörelse på motorfordon, ej brand;2026-11-16;22:40;0780C1010;;
    5000-K123490-26;1201;Skadegörelse genom brand, motorfordon;2026-11-18;02:15;;6305159,5;488401,0

Columns (header spellings compared folded: case, diacritics and punctuation ignored):

* ``brottskod`` (kod): the four-digit code of Brå's kodlista; required;
* ``brottskodstext`` (brottskod text, rubricering, brottsbenämning, brott): the code's text; optional;
* ``brottsdatum`` (brottsdatum från, händelsedatum) and/or ``inskrivningsdatum`` (registreringsdatum,
  anmälningsdatum): at least one column; a row uses its brottsdatum, else its inskrivningsdatum;
* ``brottstid`` (klockslag, brottstid från): optional time of day;
* ``deso`` (desokod, DeSO-kod) or ``regso`` (regsokod): a 9-character DeSO or a RegSO code;
* coordinates in SWEREF 99 TM: ``X``/``Y`` (with or without "(SWEREF 99 TM)" or "-koordinat"),
  ``Nordkoordinat``/``Ostkoordinat``, ``N``/``E``; X is the northing as Swedish surveying writes
  it, and values that are clearly the other way round are swapped (the northing of Sweden is
  6.1–7.7 million metres, the easting 0.2–1.0 million);
* ``antal`` (antal brott, brottsantal): for an aggregated extract; without it each row is 1;
* ``anmälningsnummer`` (diarienummer, ärendenummer, K-nummer): the offence's id, for re-imports;
* ``kommun`` (kommunkod): optional; a row for another kommun is an error.

A row without area code or coordinates is kept at kommun level (never dropped). The parser does not
map codes to categories or areas to the kommun's areas: the api does that with the kommun's table
and area sets (``api.police.offences``).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time

from ingest.gazetteer import fold
from ingest.kommuner import KOMMUNER
from ingest.records import MAX_EXTERNAL_ID_CHARS, MAX_REPORT_COUNT, RowError
from ingest.values import parse_count, parse_date, parse_time

__all__ = ["HEADER_ALIASES", "OffenceParse", "OffenceRow", "parse_police_offences"]

#: Canonical column -> accepted header spellings (compared after :func:`ingest.gazetteer.fold`).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "brottskod": ("brottskod", "brottskod kod", "kod", "brottskodnummer"),
    "brottskodstext": ("brottskodstext", "brottskod text", "brottskodtext", "rubricering",
                       "brottsrubricering", "brottsbenamning", "brott", "brottstext",
                       "brottskod benamning"),
    "brottsdatum": ("brottsdatum", "brottsdatum fran", "brottsdatum from", "brottsdag",
                    "handelsedatum", "brottsdatum start"),
    "brottstid": ("brottstid", "brottstid fran", "brottstid from", "klockslag", "tid"),
    "inskrivningsdatum": ("inskrivningsdatum", "inskriven", "registreringsdatum",
                          "anmalningsdatum", "upprattandedatum"),
    "deso": ("deso", "desokod", "deso kod", "deso omrade", "deso 2025", "deso2025"),
    "regso": ("regso", "regsokod", "regso kod", "regso omrade"),
    "north": ("x", "x koordinat", "x sweref 99 tm", "x koordinat sweref 99 tm", "x sweref99tm",
              "nordkoordinat", "nordlig", "nordlig n", "n", "northing", "n sweref 99 tm"),
    "east": ("y", "y koordinat", "y sweref 99 tm", "y koordinat sweref 99 tm", "y sweref99tm",
             "ostkoordinat", "ostlig", "ostlig e", "e", "easting", "e sweref 99 tm"),
    "antal": ("antal", "antal brott", "brottsantal", "antal anmalda brott", "antal anmalningar"),
    "anmalan": ("anmalningsnummer", "anmalningsnr", "diarienummer", "diarienr", "arendenummer",
                "arendenr", "k nummer", "knummer", "anmalan"),
    "kommun": ("kommun", "kommunkod", "brottskommun", "kommunnamn"),
}
_SHOWN = {
    "brottskod": "Brottskod", "brottskodstext": "Brottskodstext", "brottsdatum": "Brottsdatum",
    "brottstid": "Brottstid", "inskrivningsdatum": "Inskrivningsdatum", "deso": "DeSO",
    "regso": "RegSO", "north": "X (nordlig)", "east": "Y (östlig)", "antal": "Antal",
    "anmalan": "Anmälningsnummer", "kommun": "Kommun",
}
_CODE_RE = re.compile(r"^\d{4}$")
_DESO_RE = re.compile(r"^\d{4}[A-C]\d{4}$")
_REGSO_RE = re.compile(r"^\d{4}R\d{3}$")
NORTHING_RANGE = (6_100_000.0, 7_700_000.0)
EASTING_RANGE = (180_000.0, 1_000_000.0)


@dataclass(frozen=True)
class OffenceRow:
    """One row of the extract: an offence, or a count of offences of one code, day and place."""

    row: int  # spreadsheet row number (the header is row 1)
    brottskod: str
    brottskodstext: str
    observed_date: date
    observed_time: time | None
    date_basis: str  # "brottsdatum" or "inskrivningsdatum"
    area_code: str | None  # the DeSO or RegSO code the police wrote (None: none given)
    x: float | None  # SWEREF 99 TM easting
    y: float | None  # SWEREF 99 TM northing
    count: int
    external_id: str


@dataclass
class OffenceParse:
    """What the parser read: rows, row errors, and which column was used as what."""

    rows: list[OffenceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: canonical column -> the header as written in the file
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    aggregated: bool = False
    zero_rows: int = 0


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        return bytes(data).decode("cp1252")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _map_headers(header: list[str], result: OffenceParse) -> dict[str, int]:
    lookup = {alias: canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        canon = lookup.get(fold(name))
        if canon and canon not in found:
            found[canon] = i
            result.columns[canon] = name.strip()
        elif name.strip():
            result.ignored_columns.append(name.strip())
    if "brottskod" not in found:
        raise ValueError("filen saknar kolumnen 'Brottskod'")
    if "brottsdatum" not in found and "inskrivningsdatum" not in found:
        raise ValueError("filen saknar kolumnen 'Brottsdatum' (eller 'Inskrivningsdatum')")
    if ("north" in found) != ("east" in found):
        missing = "Y (östlig)" if "north" in found else "X (nordlig)"
        raise ValueError(f"filen har bara en koordinatkolumn: kolumnen '{missing}' saknas")
    return found


def _number(text: str) -> float:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def _kommun_matches(cell: str, kommun_code: str) -> bool:
    cell = cell.strip()
    if re.fullmatch(r"\d{3,4}", cell):
        return cell.zfill(4) == kommun_code
    return fold(cell) == fold(KOMMUNER[kommun_code])


def parse_police_offences(data: bytes | str, *, kommun_code: str) -> OffenceParse:
    """Read a police extract of recorded offences (format in the module docstring).

    Parameters
    ----------
    data : bytes or str
        The CSV file's content: ``;``, ``,`` or tab; UTF-8 (with or without BOM) or Windows-1252.
    kommun_code : str
        SCB code of the kommun the extract is for ("0780").

    Returns
    -------
    OffenceParse
        ``rows`` (one per non-zero row), ``errors`` naming the row and column in Swedish,
        ``columns`` (what each recognised header was used as), ``ignored_columns``,
        ``aggregated`` (the file has an antal column) and ``zero_rows``.

    Raises
    ------
    ValueError
        When the file is empty, a required column is missing or ``kommun_code`` is unknown.

    Examples
    --------
    >>> text = "Brottskod;Brottskodstext;Brottsdatum;DeSO\\n1203;Skadegörelse;2026-11-16;0780C1010\\n"
    >>> parsed = parse_police_offences(text, kommun_code="0780")
    >>> row = parsed.rows[0]
    >>> row.brottskod, str(row.observed_date), row.area_code, row.count
    ('1203', '2026-11-16', '0780C1010', 1)
    """
    if kommun_code not in KOMMUNER:
        raise ValueError(f"okänd kommunkod: {kommun_code!r}")
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValueError("filen är tom")
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0])))
    result = OffenceParse()
    cols = _map_headers(rows[0], result)
    result.aggregated = "antal" in cols
    occurrences: Counter[tuple[object, ...]] = Counter()
    for row_no, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {c: (raw[i].strip() if i < len(raw) else "") for c, i in cols.items()}
        parsed = _parse_row(row_no, cells, kommun_code, result.aggregated)
        if isinstance(parsed, list):
            result.errors.extend(parsed)
            continue
        if parsed["count"] == 0:
            result.zero_rows += 1
            continue
        key = (parsed["brottskod"], parsed["observed_date"], parsed["observed_time"],
               parsed["area_code"], parsed["x"], parsed["y"])
        occurrences[key] += 1
        external_id = _external_id(cells.get("anmalan", ""), parsed, occurrences[key])
        result.rows.append(OffenceRow(row=row_no, external_id=external_id, **parsed))  # type: ignore[arg-type]
    return result


def _external_id(anmalan: str, parsed: dict[str, object], occurrence: int) -> str:
    """The police's id with the code (one anmälan can hold several offences), else the row's content.

    Without an id, identical rows are told apart by their order in the file, so a re-import of the
    same file matches every row again.
    """
    if anmalan:
        text = f"{anmalan}|{parsed['brottskod']}"
    else:
        place = parsed["area_code"] or (
            f"{parsed['x']:.0f},{parsed['y']:.0f}" if parsed["x"] is not None else "kommun")
        text = f"{parsed['observed_date']}|{parsed['brottskod']}|{place}|{occurrence}"
    return text[:MAX_EXTERNAL_ID_CHARS]


def _parse_row(row_no: int, cells: dict[str, str], kommun_code: str,
               aggregated: bool) -> dict[str, object] | list[RowError]:
    errors: list[RowError] = []

    def add(column: str, code: str, what: str) -> None:
        errors.append(RowError(row_no, _SHOWN[column], cells.get(column) or None, code,
                               f"Rad {row_no}: {_SHOWN[column]}: {what}"))

    if cells.get("kommun") and not _kommun_matches(cells["kommun"], kommun_code):
        add("kommun", "wrong_kommun",
            f"raden gäller en annan kommun ({cells['kommun']}), inte {KOMMUNER[kommun_code]}")
    code = cells["brottskod"].replace(" ", "")
    if not code:
        add("brottskod", "required", "brottskod saknas")
    elif not _CODE_RE.match(code):
        add("brottskod", "invalid_code", f"'{cells['brottskod']}' är inte en fyrsiffrig brottskod")
    observed: tuple[date, time | None] | None = None
    basis = ""
    for column in ("brottsdatum", "inskrivningsdatum"):
        if cells.get(column):
            try:
                observed = parse_date(cells[column])
            except ValueError as exc:
                add(column, "invalid_date", str(exc))
                break
            basis = column
            break
    else:
        shown = " eller ".join(_SHOWN[c] for c in ("brottsdatum", "inskrivningsdatum") if c in cells)
        errors.append(RowError(row_no, shown or "Brottsdatum", None, "required",
                               f"Rad {row_no}: {shown or 'Brottsdatum'} saknas"))
    at = observed[1] if observed else None
    if cells.get("brottstid") and basis == "brottsdatum":
        try:
            at = parse_time(cells["brottstid"])
        except ValueError as exc:
            add("brottstid", "invalid_time", str(exc))
    area_code = _area_code(cells, add)
    x, y = _point(cells, add)
    count = 1
    if aggregated:
        if not cells.get("antal"):
            add("antal", "required", "antal saknas")
        else:
            try:
                count = parse_count(cells["antal"])
            except ValueError as exc:
                add("antal", "invalid_count", str(exc))
            else:
                if count > MAX_REPORT_COUNT:
                    add("antal", "invalid_count", f"högst {MAX_REPORT_COUNT} per rad")
    if errors or observed is None:
        return errors
    return {
        "brottskod": code,
        "brottskodstext": cells.get("brottskodstext", "")[:200],
        "observed_date": observed[0],
        "observed_time": at,
        "date_basis": basis,
        "area_code": area_code,
        "x": x,
        "y": y,
        "count": count,
    }


def _area_code(cells: dict[str, str], add) -> str | None:  # type: ignore[no-untyped-def]
    for column, pattern, what in (("deso", _DESO_RE, "en DeSO-kod skrivs som 0780C1010"),
                                  ("regso", _REGSO_RE, "en RegSO-kod skrivs som 0780R012")):
        value = cells.get(column, "").replace(" ", "").upper()
        if value:
            if not pattern.match(value):
                add(column, "invalid_area_code", f"'{cells[column]}' är ingen giltig kod ({what})")
                return None
            return value
    return None


def _point(cells: dict[str, str], add) -> tuple[float | None, float | None]:  # type: ignore[no-untyped-def]
    north_text, east_text = cells.get("north", ""), cells.get("east", "")
    if not north_text and not east_text:
        return None, None
    if not north_text or not east_text:
        add("north" if not north_text else "east", "required",
            "båda koordinaterna behövs (X nordlig och Y östlig i SWEREF 99 TM)")
        return None, None
    try:
        north, east = _number(north_text), _number(east_text)
    except ValueError:
        add("north", "invalid_coordinate", f"'{north_text}; {east_text}' är inte tal")
        return None, None
    if _within(north, NORTHING_RANGE) and _within(east, EASTING_RANGE):
        return east, north
    if _within(east, NORTHING_RANGE) and _within(north, EASTING_RANGE):
        return north, east  # written the other way round: the values tell
    add("north", "invalid_coordinate",
        f"{north_text}; {east_text} ligger inte i Sverige i SWEREF 99 TM (X nordlig 6 100 000–7 700 000, "
        "Y östlig 180 000–1 000 000)")
    return None, None


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]
