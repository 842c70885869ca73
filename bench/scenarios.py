"""The benchmark's measurements against running servers, each model in turn per level.

Levels alternate between the models (Asistan, then the baseline, then the next level), so
both see the same machine at nearly the same moment. Before each level the servers are let
finish any backlog of the one before. Every result is a plain dict for results.json.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Sequence

from sqlalchemy import func, or_, select

from bench.conversations import KINDS, conversations
from bench.load import LevelRun, closed_loop, open_loop, parse_times
from bench.machine import cpu_seconds, peak_rss_mb
from bench.servers import Deployment, RasaSide
from bench.stats import Summary
from bot.database.engine import Database
from bot.handoff.models import Ticket

P95_TARGET_MS = 300.0
# Past this a level is hopeless: higher rates for the same model are skipped.
SATURATED_P95_MS = 1000.0


def _cpu(deployment: Deployment, side: RasaSide) -> Dict[str, float]:
    """CPU seconds so far of the model's Rasa side and of the (shared) action side."""
    return {"rasa": sum(cpu_seconds(p) for p in side.pids().values()),
            "actions": sum(cpu_seconds(p) for p in deployment.action_pids().values())}


def _summarise(run: LevelRun, cpu_before: Dict[str, float], cpu_after: Dict[str, float],
               duration: float) -> Dict[str, Any]:
    steady = run.steady()
    ok = [s for s in steady if s.ok]
    errors = len(steady) - len(ok) + run.cut
    all_ok = [s for s in run.samples if s.ok]
    return {
        "turns": len(steady),
        "msg_per_s": len(steady) / duration if duration else 0.0,
        "latency": Summary.of([s.latency for s in ok]).as_dict(),
        "by_kind": {kind: Summary.of([s.latency for s in ok if s.kind == kind]).as_dict()
                    for kind in KINDS},
        "errors": errors,
        "empty_replies": sum(1 for s in ok if s.replies == 0),
        # CPU per answered turn over the whole level (ramp included): where the work is.
        "cpu_ms_per_turn": {name: (cpu_after[name] - cpu_before[name]) * 1000
                            / max(1, len(all_ok)) for name in cpu_before},
    }


def closed_levels(deployment: Deployment, levels: Sequence[int], duration: float,
                  seed: int) -> List[Dict[str, Any]]:
    """Back-to-back conversations at each concurrency, for every model."""
    results = []
    for concurrency in levels:
        for name, server in deployment.rasa.items():
            deployment.settle()
            before = _cpu(deployment, server)
            run = asyncio.run(closed_loop(server.settings.rasa_url, f"{name}-c{concurrency}",
                                          conversations(seed + concurrency), concurrency,
                                          duration))
            summary = _summarise(run, before, _cpu(deployment, server), run.elapsed)
            results.append({"model": name, "concurrency": concurrency, **summary})
            print(f"closed loop {name:<13} c={concurrency:<3} {_line(summary)}", flush=True)
    return results


def open_levels(deployment: Deployment, rates: Sequence[float], duration: float,
                think: float, seed: int) -> List[Dict[str, Any]]:
    """Conversations arriving at each rate; a model that saturated skips the higher rates."""
    results = []
    saturated: set[str] = set()
    for rate in rates:
        for name, server in deployment.rasa.items():
            if name in saturated:
                results.append({"model": name, "rate": rate, "skipped": True})
                continue
            deployment.settle()
            before = _cpu(deployment, server)
            run = asyncio.run(open_loop(server.settings.rasa_url, f"{name}-r{rate:g}",
                                        conversations(seed + int(rate)), rate, duration,
                                        think, seed))
            start, end = run.window
            summary = _summarise(run, before, _cpu(deployment, server), end - start)
            p95 = summary["latency"]["p95_ms"]
            summary["meets_target"] = summary["errors"] == 0 and p95 < P95_TARGET_MS
            results.append({"model": name, "rate": rate, "skipped": False, **summary})
            print(f"open loop   {name:<13} {rate:>4g}/s {_line(summary)}", flush=True)
            if summary["errors"] or not p95 < SATURATED_P95_MS:
                saturated.add(name)
    return results


def _line(summary: Dict[str, Any]) -> str:
    latency = summary["latency"]
    return (f"{summary['msg_per_s']:6.1f} msg/s  p50 {latency['p50_ms']:7.1f}  "
            f"p95 {latency['p95_ms']:7.1f}  p99 {latency['p99_ms']:7.1f} ms  "
            f"errors {summary['errors']}")


def nlu_parse(deployment: Deployment, texts: Sequence[str]) -> Dict[str, Any]:
    """/model/parse alone, one call at a time, per model (after a short warm-up)."""
    results = {}
    for name, server in deployment.rasa.items():
        deployment.settle()
        url, token = server.settings.rasa_url, server.settings.rasa_token
        asyncio.run(parse_times(url, token, texts[:20]))
        results[name] = Summary.of(asyncio.run(parse_times(url, token, texts))).as_dict()
        print(f"NLU parse   {name:<13} p50 {results[name]['p50_ms']:.1f} ms  "
              f"p95 {results[name]['p95_ms']:.1f} ms", flush=True)
    return results


def peak_memory(deployment: Deployment) -> Dict[str, Dict[str, float]]:
    """Peak resident memory per kind of process ("action server", "asistan rasa"...):
    the largest of its processes, and how many there are."""
    peaks: Dict[str, List[float]] = {}
    for name, pid in deployment.pids().items():
        peaks.setdefault(re.sub(r"-\d+$", "", name), []).append(peak_rss_mb(pid))
    return {label: {"max_mib": max(mib), "processes": len(mib)} for label, mib in peaks.items()}


def handoffs(deployment: Deployment) -> Dict[str, int]:
    """Chats handed to people per model: the conversations avoid every reason to, so any
    handoff means a turn was misunderstood (and the chat left the bot's workload)."""
    database = Database(deployment.store_url)
    try:
        with database.unit_of_work() as session:
            return {name: session.execute(select(func.count(Ticket.id)).where(or_(
                Ticket.conversation_id.like(f"{name}-c%"),  # closed and open loop senders
                Ticket.conversation_id.like(f"{name}-r%")))).scalar_one()
                for name in deployment.rasa}
    finally:
        database.dispose()
