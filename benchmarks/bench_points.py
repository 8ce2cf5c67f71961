"""`geoincidents check --points` on a large CSV or GeoJSON: points/s and peak memory.

    python benchmarks/bench_points.py [--points 10000000] [--geojson]

Writes N random points over Europe (fixed seed) to a temporary CSV (or, with ``--geojson``, a
FeatureCollection: the size the bad-input suite once ran, 1,000,000 points, lives here now),
runs ``geoincidents check --points FILE`` with output to /dev/null, and prints the wall time,
points/s and the peak RSS of the process (a CSV is read in batches: memory stays flat).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
         "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
         ".ru_maxrss)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--geojson", action="store_true",
                        help="a GeoJSON FeatureCollection instead of a CSV")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / ("points.geojson" if args.geojson else "points.csv")
        feature = ('{"type":"Feature","geometry":{"type":"Point","coordinates":[%.5f,%.5f]},'
                   '"properties":{"id":%d}}')
        with csv.open("w") as fh:
            fh.write('{"type":"FeatureCollection","features":[' if args.geojson
                     else "id,lat,lon\n")
            for start in range(0, args.points, 1_000_000):
                n = min(1_000_000, args.points - start)
                lat, lon = rng.uniform(34, 72, n), rng.uniform(-25, 45, n)
                if args.geojson:  # GeoJSON positions are [lon, lat]
                    fh.write(("," if start else "") + ",".join(
                        feature % (b, a, start + i) for i, (a, b) in enumerate(zip(lat, lon))))
                else:
                    fh.write("".join(f"{start + i},{a:.5f},{b:.5f}\n"
                                     for i, (a, b) in enumerate(zip(lat, lon))))
            if args.geojson:
                fh.write("]}\n")
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "geoincidents",
                              "check", "--points", str(csv)], check=True, capture_output=True,
                             text=True).stdout
        wall = time.perf_counter() - t0
    peak_mb = int(out.strip().splitlines()[-1]) / 1024
    kind = "GeoJSON" if args.geojson else "CSV"
    print(f"check --points, {kind} of {args.points:,} points (with geodesic distances): "
          f"{wall:.1f} s, "
          f"{args.points / wall:,.0f} points/s, peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
