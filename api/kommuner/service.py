"""Kommuner served by this installation."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from api.categories import service as category_service
from api.core.errors import AppError, NotFound
from api.kommuner.models import Kommun
from ingest import kommuner as kommun_list


def add_kommun(
    *, session: Session, code: str, name: str | None = None, period_kind: str = "kvartal"
) -> Kommun:
    """Add a kommun by SCB code (and name, checked against SCB's list) and seed its category taxonomy.

    A code that is not one of SCB's 290, or a name that is not that code's kommun, is refused naming
    the right kommun ("0331 är Heby, inte Uppsala"). The name is compared without case or diacritics;
    the kommun is stored with SCB's spelling.
    """
    code = code.strip()
    if not re.fullmatch(r"\d{4}", code):
        hint = kommun_list.check_kommun(code) or ""
        hint = hint[hint.index("Menade"):] if "Menade" in hint else ""
        raise AppError(f"Kommunkoden ska vara SCB:s fyrsiffriga kod, inte '{code}'. {hint}".strip())
    problem = kommun_list.check_kommun(code, name)
    if problem:
        raise AppError(problem)
    if period_kind not in ("kvartal", "tertial"):
        raise AppError(f"Analysperioden ska vara kvartal eller tertial, inte '{period_kind}'.")
    if session.get(Kommun, code):
        raise AppError(f"Kommunen {code} finns redan.")
    kommun = Kommun(code=code, name=kommun_list.KOMMUNER[code], period_kind=period_kind)
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
