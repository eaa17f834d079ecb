"""Gazetteer: place names -> analysis area.

People (and Polisen's event summaries) name places, not polygons: "Bilbrand, Vivalla.",
"Skadegörelse på Baronbackarna". A :class:`Gazetteer` is built once from a table of places (name,
aliases, area code, optional point) plus the area names themselves, and then answers two questions
fast:

* :meth:`Gazetteer.autocomplete` – suggestions for the report form while the user types;
* :meth:`Gazetteer.match_text` – the best place mentioned in a free-text sentence.

Matching is case- and diacritics-insensitive: text is folded with Unicode NFKD, combining marks are
stripped and the result casefolded, so "Värberga", "VARBERGA" and "Varberga" meet. When two
*different* entries fold to the same key (a real "Varberga" and a real "Värberga"), the spelling
that matches the text exactly, diacritics included, breaks the tie; otherwise the match is ambiguous
and nothing is returned. Punctuation and hyphens separate words, so "Varberga-Oxhagen" is the two
words "varberga oxhagen" and matching is always on whole words.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["Gazetteer", "PlaceMatch", "Suggestion", "build_gazetteer", "fold"]

_WORD = re.compile(r"\w+")
_ALIAS_SPLIT = re.compile(r"[;|\n]")
#: Parts of a compound area name ("Varberga-Oxhagen") shorter than this are not used as aliases:
#: "CV" in "Örebro norr-CV" or "Bro" would match far too much.
_MIN_PART_LEN = 4


@dataclass(frozen=True)
class _Entry:
    name: str
    area_code: str
    kind: str  # "area" or "place"
    x: float
    y: float


@dataclass(frozen=True)
class Suggestion:
    """One autocomplete suggestion.

    ``name`` is the entry's main name, ``matched`` the name or alias the prefix matched, ``kind``
    is ``"area"`` for an area name and ``"place"`` for a gazetteer place. ``x``/``y`` are
    EPSG:3006 metres or NaN.
    """

    name: str
    matched: str
    area_code: str
    kind: str
    x: float
    y: float


@dataclass(frozen=True)
class PlaceMatch:
    """The place found in a text by :meth:`Gazetteer.match_text`.

    ``start``/``end`` index the matched words in the original text (``text[start:end]``).
    """

    name: str
    matched: str
    area_code: str
    kind: str
    start: int
    end: int
    x: float
    y: float


def fold(text: str) -> str:
    """Fold ``text`` for matching: NFKD, strip combining marks, casefold, words joined by a space.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        Lower-case words without diacritics, separated by single spaces.

    Examples
    --------
    >>> fold("Värberga-Oxhagen ")
    'varberga oxhagen'
    >>> fold("ÖREBRO  län")
    'orebro lan'
    """
    return " ".join(_fold_words(text))


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _fold_words(text: str) -> list[str]:
    return _WORD.findall(_strip_marks(text))


def _words_with_spans(text: str) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Folded words, casefolded (diacritics kept) words and their spans in ``text``."""
    folded, exact, spans = [], [], []
    for m in _WORD.finditer(text):
        word = m.group(0)
        # NFKD may split one word into several (rare ligatures); keep them together.
        folded.append("".join(_fold_words(word)))
        exact.append(unicodedata.normalize("NFC", word).casefold())
        spans.append((m.start(), m.end()))
    return folded, exact, spans


def _exact_key(text: str) -> str:
    return " ".join(
        unicodedata.normalize("NFC", w).casefold() for w in _WORD.findall(text)
    )


def _parse_aliases(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [a.strip() for a in _ALIAS_SPLIT.split(value) if a.strip()]
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, Iterable):
        return [str(a).strip() for a in value if a is not None and str(a).strip()]
    raise ValueError(f"ogiltiga alias: {value!r}")


def _as_float(value) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"ogiltig koordinat: {value!r}") from exc


