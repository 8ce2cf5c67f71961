"""Property-based tests of the geoparser and the incident extractor on arbitrary Unicode text:
no exception, every offset inside the text, and text[start:end] equal to the mention."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoincidents.incidents import IncidentExtractor

WORDS = ["Russian", "drones", "entered", "Polish", "airspace", "near", "the", "village", "of",
         "Kyiv", "Moscow", "said", "in", "Brussels", "on", "Wednesday", "U.S.", "missile",
         "crashed", "Zamość", "county", ",", ".", "\n", "’s", "Wyryki-Wola", "<script>", "${x}"]
newsish = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=60).map(
    lambda parts: " ".join(parts))
anything = st.text(max_size=400)


@pytest.fixture(scope="module")
def extractor():
    return IncidentExtractor()


def _check(text, report):
    for p in report.places:
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start:p.end] == p.text
    for inc in report.incidents:
        assert 0 <= inc.start <= inc.end <= len(text)
        assert inc.evidence == text[inc.start:inc.end].strip()
        if inc.location is not None:
            assert text[inc.location.start:inc.location.end] == inc.location.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=anything)
def test_arbitrary_unicode(extractor, text):
    _check(text, extractor.extract(text, dt.date(2025, 9, 12)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=newsish)
def test_news_like_word_salad(extractor, text):
    _check(text, extractor.extract(text, dt.date(2025, 9, 12)))
    for p in extractor.geoparser.geoparse(text):
        assert text[p.start:p.end] == p.text
