"""``Airspace.track`` on a long track against ``Airspace.classify`` on the same fixes.

    python benchmarks/bench_track.py [--fixes 1000000]

A synthetic flight (fixed seed) wanders over the Baltic for N fixes one second apart (~250 m
apart, with some heading changes), so it crosses the Estonian, Finnish, Russian, Swedish and
Polish territorial seas and international waters. Prints the time of ``classify`` (states only,
``distances=False``), of ``track`` (states, crossings bisected to < 1 m, depths) and their ratio
(goal: at most 2x), best of 3 runs each. A first ``track`` run, printed too, also builds the
boundary index of each state passed through (for the depths), once per process, as the warm-up
builds ``classify``'s polygon pieces.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> int:
    from pyproj import Geod

    from geoincidents.airspace import Airspace

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.fixes
    # A random walk of headings at 250 m/s, bent back towards the Gulf of Finland's mouth.
    geod = Geod(ellps="WGS84")
    lat, lon = np.empty(n), np.empty(n)
    lat[0], lon[0], heading = 59.5, 23.0, 90.0
    step = 250.0
    chunk = 600  # a new heading every 10 minutes
    for s in range(0, n - 1, chunk):
        k = min(chunk, n - 1 - s)
        target = geod.inv(lon[s], lat[s], 22.5, 58.5)[0]
        heading = target + rng.normal(0, 70)
        lons, lats, _ = geod.fwd(np.full(k, lon[s]), np.full(k, lat[s]), np.full(k, heading),
                                 step * np.arange(1, k + 1))
        lat[s + 1:s + 1 + k], lon[s + 1:s + 1 + k] = lats, lons
    times = np.datetime64("2024-05-01T00:00:00") + np.arange(n).astype("timedelta64[s]")
    airspace = Airspace.default()
    airspace.classify(lat[:10], lon[:10], distances=False)  # load the borders
    airspace.classify(lat[:5000], lon[:5000], distances=False)  # build the piece grid

    t = time.perf_counter()
    stretches = airspace.track(lat, lon, times)
    t_cold = time.perf_counter() - t  # includes building each state's boundary index once
    t_classify, t_track = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = airspace.classify(lat, lon, distances=False)
        t_classify.append(time.perf_counter() - t)
        t = time.perf_counter()
        stretches = airspace.track(lat, lon, times)
        t_track.append(time.perf_counter() - t)
    t_classify, t_track = min(t_classify), min(t_track)
    states = sorted({s.country_iso3 or "-" for s in stretches})
    inside = int(np.sum(res.country_iso3 != None))  # noqa: E711 (elementwise)
    print(f"{n:,} fixes, {len(stretches)} stretches ({', '.join(states)}), {inside:,} fixes "
          f"inside a state: classify {t_classify:.2f} s, track {t_track:.2f} s "
          f"(first run {t_cold:.2f} s, building the states' boundary indexes), "
          f"ratio {t_track / t_classify:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
