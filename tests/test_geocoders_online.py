"""Online geocoders through geopy's real adapters, against an HTTP stub on 127.0.0.1.

The stub speaks Nominatim's ``/search`` JSON and Photon's ``/api`` GeoJSON; each test scripts
failures (500, 429, slow, garbage) and reads back the requests it got. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from geoincidents.errors import GeocoderError, GeoIncidentsError, InputError
from geoincidents.geocoders import get_geocoder
from geoincidents.geocoders.online import CACHE_FILENAME

UA = "geoincidents-tests"

NOMINATIM = {
    "Rzeszow": [{
        "place_id": 1, "osm_type": "relation", "osm_id": 2, "lat": "50.0374531",
        "lon": "22.0047174", "display_name": "Rzeszów, Podkarpackie Voivodeship, Poland",
        "class": "boundary", "type": "administrative", "importance": 0.6,
        "address": {"city": "Rzeszów", "country": "Poland", "country_code": "pl"},
    }],
}

PHOTON = {
    "Narva": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [28.19, 59.38]},
         "properties": {"name": "Narva", "country": "Russia", "countrycode": "RU"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [28.1903, 59.3772]},
         "properties": {"name": "Narva", "country": "Estonia", "countrycode": "EE"}},
    ],
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        stub: Stub = self.server.stub  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        stub.requests.append({"t": time.monotonic(), "path": url.path, "params": params,
                              "user_agent": self.headers.get("User-Agent")})
        if stub.script:
            status, body, headers, delay = stub.script.pop(0)
        elif url.path == "/search":
            status, body, headers, delay = 200, NOMINATIM.get(params.get("q"), []), {}, 0
        elif url.path == "/api":
            features = PHOTON.get(params.get("q"), [])[: int(params.get("limit", 100))]
            body = {"type": "FeatureCollection", "features": features}
            status, headers, delay = 200, {}, 0
        else:
            status, body, headers, delay = 404, {"error": "no such path"}, {}, 0
        time.sleep(delay)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


class Stub:
    """A threaded HTTP server on an ephemeral port; ``script`` holds canned (status, body,
    headers, delay) answers served before the default ones."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: list[tuple[int, object, dict, float]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.stub = self  # type: ignore[attr-defined]
        self.domain = f"127.0.0.1:{self.server.server_address[1]}"
        # A short poll interval keeps shutdown() (each teardown) quick.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    server = Stub()
    yield server
    server.close()


def _geocoder(stub: Stub, name: str, tmp_path, **kw):
    kw.setdefault("min_delay_seconds", 0.0)
    kw.setdefault("error_wait_seconds", 0.05)
    kw.setdefault("user_agent", UA)
    # proxies={}: never route the stub's traffic through a proxy from the environment.
    return get_geocoder(name, domain=stub.domain, scheme="http", cache_dir=tmp_path,
                        proxies={}, **kw)


def _cache_rows(tmp_path) -> int:
    import sqlite3

    path = tmp_path / CACHE_FILENAME
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM answers").fetchone()[0]


def test_nominatim_hit_parsed_and_cached(stub, tmp_path):
    geo = _geocoder(stub, "nominatim", tmp_path)
    loc = geo.geocode("Rzeszow", country_codes=["PL"])
    assert loc is not None
    assert (loc.latitude, loc.longitude) == pytest.approx((50.0374531, 22.0047174))
    assert loc.raw["address"]["country_code"] == "pl"
    assert loc.address.startswith("Rzeszów")
    assert len(stub.requests) == 1
    request = stub.requests[0]
    assert request["path"] == "/search"
    assert request["params"]["q"] == "Rzeszow"
    assert request["params"]["countrycodes"] == "pl"
    assert request["user_agent"] == UA

    # Same question, new geocoder object (a later run): answered from disk, not the stub.
    again = _geocoder(stub, "nominatim", tmp_path).geocode("Rzeszow", country_codes=["pl"])
    assert len(stub.requests) == 1
    assert (again.latitude, again.longitude, again.raw) == (loc.latitude, loc.longitude, loc.raw)
    assert again.address == loc.address

    # A different key (language) is a different question.
    geo.geocode("Rzeszow", country_codes=["pl"], language="pl")
    assert len(stub.requests) == 2


def test_no_result_is_cached(stub, tmp_path):
    geo = _geocoder(stub, "nominatim", tmp_path)
    assert geo.geocode("Nowhere-on-earth") is None
    assert geo.geocode("Nowhere-on-earth") is None
    assert len(stub.requests) == 1
    assert _cache_rows(tmp_path) == 1


