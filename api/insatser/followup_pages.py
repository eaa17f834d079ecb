"""Insats follow-up pages: the measured effect with its weekly series, notes, and the yearly view."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from api.audit import service as audit_service
from api.core.deps import ClockDep, SessionDep
from api.core.errors import NotFound
from api.insatser import service
from api.insatser.effects import InsatsEvaluation, insats_evaluation, insatser_of_year
from api.insatser.models import InsatsUppfoljning
from api.review import service as review_service
from api.users.models import User
from api.users.principal import Principal
from api.web.deps import FormDep, _client_ip, allow, check_csrf
from api.web.layout import render

router = APIRouter()
Analyst = Annotated[Principal, Depends(allow("analytiker"))]
Reader = Annotated[Principal, Depends(allow("analytiker", "granskare", "polis"))]
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 640, 220, 40, 28, 12
NOTE_MAX = 4000


def _audit_read(request: Request, session: Session, principal: Principal,
                evaluation: InsatsEvaluation) -> None:
    if evaluation.query is None:  # nothing was read from report data
        return
    audit_service.record(
        session=session, action="report.read", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="insats", object_id=evaluation.insats.id,
        filter=evaluation.query.as_filter(), purpose="insatsuppföljning", ip=_client_ip(request),
    )


def series_chart(evaluation: InsatsEvaluation) -> dict[str, Any] | None:
    """Polyline points and marks for the weekly series as an inline SVG; None without data."""
    points = evaluation.series
    if len(points) < 2 or evaluation.after is None:
        return None
    top = max(max(p.treated_mean, p.comparison_mean) for p in points) or 1.0
    inner_w, inner_h = CHART_W - PAD_L - 8, CHART_H - PAD_B - PAD_T

    def x(i: float) -> float:
        return round(PAD_L + inner_w * i / (len(points) - 1), 1)

    def y(v: float) -> float:
        return round(PAD_T + inner_h * (1 - v / top), 1)

    start_i = next((i for i, p in enumerate(points) if p.monday >= evaluation.after[0]), 0)
    return {
        "width": CHART_W, "height": CHART_H, "left": PAD_L, "bottom": CHART_H - PAD_B,
        "right": CHART_W - 8, "top_label": f"{top:.1f}".replace(".", ","), "top_y": PAD_T,
        "treated": " ".join(f"{x(i)},{y(p.treated_mean)}" for i, p in enumerate(points)),
        "comparison": " ".join(f"{x(i)},{y(p.comparison_mean)}" for i, p in enumerate(points)),
        "start_x": x(start_i), "first_label": points[0].week_label,
        "start_label": points[start_i].week_label, "last_label": points[-1].week_label,
    }


def _notes(session: Session, insats_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(InsatsUppfoljning, User.name)
        .join(User, User.id == InsatsUppfoljning.created_by_id, isouter=True)  # type: ignore[arg-type]
        .where(InsatsUppfoljning.insats_id == insats_id)
        .order_by(col(InsatsUppfoljning.created_at).desc(), col(InsatsUppfoljning.id).desc())
    ).all()
    return [{"note": n.note, "created_at": n.created_at, "author": name or ""} for n, name in rows]


def _effect_page(request: Request, session: Session, principal: Principal, insats_id: int, *,
                 today: date, note: str = "", error: str = "", status_code: int = 200) -> Response:
    evaluation = insats_evaluation(session=session, kommun_code=principal.kommun_code,
                                   insats_id=insats_id, today=today)
    _audit_read(request, session, principal, evaluation)
    session.commit()
    areas = review_service.area_choices(session=session, kommun_code=principal.kommun_code)
    categories = review_service.category_choices(session=session,
                                                 kommun_code=principal.kommun_code)
    return render(request, "insats_effect.html", {
        "ev": evaluation, "insats": evaluation.insats, "effect": evaluation.effect,
        "chart": series_chart(evaluation), "notes": _notes(session, insats_id),
        "area_names": {a.code: a.name for a in areas},
        "category_names": {c.code: c.name for c in categories},
        "note": note, "error": error, "saved": request.query_params.get("sparad", ""),
    }, principal=principal, session=session, status_code=status_code)


@router.get("/insatser/{insats_id}/effekt")
def insats_effect_page(request: Request, session: SessionDep, principal: Reader, clock: ClockDep,
                       insats_id: int) -> Response:
    return _effect_page(request, session, principal, insats_id, today=clock.today())


@router.post("/insatser/{insats_id}/uppfoljning")
def add_uppfoljning(request: Request, session: SessionDep, principal: Analyst, form: FormDep, clock: ClockDep,
                    insats_id: int) -> Response:
    check_csrf(request, principal, form)
    raw = form.get("uppfoljning", "")
    note = raw.strip() if isinstance(raw, str) else ""
    view = service.get_insats(session=session, kommun_code=principal.kommun_code,
                              insats_id=insats_id)
    error = ""
    if not note:
        error = "Skriv uppföljningen innan du sparar."
    elif len(note) > NOTE_MAX:
        error = f"Uppföljningen får vara högst {NOTE_MAX} tecken; den är {len(note)}."
    if error:
        return _effect_page(request, session, principal, insats_id, today=clock.today(),
                            note=raw if isinstance(raw, str) else "", error=error, status_code=422)
    session.add(InsatsUppfoljning(insats_id=view.id, note=note, created_by_id=principal.user_id))
    audit_service.record(
        session=session, action="insats.update", actor=principal.actor, user_id=principal.user_id,
        kommun_code=principal.kommun_code, object_type="insats", object_id=view.id,
        filter={"uppfoljning": "ny anteckning", "titel": view.title}, ip=_client_ip(request),
    )
    session.commit()
    return RedirectResponse(f"/insatser/{view.id}/effekt?sparad=1#uppfoljning", status_code=303)


@router.get("/insatser/ar/{year}")
def insatser_year(request: Request, session: SessionDep, principal: Reader, clock: ClockDep,
                  year: int) -> Response:
    if not 2000 <= year <= 2100:
        raise NotFound("Året finns inte i registret.")
    today = clock.today()
    evaluations = [
        insats_evaluation(session=session, kommun_code=principal.kommun_code, insats_id=i,
                          today=min(today, date(year, 12, 31)))
        for i in insatser_of_year(session=session, kommun_code=principal.kommun_code, year=year)
    ]
    for evaluation in evaluations:
        _audit_read(request, session, principal, evaluation)
    session.commit()
    return render(request, "insats_year.html", {
        "year": year, "evaluations": evaluations, "previous": year - 1,
        "next": year + 1 if year < today.year else None,
    }, principal=principal, session=session)
