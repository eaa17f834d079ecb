"""Swedish singular and plural after a count (analysis.wording.plural)."""

from __future__ import annotations

import pytest

from analysis.concentration import concentration
from analysis.wording import plural


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 rapporter"), (1, "1 rapport"), (1.0, "1 rapport"), (2, "2 rapporter"),
    (1200, "1 200 rapporter"), (1.5, "1,5 rapporter"),
])
def test_plural_picks_the_form_by_the_count(count: float, expected: str) -> None:
    assert plural(count, "rapport", "rapporter") == expected


def test_concentration_text_says_one_area_in_the_singular() -> None:
    import pandas as pd

    text = concentration(pd.Series({"A": 1}), areas=["A"]).text
    assert "(1 rapport i 1 område)" in text
