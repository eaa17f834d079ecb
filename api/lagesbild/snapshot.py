"""The published lägesbild snapshot: everything a published version shows, frozen as JSON.

`Lagesbild.snapshot_json` holds one `LagesbildSnapshot`. The page, the map, the PDF and the offline
HTML export all read a published version from here, never from live reports, so later reports or
corrections never change what was published. Map points carry no free text or personal data: only
category, date, time, source organisation and a WGS84 position.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

SNAPSHOT_FORMAT = 1
SCB_ATTRIBUTION = "Källa: SCB"


class TrendPoint(BaseModel):
    """One week of an area's trend series."""

    week: str  # "2026-W47"
    count: int


class CategoryCount(BaseModel):
    """This week's count for one category (in an area, or kommun-wide)."""

    category_code: str
    category_name: str
    count: int


class InsatsSummary(BaseModel):
    """An insats active during the week (what is done, where, by whom)."""

    id: int
    title: str
    type: str
    type_label: str
    status: str
    start_date: str  # ISO date
    end_date: str | None = None
    responsible_organisation: str | None = None
    area_codes: list[str] = Field(default_factory=list)
    category_codes: list[str] = Field(default_factory=list)


class AreaSnapshot(BaseModel):
    """One area: count, suggested status with reasons, the analyst's status with motivering."""

    code: str
    name: str
    count: int
    category_counts: list[CategoryCount] = Field(default_factory=list)
    suggested_status: str
    suggested_reasons: list[str] = Field(default_factory=list)
    status: str | None = None  # the analyst's status; None = the suggestion stands
    motivering: str = ""
    trend: list[TrendPoint] = Field(default_factory=list)  # the last 12 weeks, oldest first
    # Emerging-hotspot pattern over 12 four-week periods (api.lagesbild.emerging); "" if not computed.
    emerging_pattern: str = ""
    # Residents (area.population; None when the kommun has imported none) and where the number is from.
    population: int | None = None
    population_source: str = ""

    @property
    def per_1000(self) -> float | None:
        """This week's reports per 1 000 invånare, when the area's population is known."""
        if not self.population:
            return None
        return 1000 * self.count / self.population

    @property
    def effective_status(self) -> str:
        """The status the map shows: the analyst's, else the suggestion."""
        return self.status or self.suggested_status


class CompletenessRow(BaseModel):
    """Rapporteringsgrad for one organisation in the week."""

    organisation_id: int
    organisation_name: str
    status: str  # reported / nollrapport / silent
    sentence: str


class ContextFactor(BaseModel):
    """A kontextfaktor (skollov, evenemang …) registered for the coming weeks."""

    category_name: str
    date: str  # ISO date
    area_name: str | None = None
    count: int = 1


class MapPoint(BaseModel):
    """A report on the map: what, when, which organisation, where (WGS84). Never free text."""

    category_code: str
    category_name: str
    date: str  # ISO date
    time: str | None = None  # the hour of the day, "14" = 14:00–14:59; None if unknown
    organisation: str | None = None
    lon: float
    lat: float


class OffenceAreaCount(BaseModel):
    """Polisanmälda brott of the week in one area (or at kommun level): the map's own layer."""

    area_code: str | None = None  # None: kommun level (no area)
    area_name: str
    count: int
    category_counts: list[CategoryCount] = Field(default_factory=list)


class LagesbildSnapshot(BaseModel):
    """A published version of a kommun's weekly lägesbild, complete and self-contained."""

    format: int = SNAPSHOT_FORMAT
    kommun_code: str
    kommun_name: str
    week: str  # "2026-W47"
    first_date: str  # the week's Monday, ISO
    last_date: str  # the week's Sunday, ISO
    version: int
    published_at: datetime | None = None
    published_by: str | None = None
    filter: dict[str, object] = Field(default_factory=dict)
    # Texts: 1 vad har hänt, 3 vad görs, 4 prognos.
    vad_har_hant: str = ""
    vad_gors: str = ""
    prognos: str = ""
    generated_summary: list[str] = Field(default_factory=list)
    total: int = 0
    kommun_level_count: int = 0
    category_counts: list[CategoryCount] = Field(default_factory=list)
    areas: list[AreaSnapshot] = Field(default_factory=list)
    trend_weeks: list[str] = Field(default_factory=list)
    alerts: list[str] = Field(default_factory=list)
    completeness: list[CompletenessRow] = Field(default_factory=list)
    completeness_sentences: list[str] = Field(default_factory=list)
    insatser: list[InsatsSummary] = Field(default_factory=list)
    context_factors: list[ContextFactor] = Field(default_factory=list)
    points: list[MapPoint] = Field(default_factory=list)
    # Polisanmälda brott (source police_offences) per area: shown as a layer of its own on the map.
    police_offences: list[OffenceAreaCount] = Field(default_factory=list)
    attributions: list[str] = Field(default_factory=lambda: [SCB_ATTRIBUTION])

    def to_json(self) -> str:
        """The snapshot as a JSON string (what `Lagesbild.snapshot_json` stores)."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str) -> LagesbildSnapshot:
        """Read a snapshot stored by `to_json`."""
        return cls.model_validate_json(text)

    def area(self, code: str) -> AreaSnapshot | None:
        """The area with this code, or None."""
        return next((a for a in self.areas if a.code == code), None)
