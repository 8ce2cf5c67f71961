"""The offline Chromium harness in tests/browser.py: blocking, dialogs, evaluate, screenshots."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from browser import open_page

pytestmark = pytest.mark.browser


def _write(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}"
                    "</body></html>", encoding="utf-8")
    return path


class _Canary:
    """A local TCP listener that counts connections: proof that nothing left the browser."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def test_external_requests_are_blocked_and_recorded(tmp_path):
    canary = _Canary()
    local = f"http://127.0.0.1:{canary.port}"
    html = _write(tmp_path, f"""
        <img src="https://example.org/x.png">
        <img src="{local}/tile.png">
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        <script>
          window.done = Promise.allSettled([
            fetch('https://example.org/api'),
            fetch('{local}/api'),
            new Promise(r => {{ const ws = new WebSocket('ws://127.0.0.1:{canary.port}/ws');
                                ws.onclose = ws.onerror = r; }}),
          ]).then(rs => rs.map(r => r.status));
        </script>""")
    try:
        with open_page(html) as p:
            statuses = p.evaluate("window.done")
            p.settle()
    finally:
        canary.close()
    assert statuses[:2] == ["rejected", "rejected"]  # both fetches failed
    assert {
        "https://example.org/x.png", "https://example.org/api",
        f"{local}/tile.png", f"{local}/api", f"ws://127.0.0.1:{canary.port}/ws",
    } == set(p.requests)
    assert canary.connections == 0
    assert p.errors == []


def test_alert_is_recorded_and_dismissed(tmp_path):
    html = _write(tmp_path, """<script>
        alert('boom');
        window.answer = confirm('sure?');
        window.reply = prompt('name?', 'x');
        console.log('after dialogs');
    </script>""")
    with open_page(html, wait_until="load") as p:
        assert p.dialogs == ["boom", "sure?", "name?"]
        assert p.evaluate("[window.answer, window.reply]") == [False, None]  # dismissed
        assert ("log", "after dialogs") in p.console


def test_page_errors_and_console_are_captured(tmp_path):
    html = _write(tmp_path, """<script>
        console.warn('careful');
        setTimeout(() => { throw new Error('kaput'); }, 0);
    </script>""")
    with open_page(html, wait_until="load") as p:
        p.settle()
        assert any("kaput" in e for e in p.errors)
        assert ("warning", "careful") in p.console
        assert p.requests == []


def test_self_contained_page_renders_and_evaluates(tmp_path):
    html = _write(tmp_path, """
        <div id="map" style="width:300px;height:200px;background:#3a7">Hello map</div>
        <script>document.getElementById('map').dataset.ready = 'yes';</script>""")
    with open_page(html, wait_until="load") as p:
        assert p.evaluate("document.getElementById('map').textContent") == "Hello map"
        assert p.evaluate("document.getElementById('map').dataset.ready") == "yes"
        box = p.evaluate("JSON.stringify(document.getElementById('map').getBoundingClientRect())")
        assert '"width":300' in box and '"height":200' in box
        assert p.requests == [] and p.errors == [] and p.dialogs == []
        assert p.console_errors() == []


def test_screenshot_writes_a_png(tmp_path):
    html = _write(tmp_path, '<div style="width:200px;height:100px;background:red"></div>')
    with open_page(html, wait_until="load", viewport=(320, 240)) as p:
        out = p.screenshot(tmp_path / "shot.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 320  # IHDR width
    assert int.from_bytes(data[20:24], "big") == 240  # IHDR height
