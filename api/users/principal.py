"""Who is asking: a logged-in user in their current kommun, or an organisation's API token.

Services and the report query (api/reports/query.py) scope what they return by the principal; the
request dependencies in api/web/deps.py load it from the session cookie or bearer token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.users.models import ROLE_LABELS, User, UserSession

#: The principal's role when an organisation's API token is asking.
API_TOKEN_ROLE = "api_token"


@dataclass
class Principal:
    """Who is asking: a logged-in user in their current kommun, or an organisation's API token."""

    role: str
    kommun_code: str
    kommun_codes: list[str]
    actor: str
    user: User | None = None
    user_session: UserSession | None = None
    organisation_id: int | None = None
    api_token_id: int | None = None
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def role_label(self) -> str:
        return {role.value: label for role, label in ROLE_LABELS.items()}.get(self.role, self.role)
