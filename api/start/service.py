"""The start page's "this week" summary, scoped to what the role may see.

Every number comes from the one `ReportQuery` (api/reports/query.py): the observations are the
counted categories' reports (no kontextfaktorer, no rejected or merged reports), exactly what the
lägesbild's map counts for the same week; "has reported" counts any report the organisation filed,
rejected ones too, as the lägesbild's reporting completeness does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlmodel import Session, func, select

from analysis.counts import counted_categories
from api.organisations.models import Organisation
from api.reports.models import Nollrapport
from api.reports.query import ReportQuery, categories_frame, reports_frame
from api.users.principal import Principal


def observation_count(*, session: Session, query: ReportQuery) -> int:
    """The query's counted observations: active, non-context categories (what the map counts)."""
    frame = reports_frame(session=session, query=query)
    counted = counted_categories(categories_frame(session=session, kommun_code=query.kommun_code))
    return int(frame.loc[frame.category_code.isin(counted), "report_count"].sum())


def reporting_organisations(*, session: Session, query: ReportQuery) -> set[int]:
    """Organisations that filed any report under the query, whatever its review status."""
    frame = reports_frame(session=session, query=replace(query, review_statuses=(), include_merged_duplicates=True))
    return {int(o) for o in frame.organisation_id.dropna()}


def week_summary(*, session: Session, principal: Principal, today: date) -> dict[str, object]:
    """Counts for the ISO week containing `today` in the principal's kommun (and organisation)."""
    year, week, weekday = today.isocalendar()
    monday = today - timedelta(days=weekday - 1)
    sunday = monday + timedelta(days=6)
    label = f"{year}-W{week:02d}"
    query = ReportQuery.for_weeks(principal.kommun_code, monday).scoped_to(principal)
    figures: list[dict[str, object]] = []
    note = ""
    if principal.role == "inrapportor":
        own = observation_count(session=session, query=query)
        filed = reporting_organisations(session=session, query=query)
        noll = session.exec(
            select(func.count()).select_from(Nollrapport).where(
                Nollrapport.organisation_id == principal.organisation_id,
                Nollrapport.iso_week == label,
            )
        ).one()
        figures.append({"label": "Er organisations observationer", "value": own})
        note = (
            "Ni har lämnat nollrapport denna vecka."
            if noll
            else ("Ni har inte rapporterat något denna vecka ännu." if not filed else "")
        )
    else:
        total = observation_count(session=session, query=query)
        noll = session.exec(
            select(func.count()).select_from(Nollrapport).where(
                Nollrapport.kommun_code == principal.kommun_code, Nollrapport.iso_week == label
            )
        ).one()
        expected = set(session.exec(
            select(Organisation.id).where(
                Organisation.kommun_code == principal.kommun_code,
                Organisation.active == True,  # noqa: E712
                Organisation.expected_to_report == True,  # noqa: E712
            )
        ).all())
        reporting = reporting_organisations(session=session, query=query) & expected
        figures += [
            {"label": "Observationer", "value": total},
            {"label": "Organisationer som rapporterat", "value": f"{len(reporting)} av {len(expected)}"},
            {"label": "Nollrapporter", "value": noll},
        ]
    return {
        "week_label": label,
        "week_number": week,
        "first_day": monday.isoformat(),
        "last_day": sunday.isoformat(),
        "figures": figures,
        "note": note,
    }


ROLE_TASKS: dict[str, list[dict[str, str]]] = {
    "inrapportor": [
        {"label": "Rapportera veckans observationer eller lämna nollrapport", "href": "/rapportera"},
        {"label": "Se och rätta er organisations rapporter för veckan", "href": "/rapportera/vecka"},
        {"label": "Importera observationer från en CSV- eller Excel-fil", "href": "/import"},
    ],
    "granskare": [
        {"label": "Läsa publicerade veckolägesbilder", "href": "/lagesbild"},
        {"label": "Läsa kvartalsanalysens paket", "href": "/kvartal"},
        {"label": "Se pågående och planerade insatser per område", "href": "/insatser"},
        {"label": "Följa upp medborgarlöften", "href": "/medborgarloften"},
    ],
    "analytiker": [
        {"label": "Granska veckans rapporter och slå ihop dubbletter", "href": "/granska"},
        {"label": "Registrera och ändra insatser", "href": "/insatser"},
        {"label": "Följa upp medborgarlöften: åtaganden, indikatorer och återkoppling", "href": "/medborgarloften"},
        {"label": "Sätta områdesstatus, skriva och publicera veckans lägesbild", "href": "/lagesbild"},
        {"label": "Skapa kvartalsanalysens paket (PDF, tabeller, GeoPackage, karta)", "href": "/kvartal"},
        {"label": "Importera en fil åt en organisation (CSV eller Excel)", "href": "/import"},
        {"label": "Läsa in polisens veckosammanställning", "href": "/polis/veckosammanstallning"},
        {"label": "Välja kategori för polisens händelsetyper", "href": "/polis/handelsetyper"},
        {"label": "Se schemalagda jobb och körningar", "href": "/korningar"},
        {"label": "Exportera rapporter som CSV (varje export loggas)", "href": "/export/csv"},
    ],
    "polis": [
        {"label": "Läsa publicerade lägesbilder", "href": "/lagesbild"},
        {"label": "Läsa kvartalsanalysens paket", "href": "/kvartal"},
        {"label": "Se pågående och planerade insatser per område", "href": "/insatser"},
        {"label": "Ladda ner CSV (varje export loggas)", "href": "/export/csv"},
        {"label": "Ladda upp veckans sammanställning (CSV)", "href": "/polis/veckosammanstallning"},
        {"label": "Följa upp medborgarlöften", "href": "/medborgarloften"},
    ],
    "admin": [
        {"label": "Lägga till och ändra organisationerna som rapporterar", "href": "/admin/organisationer"},
        {"label": "Skapa konton, ändra roller, låsa upp och inaktivera användare", "href": "/admin/anvandare"},
        {"label": "Skapa och återkalla API-nycklar för organisationernas system", "href": "/admin/api-nycklar"},
        {"label": "Läsa och exportera loggen: inloggningar, läsningar och exporter", "href": "/admin/logg"},
        {"label": "Områden och kategorier (kommandoraden: lagesbild --help)", "href": ""},
        {"label": "Polisens händelsetyper och deras kategorier", "href": "/polis/handelsetyper"},
        {"label": "Schemalagda jobb och körningar", "href": "/korningar"},
        {"label": "Kommunens inställningar: analysperiod (kvartal eller tertial) och gallring av fritext",
         "href": "/admin/kommun"},
    ],
}
