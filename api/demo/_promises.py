"""Two demo medborgarlöften for Örebro, stored through the promise service like any typed-in löfte.

Every date is relative to the demo's `today`: each löfte runs twelve months from the start of the
quarter three quarters before today's (for 2026-11-18: the year 2026), so it is always current, has
three complete quarters behind it and a full year of reports before it for the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
from sqlmodel import Session

from api.categories import service as category_service
from api.promises import service as promise_service
from api.promises.follow_up import period_label
from api.promises.models import Medborgarlofte
from api.reports.query import ReportQuery, reports_frame

TARGET_CHANGE = -0.20  # the report indicators aim at a fifth fewer reports than the baseline
INTERVAL_DAYS = 90  # återkoppling at least every quarter
PARTIES = "Örebro kommun, Polisen lokalpolisområde Örebro"
# Monthly activity counts, repeated: made up, but uneven like real months.
_MONTHLY = (9, 7, 11, 8, 12, 10, 6, 9, 11, 8, 10, 7)


@dataclass(frozen=True)
class DemoLofte:
    """What one demo löfte promises, where, and how it is followed up."""

    title: str
    promise_text: str
    parties: str
    core_area: str  # the area name the löfte is about; its urban neighbours join when `neighbours`
    neighbours: bool
    category: str
    indicator_name: str
    survey_name: str
    survey_values: tuple[float, float, float, float]  # baseline, target, two later quarters
    overdue: bool  # whether the last återkoppling is older than the interval


LOFTEN = (
    DemoLofte(
        title="Tryggare Vivalla centrum",
        promise_text=(
            "Örebro kommun, Polisen och ÖrebroBostäder lovar att Vivalla centrum och gångstråken runt "
            "det ska kännas tryggare: vi gör tio trygghetsvandringar tillsammans med boende, sanerar "
            "klotter och skadegörelse inom 24 timmar och sätter upp ny belysning där boende pekar ut "
            "mörka platser."
        ),
        parties=f"{PARTIES}, ÖrebroBostäder (ÖBO)",
        core_area="Vivalla", neighbours=True, category="skadegorelse",
        indicator_name="Skadegörelse i Vivalla med grannområden",
        survey_name="Trygghetsmätning: andel som känner sig trygga i Vivalla centrum",
        survey_values=(58.0, 65.0, 62.0, 66.0), overdue=True,
    ),
    DemoLofte(
        title="Lugnare kvällar i Varberga",
        promise_text=(
            "Örebro kommun och Polisen lovar att fältassistenter och polis finns ute i Varberga på "
            "fredags- och lördagskvällar och att fritidsgården har kvällsöppet, så att färre "
            "ungdomssamlingar skapar otrygghet."
        ),
        parties=f"{PARTIES}, fältgruppen och fritidsgårdarna",
        core_area="Varberga", neighbours=False, category="ungdomssamling",
        indicator_name="Ungdomssamlingar som skapar otrygghet i Varberga",
        survey_name="Trygghetsmätning: andel unga som känner sig trygga i Varberga på kvällen",
        survey_values=(54.0, 62.0, 55.0, 59.0), overdue=False,
    ),
)


def add_demo_promises(*, session: Session, kommun_code: str, areas: gpd.GeoDataFrame, today: date,
                      created_by_id: int | None) -> list[Medborgarlofte]:
    """Create the demo's löften with åtaganden, logged activity, indicators and återkoppling."""
    start = _add_months(_quarter_start(today), -9)
    end = _add_months(start, 12) - timedelta(days=1)
    allowed_areas = set(areas.area_code)
    categories = {c.code for c in category_service.list_categories(session=session, kommun_code=kommun_code)}
    promises = []
    for spec in LOFTEN:
        codes = _area_codes(areas, spec.core_area, neighbours=spec.neighbours)
        data, errors = promise_service.validate_promise(
            {"titel": spec.title, "lofte": spec.promise_text, "parter": spec.parties,
             "startdatum": start.isoformat(), "slutdatum": end.isoformat(), "status": "aktivt",
             "intervall": str(INTERVAL_DAYS)},
            codes, allowed_areas=allowed_areas)
        _check(errors, spec.title)
        promise = promise_service.create_promise(session=session, kommun_code=kommun_code,
                                                 data=data, created_by_id=created_by_id)  # type: ignore[arg-type]
        _add_ataganden(session=session, promise=promise, spec=spec, start=start, today=today,
                       user_id=created_by_id)
        _add_indicators(session=session, promise=promise, spec=spec, area_codes=codes, start=start,
                        categories=categories, allowed_areas=allowed_areas, user_id=created_by_id)
        _add_aterkopplingar(session=session, promise=promise, spec=spec, start=start, today=today,
                            user_id=created_by_id)
        promises.append(promise)
    return promises


