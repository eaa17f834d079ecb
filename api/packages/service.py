"""Kvartalsanalys packages: generate one (PDF, CSVs, GeoPackage, HTML map in a ZIP), find and list them.

Every number comes from one `package_data` call (api/packages/data.py), so the PDF, the CSVs, the
GeoPackage, the map and the app's pages agree. Each step commits `progress` on the row, in its own
short transaction, so the status page and the command line can follow a run.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from analysis.periods import format_period, parse_period, previous_period
from api.core.config import Settings
from api.core.db import Database
from api.core.errors import NotFound
from api.core.time import utcnow
from api.kommuner.models import Kommun
from api.packages import naming, zipfile_builder
from api.packages.data import PackageData, package_data
from api.packages.models import AnalysisPackage
from api.packages.selection import PackageFilter, filter_of

Progress = Callable[[int, str], None]

#: The package's files, in ZIP order. The PDF is stored under the package's own name
#: (`Lagesbild_Orebro_2026-Q3_v1.pdf`, see `member_names`); "package.pdf" is its key here.
PDF = "package.pdf"
FILES = (
    PDF,
    "jamforelse_omrade_kategori.csv",
    "rangordning.csv",
    "rapporteringsgrad.csv",
    "veckoserier.csv",
    "hotspots_omrade.csv",
    "polisanmalda_brott.csv",
    "omraden.gpkg",
    "karta.html",
)
PURPOSE = "kvartalsanalysmöte"


def period_kind_letter(period_kind: str) -> str:
    """"T" for a kommun that works in tertialer, else "Q"."""
    return "T" if period_kind == "tertial" else "Q"


def current_period(day: date, kind: str) -> str:
    """The quarter or tertial the day falls in: 2026-11-22 → "2026-Q4"."""
    months = 3 if kind == "Q" else 4
    return format_period(day.year, kind, (day.month - 1) // months + 1)


def default_period(period_kind: str, today: date) -> str:
    """The last finished quarter (or tertial, by the kommun's period kind) before today."""
    return previous_period(current_period(today, period_kind_letter(period_kind)))


def kommun_period_kind(*, session: Session, kommun_code: str) -> str:
    """The kommun's period kind, "kvartal" or "tertial" (set on the admin's settings page)."""
    kommun = session.get(Kommun, kommun_code)
    if kommun is None:
        raise NotFound(f"Kommunen {kommun_code} finns inte.")
    return kommun.period_kind


def validate_period(text: str) -> str:
    """The canonical label of a quarter or tertial; a Swedish ValueError otherwise."""
    period = parse_period(text)
    if period.kind == "M":
        raise ValueError("välj ett kvartal (t.ex. 2026-Q3) eller en tertial (t.ex. 2026-T2)")
    return period.label


def create_package(*, session: Session, kommun_code: str, period: str, created_by: str,
                   package_filter: PackageFilter | None = None) -> AnalysisPackage:
    """A new package row in status pending, with its period and urval recorded (the caller commits)."""
    period = validate_period(period)
    package = AnalysisPackage(
        kommun_code=kommun_code, period=period,
        filter_json=(package_filter or PackageFilter()).as_json(period), created_by=created_by,
    )
    session.add(package)
    session.flush()
    return package


def _update(database: Database, package_id: int, **values: object) -> None:
    with database.transaction() as session:
        row = session.get(AnalysisPackage, package_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "")


def package_tables(data: PackageData) -> dict[str, pd.DataFrame]:
    """The package's CSV tables, by file name, straight from the `PackageData` (Swedish columns)."""
    c = data.comparison
    comparison = pd.DataFrame({
        "omradeskod": _text(c["area_code"]), "omradesnamn": c["area_name"],
        "kategorikod": c["category_code"].astype(object), "kategori": c["category_name"],
        "period": c["period"], "antal": c["current"].astype("int64"),
        "foregaende_period": c["previous_period"], "antal_foregaende": c["previous"].astype("int64"),
        "forandring_foregaende": c["change_previous"].astype("int64"),
        "forandring_foregaende_procent": c["change_previous_pct"].astype(float),
        "fjolarsperiod": c["last_year_period"], "antal_fjolar": c["last_year"].astype("int64"),
        "forandring_fjolar": c["change_last_year"].astype("int64"),
        "forandring_fjolar_procent": c["change_last_year_pct"].astype(float),
    })
    names = dict(zip(data.categories["category_code"], data.categories["category_name"], strict=True))
    r = data.ranking
    ranking = pd.DataFrame({
        "rang": r["rank"].astype("int64"), "omradeskod": r["area_code"], "omradesnamn": r["area_name"],
        "poang": r["score"].astype(float), "viktat_antal": r["level"].astype(float),
        "okning_foregaende": r["increase_previous"].astype(float),
        "okning_fjolar": r["increase_last_year"].astype(float),
        "framst_kategori": _text(r["top_category"].map(lambda k: names.get(k, k) if k else None)),
        "motivering": r["explanation"],
    })
    o = data.completeness
    completeness = pd.DataFrame({
        "organisation": o["organisation_name"], "veckor": o["weeks"].astype("int64"),
        "veckor_rapporterat": o["weeks_reported"].astype("int64"),
        "veckor_nollrapport": o["weeks_nollrapport"].astype("int64"),
        "veckor_tysta": o["weeks_silent"].astype("int64"),
        "andel_rapporterat": o["share_reported"].astype(float),
        "andel_nollrapport": o["share_nollrapport"].astype(float),
        "andel_tysta": o["share_silent"].astype(float),
        "antal_rapporter": o["report_count"].astype("int64"),
    })
    w = data.weekly
    weekly = pd.DataFrame({
        "kategorikod": w["category_code"], "kategori": w["category_code"].map(names),
        "vecka": w["iso_week"], "antal": w["count"].astype("int64"),
        "vecka_fjolar": w["last_year_week"], "antal_fjolar": w["count_last_year"].astype("int64"),
    })
    tables = {
        "jamforelse_omrade_kategori.csv": comparison,
        "rangordning.csv": ranking,
        "rapporteringsgrad.csv": completeness,
        "veckoserier.csv": weekly,
    }
    tables[HOTSPOT_CSV] = hotspot_table(data)
    p = data.police_offences
    tables[OFFENCES_CSV] = pd.DataFrame({
        "omradeskod": _text(p["area_code"]), "omradesnamn": p["area_name"],
        "kategorikod": p["category_code"], "kategori": p["category_name"],
        "antal": p["current"].astype("int64"), "antal_foregaende": p["previous"].astype("int64"),
        "antal_fjolar": p["last_year"].astype("int64"),
    })
    return tables


OFFENCES_CSV = "polisanmalda_brott.csv"


HOTSPOT_CSV = "hotspots_omrade.csv"
HOTSPOT_COLUMNS = ("omradeskod", "omradesnamn", "antal", "normalt", "kvot", "p_forhojt", "q_forhojt",
                   "forhojt", "kluster_id", "i_kluster", "kluster", "monster_12_man",
                   "forhojda_manader", "trend_tau", "trend_p", "befolkningskalla", "invanare",
                   "per_1000_invanare")


def hotspot_table(data: PackageData) -> pd.DataFrame:
    """Per area: both hotspot layers for the period and the 12-month emerging pattern."""
    h = data.hotspots
    if h is None:  # fewer than 3 areas: the header only
        return pd.DataFrame(columns=list(HOTSPOT_COLUMNS))
    codes = data.areas["area_code"].tolist()
    h = h.reindex(codes)
    e = data.emerging.reindex(codes) if data.emerging is not None else None
    return pd.DataFrame({
        "omradeskod": codes, "omradesnamn": data.areas["area_name"].tolist(),
        "antal": h["count"].astype("int64").to_numpy(),
        "normalt": h["expected"].astype(float).to_numpy(),
        "kvot": h["ratio"].astype(float).to_numpy(),
        "p_forhojt": h["p_excess"].astype(float).to_numpy(),
        "q_forhojt": h["q_excess"].astype(float).to_numpy(),
        "forhojt": h["excess_label"].to_numpy(),
        "kluster_id": h["cluster_id"].astype("int64").to_numpy(),
        "i_kluster": h["in_cluster"].map({True: "ja", False: "nej"}).to_numpy(),
        "kluster": h["cluster_label"].to_numpy(),
        "monster_12_man": (e["pattern"].to_numpy() if e is not None else [""] * len(codes)),
        "forhojda_manader": (e["n_hot"].astype("Int64").to_numpy() if e is not None
                             else pd.array([None] * len(codes), dtype="Int64")),
        "trend_tau": (e["trend_tau"].astype(float).to_numpy() if e is not None
                      else [float("nan")] * len(codes)),
        "trend_p": (e["trend_p"].astype(float).to_numpy() if e is not None
                    else [float("nan")] * len(codes)),
        # Empty without an imported population (the counts are then not rates).
        "befolkningskalla": [data.population_source or ""] * len(codes),
        "invanare": h["population"].astype("Float64").round().astype("Int64").to_numpy(),
        "per_1000_invanare": h["rate_per_1000"].astype(float).to_numpy(),
    })


#: Columns of the area aggregates besides one per category code.
AREA_FIXED = ("omradeskod", "omradesnamn", "period", "totalt", "behovsrang")


def category_column(code: str) -> str:
    """The GeoPackage column of a category: its code, prefixed when it clashes with a fixed column."""
    return f"kat_{code}" if code in AREA_FIXED else code


def area_aggregates(data: PackageData) -> pd.DataFrame:
    """Per area: the period's count per category, total and need rank (one row per active area)."""
    in_area = data.comparison[data.comparison["area_code"].notna()]
    wide = in_area.pivot_table(index=in_area["area_code"].astype(object),
                               columns=in_area["category_code"].astype(object),
                               values="current", aggfunc="sum", fill_value=0, observed=True)
    codes = [str(c) for c in pd.unique(data.comparison["category_code"].astype(object))]
    area_codes = data.areas["area_code"].tolist()
    wide = wide.reindex(index=area_codes, columns=codes, fill_value=0).astype("int64")
    rank = dict(zip(data.ranking["area_code"], data.ranking["rank"], strict=True))
    frame = pd.DataFrame({"omradeskod": area_codes, "omradesnamn": data.areas["area_name"].tolist()})
    for code in codes:
        frame[category_column(code)] = wide[code].to_numpy()
    frame["totalt"] = data.area_counts.reindex(area_codes, fill_value=0).astype("int64").to_numpy()
    frame["behovsrang"] = pd.array([rank.get(a) for a in area_codes], dtype="Int64")
    return frame


def areas_frame(*, data: PackageData, aggregates: pd.DataFrame) -> gpd.GeoDataFrame:
    """The kommun's active areas with the period's aggregates, in EPSG:3006."""
    frame = aggregates.copy()
    frame.insert(2, "period", data.period)
    return gpd.GeoDataFrame(frame, geometry=list(data.areas.geometry), crs=3006)


def _map_counts(aggregates: pd.DataFrame, category_names: dict[str, str]) -> dict[str, dict]:
    skip = {"omradeskod", "omradesnamn", "period", "totalt", "behovsrang"}
    result = {}
    for row in aggregates.to_dict("records"):
        rank = row.get("behovsrang")
        result[str(row["omradeskod"])] = {
            "name": str(row["omradesnamn"]),
            "total": int(row["totalt"]),
            "rank": None if rank is None or pd.isna(rank) else int(rank),
            "categories": [[category_names.get(k, k), int(v)] for k, v in row.items()
                           if k not in skip and int(v or 0) > 0],
        }
    return result


def build_files(*, session: Session, settings: Settings, kommun_code: str, period: str, today: date,
                report: Progress, package_filter: PackageFilter | None = None) -> dict[str, bytes]:
    """Compute the package data once (as of `today`) and render every file of the package."""
    from api.core.templating import make_templates
    from api.lagesbild import map_data
    from api.packages.pdf import build_package_pdf
    from api.reports.query import categories_frame

    kommun = session.get(Kommun, kommun_code)
    kommun_name = kommun.name if kommun else kommun_code

    step = report
    step(10, "Räknar periodens tal")
    data = package_data(session=session, kommun_code=kommun_code, period=period,
                        query_filters=(package_filter or PackageFilter()).query_filters() or None,
                        today=today)
    step(40, "Skriver PDF")
    files: dict[str, bytes] = {PDF: build_package_pdf(data, kommun_name=kommun_name)}
    step(60, "Skriver CSV-tabeller")
    for name, frame in package_tables(data).items():
        files[name] = zipfile_builder.csv_bytes(frame)
    step(75, "Skriver GeoPackage")
    aggregates = area_aggregates(data)
    frame = areas_frame(data=data, aggregates=aggregates)
    files["omraden.gpkg"] = zipfile_builder.geopackage_bytes(frame)
    step(85, "Skriver kartan")
    categories = categories_frame(session=session, kommun_code=kommun_code)
    names = dict(zip(categories.category_code, categories.category_name, strict=True))
    geojson = map_data.area_geojson(session=session, kommun_code=kommun_code).raw()
    files["karta.html"] = zipfile_builder.map_html(
        make_templates().env, title=f"Kvartalsanalys {kommun_name} {period}", period=period,
        area_geojson=geojson, counts=_map_counts(aggregates, names),
        tile_url=settings.map_tile_url, tile_attribution=settings.map_tile_attribution,
    ).encode("utf-8")
    return files


def artefact_file(settings: Settings, package: AnalysisPackage) -> Path:
    """Where the package's ZIP lives on disk."""
    return settings.data_dir / package.artefact_path


def package_version(*, session: Session, package: AnalysisPackage) -> int:
    """The package's number among the kommun's packages of its period: 1 for the first one made.

    Every row counts (a failed run too), so the number is fixed when the row is created and never
    changes when a later run finishes first.
    """
    statement = select(func.count()).select_from(AnalysisPackage).where(
        AnalysisPackage.kommun_code == package.kommun_code, AnalysisPackage.period == package.period,
        AnalysisPackage.id <= package.id)  # type: ignore[operator]
    return int(session.exec(statement).one())


def file_names(*, session: Session, package: AnalysisPackage) -> tuple[str, str]:
    """The package's file stem, ASCII-folded and exact: ("Lagesbild_Orebro_2026-Q3_v1", "Lägesbild_Örebro_…")."""
    kommun = session.get(Kommun, package.kommun_code)
    name = kommun.name if kommun else package.kommun_code
    version = package_version(session=session, package=package)
    exact = f"Lägesbild_{'-'.join(name.split())}_{package.period}_v{version}"
    return naming.file_stem(kommun_name=name, period=package.period, version=version), exact


def member_names(stem: str) -> dict[str, str]:
    """The ZIP member name of each file: the PDF under the package's name, the tables as they are."""
    return {name: (f"{stem}.pdf" if name == PDF else name) for name in FILES}


def _write_zip(settings: Settings, package: AnalysisPackage, stem: str,
               files: dict[str, bytes]) -> dict[str, object]:
    """Write the ZIP under the data directory; the row's values for a finished package.

    The entries are dated with the generation time from the clock, in the installation's time zone
    (ZIP times have no zone): an unzipped file shows when the package was made.
    """
    kommun_code, period, package_id = package.kommun_code, package.period, package.id
    generated = utcnow().astimezone(ZoneInfo(settings.timezone))
    names = member_names(stem)
    content = zipfile_builder.zip_bytes({names[name]: files[name] for name in FILES},
                                        date_time=naming.zip_time(generated))
    relative = Path("packages") / kommun_code / f"{period}-{package_id}.zip"
    target = settings.data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return {"status": "done", "progress": 100, "message": "Klart", "finished_at": utcnow(),
            "artefact_path": relative.as_posix(), "checksum": hashlib.sha256(content).hexdigest(),
            "size_bytes": len(content)}


def generate_in_session(*, session: Session, settings: Settings, kommun_code: str, period: str,
                        today: date, created_by: str) -> AnalysisPackage:
    """Generate a package inside the caller's transaction (a scheduled job's); the caller commits."""
    package = create_package(session=session, kommun_code=kommun_code, period=period,
                             created_by=created_by)
    package.status = "running"
    files = build_files(session=session, settings=settings, kommun_code=kommun_code,
                        period=package.period, today=today, report=lambda _percent, _message: None)
    assert package.id is not None
    stem, _exact = file_names(session=session, package=package)
    for key, value in _write_zip(settings, package, stem, files).items():
        setattr(package, key, value)
    session.add(package)
    session.flush()
    return package


def generate_package(*, database: Database, settings: Settings, kommun_code: str, period: str,
                     today: date, created_by: str, progress: Progress | None = None,
                     package_id: int | None = None, package_filter: PackageFilter | None = None) -> AnalysisPackage:
    """Generate a package (new row, or the given pending one): the ZIP on disk, checksum, status.

    The urval is the one recorded on the row, so a pending row created by the web page keeps its own.
    `today` dates the package's as-of figures (insatser, medborgarlöften); the caller's clock gives it.
    """
    period = validate_period(period)
    if package_id is None:
        with database.transaction() as session:
            package_id = create_package(session=session, kommun_code=kommun_code, period=period,
                                        created_by=created_by, package_filter=package_filter).id
    assert package_id is not None
    with database.session() as session:
        row = session.get(AnalysisPackage, package_id)
        assert row is not None
        recorded_filter = filter_of(row)
        stem, _exact = file_names(session=session, package=row)
        session.expunge(row)

    def step(percent: int, message: str) -> None:
        _update(database, package_id, progress=percent, message=message)
        if progress is not None:
            progress(percent, message)

    _update(database, package_id, status="running", progress=1, message="Startar")
    try:
        with database.session() as session:

            def read_step(percent: int, message: str) -> None:
                # End the read-only transaction first: on SQLite every transaction takes the
                # write lock, and the progress update is a transaction of its own.
                session.rollback()
                step(percent, message)

            files = build_files(session=session, settings=settings, kommun_code=kommun_code,
                                period=period, today=today, report=read_step,
                                package_filter=recorded_filter)
            session.rollback()
        step(95, "Packar ZIP-filen")
        _update(database, package_id, **_write_zip(settings, row, stem, files))
        if progress is not None:
            progress(100, "Klart")
    except Exception as error:  # noqa: BLE001 - any failure is shown to the user on the row
        traceback.print_exc()
        _update(database, package_id, status="failed", finished_at=utcnow(),
                message=f"Paketet kunde inte skapas: {error}")
        raise
    with database.session() as session:
        row = session.get(AnalysisPackage, package_id)
        assert row is not None
        return row


#: A run still "running" after this long was cut off (the server restarted): shown as failed.
STALE_AFTER = timedelta(hours=2)


def mark_stale(package: AnalysisPackage, now: datetime) -> AnalysisPackage:
    """The package as shown: a run cut off long ago is failed with a Swedish reason (not saved)."""
    created = package.created_at if package.created_at.tzinfo else package.created_at.replace(tzinfo=UTC)
    if package.status in ("pending", "running") and now - created > STALE_AFTER:
        package.status = "failed"
        package.message = ("Körningen avbröts innan paketet blev klart (servern startades troligen "
                           "om). Skapa paketet igen.")
    return package


def get_package(*, session: Session, kommun_code: str, package_id: int) -> AnalysisPackage:
    """The kommun's package, or NotFound (another kommun's package is not found either)."""
    package = session.get(AnalysisPackage, package_id)
    if package is None or package.kommun_code != kommun_code:
        raise NotFound("Paketet finns inte.")
    session.expunge(package)  # the stale check below changes only what is shown
    return mark_stale(package, utcnow())


def list_packages(*, session: Session, kommun_code: str) -> list[AnalysisPackage]:
    """The kommun's packages, newest first."""
    statement = (select(AnalysisPackage).where(AnalysisPackage.kommun_code == kommun_code)
                 .order_by(AnalysisPackage.created_at.desc(), AnalysisPackage.id.desc()))  # type: ignore[attr-defined,union-attr]
    packages = list(session.exec(statement))
    for package in packages:
        session.expunge(package)
    return [mark_stale(package, utcnow()) for package in packages]


def done_package_exists(*, session: Session, kommun_code: str, period: str) -> bool:
    """Whether a finished package for the period exists."""
    statement = select(AnalysisPackage.id).where(
        AnalysisPackage.kommun_code == kommun_code, AnalysisPackage.period == period,
        AnalysisPackage.status == "done")
    return session.exec(statement).first() is not None
