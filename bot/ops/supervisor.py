"""Keeps the product's processes up: a child that dies is started again, with backoff.

`python -m bot run` starts every part in order and then watches them. A child that exits
is logged and started again after a delay that doubles with each quick failure (1 s, 2 s,
4 s ... at most 30 s) and starts over once the child has stayed up a minute, so a child
that cannot start (its database is down) does not spin, and one that crashed once is back
at once. The other children go on serving meanwhile. (A small loop rather than a
supervisor daemon: it starts the very commands the tests start, in the order they need,
and needs no configuration file of its own; on a VM, systemd does the same job with the
units in ``deploy/systemd/``.)
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Sequence

from bot.ops.processes import Service, start_all, stop_all

logger = logging.getLogger(__name__)


@dataclass
class Backoff:
    """The delay before a restart: doubling from ``first`` to ``longest``, reset by a run
    of at least ``stable`` seconds."""

    first: float = 1.0
    longest: float = 30.0
    stable: float = 60.0
    current: float = 0.0

    def after_run_of(self, seconds: float) -> float:
        if seconds >= self.stable or self.current == 0.0:
            self.current = self.first
        else:
            self.current = min(self.current * 2, self.longest)
        return self.current


class Supervisor:
    """Starts ``services`` in order, then restarts any that exits until :meth:`stop`."""

    def __init__(self, services: Sequence[Service], env: Mapping[str, str], log_dir: Path,
                 backoff: Backoff | None = None) -> None:
        self.services = list(services)
        self.env = dict(env)
        self.log_dir = log_dir
        self._template = backoff or Backoff()
        self._backoff: Dict[str, Backoff] = {}
        self._started: Dict[str, float] = {}
        self._due: Dict[str, float] = {}  # when a dead child is started again
        self.restarts: Dict[str, int] = {s.name: 0 for s in self.services}
        self._stop = threading.Event()

    def start(self, timeout: float = 180) -> None:
        start_all(self.services, self.env, self.log_dir, timeout)
        now = time.monotonic()
        self._started = {s.name: now for s in self.services}

    def check(self) -> None:
        """One look at every child: schedule the dead, start the due."""
        now = time.monotonic()
        for service in self.services:
            if service.running():
                continue
            if service.name not in self._due:
                code = service.process.returncode if service.process else None
                backoff = self._backoff.setdefault(service.name, Backoff(
                    self._template.first, self._template.longest, self._template.stable))
                delay = backoff.after_run_of(now - self._started.get(service.name, now))
                logger.warning("%s exited (code %s); starting it again in %.1f s (log: %s)",
                               service.name, code, delay, service.log_path)
                self._due[service.name] = now + delay
            elif now >= self._due[service.name]:
                del self._due[service.name]
                self.restarts[service.name] += 1
                self._started[service.name] = now
                service.start(self.env, self.log_dir)
                logger.warning("%s started again (restart %d)", service.name,
                               self.restarts[service.name])

    def watch(self, interval: float = 0.2) -> None:
        """Check the children until :meth:`stop` is called, then stop them all."""
        try:
            while not self._stop.wait(interval):
                self.check()
        finally:
            stop_all(self.services)

    def stop(self) -> None:
        self._stop.set()
