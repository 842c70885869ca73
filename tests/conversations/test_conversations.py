"""The conversation suite: every scenario of dev/ (and heldout/, when present) played over
REST against the real model. Dev must pass entirely. The held-out part's target is 95 %
(issue 13); until the dialogue reaches it, this guards the level it has reached
(docs/dialogue.md has the figure), so a change that loses held-out conversations fails."""

from __future__ import annotations

from typing import Iterator, List

import pytest

from tests.conversations.product import ConversationProduct
from tests.conversations.runner import Player, Result, load_part, pass_rates, problems

pytestmark = pytest.mark.e2e
REQUIRED = {"dev": 1.0, "heldout": 0.75}


@pytest.fixture(scope="module")
def player(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Player]:
    product = ConversationProduct(tmp_path_factory.mktemp("conversations"))
    product.start()
    player = Player(product.settings, product.template_store)
    yield player
    player.close()
    product.stop()


def test_scenario_files_are_well_formed() -> None:
    conversations = load_part("dev") + load_part("heldout")
    assert len(load_part("dev")) >= 80
    assert problems(conversations) == []
    assert {c.cause for c in load_part("dev")} >= set(range(1, 12))


def test_conversations_pass(player: Player) -> None:
    results: List[Result] = [player.play(c) for c in load_part("dev") + load_part("heldout")]
    rates = pass_rates(results)
    for result in results:
        if not result.passed:
            print(f"FAILED {result.conversation.part}/{result.conversation.name}:",
                  *result.failures, *result.transcript, sep="\n  ")
    print({part: f"{passed}/{played}" for part, (passed, played) in rates.items()})
    for part, (passed, played) in rates.items():
        assert passed / played >= REQUIRED[part], f"{part}: {passed}/{played} passed"
