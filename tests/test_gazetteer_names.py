"""Names news uses for places the gazetteer holds under other names: short admin names,
abbreviations, demonyms of states, spelt-out abbreviations (the real built-in gazetteer)."""

from __future__ import annotations

import pytest

from geoincidents.gazetteer import Gazetteer, admin_name_variants
from geoincidents.models import Mention
from geoincidents.places import Resolver


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.default()


@pytest.mark.parametrize("name,variants", [
    ("Dagestan, Respublika", ["Dagestan"]),
    ("Republic of Dagestan", ["Dagestan"]),
    ("Donetsk Oblast", ["Donetsk"]),
    ("Henry County", []),  # "Henry" is a person as often as a county
    ("Oblast", []),
])
def test_admin_name_variants(name, variants):
    assert admin_name_variants(name) == variants


@pytest.mark.parametrize("name,expected,feature", [
    ("Dagestan", "RUS", "admin1"),
    ("Kherson Oblast", "UKR", "admin1"),
    ("W.Va.", "USA", "admin1"),
])
def test_lookup_finds_the_short_forms(gazetteer, name, expected, feature):
    found = gazetteer.lookup(name)
    assert found and (found[0].country_iso3, found[0].feature) == (expected, feature)


@pytest.mark.parametrize("surface,name", [
    ("Ohioans", "Ohio"), ("Minnesotans", "Minnesota"), ("Dagestani", "Dagestan"),
    ("Mt. Pleasant", "Mount Pleasant"), ("Hamilton Township", "Hamilton"),
])
def test_candidates_for_names_not_found_as_written(gazetteer, surface, name):
    resolver = Resolver(gazetteer)
    text = f"They met {surface} on Monday."
    start = text.index(surface)
    mention = Mention(start, start + len(surface), surface, "name", "location", "given",
                      (0, len(text)))
    cands = resolver._candidates(text, mention)
    assert cands and any(name.lower() in c.name.lower() for c in cands)
