"""Generating a kvartalsanalys package: files, CSVs against PackageData, GeoPackage, row, regeneration."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest

from api.core.clock import Clock
from api.packages import service
from api.packages.data import package_data
from api.packages.models import AnalysisPackage
from api.reports.query import ReportQuery, reports_frame
from tests.api.packages import package_helpers

pytestmark = pytest.mark.dates

q3_reports = package_helpers.q3_reports
TODAY = date(2026, 11, 22)  # the packages below are of 2026-Q3, generated as of this day


@pytest.fixture()
def settings(test_settings, tmp_path):  # type: ignore[no-untyped-def]
    return test_settings.model_copy(update={"data_dir": tmp_path})


def _generate(database, settings, period="2026-Q3", progress=None):  # type: ignore[no-untyped-def]
    return service.generate_package(database=database, settings=settings, kommun_code="1880",
                                    period=period, today=TODAY, created_by="analys@example.se",
                                    progress=progress)


def _csv(archive: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(archive.read(name)), sep=";", decimal=",", encoding="utf-8-sig",
                       keep_default_na=False, na_values=[""])


@pytest.mark.usefixtures("q3_reports")
def test_package_zip_holds_the_files_and_csvs_agree_with_package_data(  # type: ignore[no-untyped-def]
    database, session, settings
):
    steps: list[int] = []
    package = _generate(database, settings, progress=lambda percent, _message: steps.append(percent))
    assert package.status == "done" and package.progress == 100
    assert steps == sorted(steps) and steps[-1] == 100
    path = settings.data_dir / package.artefact_path
    assert package.artefact_path == f"packages/1880/2026-Q3-{package.id}.zip"
    content = path.read_bytes()
    assert package.checksum == hashlib.sha256(content).hexdigest()
    assert package.size_bytes == len(content)
    assert package.period == "2026-Q3" and package.created_by == "analys@example.se"
    assert package.finished_at is not None

    archive = zipfile.ZipFile(path)
    assert archive.namelist() == ["Lagesbild_Orebro_2026-Q3_v1.pdf", *service.FILES[1:]]
    assert archive.read("Lagesbild_Orebro_2026-Q3_v1.pdf").startswith(b"%PDF")
    assert archive.read("rangordning.csv").startswith("\ufeff".encode())

    data = package_data(session=session, kommun_code="1880", period="2026-Q3", today=TODAY)
    comparison = _csv(archive, "jamforelse_omrade_kategori.csv")
    assert comparison["antal"].sum() == data.total == 6
    assert comparison["antal_foregaende"].sum() == data.total_previous == 1
    klotter_a = comparison[(comparison.omradeskod == "1880A") & (comparison.kategorikod == "klotter")]
    assert klotter_a[["antal", "antal_foregaende", "forandring_foregaende"]].values.tolist() == [[3, 1, 2]]
    assert klotter_a.forandring_foregaende_procent.tolist() == [200.0]
    kommun_level = comparison[comparison.omradeskod.isna()]
    assert kommun_level["antal"].sum() == 1
    assert set(kommun_level.omradesnamn) == {"Kommunnivå (inget område)"}

    # Per-area totals against a plain count of the period's reports.
    frame = reports_frame(session=session, query=ReportQuery("1880", date(2026, 7, 1), date(2026, 9, 30)))
    by_area = frame.groupby("area_code")["report_count"].sum().to_dict()
    assert by_area == {"1880A": 4, "1880B": 1}
    per_area = comparison.dropna(subset=["omradeskod"]).groupby("omradeskod")["antal"].sum().to_dict()
    assert per_area == {"1880A": 4, "1880B": 1, "1880C": 0, "1880D": 0}

    ranking = _csv(archive, "rangordning.csv")
    assert ranking.rang.tolist() == data.ranking["rank"].tolist()
    assert ranking.omradeskod.tolist() == data.ranking["area_code"].tolist()
    assert ranking.omradeskod.iloc[0] == "1880A"
    assert ranking.poang.round(2).tolist() == data.ranking["score"].round(2).tolist()

    completeness = _csv(archive, "rapporteringsgrad.csv")
    assert completeness.organisation.tolist() == data.completeness["organisation_name"].tolist()
    assert completeness.antal_rapporter.tolist() == data.completeness["report_count"].tolist()

    weekly = _csv(archive, "veckoserier.csv")
    assert len(weekly) == len(data.weekly)
    assert weekly.antal.sum() == data.weekly["count"].sum()
    klotter_w32 = weekly[(weekly.kategorikod == "klotter") & (weekly.vecka == "2026-W33")]
    assert klotter_w32.antal.tolist() == [2]  # 2026-08-10 is a Monday of week 33

    gpkg = settings.data_dir / "omraden.gpkg"
    gpkg.write_bytes(archive.read("omraden.gpkg"))
    areas = gpd.read_file(gpkg, layer="omraden")
    assert areas.crs.to_epsg() == 3006
    assert areas.omradeskod.tolist() == ["1880A", "1880B", "1880C", "1880D"]
    assert areas.totalt.tolist() == [4, 1, 0, 0]
    assert areas.klotter.tolist() == [3, 1, 0, 0]
    assert areas.skadegorelse.tolist() == [1, 0, 0, 0]
    assert areas.behovsrang.iloc[0] == 1
    assert set(areas.period) == {"2026-Q3"}

    html = archive.read("karta.html").decode("utf-8")
    assert "L.geoJSON" in html and "https://unpkg" not in html and "cdn" not in html.lower()
    assert '"1880A": {"name"' in html and '"total": 4' in html


@pytest.mark.usefixtures("q3_reports")
def test_regenerating_gives_the_same_numbers(database, session, settings):  # type: ignore[no-untyped-def]
    first = _generate(database, settings)
    second = _generate(database, settings)
    assert first.id != second.id
    one = zipfile.ZipFile(settings.data_dir / first.artefact_path)
    two = zipfile.ZipFile(settings.data_dir / second.artefact_path)
    # The second run of the period is version 2: its PDF says so.
    assert one.namelist()[0] == "Lagesbild_Orebro_2026-Q3_v1.pdf"
    assert two.namelist()[0] == "Lagesbild_Orebro_2026-Q3_v2.pdf"
    for name in service.FILES[1:]:
        if name.endswith(".csv") or name == "karta.html":
            assert one.read(name) == two.read(name), name


@pytest.mark.usefixtures("world")
def test_failure_marks_the_row_failed_with_a_swedish_message(  # type: ignore[no-untyped-def]
    database, session, settings, monkeypatch
):
    def broken(**_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("testfel")

    monkeypatch.setattr(service, "package_data", broken)
    with pytest.raises(RuntimeError):
        _generate(database, settings)
    row = session.exec(__import__("sqlmodel").select(AnalysisPackage)).one()
    assert row.status == "failed"
    assert row.message == "Paketet kunde inte skapas: testfel"


def test_default_period_is_the_last_finished_quarter_or_tertial():  # type: ignore[no-untyped-def]
    assert service.default_period("kvartal", date(2026, 11, 22)) == "2026-Q3"
    assert service.default_period("kvartal", date(2026, 1, 2)) == "2025-Q4"
    assert service.default_period("tertial", date(2026, 11, 22)) == "2026-T2"
    assert service.default_period("tertial", date(2026, 3, 1)) == "2025-T3"
    with pytest.raises(ValueError):
        service.validate_period("2026-11")


@pytest.mark.usefixtures("q3_reports")
def test_scheduled_job_generates_last_quarter_once(database, session, settings):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from api.schedule.jobs import run_job

    clock = Clock.fixed(datetime(2026, 10, 2, 5, 0, tzinfo=UTC))  # 07:00 in Stockholm
    run = run_job(database, settings, "kvartalspaket", kommun_code="1880", clock=clock)
    assert run.status == "succeeded", run.message
    assert run.period == "2026-10" and run.message == "Kvartalsanalysens paket för 2026-Q3 skapat."
    package = session.exec(__import__("sqlmodel").select(AnalysisPackage)).one()
    assert (package.period, package.status, package.created_by) == ("2026-Q3", "done", "system")
    content = (settings.data_dir / package.artefact_path).read_bytes()
    assert package.checksum == hashlib.sha256(content).hexdigest()
    again = run_job(database, settings, "kvartalspaket", kommun_code="1880", clock=clock, force=True)
    assert again.status == "skipped" and "finns redan" in again.message

    _set_period_kind(session, "1880", "tertial")  # the admin switches the kommun to tertialer
    september = Clock.fixed(datetime(2026, 9, 2, 5, 0, tzinfo=UTC))
    run = run_job(database, settings, "kvartalspaket", kommun_code="1880", clock=september)
    assert run.status == "succeeded" and "2026-T2" in run.message


def _set_period_kind(session, code, kind):  # type: ignore[no-untyped-def]
    from api.kommuner.models import Kommun

    kommun = session.get(Kommun, code)
    kommun.period_kind = kind
    session.add(kommun)
    session.commit()


@pytest.mark.usefixtures("world")
def test_scheduled_job_uses_each_kommuns_own_period_kind(database, session, settings):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from sqlmodel import select

    from api.schedule.jobs import run_job

    _set_period_kind(session, "1489", "tertial")  # 1880 stays kvartal (the default)
    october = Clock.fixed(datetime(2026, 10, 2, 5, 0, tzinfo=UTC))
    runs = [run_job(database, settings, "kvartalspaket", kommun_code=code, clock=october)
            for code in ("1880", "1489")]
    assert [r.status for r in runs] == ["succeeded", "succeeded"], [r.message for r in runs]
    assert [r.message for r in runs] == ["Kvartalsanalysens paket för 2026-Q3 skapat.",
                                         "Kvartalsanalysens paket för 2026-T2 skapat."]
    packages = session.exec(select(AnalysisPackage).order_by(AnalysisPackage.kommun_code)).all()
    assert [(p.kommun_code, p.period, p.status) for p in packages] == [
        ("1489", "2026-T2", "done"), ("1880", "2026-Q3", "done")]
    # In May only tertial kommuner have a new period: 1489 gets 2026-T1; 1880's last quarter is 2026-Q1.
    may = Clock.fixed(datetime(2026, 5, 2, 5, 0, tzinfo=UTC))
    run = run_job(database, settings, "kvartalspaket", kommun_code="1489", clock=may)
    assert run.message == "Kvartalsanalysens paket för 2026-T1 skapat."


@pytest.mark.usefixtures("q3_reports")
def test_zip_entries_carry_the_generation_time_in_local_time(database, session, settings):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from api.core.clock import using_clock

    # 2026-11-22 13:04:06 UTC is 14:04:06 in Stockholm (CET, UTC+1, in November);
    # 2026-07-01 10:30:00 UTC is 12:30:00 (CEST, UTC+2, in summer).
    for moment, local in ((datetime(2026, 11, 22, 13, 4, 6, tzinfo=UTC), (2026, 11, 22, 14, 4, 6)),
                          (datetime(2026, 7, 1, 10, 30, 0, tzinfo=UTC), (2026, 7, 1, 12, 30, 0))):
        with using_clock(Clock.fixed(moment)):
            package = _generate(database, settings)
        archive = zipfile.ZipFile(settings.data_dir / package.artefact_path)
        assert {info.date_time for info in archive.infolist()} == {local}
        assert len(archive.infolist()) == len(service.FILES)


@pytest.mark.usefixtures("world")
def test_version_counts_the_periods_packages_per_kommun(database, session, settings):  # type: ignore[no-untyped-def]
    made = [service.create_package(session=session, kommun_code=code, period=period, created_by="x")
            for code, period in (("1880", "2026-Q3"), ("1880", "2026-Q2"), ("1489", "2026-Q3"),
                                 ("1880", "2026-Q3"), ("1880", "2026-Q3"))]
    session.commit()
    versions = [service.package_version(session=session, package=p) for p in made]
    assert versions == [1, 1, 1, 2, 3]
    assert service.file_names(session=session, package=made[4]) == (
        "Lagesbild_Orebro_2026-Q3_v3", "Lägesbild_Örebro_2026-Q3_v3")
    assert service.file_names(session=session, package=made[2])[0] == "Lagesbild_Alingsas_2026-Q3_v1"