def report_baseline(*, session: Session, kommun_code: str, area_codes: list[str], category: str,
                    first: date, last: date) -> float:
    """Mean reports per quarter in the areas and category between the dates (whole quarters)."""
    query = ReportQuery(kommun_code, first, last, area_codes=tuple(area_codes), category_codes=(category,))
    frame = reports_frame(session=session, query=query)
    quarters = (last.year - first.year) * 4 + (last.month - first.month) // 3 + 1
    return float(frame["report_count"].sum()) / quarters


def _add_ataganden(*, session: Session, promise: Medborgarlofte, spec: DemoLofte, start: date,
                   today: date, user_id: int | None) -> None:
    """The åtaganden and the activity logged towards them before today."""
    if spec.neighbours:  # Vivalla
        plan: list[tuple[str, int, str, list[tuple[date, int, str]]]] = [
            ("Trygghetsvandringar i Vivalla centrum", 10, "trygghetsvandringar",
             [(day, 1, "Kvällsvandring med boende, ÖBO och kommunpolisen.")
              for day in _every(start + timedelta(days=20), today, weeks=6)]),
            ("Klottersanering inom 24 timmar", 100, "saneringar inom 24 timmar",
             [(day, _MONTHLY[i % len(_MONTHLY)], "Saneringar under månaden.")
              for i, day in enumerate(_month_ends(start, today))]),
            ("Ny belysning på mörka platser", 12, "belysningspunkter",
             [(day, n, "Belysning uppsatt där boende pekat ut mörka platser.")
              for day, n in ((start + timedelta(days=75), 5), (start + timedelta(days=200), 4))
              if day < today]),
        ]
    else:  # Varberga
        plan = [
            ("Fältarbete fredags- och lördagskvällar", 80, "kvällspass",
             [(day, 6 + _MONTHLY[i % len(_MONTHLY)] % 3, "Fältassistenter och polis ute i området.")
              for i, day in enumerate(_month_ends(start, today))]),
            ("Kvällsöppet på fritidsgården", 40, "kvällar",
             [(day, 3 + _MONTHLY[i % len(_MONTHLY)] % 2, "Öppet till kl. 23 på fredagar.")
              for i, day in enumerate(_month_ends(start, today))]),
        ]
    for title, target, unit, log in plan:
        atagande, errors = promise_service.add_atagande(
            session=session, promise=promise,
            values={"atagande_titel": title, "atagande_mal": str(target), "atagande_enhet": unit})
        _check(errors, title)
        for day, count, note in log:
            _, errors = promise_service.log_activity(
                session=session, promise=promise, user_id=user_id,
                values={"logg_atagande": str(atagande.id), "logg_datum": day.isoformat(),  # type: ignore[union-attr]
                        "logg_antal": str(count), "logg_notering": note})
            _check(errors, title)