def _compound_parts(name: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\s*-\s*", name) if p.strip()]
    if len(parts) < 2:
        return []
    return [p for p in parts if len(fold(p).replace(" ", "")) >= _MIN_PART_LEN]


class Gazetteer:
    """Lookup of place and area names; build it with :func:`build_gazetteer`."""

    def __init__(self, terms: Sequence[tuple[str, _Entry]]):
        # term -> entry pairs, deduplicated; an entry may have several terms (name + aliases).
        self._entries: list[_Entry] = []
        entry_index: dict[_Entry, int] = {}
        self._terms: list[tuple[str, str, str, int]] = []  # (folded, exact, display, entry idx)
        seen: set[tuple[str, int]] = set()
        for display, entry in terms:
            idx = entry_index.setdefault(entry, len(self._entries))
            if idx == len(self._entries):
                self._entries.append(entry)
            key = fold(display)
            if not key or (key, idx) in seen:
                continue
            seen.add((key, idx))
            self._terms.append((key, _exact_key(display), display, idx))
        # For match_text: folded word tuple -> term indices.
        self._by_words: dict[tuple[str, ...], list[int]] = {}
        for t, (key, _exact, _display, _idx) in enumerate(self._terms):
            self._by_words.setdefault(tuple(key.split(" ")), []).append(t)
        self._max_words = max((len(k) for k in self._by_words), default=0)
        # For autocomplete: every word-start suffix of every term, sorted, for bisect.
        suffixes: list[tuple[str, bool, int]] = []
        for t, (key, *_rest) in enumerate(self._terms):
            starts = [0] + [i + 1 for i, c in enumerate(key) if c == " "]
            suffixes.extend((key[s:], s == 0, t) for s in starts)
        suffixes.sort()
        self._suffixes = suffixes
        self._suffix_keys = [s[0] for s in suffixes]

    def __len__(self) -> int:
        return len(self._entries)

    def autocomplete(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Suggest places whose name or alias starts with ``prefix`` (or has a word that does).

        Parameters
        ----------
        prefix : str
            What the user has typed so far; folded like the names.
        limit : int, default 10
            Maximum number of suggestions.

        Returns
        -------
        list of Suggestion
            One per entry: whole-name prefix matches first, then word-prefix matches; within
            each, main names before aliases, areas before places, shorter names first, then
            alphabetical.

        Examples
        --------
        >>> g = build_gazetteer(
        ...     [{"name": "Vivalla centrum", "aliases": ["Vivallatorget"], "area_code": "A1"}],
        ...     areas=[{"area_code": "A1", "area_name": "Vivalla"}])
        >>> [s.matched for s in g.autocomplete("viv")]
        ['Vivalla', 'Vivalla centrum']
        >>> [s.name for s in g.autocomplete("centr")]
        ['Vivalla centrum']
        """
        if limit <= 0:
            return []
        key = fold(prefix)
        if not key:
            return []
        best: dict[int, tuple] = {}
        lo = bisect.bisect_left(self._suffix_keys, key)
        for i in range(lo, len(self._suffixes)):
            suffix, at_start, t = self._suffixes[i]
            if not suffix.startswith(key):
                break
            _key, _exact, display, idx = self._terms[t]
            entry = self._entries[idx]
            is_alias = fold(display) != fold(entry.name)
            rank = (
                0 if at_start else 1,
                int(is_alias),
                0 if entry.kind == "area" else 1,
                len(_key),
                _key,
                display,
            )
            if idx not in best or rank < best[idx][0]:
                best[idx] = (rank, display)
        ordered = sorted(best.items(), key=lambda item: item[1][0])[:limit]
        return [
            Suggestion(
                name=self._entries[idx].name,
                matched=display,
                area_code=self._entries[idx].area_code,
                kind=self._entries[idx].kind,
                x=self._entries[idx].x,
                y=self._entries[idx].y,
            )
            for idx, (_rank, display) in ordered
        ]

    def match_text(self, text: str | None) -> PlaceMatch | None:
        """Find the place mentioned in a free-text sentence.

        Whole words only; the longest matching name (in folded characters) wins; when the
        longest candidates point to different areas the text is ambiguous and ``None`` is
        returned (a wrong area is worse than kommun level).

        Parameters
        ----------
        text : str or None
            E.g. a police summary, "Bilbrand, Vivalla."

        Returns
        -------
        PlaceMatch or None

        Examples
        --------
        >>> g = build_gazetteer([], areas=[{"area_code": "1880R029", "area_name": "Vivalla"},
        ...                                {"area_code": "1880R003", "area_name": "Baronbackarna"}])
        >>> g.match_text("Skadegörelse på Baronbackarna").area_code
        '1880R003'
        >>> g.match_text("Bilbrand, Vivallavägen.") is None
        True
        """
        if not text or not self._terms:
            return None
        folded, exact, spans = _words_with_spans(text)
        candidates: list[tuple[int, int, int]] = []  # (term index, first word, word count)
        for i in range(len(folded)):
            for n in range(min(self._max_words, len(folded) - i), 0, -1):
                for t in self._by_words.get(tuple(folded[i : i + n]), ()):
                    candidates.append((t, i, n))
        if not candidates:
            return None
        longest = max(len(self._terms[t][0]) for t, _i, _n in candidates)
        top = [c for c in candidates if len(self._terms[c[0]][0]) == longest]
        if len({self._entries[self._terms[t][3]].area_code for t, _i, _n in top}) > 1:
            # Same folded spelling, different areas: let the exact spelling (with å/ä/ö) decide.
            top = [c for c in top if self._terms[c[0]][1] == " ".join(exact[c[1] : c[1] + c[2]])]
            if len({self._entries[self._terms[t][3]].area_code for t, _i, _n in top}) != 1:
                return None
        t, i, n = min(top, key=lambda c: (c[1], c[0]))
        _key, _exact, display, idx = self._terms[t]
        entry = self._entries[idx]
        start, end = spans[i][0], spans[i + n - 1][1]
        return PlaceMatch(
            name=entry.name,
            matched=display,
            area_code=entry.area_code,
            kind=entry.kind,
            start=start,
            end=end,
            x=entry.x,
            y=entry.y,
        )


def _rows(data, what: str, required: Sequence[str]) -> list[dict]:
    if data is None:
        return []
    if isinstance(data, pd.DataFrame):
        frame = data
    else:
        frame = pd.DataFrame(list(data))
        if frame.empty:
            return []
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} saknar kolumnen '{missing[0]}'")
    cols = [c for c in frame.columns if c != "geometry"]
    return frame[cols].to_dict("records")


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def build_gazetteer(
    places=None,
    areas=None,
    *,
    split_compound_area_names: bool = True,
) -> Gazetteer:
    """Build a :class:`Gazetteer` from places and area names.

    Parameters
    ----------
    places : pandas.DataFrame or list of dict, optional
        Columns ``name`` and ``area_code`` (required); ``aliases`` (list, or a string separated
        by ``;`` or ``|``) and ``x``/``y`` (EPSG:3006) optional.
    areas : pandas.DataFrame, GeoDataFrame or list of dict, optional
        Columns ``area_code`` and ``area_name``; each area name becomes an entry of kind
        ``"area"``. Geometry, if present, is ignored.
    split_compound_area_names : bool, default True
        Also register each part of a hyphenated area name ("Varberga-Oxhagen" → "Varberga",
        "Oxhagen") as an alias, as SCB's RegSO names join districts that people name singly.
        Parts shorter than four letters are skipped; a part shared by two areas becomes
        ambiguous and so never matches on its own.

    Returns
    -------
    Gazetteer

    Raises
    ------
    ValueError
        When a required column is missing or a row lacks a name or area code.

    Examples
    --------
    >>> g = build_gazetteer(areas=[{"area_code": "1880R028", "area_name": "Varberga-Oxhagen"}])
    >>> g.match_text("Brand i Värberga").area_code
    '1880R028'
    """
    terms: list[tuple[str, _Entry]] = []
    for n, row in enumerate(_rows(areas, "områden", ("area_code", "area_name")), start=1):
        name, code = _text(row["area_name"]), _text(row["area_code"])
        if not name or not code:
            raise ValueError(f"områden rad {n}: area_code och area_name måste anges")
        entry = _Entry(name=name, area_code=code, kind="area", x=math.nan, y=math.nan)
        terms.append((name, entry))
        if split_compound_area_names:
            terms.extend((part, entry) for part in _compound_parts(name))
    for n, row in enumerate(_rows(places, "platser", ("name", "area_code")), start=1):
        name, code = _text(row["name"]), _text(row["area_code"])
        if not name or not code:
            raise ValueError(f"platser rad {n}: name och area_code måste anges")
        entry = _Entry(
            name=name,
            area_code=code,
            kind="place",
            x=_as_float(row.get("x")),
            y=_as_float(row.get("y")),
        )
        terms.append((name, entry))
        terms.extend((alias, entry) for alias in _parse_aliases(row.get("aliases")))
    return Gazetteer(terms)
