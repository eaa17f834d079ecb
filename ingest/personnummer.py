"""Mask Swedish personnummer and samordningsnummer in free text.

Reports must not carry personal identity numbers (GDPR art. 10 minimisation), so every adapter runs
its free text through :func:`mask_personnummer`. A candidate is any run of 10 or 12 digits in the
usual written shapes (``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYYYMMDDNNNN``, ``YYYYMMDD-NNNN``,
``YYMMDDNNNN``, ``YYMMDD NNNN``, ``YY MM DD-NNNN``, with an en dash too). It is masked only if it
validates: the birth date must exist and the Luhn check digit must match (python-stdnum's
``stdnum.se.personnummer``). A samordningsnummer is the same with 60 added to the day; stdnum does
not know it, so its date is checked here and its check digit with ``stdnum.luhn``. A number that
fails validation is left alone, so ordinary numbers in the text survive.

Known limits: a 10-digit telephone number that happens to form a valid date and check digit (about
one in ten of those with a valid date) is masked too, which errs on the safe side.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from stdnum import luhn
from stdnum.se import personnummer as _stdnum_pnr

#: What a masked number is replaced with.
MASK = "[personnummer borttaget]"

_CANDIDATE_RE = re.compile(
    r"(?<![\d])"
    r"(?P<c>\d{2})?(?P<y>\d{2})(?P<s>[ ]?)(?P<m>\d{2})(?P=s)(?P<d>\d{2})"
    r"[ ]?(?P<sep>[-+\u2013\u2212]?)[ ]?(?P<n>\d{4})"
    r"(?![\d])"
)


class MaskResult(NamedTuple):
    """Masked text and how many numbers were masked."""

    text: str | None
    # The field shadows tuple.count on purpose: `.count` is the public name every caller and test reads.
    count: int  # type: ignore[assignment]


def mask_personnummer(text: str | None, mask: str = MASK) -> MaskResult:
    """Replace every valid personnummer and samordningsnummer in ``text`` with ``mask``.

    Parameters
    ----------
    text : str or None
        Free text (a description, a place text). ``None`` passes through.
    mask : str, default ``"[personnummer borttaget]"``
        Replacement text.

    Returns
    -------
    MaskResult
        ``(text, count)``: the masked text and the number of numbers masked.

    Examples
    --------
    >>> mask_personnummer("Anmälare 880320-0016 sågs vid skolan")
    MaskResult(text='Anmälare [personnummer borttaget] sågs vid skolan', count=1)
    >>> mask_personnummer("Samordningsnr 701063-2391")  # day 63 = 3rd + 60
    MaskResult(text='Samordningsnr [personnummer borttaget]', count=1)
    >>> mask_personnummer("Ärende 880320-0018 (fel kontrollsiffra)").count
    0
    """
    if text is None:
        return MaskResult(None, 0)
    if not isinstance(text, str):
        raise ValueError(f"texten måste vara en sträng, inte {type(text).__name__}")
    count = 0

    def _replace(match: re.Match[str]) -> str:
        nonlocal count
        if _is_valid_match(match):
            count += 1
            return mask
        return match.group(0)

    masked = _CANDIDATE_RE.sub(_replace, text)
    return MaskResult(masked, count)


def is_personnummer(number: str) -> bool:
    """True if ``number`` (one number, any common format) is a valid personnummer or
    samordningsnummer.

    Examples
    --------
    >>> is_personnummer("19880320-0016"), is_personnummer("8803200018")
    (True, False)
    """
    match = _CANDIDATE_RE.fullmatch(number.strip())
    return match is not None and _is_valid_match(match)


def _is_valid_match(match: re.Match[str]) -> bool:
    century, yy, mm, dd, serial = (match.group(k) for k in ("c", "y", "m", "d", "n"))
    if century is not None and century not in ("18", "19", "20"):
        return False
    sep = "+" if match.group("sep") == "+" else "-"
    day = int(dd)
    if day > 60:
        return _is_valid_samordning(century, yy, mm, day - 60, yy + mm + dd + serial)
    return _stdnum_pnr.is_valid(f"{century or ''}{yy}{mm}{dd}{sep}{serial}")


def _is_valid_samordning(century: str | None, yy: str, mm: str, day: int, digits10: str) -> bool:
    # Without a century the date is valid if it exists in 19yy or 20yy (only 29 Feb of "00"
    # differs); no clock is consulted.
    centuries = [century] if century is not None else ["19", "20"]
    if not any(_date_exists(int(c + yy), int(mm), day) for c in centuries):
        return False
    return luhn.is_valid(digits10)


def _date_exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


# --- reviewer hint ----------------------------------------------------------------------------

_NAME_CUE_RE = re.compile(
    r"\b(?:heter|hette|vid namn|kallad|kallas|känd som|son till|dotter till|bror till|"
    r"syster till|mamma till|pappa till)\s+[A-ZÅÄÖÉ][a-zåäöéü]+",
)
_CAPITALISED_PAIR_RE = re.compile(
    r"(?<![\w-])([A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?)\s+"
    r"([A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?)(?![\w-])"
)
#: Words that start sentences or name things, not people: a capitalised pair starting with one of
#: these is not taken for "Förnamn Efternamn".
_NOT_FIRST_NAMES_TEXT = """
    vid i på en ett det den de flera några många ungdomar polisen väktare personal utanför
    innanför bakom mellan nära under efter före mot från till hos med och eller men när där
    igår idag ikväll inatt norra södra östra västra stora lilla gamla nya sankt s:t
"""
_NOT_FIRST_NAMES = frozenset(_NOT_FIRST_NAMES_TEXT.split())
_PLACE_SUFFIXES = (
    "gatan", "vägen", "gränd", "stigen", "leden", "allé", "torget", "torg", "parken", "skolan",
    "gården", "centrum", "plan", "platsen", "huset", "stationen", "hallen", "backen", "området",
    "kyrkan", "byn", "bron", "badet", "gymnasiet", "biblioteket", "kommun", "län", "hus", "park",
)  # fmt: skip


def names_people_hint(text: str | None) -> bool:
    """Heuristic reviewer flag: does ``text`` seem to name a person?

    True when a cue like "heter"/"kallas" precedes a capitalised word, or two capitalised words
    follow each other ("Kalle Svensson") and do not look like a place ("Östra Skolan",
    "Vid Stortorget"). It is a hint for the säkerhetshandläggare's review, not a filter: it both
    misses names and flags some places.

    Examples
    --------
    >>> names_people_hint("Kalle Svensson sågs vid torget")
    True
    >>> names_people_hint("En kille som heter Ali kastade sten")
    True
    >>> names_people_hint("Klotter vid Östra Skolan och på Storgatan")
    False
    """
    if not text:
        return False
    if _NAME_CUE_RE.search(text):
        return True
    for first, second in _CAPITALISED_PAIR_RE.findall(text):
        if first.casefold() in _NOT_FIRST_NAMES:
            continue
        if second.casefold().endswith(_PLACE_SUFFIXES) or first.casefold().endswith(
            _PLACE_SUFFIXES
        ):
            continue
        return True
    return False
