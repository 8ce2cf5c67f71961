"""Report of event clustering on the project's event evaluation set.

    python benchmarks/report_events.py [DIR] [-v]

DIR (default ``tests/data/events``) holds ``reports.jsonl`` (news reports, each with the true
events it tells) and ``truth.jsonl`` (the real incidents). Every report's incidents are
extracted and clustered into events; printed: pairwise precision/recall and B-cubed F1 over the
incidents matched to a true event (goal ≥ .90 each). ``-v`` lists merged and split events.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "events"


def load(directory: Path) -> tuple[list[dict], dict[str, dict]]:
    def rows(name):
        with open(directory / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    truth = {row["event"]: row for row in rows("truth.jsonl")}
    return rows("reports.jsonl"), truth


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [Path(a) for a in argv if not a.startswith("-")]
    directory = paths[0] if paths else DATA
    if not (directory / "reports.jsonl").is_file():
        print(f"{directory}/reports.jsonl not found, skipped")
        return 0
    from geoincidents.evaluate import score_events
    from geoincidents.incidents import IncidentExtractor

    reports, truth = load(directory)
    t0 = time.perf_counter()
    score = score_events(reports, truth, IncidentExtractor())
    print(f"events ({directory}): {time.perf_counter() - t0:.1f} s")
    print("  " + score.summary())
    if verbose:
        for line in score.failures:
            print("    " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
