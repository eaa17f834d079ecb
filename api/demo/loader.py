"""Load the demo kommun (Örebro, real RegSO areas, synthetic reports) into the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import insert
from sqlmodel import Session, col, select

from api.areas import service as area_service
from api.categories import service as category_service
from api.kommuner import service as kommun_service
from api.kommuner.models import Kommun
from api.organisations import service as organisation_service
from api.reports.models import Nollrapport, Report
from api.resources import package_path
from api.users import service as user_service
from api.users.models import Role, User

if TYPE_CHECKING:  # the generator pulls in geopandas: import it only when loading
    from api.demo._plan import PlantedInsats

DEMO_KOMMUN = ("1880", "Örebro")
DEMO_SEED = 2026

# One demo login per role; printed by `lagesbild demo`. Never use these outside a demo.
DEMO_PASSWORDS: dict[str, tuple[str, str]] = {
    Role.analytiker.value: ("sakerhet@orebro.example", "demo-analytiker"),
    Role.granskare.value: ("bra-gruppen@orebro.example", "demo-granskare"),
    Role.polis.value: ("kommunpolis@orebro.example", "demo-polis-2026"),
    Role.inrapportor.value: ("fastighet@orebro.example", "demo-inrapportor"),
    Role.admin.value: ("admin@orebro.example", "demo-nyckel-2026"),
}
_DEMO_NAMES = {
    Role.analytiker.value: "Sara Säkerhetshandläggare",
    Role.granskare.value: "Bengt BRÅ-gruppen",
    Role.polis.value: "Kim Kommunpolis",
    Role.inrapportor.value: "Fia Fastighetsskötare",
    Role.admin.value: "Ada Administratör",
}


def _data(name: str) -> Path:
    """A file of the demo data shipped in the package (api/demo/data, see SOURCES.md there)."""
    return package_path("api.demo", "data", name)


def load_demo(
    *, session: Session, today: date, progress: Callable[[str], object] = print,
    period_kind: str = "kvartal",
) -> str:
    """Load Örebro with areas, gazetteer, organisations, one user per role and two years of reports.

    The areas get an INVENTED population ("Demo: påhittade invånartal", stored through the same
    import as SCB's file), which the reports follow together with each area's planned hotness.

    Everything is dated relative to `today` (the caller's clock), so the demo is current on any date
    and the same `today` always gives the same data. Idempotent: a second run leaves an already
    loaded demo kommun as it is.
    """
    code, name = DEMO_KOMMUN
    if session.get(Kommun, code) is not None:
        reports = session.exec(select(Report.id).where(Report.kommun_code == code)).all()
        return f"{name} ({code}) finns redan: {len(reports)} rapporter."
    kommun_service.add_kommun(session=session, code=code, name=name, period_kind=period_kind)
    progress("Läser in områden (RegSO 2025, Källa: SCB) …")
    areas = area_service.read_area_file(
        _data("orebro_regso_2025.gpkg"), code_field="regsokod", name_field="regsonamn"
    )
    area_service.import_area_set(
        session=session, kommun_code=code, areas=areas, name="RegSO 2025",
        source="Källa: SCB, RegSO 2025 (CC0)",
    )
    area_service.import_places_csv(
        session=session, kommun_code=code, text=_data("orebro_places.csv").read_text("utf-8")
    )
    progress("Skapar organisationer och användare …")
    organisations = _create_organisations(session=session, kommun_code=code)
    users = _create_users(session=session, kommun_code=code, organisations=organisations)
    progress("Genererar två års syntetiska observationer …")
    count, nolls = _load_reports(
        session=session, kommun_code=code, areas=areas, organisations=organisations, today=today
    )
    _leave_this_week_to_the_reporter(session=session, users=users, today=today)
    _open_recent_weeks_for_review(session=session, kommun_code=code, today=today)
    progress("Lägger in medborgarlöften …")
    from api.demo._promises import add_demo_promises

    analyst = next(u for u in users if u.role == Role.analytiker.value)
    promises = add_demo_promises(session=session, kommun_code=code, areas=areas, today=today,
                                 created_by_id=analyst.id)
    progress("Publicerar veckornas lägesbilder …")
    from api.demo._history import publish_demo_history

    history = publish_demo_history(session=session, kommun_code=code, today=today, analyst=analyst)
    return (
        f"{name} ({code}): {len(areas)} områden, {len(organisations)} organisationer, "
        f"{count} syntetiska rapporter, {nolls} nollrapporter, {len(promises)} medborgarlöften, "
        f"{len(history.published_weeks)} publicerade lägesbilder ({history.published_weeks[0]}–"
        f"{history.published_weeks[-1]}, {history.corrected_week} i två versioner), "
        f"utkast för {history.draft_week}."
    )


def _create_organisations(*, session: Session, kommun_code: str) -> dict[int, int]:
    """Create the generator's organisations; returns generator id -> database id."""
    from api.demo.generator import default_demo_organisations

    ids: dict[int, int] = {}
    for org in default_demo_organisations():
        row = organisation_service.create_organisation(
            session=session, kommun_code=kommun_code, name=org["name"], type=org["type"]
        )
        ids[int(org["id"])] = row.id  # type: ignore[assignment]
    return ids


def _create_users(*, session: Session, kommun_code: str, organisations: dict[int, int]) -> list[User]:
    from api.organisations.models import Organisation

    housing = session.exec(
        select(Organisation).where(
            Organisation.kommun_code == kommun_code, Organisation.type == "fastighetsbolag"
        ).order_by(col(Organisation.id))
    ).first()
    police = session.exec(
        select(Organisation).where(
            Organisation.kommun_code == kommun_code, Organisation.type == "polis"
        )
    ).first()
    users = []
    for role, (email, password) in DEMO_PASSWORDS.items():
        organisation_id = None
        if role == Role.inrapportor.value and housing:
            organisation_id = housing.id
        if role == Role.polis.value and police:
            organisation_id = police.id
        users.append(
            user_service.create_user(
                session=session, name=_DEMO_NAMES[role], email=email, password=password,
                role=role, kommun_codes=[kommun_code], organisation_id=organisation_id,
            )
        )
    return users


def _load_reports(
    *, session: Session, kommun_code: str, areas, organisations: dict[int, int], today: date
) -> tuple[int, int]:
    from api.demo.generator import default_demo_organisations, generate_demo_reports

    categories = category_service.list_categories(session=session, kommun_code=kommun_code)
    category_frame = pd.DataFrame(
        {
            "category_code": [c.code for c in categories],
            "category_name": [c.name for c in categories],
            "severity": [c.severity for c in categories],
            "is_context": [c.is_context for c in categories],
            "active": [c.active for c in categories],
        }
    )
    places = pd.read_csv(_data("orebro_places.csv"), sep=";", dtype=str).fillna("")
    demo = generate_demo_reports(
        areas=areas[["area_code", "area_name", "geometry"]],
        places=places,
        kommun_code=kommun_code,
        organisations=default_demo_organisations(),
        categories=category_frame,
        start=date(today.year - 2, today.month, 1),
        end=today,
        seed=DEMO_SEED,
    )
    area_ids = dict(zip(*_area_id_columns(session=session, kommun_code=kommun_code), strict=True))
    category_ids = {c.code: c.id for c in categories}
    frame = demo.reports
    rows = []
    for record in frame.to_dict("records"):
        observed_time = record.get("observed_time")
        rows.append(
            {
                "kommun_code": kommun_code,
                "category_id": category_ids[record["category_code"]],
                "observed_date": pd.Timestamp(record["observed_date"]).date(),
                "observed_time": observed_time if isinstance(observed_time, time) else None,
                "observed_period": record.get("observed_period") or "dag",
                "organisation_id": organisations[int(record["organisation_id"])],
                "area_id": _area_id(area_ids, record.get("area_code")),
                "x": None if pd.isna(record.get("x")) else float(record["x"]),
                "y": None if pd.isna(record.get("y")) else float(record["y"]),
                "place_text": record.get("place_text") or "",
                "description": record.get("description") or "",
                "report_count": int(record.get("report_count", 1) or 1),
                "source": record.get("source") or "form",
                "external_id": record.get("external_id") or None,
                "review_status": "godkand",
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(Report), rows[start : start + 5000])
    nolls = [
        {
            "kommun_code": kommun_code,
            "organisation_id": organisations[int(n["organisation_id"])],
            "iso_week": n["iso_week"],
        }
        for n in demo.nollrapporter.to_dict("records")
    ]
    if nolls:
        session.execute(insert(Nollrapport), nolls)
    session.flush()
    _import_demo_population(session=session, kommun_code=kommun_code, population=demo.population,
                            year=today.year - 1)
    if demo.insats_effect is not None:
        _register_planted_insats(session=session, kommun_code=kommun_code, planted=demo.insats_effect)
    return len(rows), len(nolls)


def demo_population_csv(population: pd.DataFrame, year: int) -> bytes:
    """The demo's INVENTED population written as SCB's table is (PxWeb CSV), labelled as invented.

    >>> demo_population_csv(pd.DataFrame({"area_code": ["1880R001"], "area_name": ["Adolfsberg"],
    ...     "population": [5423]}), 2025).decode("utf-8-sig").splitlines()[2:]
    ['"region";"ålder";"kön";"2025"', '"1880R001 Adolfsberg";"totalt ålder";"totalt";"5423"']
    """
    lines = ['"Folkmängd per region (Demo: påhittade invånartal, inte SCB:s siffror)"', "",
             f'"region";"ålder";"kön";"{year}"']
    lines += [f'"{r.area_code} {r.area_name}";"totalt ålder";"totalt";"{int(r.population)}"'
              for r in population.itertuples()]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _import_demo_population(*, session: Session, kommun_code: str, population: pd.DataFrame,
                            year: int) -> None:
    """Store the generator's invented population the way a real SCB file is stored, labelled."""
    from api.areas.population import import_population
    from api.demo._profiles import DEMO_POPULATION_SOURCE

    import_population(session=session, kommun_code=kommun_code,
                      data=demo_population_csv(population, year), source=DEMO_POPULATION_SOURCE)


def _register_planted_insats(*, session: Session, kommun_code: str, planted: PlantedInsats) -> None:
    """Register the generator's planted insats, so the demo's insats follow-up has one to show."""
    from api.insatser import service as insats_service
    from api.organisations.models import Organisation

    housing = session.exec(
        select(Organisation).where(
            Organisation.kommun_code == kommun_code, Organisation.type == "fastighetsbolag"
        ).order_by(col(Organisation.id))
    ).first()
    kind = "klottersanering" if planted.category_code in ("skadegorelse", "klotter") else "faltarbete"
    insats_service.create_insats(
        session=session, kommun_code=kommun_code,
        data=insats_service.InsatsData(
            title=planted.name, type=kind, start_date=planted.start_date, status="pagaende",
            description="Demoinsats: syntetiska data, effekten är inplanterad av demogeneratorn.",
            responsible_organisation_id=housing.id if housing else None,
            area_codes=list(planted.area_codes), category_codes=[planted.category_code],
        ),
    )


def _leave_this_week_to_the_reporter(*, session: Session, users: list[User], today: date) -> None:
    """The demo inrapportör's organisation has not reported this week yet, so it can file a nollrapport.

    The reporter may report for this week and last week; with generated reports in both, the
    nollrapport (refused once a week holds reports) could never be tried.
    """
    from sqlalchemy import delete

    reporter = next(u for u in users if u.role == Role.inrapportor.value)
    monday = today - timedelta(days=today.weekday())
    session.execute(
        delete(Report).where(
            Report.organisation_id == reporter.organisation_id,  # type: ignore[arg-type]
            Report.observed_date >= monday,  # type: ignore[arg-type]
        )
    )
    label = "{}-W{:02d}".format(*today.isocalendar()[:2])
    session.execute(
        delete(Nollrapport).where(
            Nollrapport.organisation_id == reporter.organisation_id,  # type: ignore[arg-type]
            Nollrapport.iso_week == label,  # type: ignore[arg-type]
        )
    )
    session.flush()


def _open_recent_weeks_for_review(*, session: Session, kommun_code: str, today: date) -> None:
    """Leave this week and last week unreviewed, with likely duplicates flagged, as live channels do."""
    from sqlalchemy import update

    from api.reports import service as report_service

    last_monday = today - timedelta(days=today.weekday() + 7)
    session.execute(
        update(Report)
        .where(Report.kommun_code == kommun_code, Report.observed_date >= last_monday)  # type: ignore[arg-type]
        .values(review_status="ny")
    )
    recent = session.exec(
        select(Report.id).where(
            Report.kommun_code == kommun_code,
            Report.observed_date >= last_monday - timedelta(weeks=6),  # type: ignore[operator]
        )
    ).all()
    ids = [int(i) for i in recent if i is not None]
    report_service.flag_likely_duplicates(session=session, kommun_code=kommun_code, report_ids=ids)


def _area_id(area_ids: dict[str, int], code: object) -> int | None:
    return area_ids.get(code) if isinstance(code, str) else None


def _area_id_columns(*, session: Session, kommun_code: str) -> tuple[list[str], list[int]]:
    frame = area_service.load_areas_frame(session=session, kommun_code=kommun_code)
    return list(frame.area_code), list(frame.area_id)
