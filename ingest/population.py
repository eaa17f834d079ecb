"""Population per area from SCB's statistical database (a PxWeb table saved as CSV).

SCB writes population per RegSO/DeSO like this (semicolon, quoted, UTF-8 with BOM or cp1252, often
with a title line and a blank line before the header)::

    "Folkmängd per region efter ålder, kön och år"

    "region";"ålder";"kön";"2024"
    "1880R001 Adolfsberg";"totalt ålder";"totalt";"5423"

The region cell holds the area code, a space and the name. Every other column before the year
columns is a dimension (ålder, kön …): where it has a "totalt …" value only those rows are used,
otherwise its values are summed (men + women). The latest year column is the population.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["PopulationFileError", "read_scb_population"]

_YEAR = re.compile(r"^(19|20)\d\d$")
_CODE = re.compile(r"^\s*(\d{4}[A-Z]\w*)\s+(.*\S)\s*$")
#: Largest population an area can plausibly have (a whole kommun is below 1 million).
MAX_POPULATION = 2_000_000


@dataclass(frozen=True)
class PopulationRowError:
    """One bad row: ``line`` is the file's line number (1 = first line)."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"Rad {self.line}, kolumn '{self.field}': {self.message}"


class PopulationFileError(ValueError):
    """The file cannot be read as an SCB population table; ``errors`` lists every bad row."""

    def __init__(self, message: str, errors: list[PopulationRowError] | None = None) -> None:
        self.errors = errors or []
        detail = "; ".join(str(e) for e in self.errors[:10])
        super().__init__(f"{message}{': ' + detail if detail else ''}")


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_scb_population(data: bytes) -> pd.DataFrame:
    """Population per area code from an SCB CSV: ``area_code``, ``area_name``, ``population``, ``year``.

    Every row is checked before anything is returned; any bad row raises
    :class:`PopulationFileError` naming the line and column of each.

    Examples
    --------
    >>> text = '"region";"ålder";"kön";"2023";"2024"\\n"1880R001 Adolfsberg";"totalt ålder";"totalt";"5 400";"5423"\\n'
    >>> read_scb_population(text.encode("cp1252")).to_dict("records")
    [{'area_code': '1880R001', 'area_name': 'Adolfsberg', 'population': 5423, 'year': 2024}]
    """
    lines = _decode(data).splitlines()
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=";"))
    header_at = next((i for i, r in enumerate(rows) if r and r[0].strip().lower() == "region"), None)
    if header_at is None:
        raise PopulationFileError("Filen saknar en rubrikrad som börjar med \"region\" (SCB:s format)")
    header = [h.strip() for h in rows[header_at]]
    years = [j for j, h in enumerate(header) if _YEAR.match(h)]
    if not years:
        raise PopulationFileError("Rubrikraden saknar en årskolumn (t.ex. \"2024\")")
    year_col = max(years, key=lambda j: int(header[j]))
    dims = [j for j in range(1, len(header)) if j not in years]
    errors: list[PopulationRowError] = []
    records = []
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(header):
            if len(row) == 1:  # footnotes SCB appends after the table
                continue
            errors.append(PopulationRowError(i, "region", f"raden har {len(row)} kolumner, rubriken {len(header)}"))
            continue
        match = _CODE.match(row[0])
        if match is None:
            errors.append(PopulationRowError(
                i, "region", f"'{row[0][:60]}' börjar inte med en områdeskod och ett namn"))
            continue
        raw = row[year_col].replace("\u00a0", "").replace(" ", "")
        if not raw.isdigit():
            errors.append(PopulationRowError(i, header[year_col], f"'{row[year_col][:20]}' är inte ett antal invånare"))
            continue
        value = int(raw)
        if value > MAX_POPULATION:
            errors.append(PopulationRowError(i, header[year_col], f"{value} invånare är orimligt många för ett område"))
            continue
        records.append({"line": i, "area_code": match.group(1), "area_name": match.group(2),
                        "population": value, **{header[j]: row[j].strip() for j in dims}})
    if errors:
        raise PopulationFileError("Filen har fel och ingenting har lästs in", errors)
    if not records:
        raise PopulationFileError("Filen har inga rader med områden")
    frame = pd.DataFrame(records)
    for j in dims:
        name = header[j]
        totals = frame[name].str.lower().str.startswith("totalt")
        if totals.any():
            frame = frame[totals]
    dup_dims = frame.duplicated(["area_code", *[header[j] for j in dims]], keep="first")
    if dup_dims.any():
        line = int(frame.loc[dup_dims, "line"].iloc[0])
        raise PopulationFileError("Filen har fel och ingenting har lästs in",
                                  [PopulationRowError(line, "region", "området finns redan på en tidigare rad")])
    out = (frame.groupby(["area_code", "area_name"], sort=False)["population"].sum().reset_index())
    if out["area_code"].duplicated().any():
        code = out.loc[out["area_code"].duplicated(), "area_code"].iloc[0]
        line = int(frame.loc[frame["area_code"] == code, "line"].iloc[-1])
        raise PopulationFileError("Filen har fel och ingenting har lästs in",
                                  [PopulationRowError(line, "region", f"{code} har två olika namn")])
    out["population"] = out["population"].astype("int64")
    out["year"] = int(header[year_col])
    return out.reset_index(drop=True)
