"""Benchmark of ``events``: extraction speed, and clustering of a 100,000-document feed.

    python benchmarks/bench_events.py [--docs 100000] [--sample 200] [DIR]

1. Extraction: the reports of DIR (default ``tests/data/events``, else the incident cases)
   repeated to ``--sample`` documents, run through the extractor in batches (as ``events``
   does): documents per second.
2. Clustering: the sightings of those reports, copied to make a feed of ``--docs`` documents
   (each copy moved by whole weeks, so the feed spans years and blocking by date works as on a
   real feed), clustered with :func:`geoincidents.events.cluster_events`; its time, its peak
   Python memory (tracemalloc) and its share of a whole run at the measured extraction speed
   (goal: clustering ≤ 10 % of the run).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_texts(directory: Path) -> list[tuple[str, str, dt.date | None, str | None]]:
    path = directory / "reports.jsonl"
    if not path.is_file():
        path = ROOT / "tests" / "data" / "incidents" / "cases.jsonl"
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            day = dt.date.fromisoformat(row["published"]) if row.get("published") else None
            out.append((row["id"], row["text"], day, row.get("url")))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, default=ROOT / "tests" / "data" / "events")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args(argv)

    from geoincidents.events import cluster_events, sighting
    from geoincidents.incidents import IncidentExtractor

    texts = load_texts(args.dir)
    extractor = IncidentExtractor()
    extractor.extract("warm-up: drones over Poland.", None)
    sample = [texts[i % len(texts)] for i in range(args.sample)]
    t0 = time.perf_counter()
    reports = []
    for i in range(0, len(sample), 64):
        batch = sample[i:i + 64]
        reports += extractor.extract_many([(t, d, f"{doc}-{i + k}", None)
                                           for k, (doc, t, d, _) in enumerate(batch)])
    extract_s = time.perf_counter() - t0
    rate = len(sample) / extract_s
    print(f"extraction: {len(sample)} documents in {extract_s:.1f} s = {rate:.1f} docs/s")

    base = []
    for (doc, _text, day, url), report in zip(texts, reports[:len(texts)]):
        base.append([sighting(inc, doc, url, day) for inc in report.incidents])
    feed, n_docs, copy = [], 0, 0
    while n_docs < args.docs:
        shift = dt.timedelta(weeks=copy)
        for k, group in enumerate(base):
            if n_docs >= args.docs:
                break
            doc_id = f"c{copy}-{k}"
            for s in group:
                source = dataclasses.replace(
                    s.source, doc_id=doc_id,
                    published=s.source.published + shift if s.source.published else None)
                feed.append(dataclasses.replace(s, source=source,
                                                date=s.date + shift if s.date else None))
            n_docs += 1
        copy += 1
    tracemalloc.start()
    t0 = time.perf_counter()
    events = cluster_events(feed)
    cluster_s = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    whole = args.docs / rate + cluster_s
    print(f"clustering: {len(feed):,} incidents of {args.docs:,} documents -> {len(events):,} "
          f"events in {cluster_s:.1f} s ({len(feed) / cluster_s:,.0f} incidents/s), peak "
          f"{peak / 1e6:.0f} MB of Python memory")
    print(f"a {args.docs:,}-document run at {rate:.1f} docs/s: {whole / 3600:.2f} h, of which "
          f"clustering {100 * cluster_s / whole:.2f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
