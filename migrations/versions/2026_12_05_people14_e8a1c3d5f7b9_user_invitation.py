"""user invitation: one-time links with which a new account sets its own password

Revision ID: e8a1c3d5f7b9
Revises: c4d8e1f2a3b7
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'e8a1c3d5f7b9'
down_revision = 'c4d8e1f2a3b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_invitation_user_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_user_invitation_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_invitation')),
    )
    with op.batch_alter_table('user_invitation') as batch:
        batch.create_index(batch.f('ix_user_invitation_token_hash'), ['token_hash'], unique=True)
        batch.create_index(batch.f('ix_user_invitation_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_invitation') as batch:
        batch.drop_index(batch.f('ix_user_invitation_user_id'))
        batch.drop_index(batch.f('ix_user_invitation_token_hash'))
    op.drop_table('user_invitation')
