"""`make bench` / `python -m bench [--quick]`: see bench/__init__.py and docs/performance.md."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

from bench import machine, report, scenarios
from bench.conversations import conversations
from bench.models import asistan_model, rasa_init_model
from bench.servers import Deployment
from bench.stats import Summary
from bench.store import lookup_times, postgres_store, sqlite_store
from bot.ops.environment import rasa_environment
from bot.settings import PROJECT_ROOT, get_settings, load_settings

DOC = PROJECT_ROOT / "docs" / "performance.md"
ONE_SERVER = "asistan-1"  # Asistan on one Rasa server behind the balancer
QUICK = {"concurrency": [1, 10], "rates": [5, 10], "duration": 6.0, "open_duration": 10.0,
         "think": 0.5, "orders": 100_000, "lookups": 300, "parses": 50,
         "profile_conversations": 2, "long": 2}


def _numbers(text: str) -> List[float]:
    return [float(part) for part in text.split(",") if part]


def parse_args(argv: List[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: few, short levels, a small store; docs untouched")
    parser.add_argument("--concurrency", type=lambda t: [int(v) for v in _numbers(t)],
                        default=[1, 10, 50], help="closed-loop levels (default 1,10,50)")
    parser.add_argument("--rates", type=_numbers, default=[5, 10, 15, 20, 30, 45, 60, 80],
                        help="open-loop rates in msg/s (default 5,10,15,20,30,45,60,80)")
    parser.add_argument("--duration", type=float, default=20.0,
                        help="seconds per closed-loop level")
    parser.add_argument("--open-duration", type=float, default=25.0,
                        help="seconds of arrivals per open-loop rate")
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds between a reply and the next turn (open loop)")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--parses", type=int, default=300)
    parser.add_argument("--profile-conversations", type=int, default=10)
    parser.add_argument("--long", type=int, default=5,
                        help="eight-turn conversations in the profile's long one")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/"
                        "asistan_bench", help="'' to skip PostgreSQL")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["store", "load", "profile", "rasa-default"],
                        help="leave a part out (repeatable)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="MINUTES",
                        help="first wait up to MINUTES for load < 0.5 and no tests/trainings")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra setting for the product's processes (repeatable): "
                        "to measure a tuning idea without changing the product")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--cprofile", type=Path, metavar="DIR",
                        help="also write cProfile statistics of the profile's timed turns, "
                             "one file per model, into DIR (read them with pstats)")
    parser.add_argument("--doc", type=Path, default=DOC,
                        help="the document whose tables a full run rewrites (its plot is "
                        "written beside it, as .png)")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    return args


def store_results(args: argparse.Namespace, folder: Path) -> Dict[str, Any]:
    backends: Dict[str, Any] = {}
    databases = {"SQLite": lambda: sqlite_store(folder, args.orders)}
    if args.postgres_url:
        databases["PostgreSQL"] = lambda: postgres_store(args.postgres_url, args.orders)
    for backend, open_store in databases.items():
        try:
            database = open_store()
        except Exception as error:  # PostgreSQL may simply not be there
            print(f"Store bench on {backend} skipped: {error}", flush=True)
            continue
        times = lookup_times(database, args.lookups)
        database.dispose()
        backends[backend] = {query: Summary.of(t).as_dict() for query, t in times.items()}
        for query, summary in backends[backend].items():
            print(f"store {backend:<10} {query:<38} p50 {summary['p50_ms']:.2f} ms  "
                  f"p95 {summary['p95_ms']:.2f} ms", flush=True)
    return {"orders": args.orders, "lookups": args.lookups, "backends": backends}


def profile_results(deployment: Deployment, args: argparse.Namespace) -> Dict[str, Any]:
    """bench.profile in a child process per model, on the running action side."""
    results = {}
    for name, side in deployment.rasa.items():
        if any(deployment.rasa[done].model == side.model for done in results):
            continue  # the same model in-process: one Rasa server or two make no difference
        folder = deployment.runtime / f"profile-{name}"
        env = {**side.env, "ASISTAN_RUNTIME_DIR": str(folder),
               "TRACKER_DATABASE_URL": f"sqlite:///{folder / 'tracker.db'}"}
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / "profile.json"
        subprocess.run([sys.executable, "-m", "bench.profile", "--model", str(side.model),
                        "--out", str(out), "--conversations", str(args.profile_conversations),
                        "--long", str(args.long), "--seed", str(args.seed),
                        *(["--cprofile", str(args.cprofile.resolve() / f"{name}.pstats")]
                          if args.cprofile else [])],
                       cwd=PROJECT_ROOT, env=rasa_environment(load_settings(env), env),
                       check=True, stdout=subprocess.DEVNULL)
        results[name] = json.loads(out.read_text(encoding="utf-8"))
        total = results[name]["breakdown"]["total"]["ms_per_turn"]
        print(f"profile     {name:<13} {total:.1f} ms per turn in-process", flush=True)
    return results


def load_results(deployment: Deployment, args: argparse.Namespace,
                 meter: machine.OthersMeter) -> Dict[str, Any]:
    turns = (turn.text for script in conversations(args.seed) for turn in script)
    texts = list(itertools.islice(turns, args.parses))
    results: Dict[str, Any] = {"parse": scenarios.nlu_parse(deployment, texts)}
    meter.sample_load()
    results["closed"] = scenarios.closed_levels(deployment, args.concurrency, args.duration,
                                                args.seed)
    meter.sample_load()
    results["open"] = scenarios.open_levels(deployment, args.rates, args.open_duration,
                                            args.think, args.seed)
    meter.sample_load()
    results["handoffs"] = scenarios.handoffs(deployment)
    return results


def main(argv: List[str] | None = None) -> int:
    args = parse_args(argv)
    settings = get_settings()
    folder = settings.runtime_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    models = {"asistan": asistan_model(settings.model_dir)}
    if "rasa-default" not in args.skip:
        models["rasa-default"] = rasa_init_model(settings.model_dir,
                                                 rasa_environment(settings, os.environ))
    quiet = machine.wait_for_quiet(args.wait_quiet) if args.wait_quiet else None
    info = machine.describe()
    if quiet:
        info["quiet_wait"] = quiet
    started = time.monotonic()
    meter = machine.OthersMeter()
    results: Dict[str, Any] = {"models": {n: m.name for n, m in models.items()},
                               "options": {k: str(v) if isinstance(v, Path) else v
                                           for k, v in vars(args).items()
                                           if k != "postgres_url"}}
    if "store" not in args.skip:
        results["store"] = store_results(args, folder)
    meter.sample_load()
    run_dir = folder / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    extra = dict(setting.split("=", 1) for setting in args.env)
    base = {**os.environ, **extra}
    sides = {name: (model, 0) for name, model in models.items()}
    if load_settings(base).balances_rasa:  # beside the profile's servers: Asistan on one
        sides = {"asistan": sides["asistan"], ONE_SERVER: (models["asistan"], 1),
                 **{name: side for name, side in sides.items() if name != "asistan"}}
        results["models"] = {name: model.name for name, (model, _) in sides.items()}
    deployment = Deployment(run_dir, sides, base)
    results["deployment"] = deployment.describe()
    deployment.start()
    try:
        if "load" not in args.skip:
            results.update(load_results(deployment, args, meter))
        results["memory"] = scenarios.peak_memory(deployment)
        if "profile" not in args.skip:
            results["profile"] = profile_results(deployment, args)
        meter.note_own(deployment.pids().values())
    finally:
        deployment.stop()
    info.update(load_during=meter.load_samples, others_cores=meter.others_cores())
    results["machine"] = info
    results["minutes"] = (time.monotonic() - started) / 60
    if args.quick:  # a smoke run leaves the document alone
        json_path, doc, plot = (folder / "results-quick.json", folder / "performance-quick.md",
                                folder / "performance-quick.png")
        doc.write_text(f"{report.BEGIN}\n{report.END}\n", encoding="utf-8")
    else:
        name = "results.json" if args.doc == DOC else f"results-{args.doc.stem}.json"
        json_path, doc, plot = folder / name, args.doc, args.doc.with_suffix(".png")
    json_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    report.plot(results, plot)
    report.write_between_markers(doc, report.markdown(results, plot.name))
    print(f"Results: {json_path}; tables and plot: {doc}, {plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
