"""parse_json: the same result as json.loads up to the depth limit, a Swedish refusal past it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.core.limits import MAX_JSON_DEPTH, JsonRejected, parse_json

_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
_documents = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=30,
)


def _depth(value) -> int:  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@given(_documents, st.integers(min_value=0, max_value=40))
def test_parse_json_agrees_with_json_loads_below_the_limit(document, wrap):
    for _ in range(wrap):
        document = [document]
    body = json.dumps(document).encode()
    if _depth(document) <= MAX_JSON_DEPTH:
        assert parse_json(body) == json.loads(body)
    else:
        with pytest.raises(JsonRejected) as refused:
            parse_json(body)
        assert refused.value.code == "json_too_deep"


@pytest.mark.parametrize("body", [b"{", b'{"a": 1,}', b"\xff", b"NaN-ish"])
def test_not_json_is_json_invalid(body):
    with pytest.raises(JsonRejected) as refused:
        parse_json(body)
    assert (refused.value.code, refused.value.message) == ("json_invalid", "Begäran är inte giltig JSON.")
