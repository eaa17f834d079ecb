"""TOTP second factor: user_totp, user_recovery_code, kommun_mfa_policy

Revision ID: a51c0e7d9b2f
Revises: a1d3c0f7b2e9
Create Date: 2026-12-04 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'a51c0e7d9b2f'
down_revision = 'a1d3c0f7b2e9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_totp',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_encrypted', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('enabled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_used_step', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_totp_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_totp'))
    )
    op.create_table('user_recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_recovery_code'))
    )
    op.create_index(op.f('ix_user_recovery_code_user_id'), 'user_recovery_code', ['user_id'], unique=False)
    op.create_table('kommun_mfa_policy',
    sa.Column('kommun_code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('require_totp', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['kommun_code'], ['kommun.code'], name=op.f('fk_kommun_mfa_policy_kommun_code_kommun'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kommun_code', name=op.f('pk_kommun_mfa_policy'))
    )


def downgrade() -> None:
    op.drop_table('kommun_mfa_policy')
    op.drop_index(op.f('ix_user_recovery_code_user_id'), table_name='user_recovery_code')
    op.drop_table('user_recovery_code')
    op.drop_table('user_totp')
