"""Read the bytes of an uploaded CSV or XLSX file into rows of cells, safely.

Everything a hostile or broken upload can do ends in one exception, :class:`ImportRejected`, whose
message is Swedish and meant for the user: too large, too many rows, not a spreadsheet, a zip bomb
disguised as xlsx, a single enormous cell, NUL bytes or binary junk. Nothing here opens a path.

CSV: encoding UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode-text") or
Windows-1252; delimiter ``;``, ``,`` or tab, chosen by which gives the most consistent number of
fields over the first lines. XLSX: the first worksheet, read with openpyxl in read-only mode after
the zip container has been checked (``[Content_Types].xml`` present, total uncompressed size and
compression ratio within limits).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000
DEFAULT_MAX_CELL_CHARS = 10_000
#: Largest total uncompressed size of an xlsx's members.
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
#: Largest uncompressed/compressed ratio of an xlsx (real sheets stay well below 100).
DEFAULT_MAX_RATIO = 200
#: Widest sheet read (an import has about a dozen columns) and most cells read from one sheet.
MAX_XLSX_COLUMNS = 256
MAX_XLSX_CELLS = 5_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
_DELIMITERS = (";", "\t", ",")
_NOT_A_TABLE = "Filen är varken en CSV-fil eller en Excel-fil (xlsx)."


class ImportRejected(Exception):
    """The whole file cannot be imported; ``message_sv`` says why, in Swedish.

    Examples
    --------
    >>> ImportRejected("Filen är tom.").message_sv
    'Filen är tom.'
    """

    def __init__(self, message_sv: str) -> None:
        super().__init__(message_sv)
        self.message_sv = message_sv


@dataclass
class Table:
    """Raw cells of one sheet: ``rows[i]`` is the row the user sees as ``row_numbers[i]``."""

    rows: list[list[Any]]
    row_numbers: list[int]
    kind: str  #: "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)


def read_table(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_ratio: float = DEFAULT_MAX_RATIO,
) -> Table:
    """Read CSV or XLSX ``data`` into a :class:`Table`, or raise :class:`ImportRejected`.

    Parameters
    ----------
    data : bytes
        The uploaded file's content.
    max_bytes, max_rows, max_cell_chars : int
        Limits on file size, number of non-empty rows and characters in one cell.
    max_uncompressed, max_ratio : int, float
        Zip-bomb limits for xlsx: total uncompressed bytes and uncompressed/compressed ratio.

    Examples
    --------
    >>> t = read_table("Kategori;Datum\\nklotter;2026-11-21\\n".encode("utf-8"))
    >>> t.kind, t.delimiter, t.rows
    ('csv', ';', [['Kategori', 'Datum'], ['klotter', '2026-11-21']])
    >>> try:
    ...     read_table(b"")
    ... except ImportRejected as err:
    ...     print(err.message_sv)
    Filen är tom.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError("data måste vara bytes")
    data = bytes(data)
    if len(data) == 0:
        raise ImportRejected("Filen är tom.")
    if len(data) > max_bytes:
        raise ImportRejected(
            f"Filen är för stor ({_mb(len(data))}). Största tillåtna storlek är {_mb(max_bytes)}."
        )
    if data.startswith(_ZIP_MAGIC):
        table = _read_xlsx(data, max_uncompressed, max_ratio, max_rows)
    elif data.startswith(_OLE_MAGIC):
        raise ImportRejected(
            "Det gamla Excel-formatet (.xls) stöds inte. Spara filen som .xlsx eller CSV."
        )
    elif data.startswith(_BINARY_MAGIC):
        raise ImportRejected(_NOT_A_TABLE)
    else:
        table = _read_csv(data, max_rows)
    _check_limits(table, max_cell_chars)
    return table


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def _check_limits(table: Table, max_cell_chars: int) -> None:
    non_empty = 0
    for cells, number in zip(table.rows, table.row_numbers, strict=True):
        if not _is_empty(cells):
            non_empty += 1
        for c in cells:
            if isinstance(c, str) and len(c) > max_cell_chars:
                raise ImportRejected(
                    f"En cell på rad {number} är för stor ({len(c)} tecken). "
                    f"En cell får innehålla högst {max_cell_chars} tecken."
                )
    if non_empty == 0:
        raise ImportRejected("Filen innehåller inga rader.")


def _is_empty(cells: list[Any]) -> bool:
    return all(c is None or c == "" for c in cells)


def _too_many_rows(max_rows: int) -> None:
    raise ImportRejected(
        f"Filen har för många rader. Högst {max_rows} rader kan importeras åt gången; "
        "dela upp filen."
    )


