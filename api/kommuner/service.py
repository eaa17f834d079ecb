"""Kommuner served by this installation."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from api.categories import service as category_service
from api.core.errors import AppError, NotFound
from api.kommuner.models import Kommun


def add_kommun(*, session: Session, code: str, name: str, period_kind: str = "kvartal") -> Kommun:
    """Add a kommun by SCB code and seed its category taxonomy."""
    if not re.fullmatch(r"\d{4}", code):
        raise AppError(f"Kommunkoden ska vara SCB:s fyrsiffriga kod, inte '{code}'.")
    if period_kind not in ("kvartal", "tertial"):
        raise AppError(f"Analysperioden ska vara kvartal eller tertial, inte '{period_kind}'.")
    if session.get(Kommun, code):
        raise AppError(f"Kommunen {code} finns redan.")
    kommun = Kommun(code=code, name=name.strip(), period_kind=period_kind)
    session.add(kommun)
    session.flush()
    category_service.seed_taxonomy(session=session, kommun_code=code)
    return kommun


def list_kommuner(*, session: Session) -> list[Kommun]:
    return list(session.exec(select(Kommun).order_by(Kommun.code)))


def resolve_kommun(*, session: Session, code: str | None) -> Kommun:
    """The kommun named by code, or the only one when the installation has a single kommun."""
    if code:
        kommun = session.get(Kommun, code)
        if kommun is None:
            raise NotFound(f"Kommunen {code} finns inte i installationen.")
        return kommun
    kommuner = list_kommuner(session=session)
    if len(kommuner) == 1:
        return kommuner[0]
    if not kommuner:
        raise AppError("Installationen har ingen kommun ännu: lägg till en med `lagesbild kommun add`.")
    raise AppError("Installationen har flera kommuner: ange --kommun KOD.")
