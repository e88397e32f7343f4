"""Tremor recordings in the diary: one row per phone measurement, with a small spectrum and trace.

Revision ID: 0003_tremor_recordings
Revises: 0002_account_security
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_tremor_recordings"
down_revision = "0002_account_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "tremor_recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("utc_offset_min", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=16), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("frequency_hz", sa.Float(), nullable=True),
        sa.Column("amplitude_m_s2", sa.Float(), nullable=True),
        sa.Column("displacement_cm", sa.Float(), nullable=True),
        sa.Column("frequency_sd_hz", sa.Float(), nullable=True),
        sa.Column("steady", sa.Boolean(), nullable=True),
        sa.Column("stands_out", sa.Boolean(), nullable=False),
        sa.Column("detection_limit_m_s2", sa.Float(), nullable=False),
        sa.Column("sample_rate_hz", sa.Float(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("spectrum", sa.JSON(), nullable=True),
        sa.Column("trace", sa.JSON(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "uid", name="uq_tremor_recordings_user_uid"),
    )
    with op.batch_alter_table("tremor_recordings", schema=None) as batch_op:
        batch_op.create_index("ix_tremor_recordings_user_time", ["user_id", "recorded_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tremor_recordings_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("tremor_recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tremor_recordings_user_id"))
        batch_op.drop_index("ix_tremor_recordings_user_time")
    op.drop_table("tremor_recordings")
