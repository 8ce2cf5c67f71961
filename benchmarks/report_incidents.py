"""Report of the incident extractor on the project's evaluation set.

    python benchmarks/report_incidents.py [tests/data/incidents/cases.jsonl] [-v]

Prints incident recall/precision, country and NATO-at-date accuracy, date accuracy and the
location error; ``-v`` lists every miss. The held-out set is reported separately by passing
``tests/data/incidents/heldout.jsonl``; it is not used for development.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "incidents" / "cases.jsonl"


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    path = Path(paths[0]) if paths else DEFAULT

    from geoincidents.evaluate import load_cases, score_cases
    from geoincidents.incidents import IncidentExtractor

    cases = load_cases(path)
    t0 = time.perf_counter()
    score = score_cases(cases, IncidentExtractor())
    print(f"{len(cases)} cases in {time.perf_counter() - t0:.1f} s")
    print(score.summary())
    if verbose:
        for line in score.failures:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
