"""File names of a kvartalsanalys package: `Lagesbild_Orebro_2026-Q3_v1.pdf`, ASCII only.

Readers save the files next to each other (one per kommun, period and version), so every name says
which it is. Names are ASCII-folded ("Örebro" → "Orebro") because e-mail clients and some kommun file
shares still mangle non-ASCII names; the HTTP header also carries the exact UTF-8 name (`filename*`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from urllib.parse import quote

#: Letters that NFKD does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans({"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d",
                          "Ł": "L", "ł": "l", "Þ": "Th", "þ": "th"})


def ascii_fold(text: str) -> str:
    """`text` in ASCII letters, digits and hyphens: "Upplands Väsby" → "Upplands-Vasby"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z0-9]+", plain)
    return "-".join(words) or "kommun"


def file_stem(*, kommun_name: str, period: str, version: int) -> str:
    """The package's file name without extension: `Lagesbild_Orebro_2026-Q3_v1`."""
    return f"Lagesbild_{ascii_fold(kommun_name)}_{ascii_fold(period)}_v{version}"


def content_disposition(filename: str, *, exact: str | None = None) -> str:
    """An attachment header with the ASCII name and, RFC 6266 style, the exact UTF-8 name."""
    exact = exact or filename
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(exact, safe='')}"


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A local moment as a ZIP entry time (ZIP has no time zone; seconds are stored in steps of 2)."""
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
