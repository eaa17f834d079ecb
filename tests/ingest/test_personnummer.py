"""Tests for ingest.personnummer: masking of valid numbers, no masking of invalid ones."""

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from ingest.personnummer import MASK, is_personnummer, mask_personnummer, names_people_hint

# 880320-001?: check digit worked out by hand with the Luhn rule on 880320001:
# 8*2=16->7, 8, 0*2=0, 3, 2*2=4, 0, 0*2=0, 0, 1*2=2 -> 7+8+0+3+4+0+0+0+2 = 24 -> check 6.
VALID = "880320-0016"


@pytest.mark.parametrize(
    "written",
    [
        "880320-0016",
        "880320+0016",
        "8803200016",
        "198803200016",
        "19880320-0016",
        "880320 0016",
        "88 03 20-0016",
        "880320 - 0016",
        "880320\u20130016",
    ],
)
def test_formats_masked(written):
    out = mask_personnummer(f"Anmält av {written}, vid skolan.")
    assert out.text == f"Anmält av {MASK}, vid skolan."
    assert out.count == 1


def test_wrong_check_digit_left_alone():
    text = "Ärendenummer 880320-0018 och 8803200017"
    assert mask_personnummer(text) == (text, 0)


def test_invalid_date_left_alone():
    # 881320: month 13; Luhn digit computed for it so only the date fails.
    digits = "881320001"
    number = digits + luhn.calc_check_digit(digits)
    assert mask_personnummer(number) == (number, 0)


def test_samordningsnummer():
    digits = "880380001"  # 20 March + 60
    number = digits + luhn.calc_check_digit(digits)
    assert mask_personnummer(f"snr {number[:6]}-{number[6:]}").count == 1
    # day 92 = 32 + 60 does not exist
    bad = "880392001"
    bad += luhn.calc_check_digit(bad)
    assert mask_personnummer(bad).count == 0


def test_longer_digit_runs_left_alone():
    text = "Kundnummer 1198803200016 och 88032000161"
    assert mask_personnummer(text).count == 0


def test_two_numbers_and_none():
    out = mask_personnummer("A 880320-0016, B 19880320-0016.")
    assert out.count == 2
    assert out.text == f"A {MASK}, B {MASK}."
    assert mask_personnummer(None) == (None, 0)
    assert mask_personnummer("") == ("", 0)


def test_custom_mask_and_is_personnummer():
    assert mask_personnummer(VALID, mask="***").text == "***"
    assert is_personnummer("19880320-0016")
    assert not is_personnummer("880320-0018")
    assert not is_personnummer("hej")


def test_non_string_rejected():
    with pytest.raises(ValueError, match="sträng"):
        mask_personnummer(8803200016)


# --- property tests -------------------------------------------------------------------------

_FORMATS = [
    "{yy}{mm}{dd}-{n}",
    "{yy}{mm}{dd}+{n}",
    "{cc}{yy}{mm}{dd}{n}",
    "{cc}{yy}{mm}{dd}-{n}",
    "{yy}{mm}{dd}{n}",
    "{yy}{mm}{dd} {n}",
    "{yy} {mm} {dd}-{n}",
]

_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Nd", "Cs"), blacklist_characters="+-\u2013\u2212"
    ),
    max_size=30,
)


@st.composite
def valid_numbers(draw):
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    serial = draw(st.integers(0, 999))
    samordning = draw(st.booleans())
    day = born.day + (60 if samordning else 0)
    year = f"{born.year:04d}"
    cc, yy, mm, dd = year[:2], year[2:], f"{born.month:02d}", f"{day:02d}"
    body = f"{yy}{mm}{dd}{serial:03d}"
    n = f"{serial:03d}{luhn.calc_check_digit(body)}"
    fmt = draw(st.sampled_from(_FORMATS))
    return fmt.format(cc=cc, yy=yy, mm=mm, dd=dd, n=n)


@settings(max_examples=300, deadline=None)
@given(number=valid_numbers(), before=_text, after=_text)
def test_every_valid_number_masked_and_text_kept(number, before, after):
    out = mask_personnummer(f"{before} {number} {after}")
    assert out.count == 1
    assert out.text == f"{before} {MASK} {after}"


@settings(max_examples=300, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_no_mask_when_luhn_fails(digits):
    assume(not luhn.is_valid(digits))
    text = f"nr {digits} slut"
    assert mask_personnummer(text) == (text, 0)


@settings(max_examples=200, deadline=None)
@given(text=_text)
def test_text_without_digits_unchanged(text):
    assert mask_personnummer(text) == (text, 0)


def test_samordning_leap_day_without_century():
    # 29 Feb 2000 exists, 29 Feb 1900 does not: accepted without a century.
    body = "000289123"
    number = body + luhn.calc_check_digit(body)
    assert mask_personnummer(number).count == 1


# --- names_people_hint -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Kalle Svensson sågs vid torget",
        "Ungdomarna ropade på Anna-Lena Berg",
        "En kille som heter Ali kastade sten",
        "han kallas Pluttis",
    ],
)
def test_names_hint_flags_people(text):
    assert names_people_hint(text)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "Klotter vid Östra Skolan och på Storgatan",
        "Flera ungdomar samlades i Rosengård centrum",
        "Vid Stortorget låg glas",
        "krossad ruta, ingen person syntes",
    ],
)
def test_names_hint_leaves_places(text):
    assert not names_people_hint(text)
