"""The password policy (api.users.password_policy): ASVS length, common passwords, the user's own e-mail
and name, in Swedish; and that every place that sets a password applies it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.core.errors import AppError
from api.demo.loader import _DEMO_NAMES, DEMO_PASSWORDS
from api.users import service as user_service
from api.users.password_policy import MAX_LENGTH, MIN_LENGTH, password_problem
from tests.factories import PASSWORD

EMAIL = "anna.eriksson@orebro.se"
NAME = "Anna Eriksson"


@pytest.mark.parametrize(("password", "problem"), [
    # The four from the issue.
    ("aaaaaaaaaa", "Lösenordet måste ha minst 12 tecken (det har 10)."),
    ("1234567890", "Lösenordet måste ha minst 12 tecken (det har 10)."),
    ("password12", "Lösenordet måste ha minst 12 tecken (det har 10)."),
    (EMAIL, "Lösenordet får inte innehålla din e-postadress."),
    # The same ideas at the minimum length, where only the estimator stands in the way.
    ("aaaaaaaaaaaa", "Lösenordet består mest av upprepade tecken eller mönster (som aaaa eller abcabc)."),
    ("            ", "Lösenordet består mest av upprepade tecken eller mönster (som aaaa eller abcabc)."),
    ("123456789012", "Lösenordet bygger på ett av de vanligaste lösenorden eller orden."),
    ("password1234", "Lösenordet bygger på ett av de vanligaste lösenorden eller orden."),
    ("qwertyuiop12", "Lösenordet bygger på ett av de vanligaste lösenorden eller orden."),
    ("zxcvbnm,./zx", "Lösenordet består mest av ett tangentbordsmönster (som qwerty eller asdf)."),
    ("lösenord1234", "Lösenordet bygger på ett av de vanligaste lösenorden eller orden."),  # Swedish list
    ("hejsan123456", "Lösenordet bygger på ett av de vanligaste lösenorden eller orden."),
    ("Stockholm2026!", "Lösenordet bygger på ett av de vanligaste lösenorden eller orden."),
    # The user's own e-mail (case and punctuation do not matter), its local part, the name.
    ("ANNA.ERIKSSON@OREBRO.SE", "Lösenordet får inte innehålla din e-postadress."),
    ("x-anna_eriksson-x", "Lösenordet får inte innehålla ditt namn."),
    ("Eriksson Anna 1", "Lösenordet består mest av ditt namn eller din e-postadress."),
    ("orebro-Eriksson-2026", "Lösenordet består mest av ditt namn eller din e-postadress."),
    ("Anna Eriksson!!", "Lösenordet får inte innehålla ditt namn."),
    ("eriksson2026!", "Lösenordet består mest av ditt namn eller din e-postadress."),
    ("eriksson123456", "Lösenordet liknar din e-postadress eller ditt namn och gissas lätt."),
])
def test_weak_passwords_are_refused_naming_the_problem(password: str, problem: str) -> None:
    message = password_problem(password, email=EMAIL, name=NAME)
    assert message is not None and message.startswith(problem)
    assert password not in message


def test_the_local_part_of_the_email_counts_on_its_own() -> None:
    assert password_problem("a.eriksson76 är jag", email="a.eriksson76@orebro.se", name="Anna Eriksson") == (
        "Lösenordet får inte innehålla din e-postadress.")


@pytest.mark.parametrize("password", [
    "korrekt häst batteri häftklammer",     # a passphrase with spaces and å, ä, ö
    "Ötzi tänker på ÅÄÖ 💡",                 # any Unicode
    "grön-cykel-i-parken-77",
    PASSWORD,
    "x" * 3 + "gurkmajonnäs och sillsallad" + "y" * (MAX_LENGTH - 30),  # exactly MAX_LENGTH
])
def test_strong_passwords_pass(password: str) -> None:
    assert password_problem(password, email=EMAIL, name=NAME) is None


def test_length_bounds() -> None:
    assert MIN_LENGTH == 12 and MAX_LENGTH >= 64
    assert password_problem("ä" * 11 + "x") is not None  # 12 characters of repeats: too guessable …
    assert password_problem("Bq7#mZ2!vL9@")is None  # … but 12 random characters are enough
    assert password_problem("Bq7#mZ2!vL9") == "Lösenordet måste ha minst 12 tecken (det har 11)."
    assert password_problem("ab" * 101) == f"Lösenordet får ha högst {MAX_LENGTH} tecken."


def test_demo_passwords_satisfy_the_policy() -> None:
    for role, (email, password) in DEMO_PASSWORDS.items():
        assert password_problem(password, email=email, name=_DEMO_NAMES[role]) is None, role


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0))
def test_generated_passwords_always_pass(_: int) -> None:
    assert password_problem(user_service.generate_password(), email=EMAIL, name=NAME) is None


def test_services_refuse_weak_passwords(session, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppError, match="minst 12 tecken"):
        user_service.create_user(session=session, name="Bo Berg", email="bo@1880.example", password="kort",
                                 role="granskare", kommun_codes=["1880"])
    with pytest.raises(AppError, match="e-postadress"):
        user_service.create_user(session=session, name="Bo Berg", email="Bo.Berg@1880.example",
                                 password="bo.berg@1880.example", role="granskare", kommun_codes=["1880"])
    target = world.user("granskare")
    for weak in ("password1234", target.email, "aaaaaaaaaaaa"):
        with pytest.raises(AppError, match="Lösenordet"):
            user_service.set_password(session=session, user=target, password=weak)