def test_photon_country_filter_applied_to_raw(stub, tmp_path):
    geo = _geocoder(stub, "photon", tmp_path)
    loc = geo.geocode("Narva", country_codes=["ee"])
    assert loc.raw["properties"]["countrycode"] == "EE"
    assert (loc.latitude, loc.longitude) == pytest.approx((59.3772, 28.1903))
    assert stub.requests[0]["path"] == "/api"
    assert int(stub.requests[0]["params"]["limit"]) > 1
    assert geo.geocode("Narva", country_codes=["lv"]) is None
    both = geo.geocode("Narva", exactly_one=False)
    assert [r.raw["properties"]["countrycode"] for r in both] == ["RU", "EE"]


def test_server_error_then_success_is_retried(stub, tmp_path):
    stub.script.append((500, {"error": "boom"}, {}, 0))
    loc = _geocoder(stub, "nominatim", tmp_path).geocode("Rzeszow")
    assert loc.latitude == pytest.approx(50.0374531)
    assert len(stub.requests) == 2


def test_429_retry_after_is_honoured(stub, tmp_path):
    stub.script.append((429, {"error": "slow down"}, {"Retry-After": "1"}, 0))
    loc = _geocoder(stub, "photon", tmp_path).geocode("Narva")
    assert loc is not None
    assert len(stub.requests) == 2
    assert stub.requests[1]["t"] - stub.requests[0]["t"] >= 0.95


def test_429_asking_too_long_a_wait_fails_without_retrying(stub, tmp_path):
    # Regression: urllib3's retries under geopy's RequestsAdapter used to sleep out any
    # Retry-After by themselves (here a day); run in a thread so a regression fails, not hangs.
    stub.script.append((429, {"error": "come back tomorrow"}, {"Retry-After": "86400"}, 0))
    geo = _geocoder(stub, "photon", tmp_path)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            geo.geocode("Narva")
        except GeocoderError as err:
            outcome.append(err)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "the geocoder slept out a 24 h Retry-After"
    assert len(outcome) == 1
    assert "photon geocoder failed for 'Narva'" in str(outcome[0])
    assert "Retry-After 86400" in str(outcome[0])
    assert len(stub.requests) == 1
    assert _cache_rows(tmp_path) == 0


def test_timeout_raises_and_caches_nothing(stub, tmp_path):
    stub.script.extend([(200, [], {}, 1.0)] * 3)
    geo = _geocoder(stub, "nominatim", tmp_path, timeout=0.5)
    with pytest.raises(GeocoderError) as info:
        geo.geocode("Rzeszow")
    message = str(info.value)
    assert "nominatim" in message and "'Rzeszow'" in message and "\n" not in message
    assert isinstance(info.value, GeoIncidentsError) and isinstance(info.value, RuntimeError)
    assert len(stub.requests) == 3  # first try + max_retries=2
    assert _cache_rows(tmp_path) == 0
    # The failure was not remembered: the next call asks again and gets the answer.
    assert geo.geocode("Rzeszow") is not None
    assert len(stub.requests) == 4


def test_garbage_json_raises_and_caches_nothing(stub, tmp_path):
    stub.script.extend([(200, b"<html>not json\n</html>", {}, 0)] * 3)
    with pytest.raises(GeocoderError, match=r"^nominatim geocoder failed for 'Rzeszow': [^\n]*$"):
        _geocoder(stub, "nominatim", tmp_path).geocode("Rzeszow")
    assert len(stub.requests) == 3
    assert _cache_rows(tmp_path) == 0


def test_uncached_queries_are_spaced_by_min_delay(stub, tmp_path):
    geo = _geocoder(stub, "nominatim", tmp_path, min_delay_seconds=0.3, error_wait_seconds=0.3)
    geo.geocode("Rzeszow")
    geo.geocode("Nowhere-on-earth")
    geo.geocode("Rzeszow")  # cached: no request, no wait
    assert len(stub.requests) == 2
    assert stub.requests[1]["t"] - stub.requests[0]["t"] >= 0.28


def test_unknown_geocoder_name_lists_the_valid_ones():
    with pytest.raises(InputError, match="nominatim.*photon"):
        get_geocoder("mapquestt")


def test_nominatim_needs_a_user_agent(tmp_path):
    with pytest.raises(InputError, match="--user-agent"):
        get_geocoder("nominatim", cache_dir=tmp_path)


def test_geonames_needs_a_username(tmp_path):
    with pytest.raises(InputError, match="username"):
        get_geocoder("geonames", cache_dir=tmp_path)


def test_default_cache_dir_follows_environment(monkeypatch, tmp_path):
    from geoincidents.geocoders.online import default_cache_dir

    monkeypatch.delenv("GEOINCIDENTS_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "geoincidents"
    monkeypatch.setenv("GEOINCIDENTS_CACHE", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
