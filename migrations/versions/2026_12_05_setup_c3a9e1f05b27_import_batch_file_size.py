"""import_batch: file size and when the raw file was removed (raw uploads are not kept)

Revision ID: c3a9e1f05b27
Revises: b7e4a2c91d05
Create Date: 2026-12-05 00:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c3a9e1f05b27'
down_revision = 'c4d7e1a9b3f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_batch') as batch:
        batch.add_column(sa.Column('file_size', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('content_removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Files kept so far: their size is still known. Emptying them is the hourly job's work
    # (api.imports.jobs), not the migration's, so a downgrade loses nothing.
    op.execute("UPDATE import_batch SET file_size = length(content)")


def downgrade() -> None:
    with op.batch_alter_table('import_batch') as batch:
        batch.drop_column('content_removed_at')
        batch.drop_column('file_size')
