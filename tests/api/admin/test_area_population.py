"""Population per area from an SCB CSV: import, all-or-nothing, the CLI path, use as denominator."""

from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import select

from api.areas.models import Area
from api.areas.population import area_population, complete_population, import_population
from api.core.errors import AppError

FIXTURES = Path(__file__).resolve().parents[2] / "ingest" / "fixtures"
# män + kvinnor of the fixture's 2024 column, by hand
EXPECTED = {"1880A": 4285, "1880B": 1631, "1880C": 8968, "1880D": 2374}


def _population(session) -> dict:  # type: ignore[no-untyped-def]
    frame = area_population(session=session, kommun_code="1880")
    return {r.area_code: (r.population, r.population_year) for r in frame.itertuples()}


def test_import_sets_every_area_and_a_bad_file_changes_nothing(session, world) -> None:  # type: ignore[no-untyped-def]
    result = import_population(session=session, kommun_code="1880",
                               data=(FIXTURES / "folkmangd_regso_cp1252.csv").read_bytes())
    assert (result.year, result.matched, result.ignored, result.missing) == (2024, 4, 0, ())
    assert _population(session) == {code: (n, 2024) for code, n in EXPECTED.items()}
    frame = area_population(session=session, kommun_code="1880")
    assert complete_population(frame, sorted(EXPECTED)).to_dict() == EXPECTED

    bad = ('"region";"2024"\n"1880A Område A";"5000"\n"1880B Område B";"..."\n').encode()
    with pytest.raises(AppError, match="Rad 3, kolumn '2024'"):
        import_population(session=session, kommun_code="1880", data=bad)
    assert _population(session) == {code: (n, 2024) for code, n in EXPECTED.items()}


def test_rows_of_other_areas_are_ignored_and_missing_areas_get_none(session, world) -> None:  # type: ignore[no-untyped-def]
    data = ('"region";"2023"\n"1880A Område A";"4000"\n"1880B Område B";"1500"\n'
            '"1881A Någon annan";"700"\n').encode("utf-8-sig")
    result = import_population(session=session, kommun_code="1880", data=data)
    assert (result.year, result.matched, result.ignored, result.missing) == (2023, 2, 1, ("1880C", "1880D"))
    pop = _population(session)
    assert pop["1880A"] == (4000, 2023) and pop["1880B"] == (1500, 2023)
    assert all(pd.isna(v) for code in ("1880C", "1880D") for v in pop[code])
    frame = area_population(session=session, kommun_code="1880")
    assert complete_population(frame, sorted(EXPECTED)) is None  # not every area: counts stay counts
    none = '"region";"2024"\n"0114A Upplands Väsby";"4000"\n'.encode()
    with pytest.raises(AppError, match="Ingen rad"):
        import_population(session=session, kommun_code="1880", data=none)
    areas = session.exec(select(Area)).all()
    assert any(a.population == 4000 for a in areas)  # the refused file left the earlier import
