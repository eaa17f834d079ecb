"""`lagesbild package 2026-Q3 --kommun 1880` against its own fresh database."""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import date
from pathlib import Path

from sqlmodel import Session

from api.core import migrate
from tests.api.exports.conftest import add_report
from tests.api.test_cli import cli_env, run  # noqa: F401 - fixture
from tests.factories import build_world


def test_package_command_prints_the_zip_path_and_checksum(cli_env, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    migrate.upgrade(cli_env)
    with Session(cli_env) as session:
        world = build_world(session)
        add_report(session, world, "klotter", date(2026, 8, 10), area="1880A", report_count=2)
        session.commit()
    result = run("package", "2026-Q3", "--kommun", "1880")
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    match = re.search(r"Paketet är klart: (\S+\.zip)", output)
    assert match, output
    path = Path(match.group(1))
    assert path.parent == tmp_path / "packages" / "1880" and path.name.startswith("2026-Q3-")
    assert f"SHA-256: {hashlib.sha256(path.read_bytes()).hexdigest()}" in output
    assert "Lagesbild_Orebro_2026-Q3_v1.pdf" in zipfile.ZipFile(path).namelist()


def test_package_command_refuses_a_bad_period(cli_env):  # type: ignore[no-untyped-def]  # noqa: F811
    result = run("package", "2026-Q7", "--kommun", "1880")
    assert result.exit_code == 1
    assert "kvartal 7 finns inte" in result.output
