"""The records every ingest adapter returns: ``ReportRecord``, ``RowError`` and ``IngestResult``.

A ``ReportRecord`` is one validated observation (or one aggregate police-summary row) before it
is stored: no ``report_id`` yet, and ``area_code`` only when the source itself names an area.
Points are already in EPSG:3006. A ``RowError`` tells the user which row and column of their input
is wrong, in Swedish. See docs/data-contract.md ("Ingest results").
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Allowed values of ``ReportRecord.source`` (docs/data-contract.md, reports frame).
SOURCES: tuple[str, ...] = (
    "form", "api", "import", "police_feed", "police_summary", "police_offences",
)
#: Sources whose rows are counts from the police, not single observations: never duplicate candidates.
AGGREGATE_SOURCES: tuple[str, ...] = ("police_summary", "police_offences")

#: Longest value echoed back inside a ``RowError`` (a 10 MB cell must not be copied into messages).
MAX_ERROR_VALUE_CHARS = 200

_KOMMUN_RE = re.compile(r"^\d{4}$")


#: Longest free text of a report, per field: the sizes of the report table's columns (the api's
#: ``Report`` model takes them from here, so validation and columns cannot drift apart).
MAX_PLACE_TEXT_CHARS = 500
MAX_DESCRIPTION_CHARS = 4_000
MAX_EXTERNAL_ID_CHARS = 200
MAX_AREA_CODE_CHARS = 50
#: PostgreSQL cannot store it in text; no Swedish system writes it on purpose.
NUL = "\x00"

MAX_INVOLVED = 10_000
MAX_REPORT_COUNT = 100_000
# Row ids are INTEGER columns: 32-bit on PostgreSQL. A larger id names no row, and binding it fails.
MAX_ROW_ID = 2**31 - 1


class ReportRecord(BaseModel):
    """One validated report, ready to be stored.

    Attributes
    ----------
    kommun_code : str
        SCB kommun code, 4 digits (``"1880"``).
    category_code : str
        Category code from the kommun's taxonomy (``"klotter"``).
    observed_date : datetime.date
        Local calendar date. For ``observed_period="vecka"`` the Monday of that ISO week.
    observed_time : datetime.time or None
        Local time of day when known.
    observed_period : {"dag", "vecka"}
        ``"vecka"`` for an observation reported as "under veckan" (date unknown within the week).
    place_text, description : str or None
        Free text; personnummer already masked by the adapter.
    x, y : float or None
        Point in EPSG:3006 (both or neither).
    area_code : str or None
        Area named by the source (police summaries); ``None`` means "not known yet".
    place_id : str or None
        Gazetteer place id chosen in the form, when the reporter picked a named place.
    external_id : str or None
        The row's id in the source system (police event id, id column of an import).
    source : {"form", "api", "import", "police_feed", "police_summary", "police_offences"}
    organisation_id : int or None
        Reporting organisation when the adapter knows it (usually set by the api).
    involved_count : int or None
        Number of people/objects involved, ``>= 0``.
    report_count : int
        ``>= 1``; 1 for an observation, the stated number for a police-summary row.
    personnummer_masked : bool
        True when the adapter masked a personnummer/samordningsnummer in the free text.
    names_people_hint : bool
        True when the free text seems to name a person (heuristic reviewer flag, see
        :func:`ingest.personnummer.names_people_hint`).

    Examples
    --------
    >>> from datetime import date
    >>> r = ReportRecord(kommun_code="1880", category_code="klotter",
    ...                  observed_date=date(2026, 11, 16), source="form")
    >>> r.report_count, r.observed_period
    (1, 'dag')
    >>> len(r.content_hash())
    64
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kommun_code: str
    category_code: str = Field(min_length=1)
    observed_date: date
    observed_time: time | None = None
    observed_period: Literal["dag", "vecka"] = "dag"
    place_text: str | None = Field(default=None, max_length=MAX_PLACE_TEXT_CHARS)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_CHARS)
    x: float | None = None
    y: float | None = None
    area_code: str | None = Field(default=None, max_length=MAX_AREA_CODE_CHARS)
    place_id: str | None = Field(default=None, max_length=20)
    external_id: str | None = Field(default=None, max_length=MAX_EXTERNAL_ID_CHARS)
    source: Literal["form", "api", "import", "police_feed", "police_summary", "police_offences"]
    organisation_id: int | None = None
    # Upper bounds well above any real week, below every database's integer limit (PostgreSQL: 2^31 - 1).
    involved_count: int | None = Field(default=None, ge=0, le=MAX_INVOLVED)
    report_count: int = Field(default=1, ge=1, le=MAX_REPORT_COUNT)
    personnummer_masked: bool = False
    names_people_hint: bool = False

    @field_validator("kommun_code")
    @classmethod
    def _check_kommun(cls, v: str) -> str:
        if not _KOMMUN_RE.match(v):
            raise ValueError(f"kommunkoden måste vara fyra siffror, inte {v!r}")
        return v

    @field_validator("place_id", "external_id", "area_code", mode="before")
    @classmethod
    def _ids_as_text(cls, v: Any) -> Any:
        if isinstance(v, bool):
            return v
        if isinstance(v, int | np.integer):
            return str(int(v))
        return v

    @field_validator("place_text", "description", "area_code", "place_id", "external_id")
    @classmethod
    def _empty_is_none(cls, v: str | None) -> str | None:
        return v or None

    @field_validator("category_code", "place_text", "description", "area_code", "place_id", "external_id")
    @classmethod
    def _no_nul(cls, v: str | None) -> str | None:
        if v is not None and NUL in v:
            raise ValueError("texten innehåller ett otillåtet tecken (NUL)")
        return v

    @field_validator("x", "y")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not np.isfinite(v):
            return None
        return v

    @model_validator(mode="after")
    def _check_consistency(self) -> ReportRecord:
        if (self.x is None) != (self.y is None):
            raise ValueError("x och y måste anges tillsammans")
        if self.observed_period == "vecka":
            if self.observed_date.isoweekday() != 1:
                raise ValueError("en observation 'under veckan' ska ha veckans måndag som datum")
            if self.observed_time is not None:
                raise ValueError("en observation 'under veckan' kan inte ha ett klockslag")
        return self

    @property
    def observed_hour(self) -> int | None:
        """Local hour 0–23 when the time is known (the reports frame's ``observed_hour``)."""
        return None if self.observed_time is None else self.observed_time.hour

    def content_hash(self) -> str:
        """Stable SHA-256 hex digest of the meaningful fields, for re-import deduplication.

        Free text is compared with collapsed whitespace and case-folded; points are rounded to
        whole metres. The derived flags and ``organisation_id`` are not part of the hash
        (the same row imported by the same organisation twice must collide).

        Examples
        --------
        >>> from datetime import date
        >>> a = ReportRecord(kommun_code="1880", category_code="klotter",
        ...                  observed_date=date(2026, 11, 16), source="import",
        ...                  description="Klotter  på vägg", x=500000.2, y=6570000.4)
        >>> b = a.model_copy(update={"description": "klotter på vägg", "x": 500000.4})
        >>> a.content_hash() == b.content_hash()
        True
        """
        payload = {
            "kommun_code": self.kommun_code,
            "category_code": self.category_code,
            "observed_date": self.observed_date.isoformat(),
            "observed_time": None
            if self.observed_time is None
            else self.observed_time.replace(microsecond=0).isoformat(),
            "observed_period": self.observed_period,
            "place_text": _norm_text(self.place_text),
            "description": _norm_text(self.description),
            "x": None if self.x is None else int(round(self.x)),
            "y": None if self.y is None else int(round(self.y)),
            "area_code": self.area_code,
            "place_id": self.place_id,
            "external_id": self.external_id,
            "source": self.source,
            "involved_count": self.involved_count,
            "report_count": self.report_count,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _norm_text(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class RowError:
    """One problem in one row of the input, written for the user.

    Parameters
    ----------
    row : int or None
        1-based row number as the user sees it in the file (or the observation's position in a
        form payload); ``None`` when the problem is not tied to a row.
    column : str or None
        The column or field name as the user knows it (``"datum"``, ``"observationer[2].datum"``).
    value : object
        The offending value; stored as text, cut to 200 characters.
    code : str
        Machine-readable reason: ``required``, ``invalid_date``, ``unknown_category``,
        ``outside_kommun`` …
    message : str
        Swedish explanation naming the field.

    Examples
    --------
    >>> e = RowError(3, "datum", "31/02/2026", "invalid_date", "Rad 3: datum är inte ett datum")
    >>> e.code
    'invalid_date'
    """

    row: int | None
    column: str | None
    value: Any
    code: str
    message: str

    def __post_init__(self) -> None:
        v = self.value
        if v is not None and not isinstance(v, str):
            v = str(v)
        if isinstance(v, str) and len(v) > MAX_ERROR_VALUE_CHARS:
            v = v[: MAX_ERROR_VALUE_CHARS - 1] + "…"
        object.__setattr__(self, "value", v)


@dataclass
class IngestResult:
    """What every adapter returns: validated records, row-level errors and a skip count.

    Examples
    --------
    >>> IngestResult([], []).ok
    True
    """

    records: list[ReportRecord] | pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    #: Swedish notices for the user that are not errors ("ett personnummer togs bort …").
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row error was found."""
        return not self.errors


#: Column order of :func:`records_to_frame` (the reports frame minus ``report_id``).
FRAME_COLUMNS: tuple[str, ...] = (
    "kommun_code",
    "area_code",
    "category_code",
    "observed_date",
    "observed_hour",
    "observed_period",
    "source",
    "organisation_id",
    "report_count",
    "x",
    "y",
    "involved_count",
    "place_text",
    "description",
    "external_id",
    "content_hash",
)


def records_to_frame(records: Sequence[ReportRecord]) -> pd.DataFrame:
    """Turn records into the canonical reports frame (docs/data-contract.md) minus ``report_id``.

    ``is_context`` is not set: it comes from the categories frame, which the adapter does not see.

    Examples
    --------
    >>> from datetime import date
    >>> r = ReportRecord(kommun_code="1880", category_code="klotter",
    ...                  observed_date=date(2026, 11, 16), source="form")
    >>> df = records_to_frame([r])
    >>> str(df["observed_date"].dtype), df["report_count"].tolist()
    ('datetime64[ns]', [1])
    """
    rows = [
        {
            "kommun_code": r.kommun_code,
            "area_code": r.area_code,
            "category_code": r.category_code,
            "observed_date": r.observed_date,
            "observed_hour": r.observed_hour,
            "observed_period": r.observed_period,
            "source": r.source,
            "organisation_id": r.organisation_id,
            "report_count": r.report_count,
            "x": np.nan if r.x is None else r.x,
            "y": np.nan if r.y is None else r.y,
            "involved_count": r.involved_count,
            "place_text": r.place_text,
            "description": r.description,
            "external_id": r.external_id,
            "content_hash": r.content_hash(),
        }
        for r in records
    ]
    df = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    df["observed_date"] = pd.to_datetime(df["observed_date"]).astype("datetime64[ns]")
    df["observed_hour"] = df["observed_hour"].astype("Int64")
    df["organisation_id"] = df["organisation_id"].astype("Int64")
    df["involved_count"] = df["involved_count"].astype("Int64")
    df["report_count"] = df["report_count"].astype("int64")
    df["x"] = df["x"].astype("float64")
    df["y"] = df["y"].astype("float64")
    for col in ("area_code", "place_text", "description", "external_id"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df
