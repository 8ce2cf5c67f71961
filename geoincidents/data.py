"""Where the bundled reference data (``shapes/``) lives."""

from __future__ import annotations

import os
from pathlib import Path

from geoincidents.errors import DataError

ENV_SHAPES = "GEOINCIDENTS_SHAPES"


def shapes_dir() -> Path:
    """Return the directory holding ``airspace.gpkg`` and the CSV tables.

    ``$GEOINCIDENTS_SHAPES`` overrides it; otherwise the copy installed with the package is used
    (``shapes/`` of the source tree, mapped to ``geoincidents._shapes`` by pyproject).
    """
    override = os.environ.get(ENV_SHAPES)
    if override:
        path = Path(override)
    else:
        from importlib.resources import files

        path = Path(str(files("geoincidents._shapes")))
    if not (path / "airspace.gpkg").is_file():
        raise DataError(f"airspace borders not found in {path} (set ${ENV_SHAPES} or reinstall)")
    return path
