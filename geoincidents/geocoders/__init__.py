"""Geocoders looked up by name: ``get_geocoder("nominatim", user_agent=...)``.

Every geocoder is a geopy ``Geocoder`` wrapped in a :class:`~.online.CachingGeocoder`, so callers
use one ``geocode(query, exactly_one=..., country_codes=...)`` call whichever answers. geopy is
imported only when a geocoder is asked for, so importing this package stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoincidents import __version__
from geoincidents.errors import InputError

if TYPE_CHECKING:
    from geoincidents.geocoders.online import CachingGeocoder

__all__ = ["GEOCODER_NAMES", "get_geocoder"]

# name -> (geopy class in geopy.geocoders, options the user must give)
_ONLINE: dict[str, tuple[str, tuple[str, ...]]] = {
    "arcgis": ("ArcGIS", ()),
    "geonames": ("GeoNames", ("username",)),
    "nominatim": ("Nominatim", ()),
    "opencage": ("OpenCage", ("api_key",)),
    "pelias": ("Pelias", ("domain",)),
    "photon": ("Photon", ()),
}

GEOCODER_NAMES: tuple[str, ...] = tuple(sorted([*_ONLINE, "offline"]))


def get_geocoder(name: str, *, user_agent: str | None = None, cache_dir: Path | None = None,
                 min_delay_seconds: float = 1.0, timeout: float = 10.0,
                 domain: str | None = None, scheme: str | None = None,
                 error_wait_seconds: float | None = None, max_retry_after: float = 60.0,
                 **options: Any) -> CachingGeocoder:
    """The geocoder called ``name``, rate limited and cached (see :class:`CachingGeocoder`).

    ``options`` go to the geopy constructor (``username`` for geonames, ``api_key`` for opencage,
    ``proxies``...) or, for ``"offline"``, to the offline gazetteer geocoder. ``domain`` and
    ``scheme`` point a backend at another server (a self-hosted Nominatim, a test stub).
    Unknown names and missing settings raise :class:`~geoincidents.errors.InputError`.
    """
    from geoincidents.geocoders.online import CachingGeocoder, adapter_factory

    key = name.strip().lower()
    if key == "offline":
        # Local lookups need neither a polite delay nor a disk cache.
        from geoincidents.geocoders.offline import OfflineGeocoder

        return CachingGeocoder(OfflineGeocoder(**options), name="offline", use_cache=False,
                               min_delay_seconds=0.0, error_wait_seconds=0.0)
    if key not in _ONLINE:
        raise InputError(f"unknown geocoder {name!r} (choose from: {', '.join(GEOCODER_NAMES)})")

    if key == "nominatim" and not user_agent:
        raise InputError("the nominatim geocoder needs a user agent naming your application "
                         "(--user-agent), per Nominatim's usage policy")
    class_name, required = _ONLINE[key]
    if domain is not None:
        options["domain"] = domain
    if scheme is not None:
        options["scheme"] = scheme
    missing = [opt for opt in required if not options.get(opt)]
    if missing:
        raise InputError(f"the {key} geocoder needs the {', '.join(missing)} option")

    import geopy.geocoders
    from geopy.exc import ConfigurationError

    cls = getattr(geopy.geocoders, class_name)
    if "adapter_factory" not in options:
        factory = adapter_factory()
        if factory is not None:
            options["adapter_factory"] = factory
    try:
        backend = cls(user_agent=user_agent or f"geoincidents/{__version__}", timeout=timeout,
                      **options)
    except (ConfigurationError, TypeError) as err:
        # TypeError: an option this backend does not take, typed by the user.
        raise InputError(f"cannot set up the {key} geocoder: {err}") from err
    return CachingGeocoder(backend, name=key, cache_dir=cache_dir,
                           min_delay_seconds=min_delay_seconds,
                           error_wait_seconds=error_wait_seconds, max_retry_after=max_retry_after)
