"""`kommun add` checks the code and name against SCB's list (service and command line)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from api.core.errors import AppError
from api.kommuner import service
from api.kommuner.models import Kommun
from tests.api import test_cli

cli_env = test_cli.cli_env  # the command line's own database
run = test_cli.run


def test_a_wrong_name_or_code_is_refused_and_nothing_is_added(session):
    with pytest.raises(AppError, match=r"^0331 är Heby, inte Uppsala\. Uppsala har kommunkoden 0380\.$"):
        service.add_kommun(session=session, code="0331", name="Uppsala")
    with pytest.raises(AppError, match="9999 är ingen kommunkod i SCB:s lista"):
        service.add_kommun(session=session, code="9999")
    with pytest.raises(AppError, match=r"fyrsiffriga kod, inte '380'\. Menade du 0380 \(Uppsala\)\?"):
        service.add_kommun(session=session, code="380", name="Uppsala")
    assert session.exec(select(Kommun)).all() == []


def test_the_name_is_stored_as_scb_writes_it(session):
    kommun = service.add_kommun(session=session, code="0114", name="upplands vasby")
    assert (kommun.code, kommun.name) == ("0114", "Upplands Väsby")
    assert service.add_kommun(session=session, code="0331").name == "Heby"


def test_kommun_add_on_the_command_line(cli_env):
    wrong = run("kommun", "add", "0331", "Uppsala")
    assert wrong.exit_code == 1
    assert "0331 är Heby, inte Uppsala" in " ".join(wrong.output.split())
    unknown = run("kommun", "add", "9999")
    assert unknown.exit_code == 1 and "ingen kommunkod" in unknown.output
    added = run("kommun", "add", "0380", "uppsala")
    assert added.exit_code == 0 and "Kommunen 0380 Uppsala är tillagd" in added.output
