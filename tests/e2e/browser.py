"""What the browser tests share: Debian's Chromium, its flags, where screenshots go, axe-core."""

from __future__ import annotations

import shutil
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Page

from bot.settings import PROJECT_ROOT
from tools.npm_assets import AXE_CORE, ensure

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
# What an accessibility check fails on; "minor" and "moderate" findings are printed only.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def chromium_path() -> str:
    """Debian's Chromium: Playwright never downloads a browser here."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    return path


def screenshot(page: Page, name: str, **options: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), animations="disabled", **options)
    assert (ARTIFACTS / name).stat().st_size > 10_000


def accessibility_problems(page: Page) -> List[Dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (open shadow
    roots included). The page's context needs ``bypass_csp=True`` to load the script."""
    # Colours are judged as shown: not halfway through the panel's fade-in. The widget lives
    # in a shadow root, whose animations the document's own list does not hold.
    page.wait_for_function("""() => [document, ...Array.from(document.querySelectorAll("*"),
        (e) => e.shadowRoot).filter(Boolean)].every((root) => root.getAnimations().every(
        (a) => !a.pending && a.playState !== "running"))""")
    page.add_script_tag(content=ensure(AXE_CORE).read_text("utf-8"))
    violations = page.evaluate("""async () => (await axe.run(document, {
        resultTypes: ["violations"]})).violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          targets: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}))""")
    for violation in violations:
        print(f"axe {violation['impact']}: {violation['id']} {violation['targets']}")
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
