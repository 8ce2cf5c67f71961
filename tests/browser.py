"""Offline headless-Chromium harness for testing self-contained HTML files (folium/Leaflet maps).

Usage in a test::

    from browser import open_page   # tests/ is on sys.path (pytest's default import mode)

    @pytest.mark.browser
    def test_map(tmp_path):
        with open_page(tmp_path / "map.html") as p:
            assert p.requests == []          # nothing tried to leave the machine
            assert p.errors == [] and p.dialogs == []
            p.screenshot(tmp_path / "map.png")

The page is opened from its file:// URL in Debian's Chromium (/usr/bin/chromium, or the path in
$GEOINCIDENTS_CHROMIUM) driven by Playwright's Python API; no Playwright-downloaded browser is
used. Every request other than the page's own file:// URL (and data:/blob: URLs) is aborted and
its URL recorded in ``.requests``; WebSockets are recorded and closed. As a backstop, Chromium is
started with a dead proxy and a host-resolver rule that fails every DNS lookup, so nothing that
slips past the interception can reach the network either.

If Chromium (or the playwright package) is missing the test is skipped, unless the CI
environment variable is set (non-empty), in which case it fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pytest

LAUNCH_TIMEOUT_MS = 60_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    # Small /dev/shm (e.g. 64 MB in Docker) crashes renderers; Debian's wrapper adds this only
    # when its own free-space check works.
    "--disable-dev-shm-usage",
    # Backstops should request interception ever miss something: no DNS, and a proxy (the
    # discard port, normally closed) that is used even for loopback.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]
_ALLOWED_SCHEMES = ("data:", "blob:")


class ConsoleMessage(NamedTuple):
    type: str  # "log", "error", "warning", ...
    text: str


def _ci() -> bool:
    return bool(os.environ.get("CI"))


def _unavailable(reason: str) -> None:
    """Skip locally, fail loudly on CI."""
    if _ci():
        pytest.fail(f"browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    """The Chromium executable: $GEOINCIDENTS_CHROMIUM, else `chromium` on PATH."""
    override = os.environ.get("GEOINCIDENTS_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    for name in ("chromium", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageHarness:
    page: Any  # playwright.sync_api.Page
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[ConsoleMessage] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def evaluate(self, js: str, arg: Any = None) -> Any:
        return self.page.evaluate(js, arg)

    def screenshot(self, path: Path | str, *, full_page: bool = False) -> Path:
        path = Path(path)
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def settle(self, ms: int = 100) -> None:
        """Let the page run for `ms` and deliver pending events (late fetches, timers)."""
        self.page.wait_for_timeout(ms)

    def console_errors(self) -> list[str]:
        """Console errors other than the "Failed to load resource" noise from blocked requests."""
        return [
            m.text for m in self.console
            if m.type == "error" and not m.text.startswith("Failed to load resource")
        ]


@contextmanager
def open_page(
    html_path: Path,
    *,
    wait_until: str = "networkidle",
    viewport: tuple[int, int] = (1024, 768),
    timeout_ms: int = 15_000,
) -> Iterator[PageHarness]:
    """Open `html_path` in a fresh headless Chromium with all network access blocked.

    `wait_until` is passed to Page.goto ("load", "domcontentloaded" or "networkidle"; the last
    waits until no request has been in flight for 500 ms, so blocked tiles/fetches are recorded).
    """
    chromium = find_chromium()
    if chromium is None:
        _unavailable("Chromium not found (install it with .ci/install-browser)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")

    html_path = Path(html_path).resolve()
    if not html_path.is_file():
        raise FileNotFoundError(html_path)
    own_url = html_path.as_uri()

    with tempfile.TemporaryDirectory(prefix="geoincidents-chromium-") as profile, \
            sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": viewport[0], "height": viewport[1]},
            service_workers="block",
            # Starting Chromium is what a loaded two-core machine slows most (a 15 s launch
            # timed out once while the suite ran); the page's own steps keep timeout_ms.
            timeout=max(timeout_ms, LAUNCH_TIMEOUT_MS),
        )
        try:
            context.set_default_timeout(timeout_ms)
            page = context.pages[0] if context.pages else context.new_page()
            harness = PageHarness(page=page, url=own_url)

            def route(r: Any) -> None:
                url = r.request.url
                if url.split("#", 1)[0] == own_url or url.startswith(_ALLOWED_SCHEMES):
                    r.continue_()
                else:
                    harness.requests.append(url)
                    r.abort("blockedbyclient")

            def websocket(ws: Any) -> None:
                harness.requests.append(ws.url)
                ws.close()

            def dialog(d: Any) -> None:
                harness.dialogs.append(d.message)
                d.dismiss()

            context.route(lambda _url: True, route)
            context.route_web_socket(lambda _url: True, websocket)
            page.on("console", lambda m: harness.console.append(ConsoleMessage(m.type, m.text)))
            page.on("dialog", dialog)
            page.on("pageerror", lambda e: harness.errors.append(str(e)))

            page.goto(own_url, wait_until=wait_until)
            yield harness
        finally:
            context.close()
