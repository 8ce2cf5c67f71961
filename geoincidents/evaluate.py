"""Scoring the incident extractor against cases with expected answers.

A case is ``{"id", "published", "text", "incidents": [{"object", "actor_iso3", "date",
"country_iso3", "nato_member", "inside_nato_airspace", "lat", "lon", "max_error_km", "precision",
"truth_village_in_cities500"}], "distractors": [...], "notes"}`` (see
``tests/data/incidents/README.md``; ``cases.jsonl`` is the development set, ``heldout.jsonl`` the
held-out set).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from geoincidents.gazetteer import haversine_km


@dataclass(slots=True)
class Score:
    """Counts over all cases; the properties give the rates."""

    expected: int = 0
    predicted: int = 0
    matched: int = 0
    country_ok: int = 0
    nato_ok: int = 0
    date_ok: int = 0
    object_ok: int = 0
    distractor_sites: int = 0
    errors_km: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    def rate(self, count: int) -> float:
        return count / self.expected if self.expected else 1.0

    def summary(self) -> str:
        med = statistics.median(self.errors_km) if self.errors_km else float("nan")
        return (f"incidents: expected {self.expected}, predicted {self.predicted}, matched "
                f"{self.matched}; recall {self.recall:.3f} precision {self.precision:.3f}; "
                f"country {self.rate(self.country_ok):.3f}; NATO-at-date "
                f"{self.rate(self.nato_ok):.3f}; date {self.rate(self.date_ok):.3f}; object "
                f"{self.rate(self.object_ok):.3f}; location error median {med:.1f} km; "
                f"distractors reported as sites: {self.distractor_sites}")


def load_cases(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_cases(cases: list[dict], extractor) -> Score:
    """Run the extractor on every case and compare with the expected incidents."""
    score = Score()
    for case in cases:
        published = dt.date.fromisoformat(case["published"])
        report = extractor.extract(case["text"], published, case["id"])
        expected = case.get("incidents") or []
        predicted = list(report.incidents)
        score.expected += len(expected)
        score.predicted += len(predicted)
        for inc in predicted:
            name = inc.location.text if inc.location else None
            if name and any(name == d or name in d for d in case.get("distractors") or []):
                score.distractor_sites += 1
                score.failures.append(f"{case['id']}: distractor {name!r} reported as a site")
        for exp in expected:
            best = _match(exp, predicted)
            if best is None:
                score.failures.append(f"{case['id']}: missed {exp['object']} in "
                                      f"{exp['country_iso3']}")
                continue
            predicted.remove(best)
            score.matched += 1
            if best.country_iso3 == exp["country_iso3"]:
                score.country_ok += 1
            else:
                score.failures.append(f"{case['id']}: country {best.country_iso3} != "
                                      f"{exp['country_iso3']}")
            if best.inside_nato_airspace == exp["inside_nato_airspace"]:
                score.nato_ok += 1
            else:
                score.failures.append(f"{case['id']}: inside_nato {best.inside_nato_airspace} "
                                      f"!= {exp['inside_nato_airspace']}")
            want = exp.get("date")
            if (best.date.isoformat() if best.date else None) == want:
                score.date_ok += 1
            else:
                score.failures.append(f"{case['id']}: date {best.date} != {want}")
            if best.object == exp["object"]:
                score.object_ok += 1
            if best.location is not None and best.location.lat is not None:
                score.errors_km.append(haversine_km(exp["lat"], exp["lon"], best.location.lat,
                                                    best.location.lon))
        for extra in predicted:
            score.failures.append(f"{case['id']}: unexpected incident at "
                                  f"{extra.location.text if extra.location else None}")
    return score


def _match(exp: dict, predicted: list):
    """The predicted incident for an expected one: within its tolerance (plus the prediction's
    own uncertainty) or in the same state's airspace; the same state first, then the nearest."""
    best, best_key = None, (True, float("inf"))
    for inc in predicted:
        loc = inc.location
        if loc is None or loc.lat is None:
            d = float("inf")
        else:
            d = haversine_km(exp["lat"], exp["lon"], loc.lat, loc.lon)
        same_state = inc.country_iso3 == exp["country_iso3"] and (
            inc.country_iso3 is not None or inc.inside_nato_airspace is False)
        ok = d <= exp.get("max_error_km", 50) + (loc.uncertainty_km or 0 if loc else 0) \
            or same_state
        # A prediction in the expected state comes before a nearer one across a border.
        key = (inc.country_iso3 != exp["country_iso3"], d)
        if ok and (best is None or key < best_key):
            best, best_key = inc, key
    return best