# --- CSV ------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise ImportRejected(_NOT_A_TABLE) from err
    if b"\x00" in data:
        raise ImportRejected(
            "Filen innehåller binära data (NUL-tecken) och kan inte läsas som CSV."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise ImportRejected("Filen säger sig vara UTF-8 men är det inte.") from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as err:
        raise ImportRejected(_NOT_A_TABLE) from err


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return control / len(sample) > 0.01


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text[:100_000].splitlines() if ln.strip()][:50]
    best, best_score = ";", (-1.0, 0)
    for delim in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        # Share of lines with the modal field count (title rows may differ), then width.
        score = (multi.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(data: bytes, max_rows: int) -> Table:
    text, encoding = _decode(data)
    if _looks_binary(text):
        raise ImportRejected(_NOT_A_TABLE)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    line = 0
    non_empty = 0
    try:
        for cells in reader:
            row = [c.strip() for c in cells]
            rows.append(row)
            numbers.append(line + 1)
            line = reader.line_num
            non_empty += not _is_empty(row)
            if non_empty > max_rows + 1:  # + 1: the header row
                _too_many_rows(max_rows)
    except csv.Error as err:
        raise ImportRejected(
            f"CSV-filen kunde inte läsas vid rad {line + 1}: en cell är för stor eller "
            "citattecknen är fel."
        ) from err
    return Table(rows, numbers, "csv", encoding=encoding, delimiter=delimiter)


# --- XLSX -----------------------------------------------------------------------------------


def _check_zip(data: bytes, max_uncompressed: int, max_ratio: float) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise ImportRejected("Excel-filen är skadad och kan inte öppnas.") from err
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise ImportRejected("Zip-filen är inte en Excel-fil (xlsx).")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > max_uncompressed or total > max_ratio * max(packed, 1):
        raise ImportRejected(
            "Excel-filen packas upp till orimligt mycket data och har avvisats "
            "(möjlig zip-bomb)."
        )


def _check_sheet_size(ws: Any, max_rows: int) -> None:
    """Refuse a sheet whose declared size (its ``<dimension>``) is beyond any import, before reading.

    A tiny file can declare A1:XFD1048576; reading it as declared pads 17 billion empty cells.
    """
    rows, columns = ws.max_row, ws.max_column
    if rows is None or columns is None:
        return
    if rows > 2 * max_rows + 1 or columns > MAX_XLSX_COLUMNS or rows * columns > MAX_XLSX_CELLS:
        raise ImportRejected(
            f"Kalkylbladet anger {_thousands(rows)} rader och {_thousands(columns)} kolumner. Högst "
            f"{_thousands(max_rows)} rader och {MAX_XLSX_COLUMNS} kolumner kan importeras; spara bara "
            "området med uppgifter (ta bort tomma rader och kolumner) och försök igen."
        )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _sheet_too_large(max_rows: int) -> ImportRejected:
    return ImportRejected(
        f"Kalkylbladet är för stort. Högst {_thousands(max_rows)} rader och {MAX_XLSX_COLUMNS} "
        "kolumner kan importeras; spara bara området med uppgifter och försök igen."
    )


def _read_xlsx(data: bytes, max_uncompressed: int, max_ratio: float, max_rows: int) -> Table:
    _check_zip(data, max_uncompressed, max_ratio)
    import openpyxl  # imported here: CSV-only callers do not pay for it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for broken files
        raise ImportRejected("Excel-filen kunde inte läsas. Är den skadad?") from err
    try:
        sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not sheets:
            raise ImportRejected("Excel-filen har inget synligt kalkylblad.")
        sheet = sheets[0]
        _check_sheet_size(sheet, max_rows)
        # Read what the XML holds, not the declared size (which may lie): rows come unpadded and
        # every row, empty or not, and every cell counts against the limits.
        sheet.reset_dimensions()
        rows: list[list[Any]] = []
        non_empty = cells_seen = 0
        for cells in sheet.iter_rows(min_row=1, values_only=True):
            if len(cells) > MAX_XLSX_COLUMNS or len(rows) >= 2 * max_rows + 1:
                raise _sheet_too_large(max_rows)
            cells_seen += len(cells)
            if cells_seen > MAX_XLSX_CELLS:
                raise _sheet_too_large(max_rows)
            row = [c.strip() if isinstance(c, str) else c for c in cells]
            rows.append(row)
            non_empty += not _is_empty(row)
            if non_empty > max_rows + 1:  # + 1: the header row
                _too_many_rows(max_rows)
    except ImportRejected:
        raise
    except Exception as err:
        raise ImportRejected("Excel-filen kunde inte läsas. Är den skadad?") from err
    finally:
        wb.close()
    notes = []
    if len(sheets) > 1:
        notes.append(f"Bara det första kalkylbladet ({sheets[0].title}) lästes.")
    return Table(rows, list(range(1, len(rows) + 1)), "xlsx", notes=notes)
