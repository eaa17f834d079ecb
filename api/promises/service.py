"""Medborgarlöften: validate and store löften, åtaganden, activity, indicators and återkoppling.

The follow-up view (completion, indicator trends, återkoppling status) is in `follow_up.py`.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from analysis.periods import parse_period
from api.core.errors import NotFound
from api.promises.models import (
    DIRECTIONS,
    PROMISE_STATUSES,
    Atagande,
    AtagandeLog,
    Aterkoppling,
    LofteIndicator,
    LofteIndicatorValue,
    Medborgarlofte,
    MedborgarlofteArea,
)
from ingest.records import MAX_ROW_ID

PERIODS = {"quarter": "Kvartal", "tertial": "Tertial", "month": "Månad"}
KIND = {"quarter": "Q", "tertial": "T", "month": "M"}
_PERIOD_EXAMPLE = {"quarter": "2026-Q3", "tertial": "2026-T2", "month": "2026-07"}
Errors = dict[str, str]


def _text(values: dict[str, Any], key: str) -> str:
    value = values.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _date(values: dict[str, Any], key: str, errors: Errors, label: str,
          required: bool = True) -> date | None:
    raw = _text(values, key)
    if not raw:
        if required:
            errors[key] = f"Fyll i {label} (ÅÅÅÅ-MM-DD)."
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[key] = f"{label.capitalize()} måste vara ett datum som ÅÅÅÅ-MM-DD."
        return None


def _number(values: dict[str, Any], key: str, errors: Errors, label: str, *,
            required: bool = True, integer: bool = False, positive: bool = False) -> Any:
    raw = _text(values, key).replace(",", ".").replace(" ", "")
    if not raw:
        if required:
            errors[key] = f"Fyll i {label}."
        return None
    try:
        number = int(raw) if integer else float(raw)
    except ValueError:
        number = None
    # Reject NaN, infinity and numbers no column holds (a 500 is never the answer to input).
    if number is None or not math.isfinite(number) or abs(number) > 1_000_000_000:
        errors[key] = f"{label.capitalize()} måste vara ett {'heltal' if integer else 'tal'}."
        return None
    if positive and number <= 0:
        errors[key] = f"{label.capitalize()} måste vara större än 0."
        return None
    if number < 0:
        errors[key] = f"{label.capitalize()} kan inte vara negativt."
        return None
    return number


def _required(values: dict[str, Any], key: str, errors: Errors, message: str) -> str:
    text = _text(values, key)
    if not text:
        errors[key] = message
    return text


def validate_promise(values: dict[str, Any], area_codes: list[str], *,
                     allowed_areas: set[str]) -> tuple[dict[str, Any] | None, Errors]:
    """Check the create form; the clean values or Swedish errors per field."""
    errors: Errors = {}
    data: dict[str, Any] = {
        "title": _required(values, "titel", errors, "Skriv en rubrik för medborgarlöftet."),
        "promise_text": _required(values, "lofte", errors,
                                  "Skriv löftets text som den publicerades."),
        "parties": _required(values, "parter", errors, "Skriv vilka parter som står bakom löftet."),
        "period_start_date": _date(values, "startdatum", errors, "startdatum"),
        "period_end_date": _date(values, "slutdatum", errors, "slutdatum"),
        "status": _text(values, "status") or "aktivt",
        "area_codes": sorted(set(area_codes)),
    }
    if data["status"] not in PROMISE_STATUSES:
        errors["status"] = "Välj en status i listan."
    interval = _number(values, "intervall", errors, "intervallet för återkoppling", integer=True,
                       positive=True, required=False)
    data["aterkoppling_interval_days"] = interval or 90
    if not data["area_codes"]:
        errors["omraden"] = "Välj minst ett område som löftet gäller."
    elif set(data["area_codes"]) - allowed_areas:
        errors["omraden"] = "Välj områden i listan."
    start, end = data["period_start_date"], data["period_end_date"]
    if start and end and end < start:
        errors["slutdatum"] = "Slutdatum kan inte vara före startdatum."
    return (None, errors) if errors else (data, errors)


def create_promise(*, session: Session, kommun_code: str, data: dict[str, Any],
                   created_by_id: int | None) -> Medborgarlofte:
    """Store a new medborgarlöfte with its areas."""
    promise = Medborgarlofte(kommun_code=kommun_code, created_by_id=created_by_id,
                             **{k: v for k, v in data.items() if k != "area_codes"})
    session.add(promise)
    session.flush()
    for code in data["area_codes"]:
        session.add(MedborgarlofteArea(medborgarlofte_id=promise.id, area_code=code))  # type: ignore[arg-type]
    session.flush()
    return promise


def list_promises(*, session: Session, kommun_code: str) -> list[Medborgarlofte]:
    """The kommun's löften, newest period first."""
    return list(session.exec(
        select(Medborgarlofte).where(Medborgarlofte.kommun_code == kommun_code)
        .order_by(col(Medborgarlofte.period_start_date).desc(), col(Medborgarlofte.id).desc())
    ))



