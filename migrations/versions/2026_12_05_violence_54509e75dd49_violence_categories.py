"""categories for today's violence (skjutning, sprängning, dödligt våld, sexualbrott) and category.sensitive

Revision ID: 54509e75dd49
Revises: b7e4a2c91d05
Create Date: 2026-12-05 00:00:00

Every kommun's taxonomy is its rows in `category`. Each kommun gets the four categories unless it
already has one with the same code (then its own is kept as edited). Nothing already classified
changes: no report is moved, and the police type mapping is untouched (its rows are only a
kommun's deviations from the built-in defaults, which now name the new categories, so new police
imports use them unless the kommun chose otherwise). sexualbrott is `sensitive`: its free text is
shown to analysts only and never exported; a kommun's own sexualbrott category is marked too.

The values are copied here, not imported from api.categories.service, so the migration stays what
it was when later versions change the seed.
"""

import sqlalchemy as sa
from alembic import op

revision = '54509e75dd49'
down_revision = 'c3a9e1f05b27'
branch_labels = None
depends_on = None

SENSITIVE_CODE = 'sexualbrott'
# code, name, help text, severity, sort order (just after misshandel, 90), sensitive
NEW_CATEGORIES = [
    ('skjutning', 'Skjutning / skottlossning',
     'Skott som avlossats eller misstänks ha avlossats, även försök.', 5.0, 91, False),
    ('sprangning', 'Sprängning / explosion / detonation',
     'Sprängning, explosion eller detonation, även misstänkt sprängladdning.', 5.0, 92, False),
    ('dodligt_vald', 'Dödligt våld (mord / dråp)',
     'Mord, dråp eller försök till mord eller dråp.', 6.0, 93, False),
    ('sexualbrott', 'Sexualbrott (våldtäkt / sexuellt ofredande)',
     'Våldtäkt, försök till våldtäkt och andra sexualbrott. Känslig kategori: fritexten visas bara '
     'för analytiker och följer aldrig med i exporter; antalen visas som för andra kategorier.',
     4.0, 94, True),
]

kommun = sa.table('kommun', sa.column('code', sa.String))
category = sa.table(
    'category',
    sa.column('id', sa.Integer), sa.column('kommun_code', sa.String), sa.column('code', sa.String),
    sa.column('name', sa.String), sa.column('help_text', sa.String),
    sa.column('parent_id', sa.Integer), sa.column('is_context', sa.Boolean),
    sa.column('severity', sa.Float), sa.column('active', sa.Boolean),
    sa.column('sort_order', sa.Integer), sa.column('sensitive', sa.Boolean),
)
report = sa.table('report', sa.column('category_id', sa.Integer))
police_type_mapping = sa.table(
    'police_type_mapping', sa.column('kommun_code', sa.String), sa.column('category_code', sa.String),
)


def upgrade() -> None:
    # Not batch mode (see downgrade): SQLite adds a column with a constant default natively.
    op.add_column('category', sa.Column('sensitive', sa.Boolean(), nullable=False, server_default=sa.false()))
    connection = op.get_bind()
    codes = [row[0] for row in connection.execute(sa.select(kommun.c.code).order_by(kommun.c.code))]
    existing = set(connection.execute(sa.select(category.c.kommun_code, category.c.code)).all())
    rows = [
        {'kommun_code': kommun_code, 'code': code, 'name': name, 'help_text': help_text,
         'parent_id': None, 'is_context': False, 'severity': severity, 'active': True,
         'sort_order': sort_order, 'sensitive': sensitive}
        for kommun_code in codes
        for code, name, help_text, severity, sort_order, sensitive in NEW_CATEGORIES
        if (kommun_code, code) not in existing
    ]
    if rows:
        op.bulk_insert(category, rows)
    connection.execute(
        category.update().where(category.c.code == SENSITIVE_CODE).values(sensitive=True)
    )


def downgrade() -> None:
    # Remove the categories this migration added (same code and seeded name) that nothing uses;
    # one that reports were classified as since stays, an ordinary category again.
    connection = op.get_bind()
    for code, name, *_ in NEW_CATEGORIES:
        used = sa.select(report.c.category_id).where(report.c.category_id.is_not(None))
        parents = sa.select(category.c.parent_id).where(category.c.parent_id.is_not(None))
        unused = connection.execute(
            sa.select(category.c.id, category.c.kommun_code).where(
                category.c.code == code, category.c.name == name,
                category.c.id.not_in(used), category.c.id.not_in(parents),
            )
        ).all()
        for category_id, kommun_code in unused:
            connection.execute(category.delete().where(category.c.id == category_id))
            # A kommun's choice of the removed category for a police type would name nothing.
            connection.execute(police_type_mapping.delete().where(
                police_type_mapping.c.kommun_code == kommun_code,
                police_type_mapping.c.category_code == code,
            ))
    # Not batch mode: on SQLite it copies the table and drops the old one, which the reports'
    # foreign keys refuse once any report exists. Both databases drop a column natively
    # (SQLite from 3.35).
    op.execute('ALTER TABLE category DROP COLUMN sensitive')
