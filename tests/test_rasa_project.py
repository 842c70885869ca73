"""The Rasa project itself: data validation, response wiring and test stories."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.ops.environment import rasa_environment
from bot.ops.model import model_path
from bot.settings import PROJECT_ROOT, get_settings

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
# Responses that only custom actions utter; Rasa's validator cannot see into actions.
# Code that utters responses by name: the actions, what they read a message's requests with,
# and the Rasa server when they are down.
ACTION_SOURCES = "\n".join(p.read_text("utf-8") for p in [
    *(PROJECT_ROOT / "actions").glob("*.py"), PROJECT_ROOT / "bot" / "dialogue" / "requests.py",
    PROJECT_ROOT / "bot" / "server" / "turns.py"])
# Rasa merges the retrieval intent `faq` from the data with the domain's own `faq` entry and
# warns about it, although its documentation asks for both.
# Families uttered by name, e.g. f"utter_apology_{kind}": every member counts as used.
DYNAMIC_PREFIXES = tuple(re.findall(r'f"(utter_[a-z_]+_)\{', ACTION_SOURCES))
FORM_QUESTIONS = {f"utter_ask_{slot}" for form in DOMAIN["forms"].values()
                  for slot in form["required_slots"]}
KNOWN_WARNINGS = (
    "duplicated intents have been found across multiple domain files: faq",
    # Sent by the console or a channel, never typed: no NLU examples.
    "The intent 'EXTERNAL_handoff_resolved' is listed in the domain file, but is not found",
    "The intent 'EXTERNAL_unsupported_message' is listed in the domain file, but is not found",
    "The intent 'EXTERNAL_rate_limited' is listed in the domain file, but is not found",
)


def _rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = rasa_environment(get_settings(), os.environ)
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_data_validates_without_unexplained_warnings() -> None:
    result = _rasa("data", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    warnings = re.findall(r"UserWarning: (.*)", output)
    unexplained = []
    for warning in warnings:
        unused = re.match(r"The utterance '(.+)' is not used in any story or rule\.", warning)
        if unused and f'"{unused.group(1)}"' in ACTION_SOURCES:
            continue
        if unused and unused.group(1) == "utter_faq":  # uttered as utter_faq/<topic>
            continue
        if unused and unused.group(1) in FORM_QUESTIONS:  # the form asks with these
            continue
        if unused and unused.group(1).startswith(DYNAMIC_PREFIXES):
            continue
        if any(known in warning for known in KNOWN_WARNINGS):
            continue
        unexplained.append(warning)
    assert unexplained == []


def test_every_family_of_responses_is_complete() -> None:
    """Each kind an action can name has its response (e.g. every complaint type)."""
    from bot.store.models import ReturnStatus
    from bot.text.vocabulary import shopping_words

    assert set(DYNAMIC_PREFIXES) == {"utter_apology_", "utter_complaint_",
                                     "utter_return_status_", "utter_fact_",
                                     "utter_not_offered_"}
    words = shopping_words()
    kinds = list(words["complaint_types"])
    names = set(DOMAIN["responses"])
    assert {f"utter_complaint_{k}" for k in [*kinds, "other"]} <= names
    assert {f"utter_apology_{k}" for k in [*kinds, *words["sensitive"], "generic"]} <= names
    assert {f"utter_fact_{topic}_{fact}" for topic, facts in words["faq_facts"].items()
            for fact in facts} <= names
    assert {f"utter_not_offered_{key}" for key in words["not_offered"]} <= names
    assert {f"utter_return_status_{s.value}" for s in ReturnStatus} <= names


def test_every_response_an_action_utters_exists() -> None:
    uttered = set(re.findall(r'response="(utter_[a-z_]+)"', ACTION_SOURCES))
    uttered |= set(re.findall(r'"(utter_[a-z_]+)"', ACTION_SOURCES))
    uttered.discard("utter_action")  # a key of the ResponseSelector's output, not a response
    assert len(uttered) > 20
    assert uttered <= set(DOMAIN["responses"])


def test_the_domain_goes_to_exactly_the_actions_that_read_it() -> None:
    """With ``enable_selective_domain`` an action not marked ``send_domain`` gets ``{}``:
    a form validation would then find no slots to validate, silently."""
    import inspect

    from rasa_sdk import FormValidationAction
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    reading = set()
    for name, run in executor.actions.items():
        action = type(run.__self__)
        source = "".join(inspect.getsource(cls) for cls in action.__mro__
                         if cls.__module__.startswith("actions"))
        if issubclass(action, FormValidationAction) or re.search(
                r"domain\.get\(|domain\[|\bask\(|times_prompted\(", source):
            reading.add(name)
    marked = {name for entry in DOMAIN["actions"] if isinstance(entry, dict)
              for name, options in entry.items() if options.get("send_domain")}
    assert len(reading) >= 6
    assert marked == reading
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text("utf-8"))
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True


def test_every_faq_topic_has_an_answer_and_examples() -> None:
    faq = yaml.safe_load((PROJECT_ROOT / "data/nlu/faq.yml").read_text("utf-8"))
    topics = {item["intent"] for item in faq["nlu"]}
    answers = {name.removeprefix("utter_") for name in DOMAIN["responses"]
               if name.startswith("utter_faq/")}
    assert topics == answers
    assert len(topics) == 16


def test_order_flow_stories(tmp_path: Path) -> None:
    model = model_path(get_settings().model_dir)
    if not model.exists():
        pytest.fail(f"no model for the current data ({model.name}): run `make train` first")
    result = _rasa("test", "core", "--model", str(model), "--stories", "tests/stories",
                   "--out", str(tmp_path), "--fail-on-prediction-errors")
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text("utf-8") if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-3000:] + result.stderr[-3000:]
