"""Submitting reports through the JSON API exactly once (Idempotency-Key or external id)."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from api.areas.models import Area
from api.categories import service as category_service
from api.core.db import is_busy
from api.core.time import utcnow
from api.reports import service as report_service
from api.reports.models import IdempotencyKey, Report
from ingest.form import validate_form
from ingest.values import CategoryMatcher

MAX_ATTEMPTS = 8


@dataclass
class ApiResult:
    status_code: int
    body: dict[str, Any]


def request_fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def submit(
    *,
    session: Session,
    kommun_code: str,
    organisation_id: int,
    payload: Any,
    body: bytes,
    idempotency_key: str | None,
    today: date,
) -> ApiResult:
    """Validate and store a submission; a retry (same key or external ids) returns the first result.

    Concurrent identical requests race on unique constraints (idempotency key, per-organisation
    external id); the loser's transaction rolls back and it retries, then finds the winner's result.
    The session may hold the request's authentication (same transaction); it is committed here.
    """
    fingerprint = request_fingerprint(body)
    last_error: Exception | None = None
    for _ in range(MAX_ATTEMPTS):
        try:
            result = _submit_once(
                session=session, kommun_code=kommun_code, organisation_id=organisation_id,
                payload=payload, fingerprint=fingerprint, idempotency_key=idempotency_key,
                today=today,
            )
            session.commit()
            return result
        except (IntegrityError, OperationalError) as exc:  # lost a race: try again
            session.rollback()
            if is_busy(exc):
                # The lock wait already took the busy timeout: answer 503 with Retry-After
                # (api/core/errors.py); nothing was stored, the client's retry stores it once.
                raise
            last_error = exc
    raise RuntimeError("submission kept colliding") from last_error


_IDEMPOTENCY = IdempotencyKey.__table__  # type: ignore[attr-defined]
# Built once: composing the statement on every submit costs more than running it.
_STORED_ANSWER = sa_select(
    _IDEMPOTENCY.c.request_hash, _IDEMPOTENCY.c.status_code, _IDEMPOTENCY.c.response_json
).where(_IDEMPOTENCY.c.organisation_id == bindparam("organisation_id"), _IDEMPOTENCY.c.key == bindparam("key"))


def _submit_once(
    *, session: Session, kommun_code: str, organisation_id: int, payload: Any, fingerprint: str,
    idempotency_key: str | None, today: date,
) -> ApiResult:
    connection = session.connection()
    if idempotency_key:
        stored = connection.execute(
            _STORED_ANSWER, {"organisation_id": organisation_id, "key": idempotency_key}
        ).first()
        if stored is not None:
            request_hash, status_code, response_json = stored
            if request_hash != fingerprint:
                return ApiResult(422, _error_body([{
                    "field": "Idempotency-Key", "code": "idempotency_key_reused",
                    "message": "Nyckeln har redan använts för en annan begäran.",
                }]))
            return ApiResult(int(status_code), json.loads(response_json))
    result = _validate_and_store(
        session=session, kommun_code=kommun_code, organisation_id=organisation_id,
        payload=payload, today=today,
    )
    if idempotency_key and result.status_code < 500:
        connection.execute(_IDEMPOTENCY.insert(), {
            "organisation_id": organisation_id, "key": idempotency_key, "request_hash": fingerprint,
            "status_code": result.status_code, "response_json": json.dumps(result.body, ensure_ascii=False),
            "created_at": utcnow(),
        })
    return result


# Category matchers by the kommun's active (code, name) pairs: the key is the content, so a renamed,
# added or deactivated category is simply another key (no invalidation to forget). Bounded.
_MATCHERS: dict[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], CategoryMatcher] = {}
_MATCHERS_LOCK = threading.Lock()
_MAX_MATCHERS = 256


def category_matcher(
    categories: dict[str, report_service.CategoryRef], aliases: Mapping[str, str] | None = None,
) -> CategoryMatcher:
    """The CategoryMatcher of these categories' active ones and these aliases, built once per distinct pair."""
    names = tuple((c.code, c.name) for c in categories.values() if c.active)
    alias_items = tuple(sorted((aliases or {}).items()))
    key = (names, alias_items)
    with _MATCHERS_LOCK:
        matcher = _MATCHERS.get(key)
    if matcher is None:
        matcher = CategoryMatcher(dict(names), aliases=dict(alias_items) or None)
        with _MATCHERS_LOCK:
            if len(_MATCHERS) >= _MAX_MATCHERS:
                _MATCHERS.clear()
            _MATCHERS[key] = matcher
    return matcher


