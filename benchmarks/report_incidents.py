"""Report of the incident extractor on the project's evaluation set, both halves.

    python benchmarks/report_incidents.py [FILE.jsonl ...] [-v] [--held-out-failures]

Without files: the development half (``tests/data/incidents/cases.jsonl``, used while building)
and the held-out half (``tests/data/incidents/heldout.jsonl``, kept out of the development
loop: only its figures are printed, not its misses, unless ``--held-out-failures``).

Per half: incident recall/precision; sovereign state and NATO-at-date accuracy (targets ≥ 95%);
for truths that are a site, village or city, the share within 50 km (≥ 85%) and 10 km (≥ 60%);
the share of truths inside the region the output states (≥ 90%) and the median region area.
``-v`` lists every miss of the development half.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "incidents"
HALVES = (("development", DATA / "cases.jsonl"), ("held-out", DATA / "heldout.jsonl"))
TARGETS = "targets: state >= .95, NATO >= .95, within 50 km >= .85, within 10 km >= .60, " \
          "inside region >= .90"


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    show_held_out = "--held-out-failures" in argv
    paths = [Path(a) for a in argv if not a.startswith("-")]
    halves = [(p.stem, p) for p in paths] if paths else list(HALVES)

    from geoincidents.evaluate import load_cases, score_cases
    from geoincidents.incidents import IncidentExtractor

    extractor = IncidentExtractor()
    print(TARGETS)
    for label, path in halves:
        if not path.is_file():
            print(f"{label}: {path} not found, skipped")
            continue
        cases = load_cases(path)
        t0 = time.perf_counter()
        score = score_cases(cases, extractor)
        print(f"{label} ({path.name}): {len(cases)} texts in {time.perf_counter() - t0:.1f} s")
        print("  " + score.summary())
        if verbose and (label != "held-out" or show_held_out):
            for line in score.failures:
                print("    " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
