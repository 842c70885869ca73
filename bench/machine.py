"""The machine a run measured, and how busy others kept it meanwhile.

Latency figures mean little without the machine: cores, CPU model, memory, and the load.
Other people's tests and trainings share this machine, so the run records the CPU time
everything else used while it ran, and can wait for a quiet machine first.
"""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterable, List

from bot.settings import PROJECT_ROOT

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BUSY_PATTERN = "pytest|rasa train"


def describe() -> Dict[str, object]:
    """Cores, CPU model, memory, date, commit: what the figures were measured on."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines()
                  if line.startswith("Model name")), "unknown")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"cores": len(os.sched_getaffinity(0)), "cpu_model": model,
            "memory_gb": round(total_kb / 1024 / 1024, 1),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit or "unknown", "load_at_start": os.getloadavg()}


def busy_processes() -> List[str]:
    """Other people's test runs and trainings, as `pgrep -af` shows them."""
    found = subprocess.run(["pgrep", "-af", BUSY_PATTERN], capture_output=True, text=True,
                           check=False).stdout.splitlines()
    mine = {str(os.getpid()), str(os.getppid())}
    return [line for line in found if line.split(" ", 1)[0] not in mine]


def wait_for_quiet(minutes: float, max_load: float = 0.5) -> Dict[str, object]:
    """Poll until the load is below ``max_load`` and nobody tests or trains, at most
    ``minutes``; the run goes on either way and records whether it was quiet."""
    started = time.monotonic()
    while True:
        quiet = os.getloadavg()[0] < max_load and not busy_processes()
        waited = (time.monotonic() - started) / 60
        if quiet or waited >= minutes:
            return {"quiet": quiet, "waited_minutes": round(waited, 1),
                    "load": os.getloadavg()[0]}
        time.sleep(20)


def _busy_seconds() -> float:
    """CPU time (all cores) the whole machine spent busy since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmHWM for process {pid}")


def _own_seconds(pids: Iterable[int]) -> float:
    """CPU time of this process, its finished children, and the given running ones."""
    times = os.times()
    own = times.user + times.system + times.children_user + times.children_system
    return own + sum(cpu_seconds(pid) for pid in pids)


class OthersMeter:
    """How many cores other processes kept busy on average between start and stop."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._busy = _busy_seconds()
        self._own_at_start = _own_seconds([])
        self._own = self._own_at_start
        self.load_samples: List[float] = []

    def sample_load(self) -> None:
        self.load_samples.append(os.getloadavg()[0])

    def note_own(self, pids: Iterable[int]) -> None:
        """Record our processes' CPU time before they exit (then /proc forgets them)."""
        self._own = _own_seconds(pids)

    def others_cores(self) -> float:
        elapsed = time.monotonic() - self._started
        own = self._own - self._own_at_start
        return max(0.0, (_busy_seconds() - self._busy - own) / elapsed)