def get_promise(*, session: Session, kommun_code: str, promise_id: int) -> Medborgarlofte:
    """One löfte of the kommun; NotFound for another kommun's or a missing one."""
    # SQLite cannot even bind an id past 64 bits: such a URL is "not found", not a 500.
    promise = session.get(Medborgarlofte, promise_id) if 0 < promise_id <= MAX_ROW_ID else None
    if promise is None or promise.kommun_code != kommun_code:
        raise NotFound("Medborgarlöftet finns inte.")
    return promise


def validate_atagande(values: dict[str, Any]) -> tuple[dict[str, Any] | None, Errors]:
    """Check the åtagande form (add and edit); the clean values or Swedish errors per field."""
    errors: Errors = {}
    data = {
        "title": _required(values, "atagande_titel", errors, "Skriv vad som ska göras."),
        "target_count": _number(values, "atagande_mal", errors, "målet", integer=True,
                                positive=True),
        "unit": _required(values, "atagande_enhet", errors,
                          "Skriv enheten, till exempel trygghetsvandringar."),
    }
    return (None, errors) if errors else (data, errors)


def add_atagande(*, session: Session, promise: Medborgarlofte,
                 values: dict[str, Any]) -> tuple[Atagande | None, Errors]:
    """Add an åtagande (activity with a target count) to the löfte."""
    data, errors = validate_atagande(values)
    if data is None:
        return None, errors
    atagande = Atagande(kommun_code=promise.kommun_code, medborgarlofte_id=promise.id,  # type: ignore[arg-type]
                        **data)
    session.add(atagande)
    session.flush()
    return atagande, errors


def log_activity(*, session: Session, promise: Medborgarlofte, values: dict[str, Any],
                 user_id: int | None) -> tuple[AtagandeLog | None, Errors]:
    """Log activity done towards one of the löfte's åtaganden."""
    errors: Errors = {}
    ids = {a.id for a in ataganden(session, promise)}
    raw_id = _text(values, "logg_atagande")
    atagande_id = int(raw_id) if raw_id.isdigit() else None
    if atagande_id not in ids:
        errors["logg_atagande"] = "Välj ett åtagande i listan."
    done_date = _date(values, "logg_datum", errors, "datum")
    count = _number(values, "logg_antal", errors, "antal", integer=True, positive=True)
    if errors:
        return None, errors
    log = AtagandeLog(kommun_code=promise.kommun_code, atagande_id=atagande_id,  # type: ignore[arg-type]
                      done_date=done_date, done_count=count,  # type: ignore[arg-type]
                      note=_text(values, "logg_notering"), created_by_id=user_id)
    session.add(log)
    session.flush()
    return log, errors


def add_indicator(*, session: Session, promise: Medborgarlofte, values: dict[str, Any],
                  category_codes: list[str], area_codes: list[str], allowed_categories: set[str],
                  allowed_areas: set[str]) -> tuple[LofteIndicator | None, Errors]:
    """Add a report-based or manual indicator to the löfte."""
    errors: Errors = {}
    kind = _text(values, "ind_typ")
    if kind not in ("rapporter", "manuell"):
        errors["ind_typ"] = "Välj om indikatorn beräknas från rapporter eller förs in manuellt."
    row = LofteIndicator(kommun_code=promise.kommun_code, medborgarlofte_id=promise.id,  # type: ignore[arg-type]
                         kind=kind, name="")
    errors.update(fill_indicator(row, values, category_codes=category_codes,
                                 area_codes=area_codes, allowed_categories=allowed_categories,
                                 allowed_areas=allowed_areas))
    if errors:
        return None, errors
    session.add(row)
    session.flush()
    return row, errors


