"""`geoincidents check --points` on a large CSV: points/s and peak memory (streamed in batches).

    python benchmarks/bench_points.py [--points 10000000] [--no-distances-note]

Writes N random points over Europe (fixed seed) to a temporary CSV, runs
``geoincidents check --points FILE`` with output to /dev/null, and prints the wall time,
points/s and the peak RSS of the process (memory stays flat: the CSV is read in batches).
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
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "points.csv"
        with csv.open("w") as fh:
            fh.write("id,lat,lon\n")
            for start in range(0, args.points, 1_000_000):
                n = min(1_000_000, args.points - start)
                lat, lon = rng.uniform(34, 72, n), rng.uniform(-25, 45, n)
                fh.write("".join(f"{start + i},{a:.5f},{b:.5f}\n"
                                 for i, (a, b) in enumerate(zip(lat, lon))))
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "geoincidents",
                              "check", "--points", str(csv)], check=True, capture_output=True,
                             text=True).stdout
        wall = time.perf_counter() - t0
    peak_mb = int(out.strip().splitlines()[-1]) / 1024
    print(f"check --points, {args.points:,} points (with geodesic distances): {wall:.1f} s, "
          f"{args.points / wall:,.0f} points/s, peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
