"""Scoring the incident extractor against cases with expected answers.

A case is ``{"id", "published", "text", "incidents": [{"object", "actor_iso3", "date",
"country_iso3", "nato_member", "inside_nato_airspace", "lat", "lon", "max_error_km",
"precision", "truth_village_in_cities500"}], "distractors": [...], "notes"}`` (see
``tests/data/incidents/README.md``; ``cases.jsonl`` is the development set, ``heldout.jsonl``
the held-out set). ``precision`` is the truth's: ``site``, ``village``, ``city`` (a point),
``admin2``, ``admin1``, ``country``, ``region``.

Location is judged two ways: the point's distance to the truth (for point truths: within 50 km,
within 10 km) and whether the truth lies inside the region the output states (the incident's
``area`` when there is one, else the circle of its uncertainty, else the state's airspace for a
country-level place).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
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
    point_truths: int = 0  # matched incidents whose truth is a site, village or city
    within_50: int = 0
    within_10: int = 0
    in_region: int = 0
    region_areas: list[float] = field(default_factory=list)
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
        area = statistics.median(self.region_areas) if self.region_areas else float("nan")
        points = self.point_truths or 1
        return (f"incidents: expected {self.expected}, predicted {self.predicted}, matched "
                f"{self.matched}; recall {self.recall:.3f} precision {self.precision:.3f}; "
                f"country {self.rate(self.country_ok):.3f}; NATO-at-date "
                f"{self.rate(self.nato_ok):.3f}; date {self.rate(self.date_ok):.3f}; object "
                f"{self.rate(self.object_ok):.3f}; location error median {med:.1f} km; "
                f"point truths {self.point_truths}: within 50 km "
                f"{self.within_50 / points:.3f}, within 10 km {self.within_10 / points:.3f}; "
                f"truth inside stated region {self.rate(self.in_region):.3f} "
                f"(median region {area:,.0f} km²); "
                f"distractors reported as sites: {self.distractor_sites}")


def load_cases(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def score_cases(cases: list[dict], extractor, airspace=None) -> Score:
    """Run the extractor on every case and compare with the expected incidents."""
    score = Score()
    airspace = airspace if airspace is not None else extractor.airspace
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
        pairs = _assign(expected, predicted)
        for exp, best in zip(expected, pairs):
            if best is None:
                score.failures.append(f"{case['id']}: missed {exp['object']} in "
                                      f"{exp['country_iso3']}")
                continue
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
            loc = best.location
            km = None
            if loc is not None and loc.lat is not None:
                km = haversine_km(exp["lat"], exp["lon"], loc.lat, loc.lon)
                score.errors_km.append(km)
            if exp.get("precision") in POINT_TRUTHS:
                score.point_truths += 1
                score.within_50 += km is not None and km <= 50
                score.within_10 += km is not None and km <= 10
                if km is None or km > 50:
                    score.failures.append(f"{case['id']}: {km if km is None else round(km)} km "
                                          f"from the truth ({loc.text if loc else None})")
            inside, area = _in_region(exp, best, airspace)
            score.in_region += inside
            if area is not None:
                score.region_areas.append(area)
            if not inside:
                score.failures.append(f"{case['id']}: truth outside the stated region "
                                      f"({_describe(best)})")
        for extra in (inc for inc in predicted if not any(inc is b for b in pairs)):
            score.failures.append(f"{case['id']}: unexpected incident at "
                                  f"{extra.location.text if extra.location else None}")
    return score


POINT_TRUTHS = ("site", "village", "city")


def _in_region(exp: dict, inc, airspace) -> tuple[bool, float | None]:
    """Whether the truth is inside the region the incident states, and that region's km²."""
    loc = inc.location
    if inc.area is not None:
        import shapely

        # shapely's x is the longitude.
        return (bool(inc.area.geometry.covers(shapely.Point(exp["lon"], exp["lat"]))),
                inc.area.area_km2)
    if loc is None or loc.lat is None:
        return False, None
    if loc.precision == "country":
        truth = airspace.check(exp["lat"], exp["lon"])
        return truth.country_iso3 == loc.country_iso3, None
    radius = loc.uncertainty_km or 0.0
    km = haversine_km(exp["lat"], exp["lon"], loc.lat, loc.lon)
    return km <= radius, 3.141592653589793 * radius * radius


def _describe(inc) -> str:
    if inc.area is not None:
        return f"{inc.area.area_km2:,.0f} km²: {inc.area.note}"
    loc = inc.location
    if loc is None or loc.lat is None:
        return "no location"
    return f"{loc.text!r} {loc.precision} ±{loc.uncertainty_km} km"


