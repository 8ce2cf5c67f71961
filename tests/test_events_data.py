"""Consistency of the event-clustering evaluation data: the development set (tests/data/events/)
and the held-out sets (tests/data/events_heldout/, events_heldout2/ ... events_heldout8/).

Only the files are checked here; no extractor or clusterer is run (the held-out set is for a
final measurement with benchmarks/report_events.py, never for tests that tune)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "events"
# directory, event id, report id, fewest events and reports
SETS = {"development": (DATA, r"E\d{2}", r"r\d{3}", 20, 70),
        "held-out": (DATA.parent / "events_heldout", r"H\d{2}", r"h\d{3}", 10, 30),
        "held-out 2": (DATA.parent / "events_heldout2", r"G\d{2}", r"g\d{3}", 10, 30),
        "held-out 3": (DATA.parent / "events_heldout3", r"K\d{2}", r"k\d{3}", 10, 30),
        "held-out 4": (DATA.parent / "events_heldout4", r"M\d{2}", r"m\d{3}", 10, 30),
        "held-out 5": (DATA.parent / "events_heldout5", r"N\d{2}", r"n\d{3}", 10, 30),
        "held-out 6": (DATA.parent / "events_heldout6", r"P\d{2}", r"p\d{3}", 10, 30),
        "held-out 7": (DATA.parent / "events_heldout7", r"Q\d{2}", r"q\d{3}", 10, 30),
        "held-out 8": (DATA.parent / "events_heldout8", r"R\d{2}", r"r\d{3}", 10, 30)}
OBJECTS = {"drone", "missile", "aircraft", "balloon"}
PRECISIONS = {"site", "village", "city", "admin2", "admin1", "country", "region"}
TRUTH_KEYS = {"event", "object", "date", "country_iso3", "lat", "lon", "precision", "max_error_km",
              "notes"}
REPORT_KEYS = {"id", "published", "url", "text", "events", "notes"}


def _load(name: str, directory: Path = DATA) -> list[dict]:
    with open(directory / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _date(value: str) -> dt.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return dt.date.fromisoformat(value)


@pytest.fixture(scope="module", params=list(SETS))
def dataset(request):
    directory, event_re, report_re, events, reports = SETS[request.param]
    return (_load("truth.jsonl", directory), _load("reports.jsonl", directory), event_re,
            report_re, events, reports)


@pytest.fixture(scope="module")
def truth() -> list[dict]:
    return _load("truth.jsonl")


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    return _load("reports.jsonl")


def test_sizes(dataset):
    truth, reports, _, _, events, texts = dataset
    assert len(truth) >= events
    assert len(reports) >= texts


def test_truth_rows(dataset):
    truth, _, event_re, _, _, _ = dataset
    ids = [t["event"] for t in truth]
    assert len(set(ids)) == len(ids)
    for t in truth:
        assert set(t) == TRUTH_KEYS, t["event"]
        assert re.fullmatch(event_re, t["event"]), t["event"]
        assert t["object"] in OBJECTS, t["event"]
        assert t["precision"] in PRECISIONS, t["event"]
        day = _date(t["date"])
        assert dt.date(2014, 1, 1) <= day <= dt.date(2025, 12, 31), t["event"]
        iso = t["country_iso3"]
        assert iso is None or re.fullmatch(r"[A-Z]{3}", iso), t["event"]
        assert -90 <= t["lat"] <= 90 and -180 <= t["lon"] <= 180, t["event"]
        assert isinstance(t["max_error_km"], (int, float)) and t["max_error_km"] > 0, t["event"]
        assert t["notes"].strip(), t["event"]


def test_report_rows(dataset):
    truth, reports, _, report_re, _, _ = dataset
    by_event = {t["event"]: t for t in truth}
    ids = [r["id"] for r in reports]
    assert len(set(ids)) == len(ids)
    urls = [r["url"] for r in reports]
    assert len(set(urls)) == len(urls)
    for r in reports:
        assert set(r) == REPORT_KEYS, r["id"]
        assert re.fullmatch(report_re, r["id"]), r["id"]
        published = _date(r["published"])
        assert re.fullmatch(r"https://[a-z0-9.-]+\.example/\S+", r["url"]), r["id"]
        assert r["text"].strip() and r["notes"].startswith("style:"), r["id"]
        assert isinstance(r["events"], list), r["id"]
        assert len(set(r["events"])) == len(r["events"]), r["id"]
        for event in r["events"]:
            assert event in by_event, (r["id"], event)
            assert published >= _date(by_event[event]["date"]), (r["id"], event)


def test_every_event_has_three_reports(dataset):
    truth, reports = dataset[:2]
    counts = Counter(e for r in reports for e in r["events"])
    for t in truth:
        assert counts[t["event"]] >= 3, t["event"]


def test_hard_negative_cases_present(reports, truth):
    """The pairs the README lists as hard negatives exist as separate events, and the same-night
    pairs have a report that tells about both."""
    by_event = {t["event"]: t for t in truth}
    both = {frozenset(r["events"]) for r in reports if len(r["events"]) == 2}
    for a, b in [("E13", "E14"), ("E24", "E25"), ("E04", "E05"), ("E07", "E08")]:
        assert frozenset((a, b)) in both, (a, b)
    # same village, different years
    assert by_event["E04"]["date"][:4] != by_event["E06"]["date"][:4]
    # a strike in a non-NATO state is its own event
    assert by_event["E05"]["country_iso3"] == "UKR"
    assert any(not r["events"] for r in reports)
