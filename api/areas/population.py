"""Population per area (SCB's figures), the optional denominator that turns counts into rates."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from api.areas.models import Area
from api.areas.service import active_area_set
from api.core.errors import AppError
from ingest.population import PopulationFileError, read_scb_population


@dataclass(frozen=True)
class PopulationImport:
    """What an import did: areas given a population, file rows for other areas, areas left without."""

    year: int
    matched: int
    ignored: int
    missing: tuple[str, ...]


#: The population's source as shown beside it (a real import is SCB's table).
SCB_SOURCE = "Källa: SCB"


def import_population(*, session: Session, kommun_code: str, data: bytes,
                      source: str = SCB_SOURCE) -> PopulationImport:
    """Set the active areas' population from an SCB CSV; a bad file changes nothing.

    Rows for areas outside the kommun's active set (an SCB file for the whole län) are ignored;
    areas of the set that the file lacks get no population (so rates are not used until all have
    one). The caller commits.
    """
    try:
        frame = read_scb_population(data)
    except PopulationFileError as exc:
        raise AppError(str(exc)) from exc
    area_set = active_area_set(session=session, kommun_code=kommun_code)
    if area_set is None:
        raise AppError("Kommunen har inga områden att lägga befolkning på; importera områden först.")
    areas = session.exec(select(Area).where(Area.area_set_id == area_set.id)).all()
    by_code = dict(zip(frame["area_code"], frame["population"], strict=True))
    year = int(frame["year"].iloc[0])
    matched = [a for a in areas if a.code in by_code]
    if not matched:
        raise AppError("Ingen rad i filen har en områdeskod från kommunens aktiva områden "
                       f"(t.ex. {areas[0].code if areas else '–'}).")
    for area in areas:
        known = area.code in by_code
        area.population = int(by_code[area.code]) if known else None
        area.population_year = year if known else None
        area.population_source = source if known else None
        session.add(area)
    session.flush()
    codes = {a.code for a in areas}
    return PopulationImport(year=year, matched=len(matched),
                            ignored=int((~frame["area_code"].isin(codes)).sum()),
                            missing=tuple(sorted(a.code for a in areas if a.code not in by_code)))


def area_population(*, session: Session, kommun_code: str) -> pd.DataFrame:
    """``area_code``, ``population``, ``population_year``, ``population_source`` of the active areas
    (None where unknown)."""
    area_set = active_area_set(session=session, kommun_code=kommun_code)
    rows = [] if area_set is None else session.exec(
        select(Area.code, Area.population, Area.population_year, Area.population_source)
        .where(Area.area_set_id == area_set.id)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows],
                        columns=["area_code", "population", "population_year", "population_source"])


def complete_population(population: pd.DataFrame, area_codes: list[str]) -> pd.Series | None:
    """Population per area code when every area has one above zero, else None (counts stay counts)."""
    known = population.dropna(subset=["population"])
    series = known.set_index("area_code")["population"].reindex(area_codes)
    if series.isna().any() or not (series > 0).all():
        return None
    return series.astype("int64")
