"""Online geocoding: a geopy geocoder behind a rate limiter and an on-disk answer cache.

:class:`CachingGeocoder` wraps any ``geopy.geocoders.base.Geocoder``. A lookup goes
cache -> :class:`geopy.extra.rate_limiter.RateLimiter` -> backend. Answers ("no result" included)
are cached in a small SQLite file; failures never are, so a flaky service is asked again next run.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeopyError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geoincidents.errors import GeocoderError, InputError

__all__ = ["CachingGeocoder", "adapter_factory", "default_cache_dir"]

logger = logging.getLogger(__name__)

CACHE_FILENAME = "geocode-cache.sqlite"

# Backends whose country filter is not called ``country_codes`` in geopy.
_COUNTRY_KWARG = {"geonames": "country", "opencage": "country", "pelias": "countries"}
# How many candidates to ask for when the country filter has to be applied on our side.
_CLIENT_FILTER_LIMIT = 20

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    geocoder TEXT NOT NULL,
    domain TEXT NOT NULL,
    query TEXT NOT NULL,
    exactly_one INTEGER NOT NULL,
    country_codes TEXT NOT NULL,
    language TEXT NOT NULL,
    result TEXT NOT NULL,
    stored_at REAL NOT NULL,
    PRIMARY KEY (geocoder, domain, query, exactly_one, country_codes, language)
)
"""

_MISS = object()


