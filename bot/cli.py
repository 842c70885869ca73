"""`python -m bot ...`: seed the demo shop, train the model, run the product."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from datetime import datetime
from pathlib import Path
from typing import List

from bot import privacy
from bot.database.engine import Database, ensure_database, get_database
from bot.ops.environment import rasa_environment
from bot.ops.model import ensure_model
from bot.ops.processes import PARTS, product_services
from bot.ops.supervisor import Supervisor
from bot.schema import create_schema, drop_schema, seed_demo
from bot.settings import Settings, get_settings
from bot.store.seed import is_seeded
from bot.text.logs import mask_every_log


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    for url in (settings.database_url, settings.tracker_database_url):
        ensure_database(url)
    database = get_database()
    if args.reset:
        drop_schema(database)
    elif is_seeded(database):
        create_schema(database)  # upgraded to this release's schema
        print("The store already has data: its schema is up to date "
              "(use --reset to rebuild it).")
        return 0
    today = datetime.now(settings.timezone).date()
    count = seed_demo(database, today, settings.timezone, progress=True)
    print(f"Seeded the demo shop: {count} orders, dated relative to {today.isoformat()}.")
    return 0


def cmd_train(settings: Settings, _args: argparse.Namespace) -> int:
    ensure_model(settings.model_dir, rasa_environment(settings, os.environ))
    return 0


def cmd_eval(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.evaluation import (
        default_pipeline_model,
        evaluate_model,
        load_examples,
        report,
        sentiment_p95,
        sentiment_report,
        sentiment_scores,
    )
    from bot.nlu.sentiment import shipped_model
    from bot.nlu.sentiment_sets import available, load_splits
    from bot.ops.model import model_path

    model = model_path(settings.model_dir)
    if not model.exists():
        print(f"No model for the current data ({model.name}): run `make train` first.")
        return 1
    examples = load_examples()
    splits = (load_splits(settings.datasets_dir) if available(settings.datasets_dir)
              else None)
    baseline = default_pipeline_model(settings.model_dir, rasa_environment(settings, os.environ))
    results = {"asistan": evaluate_model(model, examples),
               "rasa-default": evaluate_model(baseline, examples)}
    print(f"Held-out set: {len(examples)} examples (tests/nlu/heldout.yml)\n")
    print(report(results))
    print("\nSentiment on held-out parts (tests/nlu/sentiment_heldout.tsv"
          + (f" and the real sets in {settings.datasets_dir})\n" if splits else
             f"; the real sets are not in {settings.datasets_dir})\n"))
    weights = shipped_model()
    print(sentiment_report(sentiment_scores(weights, splits)))
    print(f"\nSentiment p95: {sentiment_p95(weights) * 1000:.3f} ms a message")
    return 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    """Write the owner's report as HTML and JSON; the range is shop-local days."""
    from bot.reporting.period import parse_period
    from bot.reporting.render import write_files
    from bot.reporting.report import report_for

    try:
        period = parse_period(args.first, args.last, datetime.now(settings.timezone).date(),
                              settings.timezone)
    except ValueError as error:
        print(f"report: {error}")
        return 2
    report = asyncio.run(report_for(settings, period))
    paths = write_files(report, args.out or settings.runtime_dir / "reports")
    for path in paths:
        print(path)
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """One part in the foreground, for a machine, a systemd unit or a container of its own."""
    from bot.ops import balancer, processes

    if args.part == "console":
        from bot.web.console import main as serve_console

        serve_console(settings)
        return 0
    if args.part == "feed":
        from bot.ops.feed import main as serve_feed

        serve_feed(settings)
        return 0
    env = rasa_environment(settings, os.environ)
    if args.part == "balancer":
        command = balancer.command(settings)
    elif args.part == "rasa":
        port = args.port or processes.port_of(settings.rasa_server_urls[0])
        command = processes.rasa_server_command(
            settings, ensure_model(settings.model_dir, env), port)
    else:
        port = args.port or processes.port_of(settings.action_server_urls[0])
        command = processes.action_server_command(settings, port)
    os.execve(command[0], command, env)  # the part takes this process over


