"""Gazetteer look-ups for the report form: autocomplete, the <datalist> and typed names."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.areas.models import Area, AreaSet, Place
from ingest.gazetteer import build_gazetteer, fold


def _places(session: Session, kommun_code: str) -> list[Place]:
    return list(session.exec(
        select(Place).where(Place.kommun_code == kommun_code).order_by(Place.name)
    ))


def place_names(*, session: Session, kommun_code: str) -> list[str]:
    """Every gazetteer place name of the kommun (the no-JavaScript <datalist>)."""
    return [p.name for p in _places(session, kommun_code)]


def _gazetteer(session: Session, kommun_code: str):  # type: ignore[no-untyped-def]
    """The kommun's places (with aliases) and area names, and place ids by main name."""
    areas = session.exec(
        select(Area.id, Area.code, Area.name)
        .join(AreaSet, col(Area.area_set_id) == AreaSet.id)
        .where(AreaSet.kommun_code == kommun_code, AreaSet.active == True)  # noqa: E712
    ).all()
    code_by_id = {area_id: code for area_id, code, _name in areas}
    places = [p for p in _places(session, kommun_code) if p.area_id in code_by_id]
    gazetteer = build_gazetteer(
        [{"name": p.name, "aliases": p.aliases, "area_code": code_by_id[p.area_id]}
         for p in places],
        [{"area_code": code, "area_name": name} for _id, code, name in areas],
    )
    return gazetteer, {p.name: p for p in places}, {code: name for _id, code, name in areas}


def suggest_places(*, session: Session, kommun_code: str, query: str,
                   limit: int = 8) -> list[dict[str, object]]:
    """Autocomplete: gazetteer places whose name or alias starts with what the user typed."""
    gazetteer, by_name, area_names = _gazetteer(session, kommun_code)
    out: list[dict[str, object]] = []
    for suggestion in gazetteer.autocomplete(query, limit=limit * 2):
        # An area's own name is offered through the place of the same name (areas have no id).
        place = by_name.get(suggestion.name)
        if place is None or any(item["id"] == place.id for item in out):
            continue
        out.append({
            "id": place.id, "namn": place.name, "traff": suggestion.matched,
            "omrade": area_names.get(suggestion.area_code, ""),
        })
    return out[:limit]


def resolve_place(*, session: Session, kommun_code: str, name: str,
                  chosen_id: str = "") -> int | None:
    """The place id for a name typed or picked in the form (name or alias, any case/diacritics).

    `chosen_id` is what the autocomplete picked; it wins when its name still matches the text.
    """
    key = fold(name)
    if not key:
        return None
    if chosen_id.isdigit():
        place = session.get(Place, int(chosen_id))
        if place is not None and place.kommun_code == kommun_code and key in {
            fold(t) for t in [place.name, *place.aliases.split("|")] if t.strip()
        }:
            return place.id
    gazetteer, by_name, _areas = _gazetteer(session, kommun_code)
    ids = {
        by_name[s.name].id for s in gazetteer.autocomplete(name, limit=50)
        if fold(s.matched) == key and s.name in by_name
    }
    return ids.pop() if len(ids) == 1 else None
