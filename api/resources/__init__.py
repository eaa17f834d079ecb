"""The files the application reads at run time, found through the installed package, never the checkout.

The checkout keeps `frontend/` (templates, static files, vendored map libraries) and `migrations/`
(Alembic) at its top; `pyproject.toml` installs them inside this package as `api.resources.frontend`
and `api.resources.migrations`, so a wheel installed anywhere carries them. The demo data stays where
it is, in `api.demo` (its `data/` folder ships as package data).

Jinja, Starlette's StaticFiles and Alembic need real directories: an unzipped install (a wheel, or the
editable install of a checkout) gives them; a zipped import does not, and is refused with a clear error.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

FRONTEND_PACKAGE = "api.resources.frontend"
MIGRATIONS_PACKAGE = "api.resources.migrations"


def package_path(package: str, *parts: str) -> Path:
    """A directory or file inside an installed package, as a real path on disk."""
    try:
        root = files(package)
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            f"{package} is not installed; reinstall Lägesbild (`pip install -e .` in a checkout, "
            "`make` does it when pyproject.toml changes)"
        ) from exc
    if not isinstance(root, Path):  # e.g. a zipimport: Jinja, StaticFiles and Alembic need directories
        raise RuntimeError(f"{package} is not installed as plain files ({root!r}); install the wheel unzipped")
    return root.joinpath(*parts)


def frontend_path(*parts: str) -> Path:
    """`templates/…` or `static/…` of the installed frontend."""
    return package_path(FRONTEND_PACKAGE, *parts)


def migrations_path() -> Path:
    """The Alembic script directory (env.py, script.py.mako, versions/)."""
    return package_path(MIGRATIONS_PACKAGE)
