"""The password policy (OWASP ASVS): length, common passwords and the user's own e-mail and name.

At least MIN_LENGTH characters, at most MAX_LENGTH, any Unicode (spaces too: passphrases are welcome),
no composition rules. Guessability is estimated with zxcvbn (Dropbox's estimator; it knows the most
common leaked passwords, English words and names, keyboard patterns, repeats, sequences and dates), fed
with the user's e-mail and name and with Swedish words it does not know (api.users.common_passwords_sv).
A password zxcvbn scores below MIN_SCORE (fewer than about 10^8 guesses) is refused, with a Swedish
message that names what makes it easy to guess; one that contains the whole e-mail address, its local
part or the whole name is refused outright. The password itself is never repeated in a message.
"""

from __future__ import annotations

import re
import threading
from typing import Any, cast

from zxcvbn import zxcvbn

from api.users.common_passwords_sv import COMMON_SWEDISH_WORDS

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows quickly with length); the rest adds guesses anyway.
_ESTIMATED_LENGTH = 72
# Letters and digits that must remain once the pieces of the user's name and e-mail are taken out.
_MIN_IMPERSONAL = 6
_TIP = "Välj gärna en lösenfras av flera ord som inte hör ihop."
# zxcvbn keeps the user inputs of a call in a module-level dictionary: one estimate at a time.
_ZXCVBN_LOCK = threading.Lock()

_PATTERN_MESSAGES = {
    "repeat": "Lösenordet består mest av upprepade tecken eller mönster (som aaaa eller abcabc).",
    "sequence": "Lösenordet består mest av en talföljd eller bokstavsföljd (som 12345 eller abcde).",
    "spatial": "Lösenordet består mest av ett tangentbordsmönster (som qwerty eller asdf).",
    "date": "Lösenordet består mest av ett datum eller årtal.",
    "regex": "Lösenordet består mest av ett datum eller årtal.",
    "dictionary": "Lösenordet bygger på ett av de vanligaste lösenorden eller orden.",
}


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _personal_words(email: str, name: str) -> list[str]:
    """The pieces of the e-mail and name that a guesser would try first."""
    local, _, domain = email.casefold().strip().partition("@")
    words = [email.casefold().strip(), local, *re.split(r"[._+\-]+", local), domain.split(".")[0],
             name.casefold().strip(), *re.split(r"[\s\-]+", name.casefold())]
    return [word for word in dict.fromkeys(words) if len(word) >= 3]


def _containment_problem(password: str, email: str, name: str) -> str | None:
    folded = _letters_and_digits(password)
    address = _letters_and_digits(email)
    local = _letters_and_digits(email.partition("@")[0])
    whole_name = _letters_and_digits(name)
    if address and address in folded:
        return "Lösenordet får inte innehålla din e-postadress."
    if len(whole_name) >= 4 and whole_name in folded:
        return "Lösenordet får inte innehålla ditt namn."
    if len(local) >= 4 and local in folded:
        return "Lösenordet får inte innehålla din e-postadress."
    rest = folded
    for word in sorted({_letters_and_digits(w) for w in _personal_words(email, name)}, key=len, reverse=True):
        if len(word) >= 3:
            rest = rest.replace(word, "")
    if rest != folded and len(rest) < _MIN_IMPERSONAL:
        return "Lösenordet består mest av ditt namn eller din e-postadress."
    return None


def _estimate(password: str, user_inputs: list[str]) -> dict[str, Any]:
    with _ZXCVBN_LOCK:
        return cast(dict[str, Any], zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=user_inputs))


def _weakness(result: dict[str, Any], personal: set[str]) -> str:
    """What makes a low-scoring password guessable: its longest match that is not brute force."""
    matches = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not matches:
        return "Lösenordet är för lätt att gissa."
    longest = max(matches, key=lambda m: len(m["token"]))
    if longest["pattern"] == "dictionary" and longest.get("dictionary_name") == "user_inputs" and (
        longest.get("matched_word") in personal
    ):
        return "Lösenordet liknar din e-postadress eller ditt namn och gissas lätt."
    return _PATTERN_MESSAGES.get(longest["pattern"], "Lösenordet är för lätt att gissa.")


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` may not be used by the user with this e-mail and name (Swedish), or None.

    >>> password_problem("kort")
    'Lösenordet måste ha minst 12 tecken (det har 4).'
    >>> password_problem("korrekt häst batteri häftklammer") is None
    True
    """
    if len(password) < MIN_LENGTH:
        return f"Lösenordet måste ha minst {MIN_LENGTH} tecken (det har {len(password)})."
    if len(password) > MAX_LENGTH:
        return f"Lösenordet får ha högst {MAX_LENGTH} tecken."
    if "\x00" in password:
        return "Lösenordet får inte innehålla NUL-tecken."
    problem = _containment_problem(password, email, name)
    if problem:
        return problem
    personal = _personal_words(email, name)
    result = _estimate(password, [*personal, *COMMON_SWEDISH_WORDS])
    if result["score"] >= MIN_SCORE:
        return None
    return f"{_weakness(result, set(personal))} {_TIP}"
