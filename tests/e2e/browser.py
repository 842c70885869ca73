"""What the browser tests share: Debian's Chromium, its flags, where screenshots go."""

from __future__ import annotations

import shutil

import pytest

from bot.settings import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    """Debian's Chromium: Playwright never downloads a browser here."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    return path