def _assign(expected: list[dict], predicted: list) -> list:
    """The predicted incident for each expected one (or None), one-to-one: a candidate lies
    within the truth's tolerance (plus its own uncertainty) or in the same state's airspace;
    the assignment puts as many as possible in the expected state, then minimises distance."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if not expected or not predicted:
        return [None] * len(expected)
    big = 1e12
    cost = np.full((len(expected), len(predicted)), big)
    for i, exp in enumerate(expected):
        for j, inc in enumerate(predicted):
            loc = inc.location
            d = float("inf") if loc is None or loc.lat is None else \
                haversine_km(exp["lat"], exp["lon"], loc.lat, loc.lon)
            same_state = inc.country_iso3 == exp["country_iso3"] and (
                inc.country_iso3 is not None or inc.inside_nato_airspace is False)
            ok = d <= exp.get("max_error_km", 50) + (loc.uncertainty_km or 0 if loc else 0) \
                or same_state
            if ok:
                # A prediction in the expected state comes before a nearer one across a border.
                cost[i, j] = (0.0 if inc.country_iso3 == exp["country_iso3"] else 1e6) \
                    + min(d, 1e5)
    rows, cols = linear_sum_assignment(cost)
    out = [None] * len(expected)
    for i, j in zip(rows, cols):
        if cost[i, j] < big:
            out[i] = predicted[j]
    return out


# -- events ---------------------------------------------------------------------------------------


@dataclass
class EventScore:
    """Clustering of a feed's incidents into events against the true events."""

    reports: int = 0
    incidents: int = 0
    matched: int = 0  # incidents matched to a true event of their report
    events: int = 0
    true_events: int = 0
    pairwise_precision: float = 0.0
    pairwise_recall: float = 0.0
    bcubed_precision: float = 0.0
    bcubed_recall: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def pairwise_f1(self) -> float:
        p, r = self.pairwise_precision, self.pairwise_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> str:
        return (f"{self.reports} reports, {self.incidents} incidents ({self.matched} matched to a "
                f"true event), {self.events} events for {self.true_events} true; pairwise "
                f"P {self.pairwise_precision:.3f} R {self.pairwise_recall:.3f} F1 "
                f"{self.pairwise_f1:.3f}; B-cubed P {self.bcubed_precision:.3f} R "
                f"{self.bcubed_recall:.3f} F1 {self.bcubed_f1:.3f}")


def score_events(reports: list[dict], truth: dict[str, dict], extractor) -> EventScore:
    """Extract every report's incidents, cluster them, and compare with the true events.

    ``reports``: ``{"id", "published", "url", "text", "events": [event keys]}``; ``truth``:
    event key -> ``{"object", "date", "country_iso3", "lat", "lon"}``. Each incident of a
    report is matched to one of that report's true events (same state first, then nearest);
    pairwise and B-cubed scores run over the matched incidents.
    """
    from itertools import combinations

    from geoincidents.events import cluster_events, sighting

    score = EventScore(reports=len(reports), true_events=len(truth))
    sightings, label = [], {}
    for rep in reports:
        published = dt.date.fromisoformat(rep["published"]) if rep.get("published") else None
        report = extractor.extract(rep["text"], published, rep["id"])
        options = [truth[k] | {"event": k} for k in rep.get("events") or []]
        told = len(options)
        for n, inc in enumerate(sorted(report.incidents, key=lambda i: -i.confidence)):
            s = sighting(inc, rep["id"], rep.get("url"), published)
            sightings.append(s)
            score.incidents += 1
            # A report of one event: its main incident is its telling of it, placed well or
            # not (clustering must cope with a misplaced report too).
            best = options[0] if told == 1 and n == 0 else _true_event(inc, options)
            if best is None:
                score.failures.append(f"{rep['id']}: incident at "
                                      f"{inc.location.text if inc.location else None} matches "
                                      f"none of {rep.get('events')}")
                continue
            options = [o for o in options if o is not best]  # one incident per true event
            label[(s.source.doc_id, s.source.incident_id)] = best["event"]
            score.matched += 1
    events = cluster_events(sightings)
    score.events = len(events)
    cluster = {}
    for event in events:
        for m in event.members:
            cluster[(m.source.doc_id, m.source.incident_id)] = event.event_id
    keys = sorted(label)
    same_true = same_pred = both = 0
    for a, b in combinations(keys, 2):
        t, p = label[a] == label[b], cluster[a] == cluster[b]
        same_true += t
        same_pred += p
        both += t and p
    score.pairwise_precision = both / same_pred if same_pred else 1.0
    score.pairwise_recall = both / same_true if same_true else 1.0
    if keys:
        bp = br = 0.0
        for k in keys:
            pred = [j for j in keys if cluster[j] == cluster[k]]
            true = [j for j in keys if label[j] == label[k]]
            hit = sum(label[j] == label[k] for j in pred)
            bp += hit / len(pred)
            br += hit / len(true)
        score.bcubed_precision, score.bcubed_recall = bp / len(keys), br / len(keys)
    for event in events:
        truths = Counter(label.get((m.source.doc_id, m.source.incident_id)) for m in event.members)
        truths.pop(None, None)
        if len(truths) > 1:
            score.failures.append(f"{event.event_id} merges true events {dict(truths)}")
    by_truth: dict[str, set] = {}
    for k in keys:
        by_truth.setdefault(label[k], set()).add(cluster[k])
    for key, clusters in sorted(by_truth.items()):
        if len(clusters) > 1:
            score.failures.append(f"true event {key} split into {len(clusters)} events")
    return score


def _true_event(inc, options: list[dict]) -> dict | None:
    if not options:
        return None
    loc = inc.location

    def key(o):
        same = o.get("country_iso3") == inc.country_iso3
        km = haversine_km(o["lat"], o["lon"], loc.lat, loc.lon) \
            if loc is not None and loc.lat is not None else 1e6
        return (not same, km)

    best = min(options, key=key)
    if len(options) > 1 or best.get("country_iso3") == inc.country_iso3:
        return best
    km = key(best)[1]
    return best if km <= 300 else None
