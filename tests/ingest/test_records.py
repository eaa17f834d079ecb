"""Tests for ingest.records: validation rules, content hash and the canonical frame."""

from datetime import date, time

import numpy as np
import pytest
from pydantic import ValidationError

from ingest.records import IngestResult, ReportRecord, RowError, records_to_frame


def _rec(**kw):
    base = dict(
        kommun_code="1880",
        category_code="klotter",
        observed_date=date(2026, 11, 18),
        source="form",
    )
    base.update(kw)
    return ReportRecord(**base)


def test_defaults():
    r = _rec()
    assert r.report_count == 1
    assert r.observed_period == "dag"
    assert r.x is None and r.y is None
    assert r.personnummer_masked is False
    assert r.observed_hour is None


def test_observed_hour_from_time():
    assert _rec(observed_time=time(23, 59)).observed_hour == 23


@pytest.mark.parametrize(
    "kw",
    [
        {"kommun_code": "188"},
        {"kommun_code": "18a0"},
        {"category_code": ""},
        {"source": "email"},
        {"report_count": 0},
        {"involved_count": -1},
        {"x": 500000.0},  # y missing
        {"observed_period": "vecka"},  # 2026-11-18 is a Wednesday
        {"observed_period": "vecka", "observed_date": date(2026, 11, 16), "observed_time": time(8)},
        {"unknown_field": 1},
    ],
)
def test_invalid_records_rejected(kw):
    with pytest.raises(ValidationError):
        _rec(**kw)


def test_week_observation_on_monday():
    r = _rec(observed_period="vecka", observed_date=date(2026, 11, 16))
    assert r.observed_date.isoweekday() == 1


def test_ids_become_text_and_empty_text_none():
    r = _rec(external_id=588161, place_id=12, description="   ")
    assert r.external_id == "588161"
    assert r.place_id == "12"
    assert r.description is None


def test_content_hash_stable_and_sensitive():
    a = _rec(description="Klotter på  väggen", x=500000.2, y=6570000.0)
    b = _rec(description="klotter på väggen", x=500000.4, y=6570000.0, organisation_id=7)
    assert a.content_hash() == b.content_hash()
    assert a.content_hash() == _rec(description="Klotter på  väggen", x=500000.2,
                                    y=6570000.0).content_hash()
    assert a.content_hash() != _rec(description="Klotter på väggen", x=500002.0,
                                    y=6570000.0).content_hash()
    assert a.content_hash() != a.model_copy(update={"category_code": "skadegorelse"}).content_hash()
    assert a.content_hash() != a.model_copy(update={"report_count": 2}).content_hash()


def test_row_error_truncates_value():
    e = RowError(2, "beskrivning", "x" * 10_000, "too_long", "Rad 2: beskrivning är för lång")
    assert len(e.value) == 200
    assert e.value.endswith("…")
    assert RowError(1, "antal", 5, "invalid", "m").value == "5"
    assert RowError(1, "antal", None, "required", "m").value is None


def test_ingest_result_ok():
    assert IngestResult([_rec()]).ok
    assert not IngestResult([], [RowError(1, "datum", "", "required", "m")]).ok
    assert IngestResult([]).skipped == 0


def test_records_to_frame_dtypes_and_values():
    recs = [
        _rec(observed_time=time(14, 5), x=1.0, y=2.0, organisation_id=3),
        _rec(report_count=4, source="police_summary", area_code="1880C1010"),
    ]
    df = records_to_frame(recs)
    assert len(df) == 2
    assert str(df["observed_date"].dtype) == "datetime64[ns]"
    assert str(df["observed_hour"].dtype) == "Int64"
    assert df["observed_hour"].iloc[0] == 14
    assert df["observed_hour"].isna().iloc[1]
    assert df["report_count"].tolist() == [1, 4]
    assert df["report_count"].sum() == 5
    assert np.isnan(df["x"].iloc[1])
    assert df["area_code"].iloc[1] == "1880C1010"
    assert df["area_code"].iloc[0] is None
    assert df["content_hash"].iloc[0] == recs[0].content_hash()


def test_records_to_frame_empty():
    df = records_to_frame([])
    assert len(df) == 0
    assert "observed_date" in df.columns
