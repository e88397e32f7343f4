"""The report's profile (name, year of birth, sex, when the twitching began) and the day form's drinks.

Revision ID: 0004_report_profile
Revises: 0003_tremor_recordings
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_report_profile"
down_revision = "0003_tremor_recordings"
branch_labels = None
depends_on = None

PROFILE = (
    ("display_name", sa.String(length=200)),
    ("birth_year", sa.Integer()),
    ("sex", sa.String(length=8)),
    ("twitching_began", sa.String(length=200)),
)
DRINKS = ("coffee_cups", "tea_cups", "energy_drinks")


def upgrade() -> None:
    """Apply: optional columns only, so existing rows stay valid."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name, kind in PROFILE:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("days", schema=None) as batch_op:
        for name in DRINKS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("days", schema=None) as batch_op:
        for name in reversed(DRINKS):
            batch_op.drop_column(name)
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name, _kind in reversed(PROFILE):
            batch_op.drop_column(name)
