"""audit_event index for the login delay (failed logins per account)

Revision ID: a1d3c0f7b2e9
Revises: fdc8c395c7d5
Create Date: 2026-12-04 00:00:00
"""

from alembic import op


revision = 'a1d3c0f7b2e9'
down_revision = 'fdc8c395c7d5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every login attempt counts the account's recent failures (api/users/login_throttle.py); without
    # this the action index alone reads every login_failed row the installation ever had.
    op.create_index('ix_audit_event_actor_action_occurred_at', 'audit_event',
                    ['actor', 'action', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_event_actor_action_occurred_at', table_name='audit_event')