def _add_indicators(*, session: Session, promise: Medborgarlofte, spec: DemoLofte, area_codes: list[str],
                    start: date, categories: set[str], allowed_areas: set[str], user_id: int | None) -> None:
    """A report indicator (baseline: the year before the löfte, target a fifth lower) and a survey."""
    first, last = _add_months(start, -12), start - timedelta(days=1)
    baseline = report_baseline(session=session, kommun_code=promise.kommun_code, area_codes=area_codes,
                               category=spec.category, first=first, last=last)
    _, errors = promise_service.add_indicator(
        session=session, promise=promise, category_codes=[spec.category], area_codes=area_codes,
        allowed_categories=categories, allowed_areas=allowed_areas,
        values={"ind_typ": "rapporter", "ind_namn": spec.indicator_name, "ind_period": "quarter",
                "ind_riktning": "lower", "ind_enhet": "rapporter",
                "ind_mal": f"{baseline * (1 + TARGET_CHANGE):.1f}",
                "ind_bas_start": first.isoformat(), "ind_bas_slut": last.isoformat()})
    _check(errors, spec.indicator_name)
    base, target, *values = spec.survey_values
    survey, errors = promise_service.add_indicator(
        session=session, promise=promise, category_codes=[], area_codes=[],
        allowed_categories=categories, allowed_areas=allowed_areas,
        values={"ind_typ": "manuell", "ind_namn": spec.survey_name, "ind_period": "quarter",
                "ind_riktning": "higher", "ind_enhet": "%", "ind_mal": str(target),
                "ind_bas_varde": str(base)})
    _check(errors, spec.survey_name)
    # The survey is asked in the löfte's second and third quarters (both complete before today).
    for months, value in zip((3, 6), values, strict=True):
        _, errors = promise_service.add_indicator_value(
            session=session, promise=promise, user_id=user_id,
            values={"varde_indikator": str(survey.id),  # type: ignore[union-attr]
                    "varde_period": period_label(_add_months(start, months), "quarter"),
                    "varde_varde": str(value)})
        _check(errors, spec.survey_name)


def _add_aterkopplingar(*, session: Session, promise: Medborgarlofte, spec: DemoLofte, start: date,
                        today: date, user_id: int | None) -> None:
    """The återkoppling log; the last entry 120 days ago (overdue) or 30 days ago (on time)."""
    last = today - timedelta(days=120 if spec.overdue else 30)
    entries = [(start + timedelta(days=14), "Medborgardialog",
                "Löftet presenterades och boende fick peka ut platser som känns otrygga."),
               (start + timedelta(days=105), "Kommunens webbplats",
                "Lägesrapport: gjorda aktiviteter och antal rapporter i området hittills.")]
    entries = [e for e in entries if e[0] < last - timedelta(days=14)]
    entries.append((last, "Informationsblad till hushållen" if spec.neighbours else "Föräldramöte på skolan",
                    "Vad som gjorts sedan förra återkopplingen och vad som händer härnäst."))
    for day, channel, what in entries:
        _, errors = promise_service.add_aterkoppling(
            session=session, promise=promise, user_id=user_id,
            values={"ater_datum": day.isoformat(), "ater_kanal": channel, "ater_vad": what})
        _check(errors, promise.title)


def _area_codes(areas: gpd.GeoDataFrame, name: str, *, neighbours: bool) -> list[str]:
    """The area whose name starts with `name`, and with `neighbours` the urban areas touching it."""
    core = areas[areas.area_name.str.startswith(name)]
    if core.empty:
        raise ValueError(f"demoområdet {name} saknas")
    if not neighbours:
        return [str(core.area_code.iloc[0])]
    shape = core.geometry.iloc[0].buffer(1)  # 1 m: shared borders that do not quite meet
    touching = areas[areas.geometry.intersects(shape) & (areas.geometry.area < 20e6)]
    return sorted(str(c) for c in touching.area_code)


def _check(errors: dict[str, Any], what: str) -> None:
    if errors:  # the demo's own values: an error here is a bug in this file
        raise ValueError(f"demons medborgarlöfte ({what}): {errors}")


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after the day's month (days other than the first are not needed)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_ends(start: date, today: date) -> list[date]:
    """The last day of every complete month from the start's month up to today."""
    ends, month = [], start
    while (end := _add_months(month, 1) - timedelta(days=1)) < today:
        ends.append(end)
        month = _add_months(month, 1)
    return ends


def _every(first: date, today: date, *, weeks: int) -> list[date]:
    """Days `weeks` apart from `first`, up to a week before today."""
    days, day = [], first
    while day < today - timedelta(days=7):
        days.append(day)
        day += timedelta(weeks=weeks)
    return days
