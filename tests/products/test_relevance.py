"""The hand-judged relevance sets against the real seeded store, on SQLite and PostgreSQL.

Every suggestion must meet every hard constraint of its request; precision@3 must reach
0.85; requests nothing fits must be told so (naming the cheapest of the asked kind), vague
ones must get a question. The report is printed (docs/products.md keeps the figures).
"""

from __future__ import annotations

import pytest

from bot.database.engine import Database
from tests.products.relevance import evaluate

TARGET = 0.85


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_relevance_set(shop: Database, name: str, capsys: pytest.CaptureFixture) -> None:
    with shop.unit_of_work() as session:
        report = evaluate(session, name)
    with capsys.disabled():
        print(f"\n[{shop.engine.dialect.name}] {report.summary()}")
    assert not report.violations, report.summary()
    assert report.precision >= TARGET, report.summary()
    assert all(result.honest for result in report.honest), report.summary()
