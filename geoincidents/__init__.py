"""geoincidents: airspace incidents in news text, geocoded and checked against NATO airspace.

The package imports nothing heavy at start-up; the stages load their collaborators when used.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("geoincidents")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
