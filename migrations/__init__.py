"""Alembic migrations; installed as the package `api.resources.migrations` (see api/resources)."""
