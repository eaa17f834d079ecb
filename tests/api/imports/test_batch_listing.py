"""Listing import batches leaves the uploaded files' bytes in the database until one is opened."""

from __future__ import annotations

from sqlalchemy import inspect as sa_inspect

from api.imports import service
from api.imports.models import ImportBatch


def test_listed_batches_load_content_only_when_read(session, world):
    org = world.organisations["1880"][0].id
    session.add(ImportBatch(kommun_code="1880", organisation_id=org, filename="a.csv", file_hash="h1",
                            content=b"Datum;Kategori\n", status="committed"))
    session.add(ImportBatch(kommun_code="1880", organisation_id=org, filename="b.csv", file_hash="h1",
                            content=b"Datum;Kategori\n2026-11-01;Klotter\n"))
    session.commit()
    session.expunge_all()

    listed = service.list_batches(session=session, kommun_code="1880", organisation_id=org)
    assert [b.filename for b in listed] == ["b.csv", "a.csv"]
    assert all("content" in sa_inspect(b).unloaded for b in listed)
    earlier = service.earlier_commit(session=session, batch=listed[0])
    assert earlier is listed[1]
    # Reading the attribute loads it (the pages do, on the batch they show).
    assert listed[0].content == b"Datum;Kategori\n2026-11-01;Klotter\n"