def default_cache_dir() -> Path:
    """Where answers are cached: ``$GEOINCIDENTS_CACHE`` if set, else
    ``$XDG_CACHE_HOME/geoincidents``, else ``~/.cache/geoincidents``."""
    if os.environ.get("GEOINCIDENTS_CACHE"):
        return Path(os.environ["GEOINCIDENTS_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "geoincidents"


def adapter_factory() -> Callable[..., Any] | None:
    """geopy's default HTTP adapter, minus urllib3's own handling of ``Retry-After``.

    geopy's ``RequestsAdapter`` mounts ``urllib3`` retries that sleep for whatever ``Retry-After``
    a 429/503 names, unbounded and invisibly (a day, if the server says so). Retries and
    ``Retry-After`` are handled by :class:`CachingGeocoder` instead; connection errors still get
    urllib3's quick retries. ``None`` means geopy's default is something else: leave it alone.
    """
    import geopy.geocoders
    from geopy.adapters import RequestsAdapter

    if geopy.geocoders.options.default_adapter_factory is not RequestsAdapter:
        return None
    from urllib3.util.retry import Retry

    retry = Retry(total=2, read=False, respect_retry_after_header=False)
    return functools.partial(RequestsAdapter, max_retries=retry)


class _NoRetry(Exception):
    """Carries a geopy error that retrying cannot fix past the RateLimiter (it retries only
    ``GeocoderServiceError``)."""

    def __init__(self, error: GeopyError) -> None:
        super().__init__(str(error))
        self.error = error


class CachingGeocoder:
    """A geopy geocoder with rate limiting, bounded retries and an on-disk cache.

    ``geocode()`` returns what geopy returns (a :class:`~geopy.location.Location`, a list of them,
    or ``None``) with ``.raw`` kept; a failure after retries raises
    :class:`~geoincidents.errors.GeocoderError`.
    """

    def __init__(self, geocoder: Geocoder, *, name: str, cache_dir: Path | None = None,
                 use_cache: bool = True, min_delay_seconds: float = 1.0,
                 error_wait_seconds: float | None = None, max_retries: int = 2,
                 max_retry_after: float = 60.0) -> None:
        if min_delay_seconds < 0 or max_retries < 0 or max_retry_after < 0:
            raise InputError("min_delay_seconds, max_retries and max_retry_after must be >= 0")
        self.geocoder = geocoder
        self.name = name
        # Part of the cache key: a self-hosted server's answers are not the public one's. Some
        # geopy backends (GeoNames) keep only the full URL.
        self.domain: str = str(getattr(geocoder, "domain", "") or "") or urlsplit(
            str(getattr(geocoder, "api", "") or "")).netloc
        self.cache_path: Path | None = (
            (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / CACHE_FILENAME
            if use_cache else None
        )
        self.max_retry_after = max_retry_after
        if error_wait_seconds is None:
            error_wait_seconds = max(min_delay_seconds, 2.0)
        # RateLimiter insists on error_wait_seconds >= min_delay_seconds.
        self.error_wait_seconds = max(error_wait_seconds, min_delay_seconds)
        self._limited: Callable[..., Any] = RateLimiter(
            self._call_backend, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
            error_wait_seconds=self.error_wait_seconds, swallow_exceptions=False,
        )
        # Earliest monotonic time of the next request after a 429 with Retry-After.
        self._not_before = 0.0
        self._lock = threading.Lock()
        self._accepts = set(inspect.signature(geocoder.geocode).parameters)

    def __repr__(self) -> str:
        return f"CachingGeocoder(name={self.name!r}, domain={self.domain!r})"

    # -- public -------------------------------------------------------------------------------

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: list[str] | None = None,
                language: str = "en") -> Location | list[Location] | None:
        """Geocode ``query``; ``country_codes`` (ISO 3166-1 alpha-2) restricts the answers.

        Served from the cache when the same question was answered before, else asked online.
        """
        codes = sorted({c.strip().lower() for c in country_codes or [] if c.strip()})
        key = (self.name, self.domain, query, int(bool(exactly_one)), ",".join(codes), language)
        cached = self._cache_get(key)
        if cached is not _MISS:
            logger.debug("%s: cache hit for %r", self.name, query)
            return cached
        result = self._ask(query, exactly_one=exactly_one, codes=codes, language=language)
        self._cache_put(key, result)
        return result

    # -- asking the backend ---------------------------------------------------------------------

    def _ask(self, query: str, *, exactly_one: bool, codes: list[str],
             language: str) -> Location | list[Location] | None:
        kwargs: dict[str, Any] = {"exactly_one": exactly_one}
        if "language" in self._accepts:
            kwargs["language"] = language
        client_filter = False
        if codes:
            param = _COUNTRY_KWARG.get(self.name, "country_codes")
            if param in self._accepts:
                kwargs[param] = codes
            else:
                # No server-side filter (Photon, ArcGIS): fetch several candidates and keep those
                # whose raw answer names an accepted country.
                client_filter = True
                kwargs["exactly_one"] = False
                if "limit" in self._accepts:
                    kwargs["limit"] = _CLIENT_FILTER_LIMIT
        try:
            result = self._limited(query, **kwargs)
        except _NoRetry as wrapped:
            raise self._failure(query, wrapped.error) from wrapped.error
        except GeopyError as err:
            raise self._failure(query, err) from err
        if not client_filter or result is None:
            return result
        kept = [loc for loc in _as_list(result) if _country_ok(loc.raw, codes)]
        if not kept:
            return None
        return kept[0] if exactly_one else kept

    def _call_backend(self, query: str, **kwargs: Any) -> Any:
        """One request; the RateLimiter around it spaces calls and retries service errors."""
        with self._lock:
            wait = self._not_before - time.monotonic()
        if wait > 0:
            # The server asked (Retry-After) for more quiet than error_wait_seconds gave it.
            time.sleep(wait)
        try:
            return self.geocoder.geocode(query, **kwargs)
        except GeocoderRateLimited as err:
            if err.retry_after is not None:
                if err.retry_after > self.max_retry_after:
                    raise _NoRetry(err) from err
                with self._lock:
                    self._not_before = max(self._not_before,
                                           time.monotonic() + err.retry_after)
            raise
        except (GeocoderQueryError, GeocoderAuthenticationFailure,
                GeocoderInsufficientPrivileges) as err:
            raise _NoRetry(err) from err
        except GeocoderQuotaExceeded as err:  # 402 etc.: a quota does not refill in seconds
            raise _NoRetry(err) from err

    def _failure(self, query: str, err: GeopyError) -> GeocoderError:
        # geopy's messages can hold a whole response body; keep the first line, shortened.
        lines = str(err).strip().splitlines()
        detail = lines[0] if lines else type(err).__name__
        if len(detail) > 160:
            detail = detail[:157] + "..."
        if isinstance(err, GeocoderRateLimited) and err.retry_after is not None:
            detail += f" (Retry-After {err.retry_after} s)"
        return GeocoderError(f"{self.name} geocoder failed for {query!r}: {detail}")

    # -- cache ----------------------------------------------------------------------------------

    def _cache_get(self, key: tuple) -> Any:
        if self.cache_path is None:
            return _MISS
        try:
            with _connect(self.cache_path) as conn:
                row = conn.execute(
                    "SELECT result FROM answers WHERE geocoder=? AND domain=? AND query=?"
                    " AND exactly_one=? AND country_codes=? AND language=?", key).fetchone()
            return _MISS if row is None else _decode(json.loads(row[0]))
        except (sqlite3.Error, OSError, ValueError, KeyError, TypeError) as err:
            # The cache only saves requests; a broken one must not stop geocoding.
            logger.warning("geocoder cache %s unreadable (%s); asking online", self.cache_path, err)
            return _MISS

    def _cache_put(self, key: tuple, result: Location | list[Location] | None) -> None:
        if self.cache_path is None:
            return
        try:
            payload = json.dumps(_encode(result), ensure_ascii=False)
            with _connect(self.cache_path) as conn, conn:
                conn.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (*key, payload, time.time()))
        except (sqlite3.Error, OSError, TypeError, ValueError) as err:
            logger.warning("could not write geocoder cache %s: %s", self.cache_path, err)


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    # One short-lived connection per lookup: cheap next to an HTTP request, and safe across
    # threads and concurrent processes sharing the cache file.
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute(_SCHEMA)
        yield conn
    finally:
        conn.close()


def _as_list(result: Location | list[Location]) -> list[Location]:
    return result if isinstance(result, list) else [result]


def _raw_country_code(raw: Any) -> str | None:
    """The ISO alpha-2 country code in a backend's raw answer, where the backend gives one."""
    if not isinstance(raw, dict):
        return None
    candidates = [raw.get("countryCode"), raw.get("country_code")]
    for section in ("properties", "address", "components"):
        sub = raw.get(section)
        if isinstance(sub, dict):
            candidates += [sub.get("countrycode"), sub.get("country_code")]
    for code in candidates:
        if isinstance(code, str) and len(code) == 2:
            return code.lower()
    return None


def _country_ok(raw: Any, codes: list[str]) -> bool:
    code = _raw_country_code(raw)
    # An answer that does not say its country cannot be ruled out.
    return code is None or code in codes


def _encode(result: Location | list[Location] | None) -> Any:
    if result is None:
        return None
    if isinstance(result, list):
        return [_encode(loc) for loc in result]
    return {"address": result.address, "latitude": result.latitude,
            "longitude": result.longitude, "raw": result.raw}


def _decode(data: Any) -> Location | list[Location] | None:
    if data is None:
        return None
    if isinstance(data, list):
        return [_decode(item) for item in data]
    return Location(data["address"], (data["latitude"], data["longitude"]), data["raw"])
