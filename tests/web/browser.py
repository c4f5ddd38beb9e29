"""Driving Debian's Chromium with Playwright (its own browser build is never downloaded), and
reading the app's screen out of the page: textual-serve draws it with xterm.js on a canvas, so
the test wraps textual.js as it is fetched to keep a handle on its xterm ``Terminal``, whose
buffer holds the characters on screen. The served file is not changed; only this browser's copy."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CRM_TEST_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path("/tmp/browser-shots")
HOOK = "this.terminal=new v.Terminal("
SCREEN_JS = """() => { const t = window.__crmTerminal; if (!t) return ''; const b = t.buffer.active;
  const out = []; for (let i = 0; i < t.rows; i++) { const l = b.getLine(b.viewportY + i);
  out.push(l ? l.translateToString(true) : ''); } return out.join('\\n'); }"""


def chromium_or_skip() -> Path:
    """Debian's Chromium; skipped with the reason where it is missing, a failure in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: install chromium (.ci/run does); no {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


def keep_terminal(page: Any) -> None:
    """Wrap textual.js as this page fetches it, so that ``screen`` can read the terminal."""

    def patch(route: Any) -> None:
        response = route.fetch()
        if response.status != 200:  # no session: passed on as it came
            route.fulfill(response=response)
            return
        body = response.text()
        assert HOOK in body, "textual.js changed: the browser tests cannot find its terminal"
        route.fulfill(
            response=response, body=body.replace(HOOK, "this.terminal=window.__crmTerminal=new v.Terminal(")
        )

    page.route("**/static/js/textual.js", patch)


def screen(page: Any) -> str:
    return str(page.evaluate(SCREEN_JS))


def wait_for_text(page: Any, text: str, timeout: float = 30_000) -> str:
    """Until ``text`` is on the app's screen; the screen then."""
    page.wait_for_function(f"() => ({SCREEN_JS})().includes({text!r})", timeout=timeout)
    return screen(page)


def wait_for_all(page: Any, *texts: str, timeout: float = 30_000) -> str:
    """Until every one of ``texts`` is on the screen at once (a frame arrives in pieces: one
    text there does not mean the rest of the frame is); the screen then."""
    wanted = " && ".join(f"s.includes({t!r})" for t in texts)
    try:
        page.wait_for_function(f"() => {{ const s = ({SCREEN_JS})(); return {wanted}; }}", timeout=timeout)
    except Exception as exc:  # Playwright's timeout: say what the screen held instead
        raise AssertionError(f"not all of {texts} on the screen:\n{screen(page)}") from exc
    return screen(page)


def shoot(page: Any, folder: Path, name: str) -> Path:
    """A screenshot in ``folder``, copied to /tmp/browser-shots/ for a person to look at."""
    path = folder / name
    page.screenshot(path=str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / name)
    return path
