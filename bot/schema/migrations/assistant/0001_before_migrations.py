"""Asistan's tables as the release before migrations created them (agents, agent_sessions,
tickets with integer shop ids, satisfaction_ratings, inbound_messages): the starting point
a database without a version table is stamped at. Nothing to do.

Revision ID: assistant_0001
"""

revision = "assistant_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass
