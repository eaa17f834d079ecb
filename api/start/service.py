"""The start page's "this week" summary, scoped to what the role may see."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from api.organisations.models import Organisation
from api.reports.models import Nollrapport, Report
from api.users.principal import Principal


def week_summary(*, session: Session, principal: Principal, today: date) -> dict[str, object]:
    """Counts for the ISO week containing `today` in the principal's kommun (and organisation)."""
    year, week, weekday = today.isocalendar()
    monday = today - timedelta(days=weekday - 1)
    sunday = monday + timedelta(days=6)
    label = f"{year}-W{week:02d}"
    in_week = (
        Report.kommun_code == principal.kommun_code,
        col(Report.observed_date) >= monday,
        col(Report.observed_date) <= sunday,
        Report.duplicate_of_id == None,  # noqa: E711
    )
    figures: list[dict[str, object]] = []
    note = ""
    if principal.role == "inrapportor":
        own = session.exec(
            select(func.count()).select_from(Report).where(
                *in_week, Report.organisation_id == principal.organisation_id
            )
        ).one()
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
            else ("Ni har inte rapporterat något denna vecka ännu." if not own else "")
        )
    else:
        total = session.exec(
            select(func.coalesce(func.sum(Report.report_count), 0)).where(*in_week)
        ).one()
        reporting = session.exec(
            select(func.count(func.distinct(Report.organisation_id))).where(*in_week)
        ).one()
        noll = session.exec(
            select(func.count()).select_from(Nollrapport).where(
                Nollrapport.kommun_code == principal.kommun_code, Nollrapport.iso_week == label
            )
        ).one()
        expected = session.exec(
            select(func.count()).select_from(Organisation).where(
                Organisation.kommun_code == principal.kommun_code,
                Organisation.active == True,  # noqa: E712
                Organisation.expected_to_report == True,  # noqa: E712
            )
        ).one()
        figures += [
            {"label": "Observationer", "value": total},
            {"label": "Organisationer som rapporterat", "value": f"{reporting} av {expected}"},
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