def cmd_balancer_config(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.ops.balancer import render

    print(render(settings), end="")
    return 0


def _banner(settings: Settings) -> str:
    rest = f"{settings.rasa_url}/webhooks/rest/webhook"
    return f"""
Asistan is running.
  Chat over REST:
    curl -s -X POST {rest} -H 'Content-Type: application/json' \\
      -d '{{"sender": "demo", "message": "Merhaba, siparişim nerede?"}}'
  Chat in this terminal (second shell):
    .venv/bin/python -m bot chat
  Demo shop with the chat widget: http://{settings.host}:{settings.web_port}/
  Agent console: http://{settings.host}:{settings.web_port}/console  (temsilci / asistan-demo)
  Rasa HTTP API token: runtime/rasa_token   Logs: {settings.runtime_dir}/logs/
A process that stops is started again (see the log above). Ctrl-C stops everything.
"""


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(message)s")
    env = rasa_environment(settings, os.environ)
    parts = args.only.split(",") if args.only else PARTS
    model = ensure_model(settings.model_dir, env) if "rasa" in parts else Path()
    supervisor = Supervisor(product_services(settings, model, parts), env,
                            settings.runtime_dir / "logs")
    print(f"Starting {', '.join(s.name for s in supervisor.services)} (about a minute)...")
    supervisor.start()  # Ctrl-C here stops them too
    # Handled explicitly: a shell that starts us in the background ignores SIGINT otherwise.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: supervisor.stop())
    print(_banner(settings))
    supervisor.watch()  # until Ctrl-C; a child that dies is started again
    print("Stopped.")
    return 0


def cmd_chat(settings: Settings, _args: argparse.Namespace) -> int:
    """A terminal chat against the running server's REST channel."""
    import uuid

    import requests

    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    print("Type a message (Ctrl-D to quit).")
    while True:
        try:
            line = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        try:
            replies = requests.post(url, json={"sender": sender, "message": line}, timeout=60)
            replies.raise_for_status()
        except requests.RequestException as error:
            print(f"(the assistant is not reachable at {url}: {error})")
            continue
        for reply in replies.json():
            print("Asistan:", reply.get("text", ""))
            for button in reply.get("buttons", []):
                print(f"   [{button['title']}] -> {button['payload']}")
    return 0


def cmd_forget(settings: Settings, args: argparse.Namespace) -> int:
    """KVKK: erase one person's conversations, or every conversation past retention."""
    tracker = Database(settings.tracker_database_url)
    try:
        if args.expired:
            count = privacy.erase_expired(tracker, get_database(), settings.retention)
        else:
            try:
                count = privacy.forget_contact(tracker, get_database(), args.contact)
            except ValueError as error:
                print(f"--contact: {error}")
                return 2
    finally:
        tracker.dispose()
    print(f"Erased the personal data of {count} conversation(s).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Every command of ``python -m bot`` (the deployment files' commands are checked
    against it)."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    seed_parser = commands.add_parser("seed", help="build the demo shop in an empty store")
    seed_parser.add_argument("--reset", action="store_true", help="drop and rebuild the store")
    commands.add_parser("train", help="train a model unless one matches the current data")
    run_parser = commands.add_parser("run", help="start and supervise every part")
    run_parser.add_argument("--only", metavar="PART,...",
                            help=f"only these parts on this machine ({','.join(PARTS)})")
    commands.add_parser("chat", help="chat with the running assistant in this terminal")
    serve_parser = commands.add_parser("serve", help="run one part in the foreground")
    serve_parser.add_argument("part", choices=PARTS)
    serve_parser.add_argument("--port", type=int,
                              help="rasa/actions: the port (default: the first URL's)")
    commands.add_parser("balancer-config", help="print HAProxy's configuration")
    commands.add_parser("eval", help="score the model on the held-out sets, beside Rasa's default")
    report_parser = commands.add_parser("report", help="write the shop owner's report (HTML, JSON)")
    report_parser.add_argument("--from", dest="first", metavar="YYYY-MM-DD",
                               help="first shop-local day (default: 29 days before --to)")
    report_parser.add_argument("--to", dest="last", metavar="YYYY-MM-DD",
                               help="last shop-local day, included (default: today)")
    report_parser.add_argument("--out", type=Path, metavar="DIR",
                               help="where to write the files (default: runtime/reports/)")
    forget_parser = commands.add_parser(
        "forget", help="KVKK: erase a person's conversations, or those past RETENTION_DAYS")
    which = forget_parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--contact", metavar="E-MAIL|PHONE",
                       help="every conversation that names this e-mail or phone")
    which.add_argument("--expired", action="store_true",
                       help="conversations idle past the retention (run daily)")
    return parser


def main(argv: List[str] | None = None) -> int:
    mask_every_log()
    args = build_parser().parse_args(argv)
    handler = {"seed": cmd_seed, "train": cmd_train, "run": cmd_run, "chat": cmd_chat,
               "eval": cmd_eval, "serve": cmd_serve, "report": cmd_report, "forget": cmd_forget,
               "balancer-config": cmd_balancer_config}
    return handler[args.command](get_settings(), args)
