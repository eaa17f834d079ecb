"""A partner's own category words: suggestions for unknown texts and the ``text;kategori`` map file.

A housing company writes "Narkotika misstänkt" where the taxonomy says "Öppen droghantering /
misstänkt narkotikahantering". :func:`suggest_categories` ranks the categories for such a text
(by name, by the synonyms in :data:`SYNONYMS`, and by the texts this organisation mapped before);
:func:`read_category_map` reads the file the command line takes with ``--category-map``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from ingest.values import normalise_key

#: Words partners use for the seeded categories (DOMAIN.md's taxonomy), by category code.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "skadegorelse": ("skadegörelse", "vandalisering", "krossad ruta", "sönderslagen", "förstörelse"),
    "klotter": ("klotter", "graffiti", "tagg", "taggning", "klottersanering"),
    "nedskrapning": ("nedskräpning", "skräp", "dumpning", "avfall", "kanyler", "glas"),
    "anlagd_brand": ("brand", "anlagd brand", "containerbrand", "bilbrand", "soprumsbrand", "eld"),
    "narkotika": ("narkotika", "droger", "knark", "langning", "cannabis", "drogförsäljning",
                  "narkotikabrott", "misstänkt narkotika"),
    "ungdomssamling": ("ungdomar", "ungdomsgäng", "gäng", "folksamling", "samling", "stök"),
    "incident_anstalld": ("hot mot personal", "hot", "personal", "hot mot anställd", "provokation"),
    "ran": ("rån", "rånförsök", "personrån"),
    "misshandel": ("misshandel", "våld", "slagsmål", "bråk"),
    "olovlig_trafik": ("buskörning", "mopedåkning", "epa", "a-traktor", "moped", "olovlig körning"),
    "otrygg_plats": ("belysning", "trasig belysning", "mörkt", "skymmande buskar", "otrygg"),
    "oro_sociala_medier": ("sociala medier", "rykten", "ryktesspridning", "oro"),
    "stold_inbrott": ("stöld", "inbrott", "källarinbrott", "förrådsinbrott", "cykelstöld"),
    "ovrigt": ("övrigt", "annat", "övrig händelse"),
}

_MIN_SCORE = 60.0  # below this a suggestion is noise ("Rån" for "Rondellen")
_PAST_BONUS = 10.0  # this organisation chose it before for a similar text


@dataclass(frozen=True)
class Suggestion:
    """A category proposed for an unknown text, with why (Swedish, for the user)."""

    code: str
    name: str
    score: float  #: 0–100
    reason: str  #: "namn", "synonym “…”", "tidigare val för “…”"


def suggest_categories(
    text: str,
    categories: Mapping[str, str],
    *,
    past: Mapping[str, str] | None = None,
    synonyms: Mapping[str, tuple[str, ...]] | None = None,
    limit: int = 3,
) -> list[Suggestion]:
    """The best ``limit`` categories for ``text``, best first (none below a useful score).

    Parameters
    ----------
    text : str
        What the file says, e.g. ``"Narkotika misstänkt"``.
    categories : mapping
        ``code -> name`` of the active categories.
    past : mapping, optional
        ``text -> code`` this organisation mapped before; a similar past text suggests its code.
    synonyms : mapping, optional
        ``code -> words``; default :data:`SYNONYMS`.
    limit : int
        Most suggestions returned.

    Examples
    --------
    >>> cats = {"narkotika": "Öppen droghantering / misstänkt narkotikahantering",
    ...         "klotter": "Klotter", "skadegorelse": "Skadegörelse (inkl. krossade rutor)"}
    >>> [s.code for s in suggest_categories("Narkotika misstänkt", cats)]
    ['narkotika']
    >>> [s.code for s in suggest_categories("Klotter/skadegörelse", cats)]
    ['klotter', 'skadegorelse']
    """
    wanted = _fold(text)
    if not wanted:
        return []
    words = SYNONYMS if synonyms is None else synonyms
    best: dict[str, tuple[float, str]] = {}

    def consider(code: str, score: float, reason: str) -> None:
        if code in categories and score > best.get(code, (-1.0, ""))[0]:
            best[code] = (score, reason)

    for code, name in categories.items():
        consider(code, max(_score(wanted, _fold(name)), _score(wanted, _fold(code))), "namn")
        for part in re.split(r"[/()]", name):
            if _fold(part):
                consider(code, _score(wanted, _fold(part)), "namn")
        for word in words.get(code, ()):
            consider(code, _score(wanted, _fold(word)), f"synonym ”{word}”")
    for past_text, code in (past or {}).items():
        score = _score(wanted, _fold(past_text))
        if score >= _MIN_SCORE:
            # Above 100 while ranking, so a past choice wins a tie with a name; reported as at most 100.
            consider(code, score + _PAST_BONUS, f"tidigare val för ”{past_text}”")
    ranked = sorted(
        ((score, code, reason) for code, (score, reason) in best.items() if score >= _MIN_SCORE),
        key=lambda item: (-item[0], item[1]),
    )
    return [Suggestion(code, categories[code], round(min(score, 100.0), 1), reason)
            for score, code, reason in ranked[:limit]]


def _fold(text: str) -> str:
    """Lower case, no diacritics, words separated by single spaces (for fuzzy comparison)."""
    folded = unicodedata.normalize("NFKD", str(text).casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _score(a: str, b: str) -> float:
    """Similarity of two folded texts: the whole texts, or every word of the shorter in the longer."""
    if not a or not b:
        return 0.0
    whole = fuzz.ratio(a, b)
    # "narkotika misstankt" against "misstankt narkotikahantering": words, in any order, as prefixes.
    tokens = fuzz.token_set_ratio(a, b)
    shorter, longer = sorted((a.split(), b.split()), key=len)
    prefix_hits = sum(any(w.startswith(s) or s.startswith(w) for w in longer if len(s) >= 4 and len(w) >= 4)
                      for s in shorter)
    prefix = 100.0 * prefix_hits / len(shorter) if shorter else 0.0
    return float(max(whole, tokens, 0.95 * prefix))


# --- the map file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapLine:
    """One line of a category map file: the partner's text and the category code it means."""

    line: int  #: 1-based line number in the file
    text: str
    code: str


