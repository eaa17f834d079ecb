"""Templates and static files; installed as the package `api.resources.frontend` (see api/resources)."""
