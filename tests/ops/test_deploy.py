"""The deployment files (deploy/) use only commands, paths and settings the project has.

No container engine, Kubernetes or systemd runs here: what can be checked without them is
checked — each file parses, every command is one `python -m bot` accepts, every setting it
sets is one `bot/settings.py` reads, every file it copies exists, and HAProxy accepts the
configuration the compose file's settings render.
"""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import yaml

from bot.cli import build_parser
from bot.ops.balancer import render
from bot.settings import PROJECT_ROOT, load_settings

DEPLOY = PROJECT_ROOT / "deploy"
SETTINGS = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', (PROJECT_ROOT / "bot" / "settings.py")
                          .read_text("utf-8")))


def bot_command(words: List[str]) -> None:
    """``python -m bot WORDS...``: parsed as the real command line parses it."""
    build_parser().parse_args(words)


def compose() -> Dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text("utf-8"))


def asistan_services() -> Iterator[tuple[str, Dict]]:
    for name, service in compose()["services"].items():
        if service.get("image") == "asistan:latest":
            yield name, service


def test_the_settings_are_read_where_this_test_looks() -> None:
    assert {"DATABASE_URL", "RASA_SERVER_URLS", "LOCK_STORE_URL", "EVENT_BROKER_URL",
            "WHATSAPP_APP_SECRET"} <= SETTINGS


def test_compose_runs_every_part_with_known_commands_and_settings() -> None:
    services = dict(asistan_services())
    parts = {tuple(s["command"][:2]) for s in services.values()}
    assert {("serve", p) for p in ("rasa", "actions", "balancer", "feed", "console")} <= parts
    for name, service in services.items():
        bot_command(service["command"])
        assert set(service["environment"]) <= SETTINGS, name
    build = compose()["x-asistan"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve().is_file()


def test_compose_has_the_services_and_health_checks_it_depends_on() -> None:
    services = compose()["services"]
    for name in ("postgres", "redis", "rabbitmq", "balancer", "rasa1", "rasa2", "actions1",
                 "actions2", "console"):
        assert services[name]["healthcheck"]["test"], name
    for name, service in services.items():
        for needed, condition in (service.get("depends_on") or {}).items():
            assert needed in services, (name, needed)
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], (name, needed)


def test_the_compose_settings_render_a_configuration_haproxy_accepts(tmp_path: Path) -> None:
    env = {**compose()["x-asistan"]["environment"], "RASA_TOKEN": "t",
           "ASISTAN_RUNTIME_DIR": str(tmp_path)}
    settings = load_settings(env)
    assert settings.balanced
    config = render(settings)
    assert "server rasa2 rasa2:5005 id 2" in config and "bind 0.0.0.0:5005" in config
    (tmp_path / "haproxy.cfg").write_text(config, encoding="utf-8")
    check = subprocess.run(["haproxy", "-c", "-f", str(tmp_path / "haproxy.cfg")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_dockerfile_copies_what_exists_and_runs_known_commands() -> None:
    lines = (DEPLOY / "docker" / "Dockerfile").read_text("utf-8").splitlines()
    for line in lines:
        if line.startswith("COPY requirements"):
            for name in line.split()[1:-1]:
                assert (PROJECT_ROOT / name).is_file(), name
        if line.startswith("RUN python -m bot "):
            bot_command(line.split()[4:])
        if line.startswith("ENV "):
            names = re.findall(r"([A-Z_]+)=", " ".join(lines[lines.index(line):]))
            assert {"ASISTAN_RUNTIME_DIR", "ASISTAN_HOST"} <= set(names) & SETTINGS
    entry = next(line for line in lines if line.startswith("ENTRYPOINT"))
    default = next(line for line in lines if line.startswith("CMD"))
    assert yaml.safe_load(entry.split(" ", 1)[1]) == ["python", "-m", "bot"]
    bot_command(yaml.safe_load(default.split(" ", 1)[1]))


@pytest.mark.parametrize("unit", sorted((DEPLOY / "systemd").glob("*.service")),
                         ids=lambda path: path.name)
def test_systemd_units_start_known_parts(unit: Path) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read_string(unit.read_text("utf-8"))
    words = shlex.split(parser["Service"]["ExecStart"].replace("%i", "5005"))
    assert words[:3] == ["/opt/asistan/.venv/bin/python", "-m", "bot"]
    bot_command(words[3:])
    assert parser["Service"]["Restart"] == "always"
    assert parser["Install"]["WantedBy"] == "asistan.target"


def test_the_vm_settings_example_sets_only_known_settings() -> None:
    example = (DEPLOY / "systemd" / "asistan.env.example").read_text("utf-8")
    names = {line.split("=", 1)[0] for line in example.splitlines()
             if line and not line.startswith("#")}
    assert names <= SETTINGS


@pytest.mark.parametrize("values", ["rasa-values.yml", "actions-values.yml"])
def test_helm_values_run_known_commands_with_known_settings(values: str) -> None:
    found = yaml.safe_load((DEPLOY / "helm" / values).read_text("utf-8"))
    assert found["command"] == ["python", "-m", "bot"]
    bot_command(found["args"])
    assert {item["name"] for item in found["extraEnv"]} <= SETTINGS
