"""Where the bundled reference data (``shapes/``) lives."""

from __future__ import annotations

import os
from pathlib import Path

from geoincidents.errors import DataError

ENV_SHAPES = "GEOINCIDENTS_SHAPES"


def shapes_dir() -> Path:
    """Return the directory holding ``airspace.gpkg`` and the CSV tables.

    ``$GEOINCIDENTS_SHAPES`` overrides it; in a source checkout it is the top-level ``shapes/``;
    in an installed package, the copy installed as ``geoincidents._shapes`` (see pyproject).
    """
    override = os.environ.get(ENV_SHAPES)
    checkout = Path(__file__).resolve().parent.parent / "shapes"
    if override:
        path = Path(override)
    elif (checkout / "airspace.gpkg").is_file():
        path = checkout
    else:
        from importlib.resources import files

        try:
            path = Path(str(files("geoincidents._shapes")))
        except ModuleNotFoundError as err:
            raise DataError(f"the bundled shapes are not installed ({err}); "
                            f"set ${ENV_SHAPES} or reinstall") from err
    if not (path / "airspace.gpkg").is_file():
        raise DataError(f"airspace borders not found in {path} (set ${ENV_SHAPES} or reinstall)")
    return path
