"""Benchmark: the vectorized airspace classifier vs geopandas.sjoin on the same borders.

    python benchmarks/bench_airspace.py [--points 1000000] [--seed 42]

Draws random points over Europe (fixed seed), assigns each to the airspace features that cover it
with :meth:`Airspace.classify` (states only, no distances) and with
``geopandas.sjoin(points, airspace, predicate="within")``, asserts that both give the same
(point, feature) pairs, and prints both throughputs and the ratio. Then times the cold start of
``geoincidents check 52.23 21.01`` (a new process, median of 5).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

EUROPE = (-25.0, 34.0, 45.0, 72.0)  # lon_min, lat_min, lon_max, lat_max


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--distance-points", type=int, default=100_000)
    args = parser.parse_args()

    import geopandas as gpd
    import shapely

    from geoincidents.airspace import Airspace

    t0 = time.perf_counter()
    airspace = Airspace.default()
    t_load = time.perf_counter() - t0
    rng = np.random.default_rng(args.seed)
    lon = rng.uniform(EUROPE[0], EUROPE[2], args.points)
    lat = rng.uniform(EUROPE[1], EUROPE[3], args.points)

    # The first large call builds the subdivided index (once per process): time it apart.
    t0 = time.perf_counter()
    airspace.classify(lat, lon, distances=False)
    t_first = time.perf_counter() - t0

    t0 = time.perf_counter()
    res = airspace.classify(lat, lon, distances=False)
    t_ours = time.perf_counter() - t0
    pi, fi = airspace._hits(lat, lon)

    frame = gpd.GeoDataFrame(
        {"iso3": [f.iso3 for f in airspace.features]},
        geometry=[f.geometry for f in airspace.features], crs="EPSG:4326",
    )
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    t0 = time.perf_counter()
    joined = gpd.sjoin(points, frame, predicate="within", how="inner")
    t_sjoin = time.perf_counter() - t0

    ours = set(zip(pi.tolist(), [airspace.features[i].iso3 for i in fi]))
    theirs = set(zip(joined.index.tolist(), joined["iso3"].tolist()))
    if ours != theirs:
        diff = sorted(ours ^ theirs)[:10]
        print(f"MISMATCH: {len(ours ^ theirs)} (point, feature) pairs differ, e.g. {diff}")
        return 1
    inside = sum(c is not None for c in res.country_iso3)
    n = args.points
    geoms = np.array([f.geometry for f in airspace.features])
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    print(f"borders: {len(geoms)} features, {vertices:,} vertices; load {t_load:.2f} s; "
          f"first classify call incl. building the index {t_first:.2f} s")
    print(f"{n:,} random points over Europe (seed {args.seed}), {inside:,} inside a state's "
          f"airspace; identical (point, feature) pairs: {len(ours):,}")
    print(f"classify: {t_ours:.2f} s ({n / t_ours:,.0f} points/s)")
    print(f"sjoin:    {t_sjoin:.2f} s ({n / t_sjoin:,.0f} points/s)")
    print(f"ratio: {t_sjoin / t_ours:.1f}x faster than geopandas.sjoin")

    m = min(n, args.distance_points)
    t0 = time.perf_counter()
    airspace.classify(lat[:m], lon[:m])
    t_dist = time.perf_counter() - t0
    print(f"classify with geodesic distances, {m:,} points: {t_dist:.2f} s "
          f"({m / t_dist:,.0f} points/s, boundary indexes built on first use)")

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geoincidents", "check", "52.23", "21.01"],
                       check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
    print(f"cold `geoincidents check 52.23 21.01`: median {statistics.median(runs):.2f} s "
          f"(min {min(runs):.2f}, max {max(runs):.2f}) over 5 runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
