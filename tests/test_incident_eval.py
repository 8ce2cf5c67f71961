"""The incident extractor on the project's own evaluation set (tests/data/incidents/cases.jsonl):
the development texts about real incidents, with expected answers.

The held-out set (tests/data/incidents/heldout.jsonl) is only checked for consistency here; no test
scores the extractor on it (benchmarks/report_incidents.py reports it separately)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geoincidents.evaluate import load_cases, score_cases
from geoincidents.incidents import IncidentExtractor
from geoincidents.nato import NatoMembership

DATA = Path(__file__).resolve().parent / "data" / "incidents"
CASES = DATA / "cases.jsonl"
HELDOUT = DATA / "heldout.jsonl"
PRECISIONS = {"site", "village", "city", "admin2", "admin1", "country", "region"}


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES)


def test_cases_are_consistent(cases):
    """Both files (development and held-out): NATO membership at the incident's date, unique
    ids, the held-out prefix, and the precision fields. Consistency only: nothing is scored."""
    heldout = load_cases(HELDOUT)
    membership = NatoMembership.default()
    assert len(cases) >= 30 and len(heldout) >= 45
    ids = [c["id"] for c in cases + heldout]
    assert len(set(ids)) == len(ids)
    assert all(c["id"].startswith("ho_") for c in heldout)
    assert not any(c["id"].startswith("ho_") for c in cases)
    for case in cases + heldout:
        for inc in case["incidents"]:
            day = dt.date.fromisoformat(inc["date"]) if inc["date"] else None
            member = bool(membership.is_member(inc["country_iso3"], day))
            assert inc["nato_member"] == member, case["id"]
            assert inc["inside_nato_airspace"] == (inc["country_iso3"] is not None and member), \
                case["id"]
            assert inc["precision"] in PRECISIONS, case["id"]
            in500 = inc["truth_village_in_cities500"]
            assert in500 in (True, False, None), case["id"]
            assert (in500 is None) == (inc["precision"] not in ("village", "city")), case["id"]


def test_scores_on_the_evaluation_set(cases):
    score = score_cases(cases, IncidentExtractor())
    print(score.summary())
    # Guards just under what the extractor measures on these 80 texts (see the README of
    # tests/data/incidents): a change that loses ground fails here.
    assert score.rate(score.country_ok) >= 0.86, score.failures
    assert score.rate(score.nato_ok) >= 0.86, score.failures
    assert score.recall >= 0.88 and score.precision >= 0.9, score.failures
    assert score.distractor_sites <= 3, score.failures
    assert score.in_region >= 0.8 * score.matched, score.failures
