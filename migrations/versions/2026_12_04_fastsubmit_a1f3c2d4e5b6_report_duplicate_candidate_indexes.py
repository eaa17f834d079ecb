"""report indexes for the duplicate-candidate look-ups of a submit

Revision ID: a1f3c2d4e5b6
Revises: a51c0e7d9b2f
Create Date: 2026-12-04 00:00:00

flag_likely_duplicates reads only the candidate partners of a new report: same area, category and
day, or same category, a day of the window and a nearby x. Each is one index range.
"""

from alembic import op


revision = 'a1f3c2d4e5b6'
down_revision = 'a51c0e7d9b2f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index('ix_report_area_category_date', ['area_id', 'category_id', 'observed_date'], unique=False)
        batch_op.create_index(
            'ix_report_kommun_category_date_x', ['kommun_code', 'category_id', 'observed_date', 'x'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_kommun_category_date_x')
        batch_op.drop_index('ix_report_area_category_date')
