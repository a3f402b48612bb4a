"""axe-core (from the npm registry, pinned in tests/e2e/axe) run inside the page, and screenshots of key pages."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

HERE = Path(__file__).parent
AXE = HERE / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("GONGZHI_E2E_ARTIFACTS", HERE / "artifacts"))
BLOCKING = ("serious", "critical")


@cache
def _axe_source() -> str:
    assert AXE.is_file(), "browser tests need axe-core: npm ci --prefix tests/e2e/axe (make test does it)"
    return AXE.read_text(encoding="utf-8")


def check_page(page: Page, name: str) -> None:
    """Fail on any serious or critical axe violation of the page as it stands; keep a screenshot either way."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # Evaluated over the DevTools protocol, so the page's Content-Security-Policy does not apply.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    violations = page.evaluate(
        """async () => {
        const result = await window.axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"{name}: " + "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in blocking)