class CategoryMapError(ValueError):
    """The map file cannot be used; ``problems`` are Swedish and name the line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_category_map(data: bytes, *, codes: Mapping[str, str] | None = None) -> list[MapLine]:
    """Read a ``text;kategori`` file (semicolon, UTF-8 with or without BOM, or cp1252).

    Parameters
    ----------
    data : bytes
        The file.
    codes : mapping, optional
        ``code -> name`` of the valid categories; unknown codes are refused, listing these.

    Raises
    ------
    CategoryMapError
        Every problem, each naming its line.

    Examples
    --------
    >>> data = "text;kategori\\nNarkotika misstänkt;narkotika\\n".encode("utf-8-sig")
    >>> read_category_map(data, codes={"narkotika": "Narkotika"})
    [MapLine(line=2, text='Narkotika misstänkt', code='narkotika')]
    """
    text = _decode(data)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    numbered = [(i, row) for i, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise CategoryMapError(["Filen är tom: den ska ha kolumnerna text;kategori."])
    header_line, header = numbered[0]
    if [normalise_key(c) for c in header[:2]] != ["text", "kategori"]:
        raise CategoryMapError([f"Rad {header_line}: första raden ska vara rubrikerna text;kategori "
                                f"(semikolon som avgränsare), inte ”{';'.join(header)}”."])
    problems: list[str] = []
    lines: list[MapLine] = []
    seen: dict[str, tuple[int, str]] = {}
    for line_no, row in numbered[1:]:
        cells = [c.strip() for c in row]
        if len(cells) < 2 or not cells[0] or not cells[1] or any(cells[2:]):
            problems.append(f"Rad {line_no}: raden ska ha två värden, text;kategori.")
            continue
        partner_text, code = " ".join(cells[0].split()), cells[1]
        if codes is not None and code not in codes:
            problems.append(f"Rad {line_no}: okänd kategorikod ”{code}”. Giltiga koder: "
                            f"{describe_categories(codes)}.")
            continue
        key = normalise_key(partner_text)
        if not key:
            problems.append(f"Rad {line_no}: texten ”{partner_text}” saknar bokstäver och siffror.")
            continue
        if key in seen and seen[key][1] != code:
            problems.append(f"Rad {line_no}: ”{partner_text}” står redan på rad {seen[key][0]} "
                            f"med en annan kategori.")
            continue
        seen[key] = (line_no, code)
        lines.append(MapLine(line_no, partner_text, code))
    if problems:
        raise CategoryMapError(problems)
    return lines


def describe_categories(categories: Mapping[str, str]) -> str:
    """``Name (code), …`` for an error message that names the valid categories.

    Examples
    --------
    >>> describe_categories({"klotter": "Klotter", "ran": "Rån"})
    'Klotter (klotter), Rån (ran)'
    """
    return ", ".join(f"{name} ({code})" for code, name in categories.items())


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
