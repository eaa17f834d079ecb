"""The JSON API's documented shapes (OpenAPI); validation itself is ingest.form's, in Swedish."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ingest.records import (
    MAX_DESCRIPTION_CHARS,
    MAX_EXTERNAL_ID_CHARS,
    MAX_INVOLVED,
    MAX_PLACE_TEXT_CHARS,
    MAX_ROW_ID,
)


class ObservationIn(BaseModel):
    """One observation. Give a place as lat/lon, x/y (SWEREF 99 TM), plats_id or plats."""

    model_config = ConfigDict(extra="forbid")  # ingest.form refuses unknown fields: say so in the schema

    kategori: str = Field(description="Kategorikod eller namn, t.ex. 'klotter'")
    datum: str = Field(description="ÅÅÅÅ-MM-DD, eller 'under veckan' tillsammans med vecka")
    tid: str | None = Field(default=None, description="TT:MM")
    vecka: str | None = Field(default=None, description="ISO-vecka, t.ex. 2026-W47")
    lat: float | None = None
    lon: float | None = None
    x: float | None = Field(default=None, description="SWEREF 99 TM (EPSG:3006) östlig")
    y: float | None = Field(default=None, description="SWEREF 99 TM (EPSG:3006) nordlig")
    plats_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID, description="Id från ortregistret")
    plats: str | None = Field(default=None, max_length=MAX_PLACE_TEXT_CHARS,
                              description="Fritext, t.ex. 'skolgården vid Centrumskolan'")
    beskrivning: str | None = Field(default=None, max_length=MAX_DESCRIPTION_CHARS,
                                    description="Inga namn eller personnummer")
    antal: int | None = Field(default=None, ge=0, le=MAX_INVOLVED, description="Antal inblandade personer/föremål")
    externt_id: str | None = Field(default=None, max_length=MAX_EXTERNAL_ID_CHARS,
                                   description="Ert id; samma id lagras bara en gång")


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observationer: list[ObservationIn] = Field(min_length=1)


class StoredReportOut(BaseModel):
    """What became of one observation of the request, in input order."""

    rad: int = Field(description="Observationens nummer i begäran (1, 2, …)")
    id: int = Field(description="Rapportens id")
    status: str = Field(description="`skapad`, `fanns_redan` (lagrad av en tidigare begäran) eller "
                                    "`samma_som_rad` (samma observation som en tidigare rad i begäran)")
    omrade: str | None = Field(description="Områdeskod där rapporten placerades, eller null (kommunnivå)")
    misstankt_dubblett_av: int | None = Field(description="Id för en rapport som den troligen är en dubblett av")
    samma_som_rad: int | None = Field(default=None, description="Raden den är samma som (vid `samma_som_rad`)")


class SubmissionOut(BaseModel):
    """The answer to a stored submission (201 when something new was stored, 200 when all existed)."""

    mottagna: int
    skapade: int
    fanns_redan: int
    personnummer_maskerade: int
    meddelanden: list[str]
    rapporter: list[StoredReportOut]


SUBMISSION_EXAMPLES = {
    "en": {
        "summary": "En observation",
        "value": {
            "kategori": "klotter", "datum": "2026-11-18", "tid": "21:30",
            "lat": 59.2745, "lon": 15.1685, "beskrivning": "Nya taggar på gavel", "externt_id": "FS-1042",
        },
    },
    "flera": {
        "summary": "Veckorapport med flera observationer",
        "value": {
            "observationer": [
                {"kategori": "skadegorelse", "datum": "2026-11-17", "plats": "Vivalla centrum",
                 "beskrivning": "Krossad ruta i port", "externt_id": "FS-1043"},
                {"kategori": "ungdomssamling", "datum": "under veckan", "vecka": "2026-W47",
                 "plats_id": 3, "antal": 12},
            ]
        },
    },
}


def openapi_components() -> dict[str, dict]:
    """JSON schemas of the documented request shapes, for the OpenAPI document's components."""
    from pydantic.json_schema import models_json_schema

    _, top = models_json_schema(
        [(ObservationIn, "validation"), (SubmissionIn, "validation")],
        ref_template="#/components/schemas/{model}",
    )
    return dict(top.get("$defs", {}))