def _validate_and_store(
    *, session: Session, kommun_code: str, organisation_id: int, payload: Any, today: date
) -> ApiResult:
    # Every category (inactive ones too: storing names them in its error) in one Core read.
    categories = report_service.kommun_categories(session=session, kommun_code=kommun_code)
    # One placement context (cached per version of the areas and places) for validation and storing.
    placement = report_service.cached_placement_context(session=session, kommun_code=kommun_code)
    place_ids = list(placement.places_by_id)
    validated = validate_form(
        payload,
        kommun_code=kommun_code,
        # The organisation's own words first (chosen once in an import preview or a --category-map).
        categories=category_matcher(categories, category_service.organisation_mappings(
            session=session, organisation_id=organisation_id
        )),
        today=today,
        source="api",
        organisation_id=organisation_id,
        place_ids=place_ids,
    )
    errors = [
        {"field": e.column or "", "code": e.code, "message": e.message, "row": e.row}
        for e in validated.errors
    ]
    if errors:
        return ApiResult(422, _error_body(errors))
    records = list(validated.records)
    try:
        outcome = report_service.store_records(
            session=session, kommun_code=kommun_code, records=records,
            organisation_id=organisation_id, strict=True, placement=placement, categories=categories,
        )
    except report_service.StoreRejected as rejected:
        return ApiResult(422, _error_body([
            {"field": f"observationer[{e.row - 1}].{_field_sv(e.column)}" if e.row else "",
             "code": e.code, "message": e.message, "row": e.row}
            for e in rejected.errors
        ]))
    # Rows in input order: a new report id, the id of the report already stored, or (for a repeat of
    # an earlier row of this request) that row's id.
    created_iter = iter(outcome.created_ids)
    skipped = dict(outcome.skipped)
    same_as = dict(outcome.same_as)
    created: dict[int, int] = {}
    for row in range(1, len(records) + 1):
        if row in same_as:
            created[row] = created[same_as[row]]  # the earlier row, always before this one
        elif row in skipped:
            created[row] = skipped[row]
        else:
            created[row] = next(created_iter)
    # New reports: their area and flag are known; reports stored before are read.
    reports: dict[int, tuple[int | None, int | None]] = {
        report_id: (area_id, outcome.created_duplicate_of.get(report_id))
        for report_id, area_id in outcome.created_area_ids.items()
    }
    earlier = [report_id for report_id in created.values() if report_id not in reports]
    if earlier:
        table = Report.__table__  # type: ignore[attr-defined]
        reports.update(
            (report_id, (area_id, duplicate_of))
            for report_id, area_id, duplicate_of in session.connection().execute(
                sa_select(table.c.id, table.c.area_id, table.c.suspected_duplicate_of_id).where(
                    table.c.id.in_(earlier)
                )
            )
        )
    area_codes: dict[int | None, str] = {area_id: code for code, area_id in placement.area_ids.items()}
    missing = [a for a, _ in reports.values() if a is not None and a not in area_codes]
    area_codes.update(_area_codes(session, missing))  # reports placed in an older area set
    items = []
    for row, report_id in created.items():
        area_id, duplicate_of = reports[report_id]
        item = {
            "rad": row,
            "id": report_id,
            "status": "samma_som_rad" if row in same_as else "fanns_redan" if row in skipped else "skapad",
            "omrade": area_codes.get(area_id),
            "misstankt_dubblett_av": duplicate_of,
        }
        if row in same_as:
            item["samma_som_rad"] = same_as[row]
        items.append(item)
    status = 201 if outcome.created_ids else 200
    return ApiResult(status, {
        "mottagna": len(records),
        "skapade": len(outcome.created_ids),
        "fanns_redan": len(outcome.skipped) - len(outcome.same_as),
        "samma_som_tidigare_rad": len(outcome.same_as),
        "personnummer_maskerade": outcome.masked,
        "meddelanden": list(validated.notices),
        "rapporter": items,
    })


def _field_sv(column: str | None) -> str:
    return {"kategori": "kategori", "plats": "plats", "område": "plats"}.get(column or "", column or "")


def _area_codes(session: Session, area_ids: Sequence[int | None]) -> dict[int | None, str]:
    ids = [a for a in area_ids if a is not None]
    if not ids:
        return {}
    return {a.id: a.code for a in session.exec(select(Area).where(Area.id.in_(ids)))}  # type: ignore[union-attr]


def _error_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"detail": "Rapporten kunde inte tas emot. Se fel nedan.", "errors": errors}
