"""The incident extractor on the project's own evaluation set (tests/data/incidents/cases.jsonl):
40 short texts about real incidents with expected answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geoincidents.evaluate import load_cases, score_cases
from geoincidents.incidents import IncidentExtractor
from geoincidents.nato import NatoMembership

CASES = Path(__file__).resolve().parent / "data" / "incidents" / "cases.jsonl"


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES)


def test_cases_are_consistent(cases):
    membership = NatoMembership.default()
    assert len(cases) >= 30 and len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        for inc in case["incidents"]:
            day = dt.date.fromisoformat(inc["date"]) if inc["date"] else None
            member = bool(membership.is_member(inc["country_iso3"], day))
            assert inc["nato_member"] == member, case["id"]
            assert inc["inside_nato_airspace"] == (inc["country_iso3"] is not None and member)


def test_scores_on_the_evaluation_set(cases):
    score = score_cases(cases, IncidentExtractor())
    print(score.summary())
    assert score.rate(score.country_ok) >= 0.9, score.failures
    assert score.rate(score.nato_ok) >= 0.9, score.failures
    assert score.recall >= 0.85 and score.precision >= 0.85, score.failures
    assert score.distractor_sites == 0, score.failures