def fill_indicator(row: LofteIndicator, values: dict[str, Any], *, category_codes: list[str],
                   area_codes: list[str], allowed_categories: set[str],
                   allowed_areas: set[str]) -> Errors:
    """Check the indicator form for the row's kind and set the row's fields; Swedish errors per field."""
    errors: Errors = {}
    row.name = _required(values, "ind_namn", errors, "Skriv ett namn på indikatorn.")
    period = _text(values, "ind_period")
    if period not in PERIODS:
        errors["ind_period"] = "Välj periodlängd i listan."
    direction = _text(values, "ind_riktning")
    if direction not in DIRECTIONS:
        errors["ind_riktning"] = "Välj om lägre eller högre värden är bättre."
    row.period, row.direction = period or "quarter", direction
    row.target_value = _number(values, "ind_mal", errors, "målvärdet", required=False)
    row.unit = _text(values, "ind_enhet")
    if row.kind == "rapporter":
        if not category_codes:
            errors["ind_kategorier"] = "Välj minst en kategori."
        elif set(category_codes) - allowed_categories:
            errors["ind_kategorier"] = "Välj kategorier i listan."
        if set(area_codes) - allowed_areas:
            errors["ind_omraden"] = "Välj områden i listan."
        row.baseline_start_date = _date(values, "ind_bas_start", errors, "baslinjens startdatum")
        row.baseline_end_date = _date(values, "ind_bas_slut", errors, "baslinjens slutdatum")
        if row.baseline_start_date and row.baseline_end_date and (
                row.baseline_end_date < row.baseline_start_date):
            errors["ind_bas_slut"] = "Baslinjens slut kan inte vara före dess start."
        row.category_codes = ",".join(sorted(set(category_codes)))
        row.area_codes = ",".join(sorted(set(area_codes)))
    elif row.kind == "manuell":
        row.baseline_value = _number(values, "ind_bas_varde", errors, "baslinjens värde")
    return errors


def add_indicator_value(*, session: Session, promise: Medborgarlofte, values: dict[str, Any],
                        user_id: int | None) -> tuple[LofteIndicatorValue | None, Errors]:
    """Enter (or replace) a manual indicator's value for one period."""
    errors: Errors = {}
    manual = {i.id: i for i in indicators(session, promise) if i.kind == "manuell"}
    raw_id = _text(values, "varde_indikator")
    indicator = manual.get(int(raw_id)) if raw_id.isdigit() else None
    if indicator is None:
        errors["varde_indikator"] = "Välj en manuell indikator i listan."
    label = _text(values, "varde_period").upper()
    if not label:
        errors["varde_period"] = "Fyll i perioden, till exempel 2026-Q3."
    elif indicator is not None:
        try:
            ok = parse_period(label).kind == KIND[indicator.period]
        except ValueError:
            ok = False
        if not ok:
            errors["varde_period"] = (f"Skriv perioden som {_PERIOD_EXAMPLE[indicator.period]} "
                                      f"({PERIODS[indicator.period].lower()}).")
    number = _number(values, "varde_varde", errors, "värdet")
    if errors:
        return None, errors
    existing = session.exec(select(LofteIndicatorValue).where(
        LofteIndicatorValue.lofte_indicator_id == indicator.id,  # type: ignore[union-attr]
        LofteIndicatorValue.period_label == label)).first()
    row = existing or LofteIndicatorValue(kommun_code=promise.kommun_code,
                                          lofte_indicator_id=indicator.id,  # type: ignore[union-attr,arg-type]
                                          period_label=label, value=number)
    row.value, row.created_by_id = number, user_id
    session.add(row)
    session.flush()
    return row, errors


def add_aterkoppling(*, session: Session, promise: Medborgarlofte, values: dict[str, Any],
                     user_id: int | None) -> tuple[Aterkoppling | None, Errors]:
    """Log what was communicated to citizens about the löfte."""
    errors: Errors = {}
    day = _date(values, "ater_datum", errors, "datum")
    channel = _required(values, "ater_kanal", errors, "Skriv kanalen, till exempel medborgardialog.")
    what = _required(values, "ater_vad", errors, "Skriv vad som återkopplades till medborgarna.")
    if errors:
        return None, errors
    row = Aterkoppling(kommun_code=promise.kommun_code, medborgarlofte_id=promise.id,  # type: ignore[arg-type]
                       aterkoppling_date=day, channel=channel, communicated=what,  # type: ignore[arg-type]
                       created_by_id=user_id)
    session.add(row)
    session.flush()
    return row, errors


def ataganden(session: Session, promise: Medborgarlofte) -> list[Atagande]:
    """The löfte's åtaganden in the order they were added."""
    return list(session.exec(select(Atagande).where(Atagande.medborgarlofte_id == promise.id)
                             .order_by(col(Atagande.id))))


def indicators(session: Session, promise: Medborgarlofte) -> list[LofteIndicator]:
    """The löfte's indicators in the order they were added."""
    return list(session.exec(
        select(LofteIndicator).where(LofteIndicator.medborgarlofte_id == promise.id)
        .order_by(col(LofteIndicator.id))))
