"""`areas import` checks the file against the kommun: other kommuners' areas, empty filters, real moves."""

from __future__ import annotations

from datetime import timedelta

import geopandas as gpd
import pytest
from shapely.geometry import box
from sqlmodel import Session, select

from api.areas import service as area_service
from api.organisations.models import Organisation
from api.reports import service as report_service
from api.reports.models import Report
from ingest.records import ReportRecord
from tests.api import test_cli

cli_env = test_cli.cli_env  # the command line's own database
run = test_cli.run

pytestmark = pytest.mark.dates


def _layer(path, codes: list[str], kommunkod: list[str] | None = None, shift: float = 0.0):  # type: ignore[no-untyped-def]
    """1 km squares side by side in EPSG:3006, one per code (x from 500 km + i km)."""
    columns = {"kod": codes, "namn": [f"Område {c}" for c in codes]}
    if kommunkod is not None:
        columns["kommunkod"] = kommunkod
    squares = [box(500_000 + i * 1000 + shift, 6_500_000, 501_000 + i * 1000 + shift, 6_501_000)
               for i in range(len(codes))]
    gpd.GeoDataFrame(columns, geometry=squares, crs=3006).to_file(path)
    return path


def _import(path, *extra: str):  # type: ignore[no-untyped-def]
    return run("areas", "import", str(path), "--code-field", "kod", "--name-field", "namn", "--set-name", "EST",
               *extra)


def _codes(engine, kommun: str) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(area_service.load_areas_frame(session=session, kommun_code=kommun).area_code)


def _said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def test_a_two_kommun_file_gives_only_the_kommuns_areas_and_says_how_many_were_left_out(cli_env, tmp_path):
    assert run("kommun", "add", "0380", "Uppsala").exit_code == 0
    path = _layer(tmp_path / "two.gpkg", ["U1", "U2", "U3", "H1", "H2"], ["0380", "0380", "0380", "0331", "0331"])
    result = _import(path)
    assert result.exit_code == 0, result.output
    assert "2 områden i andra kommuner än 0380 lämnades utanför." in _said(result)
    assert "3 områden importerade" in _said(result)
    assert _codes(cli_env, "0380") == ["U1", "U2", "U3"]


def test_area_codes_tell_the_kommun_when_there_is_no_kommun_column(cli_env, tmp_path):
    assert run("kommun", "add", "0380", "Uppsala").exit_code == 0
    path = _layer(tmp_path / "regso.gpkg", ["0380R001", "0331R001", "0380R002"])
    result = _import(path)
    assert result.exit_code == 0, result.output
    assert "1 områden i andra kommuner än 0380 lämnades utanför." in _said(result)
    assert _codes(cli_env, "0380") == ["0380R001", "0380R002"]


def test_a_file_without_the_kommun_is_refused_naming_what_it_holds(cli_env, tmp_path):
    assert run("kommun", "add", "0380", "Uppsala").exit_code == 0
    path = _layer(tmp_path / "heby.gpkg", ["H1", "H2"], ["0331", "0331"])
    result = _import(path)
    assert result.exit_code == 1
    assert "Filen har inga områden i kommun 0380 (enligt fältet 'kommunkod': 0331)" in _said(result)
    assert _codes(cli_env, "0380") == []


def test_a_filter_that_matches_nothing_says_so_and_suggests_the_padded_code(cli_env, tmp_path):
    assert run("kommun", "add", "0380", "Uppsala").exit_code == 0
    path = _layer(tmp_path / "two.gpkg", ["U1", "H1"], ["0380", "0331"])
    result = _import(path, "--only-where", "kommunkod=380")
    assert result.exit_code == 1
    assert "Ingen rad har kommunkod 380 (menade du 0380?)" in _said(result)
    assert "Filen innehåller inga områden" not in _said(result)
    other = _import(path, "--only-where", "kommunkod=9")
    assert other.exit_code == 1 and "Ingen rad har kommunkod 9. Fältet har till exempel: 0331, 0380." in _said(other)
    matched = _import(path, "--only-where", "kommunkod=0380")
    assert matched.exit_code == 0 and _codes(cli_env, "0380") == ["U1"]


def test_re_import_counts_only_reports_whose_area_really_changed(cli_env, tmp_path, test_today):
    assert run("kommun", "add", "0380", "Uppsala").exit_code == 0
    assert run("organisations", "add", "Skolan", "--type", "skola").exit_code == 0
    path = _layer(tmp_path / "est.gpkg", ["A", "B"], ["0380", "0380"])
    assert _import(path).exit_code == 0
    with Session(cli_env) as session:
        organisation = session.exec(select(Organisation)).one()
        day = test_today - timedelta(days=1)
        report_service.store_records(
            session=session, kommun_code="0380", organisation_id=organisation.id,  # type: ignore[arg-type]
            records=[ReportRecord(kommun_code="0380", category_code="klotter", observed_date=day, source="api",
                                  x=x, y=6_500_500, description=f"punkt {x}")
                     for x in (500_100, 500_900, 501_500)],  # A, A, B
        )
        session.commit()
    same = _import(path)
    assert same.exit_code == 0, same.output
    assert "0 rapporter bytte område." in _said(same)
    # Shifted 300 m east: the point at 500 900 stays in A, 500 100 leaves every area, 501 500 stays in B.
    moved = _import(_layer(tmp_path / "est2.gpkg", ["A", "B"], ["0380", "0380"], shift=300))
    assert "1 rapporter bytte område." in _said(moved)
    with Session(cli_env) as session:
        placed = session.exec(select(Report.description, Report.area_id).order_by(Report.id)).all()
        assert [area is not None for _, area in placed] == [False, True, True]
