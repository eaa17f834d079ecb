"""ingest.category_vocabulary: suggestions for a partner's own words and the text;kategori map file."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.category_vocabulary import CategoryMapError, MapLine, read_category_map, suggest_categories
from tests.ingest.test_file_import import CATEGORIES


@pytest.mark.parametrize(("text", "best"), [
    ("Narkotika misstänkt", "narkotika"),  # words of the name, in another order
    ("Brand i soprum", "anlagd_brand"),  # a synonym
    ("Ungdomar som stökar", "ungdomssamling"),
    ("Mopedåkning på gc-väg", "olovlig_trafik"),
    ("Hot mot personal", "incident_anstalld"),
    ("Trasig belysning", "otrygg_plats"),
    ("Inbrott i förråd", "stold_inbrott"),
])
def test_the_best_suggestion_for_a_housing_companys_words(text, best):
    assert suggest_categories(text, CATEGORIES)[0].code == best


def test_a_combined_text_suggests_both_categories_and_past_choices_count():
    found = suggest_categories("Klotter/skadegörelse", CATEGORIES)
    assert {s.code for s in found[:2]} == {"klotter", "skadegorelse"}
    assert found[0].name == CATEGORIES[found[0].code]
    # The organisation chose skadegörelse for a similar text before: that choice comes first.
    past = suggest_categories("Klotter / skadegörelse i trapphus", CATEGORIES,
                              past={"Klotter/skadegörelse": "skadegorelse"})
    assert past[0].code == "skadegorelse" and past[0].reason == "tidigare val för ”Klotter/skadegörelse”"


def test_no_suggestion_is_better_than_a_wrong_one():
    assert suggest_categories("Xyzzy", CATEGORIES) == []
    assert suggest_categories("  ", CATEGORIES) == []


@given(st.text(max_size=40))
def test_suggestions_are_valid_codes_at_most_three_best_first(text):
    found = suggest_categories(text, CATEGORIES)
    assert len(found) <= 3 and all(s.code in CATEGORIES for s in found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)


def test_map_file_in_utf8_bom_and_cp1252():
    utf8 = "text;kategori\r\nNarkotika misstänkt;narkotika\r\n\r\nKlotter/skadegörelse;skadegorelse\r\n"
    expected = [MapLine(2, "Narkotika misstänkt", "narkotika"), MapLine(4, "Klotter/skadegörelse", "skadegorelse")]
    assert read_category_map(utf8.encode("utf-8-sig"), codes=CATEGORIES) == expected
    assert read_category_map(utf8.replace("text;kategori", "Text;Kategori").encode("cp1252"),
                             codes=CATEGORIES) == expected


def test_map_file_errors_name_every_bad_line():
    data = ("text;kategori\nNarkotika misstänkt;narkotika\nKlotter;finns_inte\n;klotter\n"
            "NARKOTIKA  MISSTÄNKT;ran\nTags;klotter;extra\n").encode()
    with pytest.raises(CategoryMapError) as caught:
        read_category_map(data, codes=CATEGORIES)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["Rad 3", "Rad 4", "Rad 5", "Rad 6"]
    assert problems[0].startswith("Rad 3: okänd kategorikod ”finns_inte”. Giltiga koder: "
                                  "Skadegörelse (inkl. krossade rutor) (skadegorelse), Klotter (klotter), ")
    assert problems[2] == "Rad 5: ”NARKOTIKA MISSTÄNKT” står redan på rad 2 med en annan kategori."
    with pytest.raises(CategoryMapError, match="Filen är tom"):
        read_category_map(b"\xef\xbb\xbf\n")
