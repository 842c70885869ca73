"""Every code the console and the report show has its Turkish name."""

from __future__ import annotations

import yaml

from actions.handoff import TRIED
from bot.handoff.models import TicketStatus
from bot.settings import PROJECT_ROOT
from bot.shop.types import OrderStatus, ReturnStatus
from bot.text.labels import label, labels


def test_states_intents_actions_and_channels_are_all_named() -> None:
    names = labels()
    assert set(names["order_status"]) == {s.value for s in OrderStatus}
    assert set(names["return_status"]) == {s.value for s in ReturnStatus}
    assert set(names["ticket_status"]) == {s.value for s in TicketStatus}
    assert set(TRIED) <= set(names["actions"])
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    typed = {i for i in domain["intents"] if not i.startswith("EXTERNAL_")}
    assert typed | {"nlu_fallback"} == set(names["intents"])
    assert {"widget", "rest", "whatsapp"} <= set(names["channels"])


def test_a_code_without_a_name_is_shown_as_it_is() -> None:
    assert label("order_status", "out_for_delivery") == "Dağıtımda"
    assert label("order_status", "teleported") == "teleported"
    assert label("no_such_kind", "x") == "x"
