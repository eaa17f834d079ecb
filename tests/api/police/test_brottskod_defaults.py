"""The default brottskod table only names categories the seeded taxonomy has."""

from api.categories.service import SEED_TAXONOMY
from ingest.brottskoder import DEFAULT_BROTTSKODER


def test_every_default_brottskod_maps_to_a_seeded_category_or_to_nothing() -> None:
    seeded = {seed.code for seed in SEED_TAXONOMY}
    unknown = {code: category for code, (_text, category) in DEFAULT_BROTTSKODER.items()
               if category is not None and category not in seeded}
    assert unknown == {}


def test_mord_and_drap_codes_count_as_dodligt_vald() -> None:
    # Brå's 0301–0310: attempted and completed mord/dråp, barnadråp.
    assert {DEFAULT_BROTTSKODER[f"03{n:02d}"][1] for n in range(1, 11)} == {"dodligt_vald"}
    assert all(len(code) == 4 and code.isdigit() for code in DEFAULT_BROTTSKODER)
