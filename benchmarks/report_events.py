"""Report of event clustering on the project's event evaluation sets.

    python benchmarks/report_events.py [DIR ...] [-v] [--held-out-failures]

Without DIR: the development set (``tests/data/events``, used while building the clustering)
and the held-out sets (``tests/data/events_heldout``, ``..._heldout2``, ``..._heldout3``, written
apart and kept out of the development loop: only their figures are printed, not their misses,
unless ``--held-out-failures``; each set's README says how it has been used so far. All
eight have been measured once and then used: the next final measurement needs a new set,
written apart (``tests/data/events_heldout9``); pass its path to measure it, once, and
record that in its README). A DIR
holds ``reports.jsonl`` (news reports, each with the true events it tells) and ``truth.jsonl``
(the real incidents). Every report's incidents are
extracted and clustered into events; printed: pairwise precision/recall and B-cubed F1 over the
incidents matched to a true event (goal ≥ .90 each). ``-v`` lists merged and split events.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "events"
HELD_OUT = tuple(DATA.parent / f"events_heldout{n}"
                 for n in ("", "2", "3", "4", "5", "6", "7", "8"))


def load(directory: Path) -> tuple[list[dict], dict[str, dict]]:
    def rows(name):
        with open(directory / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    truth = {row["event"]: row for row in rows("truth.jsonl")}
    return rows("reports.jsonl"), truth


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    show_held_out = "--held-out-failures" in argv
    paths = [Path(a) for a in argv if not a.startswith("-")]
    sets = [(p, verbose) for p in paths] if paths else \
        [(DATA, verbose), *((d, verbose and show_held_out) for d in HELD_OUT)]
    from geoincidents.evaluate import score_events
    from geoincidents.incidents import IncidentExtractor

    extractor = IncidentExtractor()
    for directory, failures in sets:
        if not (directory / "reports.jsonl").is_file():
            print(f"{directory}/reports.jsonl not found, skipped")
            continue
        reports, truth = load(directory)
        t0 = time.perf_counter()
        score = score_events(reports, truth, extractor)
        print(f"events ({directory}): {time.perf_counter() - t0:.1f} s")
        print("  " + score.summary())
        if failures:
            for line in score.failures:
                print("    " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
