"""The demo shop's tables as the release before migrations created them: the starting
point a database without a version table is stamped at. Nothing to do.

Revision ID: store_0001
"""

revision = "store_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass
