"""results.json as tables and a plot: the measured part of docs/performance.md.

The tables go between the markers of docs/performance.md, replacing the last run's, so the
document never shows a number the script did not measure; the prose around them is written
by people and stays as it is.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence

BEGIN = "<!-- bench:begin (written by `make bench`; edits here are overwritten) -->"
END = "<!-- bench:end -->"
NAMES = {"asistan": "Asistan", "asistan-1": "Asistan, one Rasa server",
         "rasa-default": "Rasa default"}
RATE_TARGET = 60.0
P50_TARGET_MS = 25.0
LOOKUP_TARGET_MS = 5.0
PROFILE_STEPS = ("tracker store: load", "tracker store: save", "action side: HTTP calls",
                 "action side: answer validation (jsonschema)", "responses: templates filled")


def _ms(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.1f}"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def _yes(flag: bool) -> str:
    return "yes" if flag else "**no**"


def _models(results: Dict[str, Any]) -> List[str]:
    return list(results["models"])


def best_rate(results: Dict[str, Any], model: str) -> float | None:
    """The highest offered rate with p95 under 300 ms and no errors."""
    passing = [level["rate"] for level in results.get("open", [])
               if level["model"] == model and not level["skipped"] and level["meets_target"]]
    return max(passing) if passing else None


def _single_turn_p50(results: Dict[str, Any], model: str) -> float | None:
    return next((level["latency"]["p50_ms"] for level in results.get("closed", [])
                 if level["model"] == model and level["concurrency"] == 1), None)


def _run_section(results: Dict[str, Any]) -> List[str]:
    machine = results["machine"]
    loads = machine.get("load_during") or [math.nan]
    quiet = machine.get("quiet_wait", {})
    quiet_text = ("no wait asked" if not quiet else
                  f"{'quiet' if quiet['quiet'] else '**not quiet**'} after "
                  f"{quiet['waited_minutes']} min (1-min load {quiet['load']:.2f})")
    rows = [
        ("date", machine["date"]),
        ("commit", machine["commit"]),
        ("cores (nproc)", machine["cores"]),
        ("CPU", machine["cpu_model"]),
        ("memory", f"{machine['memory_gb']} GB"),
        ("1-min load at start", f"{machine['load_at_start'][0]:.2f}"),
        ("1-min load during the run (min–max, our processes included)",
         f"{min(loads):.2f}–{max(loads):.2f}"),
        ("cores kept busy by other processes (average)", f"{machine.get('others_cores', 0):.2f}"),
        ("waiting for a quiet machine", quiet_text),
        ("run time", f"{results['minutes']:.1f} min"),
        ("models", ", ".join(f"{NAMES[n]}: `{m}`" for n, m in results["models"].items())),
        ("levels", _levels(results["options"])),
        ("extra settings (`--env`)", ", ".join(results["options"]["env"]) or "none"),
        ("deployment", ", ".join(f"{k}: {v}" for k, v in results.get("deployment", {}).items())),
    ]
    return ["### The run", "", *_table(("", ""), rows)]


def _levels(options: Dict[str, Any]) -> str:
    return (f"closed loop {', '.join(map(str, options['concurrency']))} conversations, "
            f"{options['duration']:g} s each; open loop "
            f"{', '.join(f'{r:g}' for r in options['rates'])} msg/s, "
            f"{options['open_duration']:g} s of arrivals each")


def _targets_section(results: Dict[str, Any]) -> List[str]:
    rows = []
    rates = {m: best_rate(results, m) for m in _models(results)}
    rows.append(["≥ 60 msg/s with p95 < 300 ms and no errors (highest passing rate, msg/s)",
                 *[f"{r:g}" if r else "none" for r in rates.values()],
                 _yes((rates.get("asistan") or 0) >= RATE_TARGET)])
    p50 = {m: _single_turn_p50(results, m) for m in _models(results)}
    rows.append(["single turn p50 < 25 ms (one conversation at a time)",
                 *[f"{_ms(v)} ms" if v is not None else "–" for v in p50.values()],
                 _yes((p50.get("asistan") or math.inf) < P50_TARGET_MS)])
    for backend, queries in results.get("store", {}).get("backends", {}).items():
        worst = max(q["p95_ms"] for q in queries.values())
        rows.append([f"order look-ups < 5 ms at {results['store']['orders']:,} orders, "
                     f"{backend} (worst p95 of the three queries)",
                     f"{_ms(worst)} ms", "(store layer is Asistan's)",
                     _yes(worst < LOOKUP_TARGET_MS)])
    header = ("target", *[NAMES[m] for m in _models(results)], "met by Asistan")
    return ["### Targets", "", *_table(header, rows)]


def _closed_section(results: Dict[str, Any]) -> List[str]:
    rows = [(level["concurrency"], NAMES[level["model"]], f"{level['msg_per_s']:.1f}",
             _ms(level["latency"]["p50_ms"]), _ms(level["latency"]["p95_ms"]),
             _ms(level["latency"]["p99_ms"]), level["errors"], level["empty_replies"],
             _ms(level["cpu_ms_per_turn"]["rasa"]), _ms(level["cpu_ms_per_turn"]["actions"]))
            for level in results.get("closed", [])]
    header = ("conversations", "model", "msg/s", "p50 ms", "p95 ms", "p99 ms", "errors",
              "empty replies", "Rasa CPU ms/turn", "action server CPU ms/turn")
    return ["### Closed loop (each shopper sends the next turn as soon as the answer comes)",
            "", *_table(header, rows)]


def _open_section(results: Dict[str, Any]) -> List[str]:
    rows = []
    for level in results.get("open", []):
        if level["skipped"]:
            rows.append((f"{level['rate']:g}", NAMES[level["model"]], "skipped (saturated "
                         "at a lower rate)", "", "", "", "", ""))
            continue
        latency = level["latency"]
        rows.append((f"{level['rate']:g}", NAMES[level["model"]], f"{level['msg_per_s']:.1f}",
                     _ms(latency["p50_ms"]), _ms(latency["p95_ms"]), _ms(latency["p99_ms"]),
                     level["errors"], _yes(level["meets_target"])))
    header = ("offered msg/s", "model", "achieved msg/s", "p50 ms", "p95 ms", "p99 ms",
              "errors", "p95 < 300 ms, no errors")
    think = results["options"]["think"]
    return [f"### Open loop (conversations arrive at random at the rate; {think:g} s between "
            "a reply and the next turn)", "", *_table(header, rows)]


def _kinds_section(results: Dict[str, Any]) -> List[str]:
    single = {level["model"]: level for level in results.get("closed", [])
              if level["concurrency"] == 1}
    if not single:
        return []
    rows = []
    for kind in ("small_talk", "faq", "order"):
        cells = [kind.replace("_", " ")]
        for model in _models(results):
            summary = single[model]["by_kind"][kind]
            cells.append(f"{_ms(summary['p50_ms'])} / {_ms(summary['p95_ms'])}")
        rows.append(cells)
    header = ("turn", *[f"{NAMES[m]} p50 / p95 ms" for m in _models(results)])
    return ["### Latency by kind of turn (one conversation at a time)", "",
            *_table(header, rows)]


def _parse_and_memory_section(results: Dict[str, Any]) -> List[str]:
    lines: List[str] = []
    if "parse" in results:
        rows = [(NAMES[m], _ms(s["p50_ms"]), _ms(s["p95_ms"]), s["count"])
                for m, s in results["parse"].items()]
        lines += ["### NLU only (`/model/parse`, one call at a time)", "",
                  *_table(("model", "p50 ms", "p95 ms", "calls"), rows)]
    if "memory" in results:
        rows = [(_process(label), peak["processes"], f"{peak['max_mib']:.0f}")
                for label, peak in results["memory"].items()]
        lines += ["### Peak memory (VmHWM at the end of the run)", "",
                  *_table(("process", "count", "MiB (largest)"), rows)]
    if "handoffs" in results:
        counts = ", ".join(f"{NAMES[m]} {n}" for m, n in results["handoffs"].items())
        lines += [f"Chats handed to people during the load (the conversations give no reason "
                  f"to; should be 0): {counts}.", ""]
    return lines


def _process(label: str) -> str:
    """"asistan rasa" -> "Rasa server (Asistan)"; the action side serves every side."""
    model, _, process = label.partition(" ")
    if model in NAMES:
        return f"{'Rasa server' if process == 'rasa' else process} ({NAMES[model]})"
    names = {"actions": "action server (shared)", "feed": "event feed (shared)"}
    return names.get(label, label)


def _store_section(results: Dict[str, Any]) -> List[str]:
    store = results.get("store")
    if not store:
        return []
    rows = [(backend, query, _ms(s["p50_ms"]), _ms(s["p95_ms"]), _ms(s["p99_ms"]),
             _yes(s["p95_ms"] < LOOKUP_TARGET_MS))
            for backend, queries in store["backends"].items() for query, s in queries.items()]
    return [f"### Store queries at {store['orders']:,} orders ({store['lookups']:,} random "
            "look-ups each, one unit of work per call as the actions do)", "",
            *_table(("backend", "query", "p50 ms", "p95 ms", "p99 ms", "p95 < 5 ms"), rows)]


def _profile_rows(profile: Dict[str, Dict[str, Any]], models: Sequence[str]) -> List[List[str]]:
    """Steps of a turn, each step's graph nodes under it, then what no clock covered."""
    def cell(model: str, label: str, key: str = "ms_per_turn") -> str:
        step = profile.get(model, {}).get("breakdown", {}).get(label)
        if step is None:
            return "–"
        return f"{step[key]:.2f} ({step['calls_per_turn']:.1f})"

    labels = set().union(*(p["breakdown"] for p in profile.values()))

    def time_of(label: str) -> float:
        return max(p["breakdown"].get(label, {}).get("ms_per_turn", 0.0)
                   for p in profile.values())

    rows = [["**whole turn** (Agent.handle_message)", *[cell(m, "total") for m in models]]]
    for step in ("nlu", "policies"):
        rows.append([f"**{step}**", *[cell(m, step) for m in models]])
        nodes = sorted((label for label in labels if label.startswith(f"{step}/")),
                       key=time_of, reverse=True)
        rows += [[f"&nbsp;&nbsp;{label}", *[cell(m, label) for m in models]] for label in nodes]
    for label in PROFILE_STEPS:
        rows.append([f"**{label}**", *[cell(m, label) for m in models]])
    rows.append(["**Rasa's bookkeeping**: the turn's own time outside every step above "
                 "(events, tracker copies, slot mappings)",
                 *[cell(m, "total", "own_ms_per_turn") for m in models]])
    return rows


def _profile_section(results: Dict[str, Any]) -> List[str]:
    profile = results.get("profile")
    if not profile:
        return []
    models = [m for m in _models(results) if m in profile]
    header = ("step", *[f"{NAMES[m]} ms per turn (calls per turn)" for m in models])
    turns = profile[models[0]]["turns"]
    lines = [f"### Where a turn's time goes (in-process, {turns} turns one at a time, "
             "after a warm-up)", "", *_table(header, _profile_rows(profile, models))]
    rows = []
    for model in models:
        long = profile[model]["long_conversation"]
        first, last = long[:8], long[-8:]
        for part in ("total_ms", "policies_ms", "store_ms"):
            rows.append([NAMES[model], part.removesuffix("_ms"),
                         _ms(_median([t[part] for t in first])),
                         _ms(_median([t[part] for t in last]))])
    lines += [f"A long conversation ({len(profile[models[0]]['long_conversation'])} turns, "
              "one shopper): median ms per turn", "",
              *_table(("model", "step", "turns 1–8", "last 8 turns"), rows)]
    return lines


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        return math.nan
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def markdown(results: Dict[str, Any], plot_name: str | None) -> str:
    lines: List[str] = []
    for section in (_run_section, _targets_section, _closed_section, _open_section,
                    _kinds_section, _parse_and_memory_section, _store_section,
                    _profile_section):
        lines += section(results)
    if plot_name:
        lines += [f"![p50 and p95 latency against load, both models]({plot_name})", ""]
    return "\n".join(lines)


def write_between_markers(document: Path, content: str, begin: str = BEGIN,
                          end: str = END) -> None:
    text = document.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{document} lacks the markers {begin!r} ... {end!r}")
    head, rest = text.split(begin, 1)
    _old, tail = rest.split(end, 1)
    document.write_text(f"{head}{begin}\n\n{content}\n{end}{tail}", encoding="utf-8")


def plot(results: Dict[str, Any], path: Path) -> None:
    """p50 and p95 against closed-loop concurrency and open-loop rate, both models."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (closed, opened) = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {"asistan": "tab:blue", "asistan-1": "tab:green", "rasa-default": "tab:orange"}
    for model in _models(results):
        levels = [lv for lv in results.get("closed", []) if lv["model"] == model]
        x = [lv["concurrency"] for lv in levels]
        for q, dash in (("p50_ms", "-"), ("p95_ms", "--")):
            closed.plot(x, [lv["latency"][q] for lv in levels], dash, marker="o",
                        color=styles[model], label=f"{NAMES[model]} {q[:3]}")
        levels = [lv for lv in results.get("open", [])
                  if lv["model"] == model and not lv["skipped"]]
        x = [lv["rate"] for lv in levels]
        for q, dash in (("p50_ms", "-"), ("p95_ms", "--")):
            opened.plot(x, [lv["latency"][q] for lv in levels], dash, marker="o",
                        color=styles[model], label=f"{NAMES[model]} {q[:3]}")
    closed.set(xscale="log", yscale="log", xlabel="concurrent conversations (closed loop)",
               ylabel="latency per turn (ms)", title="Closed loop")
    opened.set(yscale="log", xlabel="offered messages per second (open loop)",
               ylabel="latency per turn (ms)", title="Open loop")
    for axes in (closed, opened):
        axes.axhline(300, color="grey", linewidth=0.8, linestyle=":")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=8)
    opened.axvline(RATE_TARGET, color="grey", linewidth=0.8, linestyle=":")
    servers = results.get("deployment", {}).get("Rasa servers per side", "")
    shown = " vs ".join(NAMES[model] for model in _models(results))
    figure.suptitle(f"{shown}: latency per turn (Rasa servers {servers}; dotted: targets)",
                    fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
