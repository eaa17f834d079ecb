"""The installed package carries everything it reads at run time, and nothing of the checkout besides.

The wheel is built once (a few seconds, no network: the virtualenv's setuptools, no build isolation)
from a clean copy of the files git knows, so a stale build/ folder cannot hide a missing file.
`.ci/wheel-smoke` goes further: it installs the wheel outside the checkout and uses it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from api.core.migrate import alembic_config
from api.resources import frontend_path, migrations_path

ROOT = Path(__file__).resolve().parents[1]
# Where each folder of the checkout lands in the wheel.
INSTALLED_AS = {
    "api": "api",
    "analysis": "analysis",
    "ingest": "ingest",
    "frontend": "api/resources/frontend",
    "migrations": "api/resources/migrations",
}
NOT_SHIPPED = {"api/demo/README.md"}  # documentation for developers; nothing reads it at run time


def _pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def _git_files() -> list[str]:
    """The checkout's files as git sees them (tracked, or new and not ignored), that exist."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, check=True, capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the wheel is built from the files git knows")
    return sorted({name for name in out.decode().split("\0") if name and (ROOT / name).is_file()})


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    source = tmp_path_factory.mktemp("source")
    for name in _git_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    # The build backend called directly (what `pip wheel --no-build-isolation` does): the venv that
    # uv sync makes from the lock has no pip.
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])",
         str(dist)],
        cwd=source, capture_output=True, text=True,
    )
    assert result.returncode == 0, f"building the wheel failed (setuptools>=77 in the venv?):\n{result.stderr}"
    (built,) = dist.glob("lagesbild-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_every_package_of_the_checkout_is_listed_in_pyproject():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("api", "analysis", "ingest")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages in pyproject.toml"
    mapped = set(_pyproject()["tool"]["setuptools"]["package-dir"])
    assert listed - found - mapped == set(), "pyproject.toml lists packages that do not exist"


def test_resources_are_real_directories_of_the_installed_package():
    assert frontend_path("templates", "base.html").is_file()
    assert frontend_path("static", "css", "app.css").is_file()
    assert frontend_path("static", "vendor", "leaflet", "leaflet.js").is_file()
    assert (migrations_path() / "env.py").is_file()


def test_alembic_needs_no_ini_and_sees_every_migration():
    config = alembic_config(create_engine("sqlite://"))
    assert config.config_file_name is None
    scripts = ScriptDirectory.from_config(config)
    revisions = list(scripts.walk_revisions())
    assert len(revisions) == len(list((migrations_path() / "versions").glob("*.py")))
    assert len(scripts.get_heads()) == 1


def test_wheel_holds_the_code_templates_static_files_migrations_and_demo_data(wheel: zipfile.ZipFile):
    names = set(wheel.namelist())
    expected = set()
    for name in _git_files():
        top, _, rest = name.partition("/")
        if top in INSTALLED_AS and name not in NOT_SHIPPED:
            expected.add(f"{INSTALLED_AS[top]}/{rest}")
    missing = sorted(expected - names)
    assert missing == [], f"the wheel lacks {missing[:10]} (package-data in pyproject.toml?)"
    # The things an installation cannot run without, named, so a broken mapping reads plainly.
    for required in (
        "api/resources/migrations/env.py",
        "api/resources/migrations/script.py.mako",
        "api/resources/frontend/templates/base.html",
        "api/resources/frontend/templates/pdf/package.html",
        "api/resources/frontend/static/css/app.css",
        "api/resources/frontend/static/js/lagesbild-map.js",
        "api/resources/frontend/static/vendor/leaflet/leaflet.js",
        "api/resources/frontend/static/vendor/leaflet/leaflet.css",
        "api/demo/data/orebro_regso_2025.gpkg",
        "api/demo/data/orebro_places.csv",
    ):
        assert required in names
    versions = {p.name for p in (ROOT / "migrations" / "versions").glob("*.py")}
    shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith("api/resources/migrations/versions/")}
    assert shipped == versions


def test_wheel_holds_nothing_else(wheel: zipfile.ZipFile):
    names = [n for n in wheel.namelist() if not n.split("/")[0].endswith(".dist-info")]
    assert {n.split("/")[0] for n in names} == {"api", "analysis", "ingest"}  # no tests/, frontend/, migrations/
    assert [n for n in names if "__pycache__" in n or n.endswith(".pyc")] == []
    expected = {
        f"{INSTALLED_AS[name.partition('/')[0]]}/{name.partition('/')[2]}"
        for name in _git_files() if name.partition("/")[0] in INSTALLED_AS
    }
    assert sorted(set(names) - expected) == []
