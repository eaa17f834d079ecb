"""Migration 54509e75dd49: an installation at the previous head gets the four violence categories.

Nothing already classified changes (reports stay Misshandel / Övrig händelse, a kommun's own
category and its police-type choice are kept); new police imports use the new categories.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from api.core import migrate
from api.core.db import make_engine
from api.police import service as police_service
from tests.conftest import database_url_for, drop_schema, make_test_settings

PREVIOUS_HEAD = "b7e4a2c91d05"
NEW_CODES = {"skjutning", "sprangning", "dodligt_vald", "sexualbrott"}
EVENTS = Path(__file__).parents[1] / "ingest" / "fixtures" / "police" / "violence_events.json"


def _insert(conn: sa.Connection, table: str, **values: object) -> int | None:
    """Insert a row with the previous head's columns (reflected); its id if it has one."""
    meta = sa.Table(table, sa.MetaData(), autoload_with=conn)
    if "id" not in meta.c:
        conn.execute(meta.insert().values(**values))
        return None
    return int(conn.execute(meta.insert().values(**values).returning(meta.c.id)).scalar_one())


def _category(conn: sa.Connection, kommun: str, code: str, name: str, order: int) -> int | None:
    return _insert(conn, "category", kommun_code=kommun, code=code, name=name, help_text="",
                   is_context=False, severity=1.0, active=True, sort_order=order)


def _report(conn: sa.Connection, kommun: str, category_id: int | None, day: date, text: str) -> int | None:
    return _insert(
        conn, "report", kommun_code=kommun, category_id=category_id, observed_date=day,
        observed_period="dag", submitted_at=datetime(2026, 11, 20, 12), place_text="",
        description=text, report_count=1, source="police_feed", review_status="godkand",
        review_note="", source_url="", personnummer_masked=False, privacy_flag=False,
    )


def _categories(conn: sa.Connection) -> dict[tuple[str, str], tuple[int, str, bool]]:
    rows = conn.execute(sa.text("SELECT kommun_code, code, id, name, sensitive FROM category"))
    return {(k, c): (i, n, bool(s)) for k, c, i, n, s in rows}


def test_previous_installation_gets_the_categories_and_keeps_what_was_classified(tmp_path):
    settings = make_test_settings(database_url_for(tmp_path, "violence_" + tmp_path.name[-8:]), tmp_path)
    engine = make_engine(settings)
    try:
        migrate.upgrade(engine, PREVIOUS_HEAD)
        with engine.begin() as conn:
            for code, name in (("1880", "Örebro"), ("1489", "Alingsås")):
                _insert(conn, "kommun", code=code, name=name, created_at=datetime(2026, 11, 1))
            misshandel = _category(conn, "1880", "misshandel", "Misshandel", 90)
            ovrigt = _category(conn, "1880", "ovrigt", "Övrig händelse", 140)
            # Alingsås made its own skjutning category before this release: kept as edited.
            own = _category(conn, "1489", "skjutning", "Skottlossning (egen)", 5)
            # Stored by the old mapping: Mord/dråp as misshandel, Skottlossning as övrigt.
            by_old_mapping = {
                _report(conn, "1880", misshandel, date(2022, 10, 5), "mord"): misshandel,
                _report(conn, "1880", ovrigt, date(2023, 6, 26), "skottlossning"): ovrigt,
                _report(conn, "1489", own, date(2023, 4, 18), "egen"): own,
            }
            # Örebro chose a category for Explosion: its choice stays.
            _insert(conn, "police_type_mapping", kommun_code="1880", police_type="Explosion",
                    category_code="ovrigt")

        migrate.upgrade(engine)

        with engine.connect() as conn:
            categories = _categories(conn)
            reports = dict(conn.execute(sa.text("SELECT id, category_id FROM report")).all())
            mapping = conn.execute(sa.text(
                "SELECT kommun_code, police_type, category_code FROM police_type_mapping")).all()
        assert reports == by_old_mapping
        assert mapping == [("1880", "Explosion", "ovrigt")]
        for kommun in ("1880", "1489"):
            assert {c for k, c in categories if k == kommun} >= NEW_CODES
        assert categories[("1489", "skjutning")] == (own, "Skottlossning (egen)", False)
        assert categories[("1880", "skjutning")][1:] == ("Skjutning / skottlossning", False)
        assert categories[("1880", "dodligt_vald")][1] == "Dödligt våld (mord / dråp)"
        assert {key for key, (_, _, sensitive) in categories.items() if sensitive} == {
            ("1880", "sexualbrott"), ("1489", "sexualbrott")}
        # 2 + 1 old categories, 4 + 3 new ones.
        assert len(categories) == 10

        # A new police import uses the new categories (Explosion: Örebro's own choice).
        events = json.loads(EVENTS.read_text(encoding="utf-8"))
        with Session(engine) as session:
            [outcome] = police_service.import_feed(session=session, data=events, kommun_codes=["1880"])
            session.commit()
        assert outcome.created == 5 and outcome.errors == []
        with engine.connect() as conn:
            new = conn.execute(sa.text(
                "SELECT c.code, count(*) FROM report r JOIN category c ON c.id = r.category_id "
                "WHERE r.id NOT IN (" + ",".join(str(i) for i in by_old_mapping) + ") "
                "GROUP BY c.code ORDER BY c.code")).all()
        # Örebro's fixture events: Mord/dråp, Mord/dråp, försök, Våldtäkt, försök, Våldtäkt, Explosion.
        assert new == [("dodligt_vald", 2), ("ovrigt", 1), ("sexualbrott", 2)]

        # Down again: categories in use stay, the unused new ones go, the column goes.
        migrate.downgrade(engine, PREVIOUS_HEAD)
        with engine.connect() as conn:
            left = {tuple(r) for r in conn.execute(sa.text("SELECT kommun_code, code FROM category"))}
            assert "sensitive" not in {c["name"] for c in sa.inspect(conn).get_columns("category")}
            after = dict(conn.execute(sa.text("SELECT id, category_id FROM report")).all())
        assert len(after) == 3 + 5
        assert {i: after[i] for i in by_old_mapping} == by_old_mapping
        assert left == {("1880", "misshandel"), ("1880", "ovrigt"), ("1489", "skjutning"),
                        ("1880", "dodligt_vald"), ("1880", "sexualbrott")}
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert len(_categories(conn)) == 10
    finally:
        engine.dispose()
        drop_schema(settings.resolved_database_url)
