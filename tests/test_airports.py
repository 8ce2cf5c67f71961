"""Airports in the built-in gazetteer (airportsdata): names, codes, and cities kept as cities."""

from __future__ import annotations

import pytest

from geoincidents.gazetteer import Gazetteer
from geoincidents.geoparser import Geoparser


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="module")
def parser(gaz) -> Geoparser:
    return Geoparser(gaz)


def by_text(places):
    return {p.text: p for p in places}


@pytest.mark.parametrize("name", ["Rzeszów airport", "Rzeszow Airport", "Rzeszów–Jasionka Airport",
                                  "Rzeszow-Jasionka Airport", "Rzeszów International Airport"])
def test_airport_names(gaz, name):
    best = gaz.lookup(name)[0]
    assert best.gazetteer_id == "airport:EPRZ" and best.precision == "site"
    assert best.country_iso3 == "POL" and abs(best.lat - 50.11) < 0.05


def test_city_airport_forms_and_name_without_its_city(gaz):
    assert gaz.lookup("Copenhagen Airport")[0].gazetteer_id == "airport:EKCH"
    assert gaz.lookup("Gatwick Airport")[0].gazetteer_id == "airport:EGKK"
    assert gaz.lookup("Warsaw Airport")[0].gazetteer_id == "airport:EPWA"  # Chopin, not Modlin


def test_an_airport_by_the_head_of_its_citys_long_name(gaz):
    # Frankfurt am Main's airport is "Frankfurt Airport"; Frankfurt-Hahn (100 km off, named
    # after the city) is not, though "Hahn Airport" is.
    assert gaz.lookup("Frankfurt Airport")[0].gazetteer_id == "airport:EDDF"
    assert all(e.gazetteer_id != "airport:EDFH" for e in gaz.lookup("Frankfurt Airport"))
    assert gaz.lookup("Hahn Airport")[0].gazetteer_id == "airport:EDFH"
    # a name's distinctive word that is only a small namesake elsewhere still names it
    assert gaz.lookup("Stewart Airport")[0].gazetteer_id == "airport:KSWF"
    assert gaz.lookup("Kastrup Airport")[0].gazetteer_id == "airport:EKCH"


@pytest.mark.parametrize("name,icao", [
    ("Wright-Patterson Air Force Base", "KFFO"),
    ("Engels Air Base", "XWSG"), ("Engels Airbase", "XWSG"),  # no IATA code: still a base
    ("Lakenheath Air Base", "EGUL"), ("RAF Lakenheath", "EGUL"),
    ("Kleine Brogel Air Base", "EBBL"),
])
def test_military_airfields_by_the_names_news_gives_them(gaz, name, icao):
    assert f"airport:{icao}" in [e.gazetteer_id for e in gaz.lookup(name)
                                 if e.feature == "site"][:1]


def test_a_military_word_is_no_airport_name(gaz):
    # "Tall Afar Army Air Field" does not make "Army" (a word of "the Army research base") an
    # airport's distinctive name.
    assert gaz.lookup("Army Airport") == [] and gaz.lookup("Army") == []


def test_belgian_bases_are_read_as_degrees_minutes_seconds(gaz):
    (base,) = [e for e in gaz.lookup("Kleine Brogel Air Base") if e.feature == "site"]
    assert abs(base.lat - 51.168) < 0.01 and abs(base.lon - 5.47) < 0.01


def test_a_base_named_in_text_is_found_and_placed(parser):
    found = by_text(parser.geoparse(
        "DAYTON - Wright-Patterson Air Force Base restricted the airspace over its airfield "
        "because of small drones."))
    assert found["Wright-Patterson Air Force Base"].gazetteer_id == "airport:KFFO"
    raf = by_text(parser.geoparse("Drones were reported near RAF Feltwell in Norfolk."))
    assert raf["RAF Feltwell"].name == "Feltwell"  # no airfield in the data: its village


def test_bare_city_name_stays_the_city(gaz):
    for name in ("Munich", "Vilnius", "Copenhagen", "Rzeszów"):
        best = gaz.lookup(name)[0]
        assert best.feature == "city", (name, best)


def test_codes_match_only_as_written(gaz):
    assert gaz.lookup("WAW")[0].gazetteer_id == "airport:EPWA"
    assert gaz.lookup("EPWA")[0].gazetteer_id == "airport:EPWA"
    assert all(e.feature != "site" for e in gaz.lookup("waw"))
    assert all(e.feature != "site" for e in gaz.lookup("Waw"))
    assert gaz.lookup("WAW", codes=False) == []


def test_a_code_never_beats_a_name(gaz):
    # IATA USA is Concord-Padgett Regional Airport; "USA" is the country.
    assert [e.feature for e in gaz.lookup("USA")] == ["country"]


def test_drones_closed_vilnius_airport(parser):
    found = by_text(parser.geoparse("Drones closed Vilnius Airport on Sunday night."))
    place = found["Vilnius Airport"]
    assert place.precision == "site" and place.gazetteer_id == "airport:EYVI"
    assert place.country_iso3 == "LTU" and place.role == "location"


def test_lower_case_airport_after_the_city(parser):
    found = by_text(parser.geoparse("Flights were halted at Rzeszów airport after drones were "
                                    "seen in Poland."))
    assert found["Rzeszów airport"].gazetteer_id == "airport:EPRZ"
    assert "Rzeszów" not in found


def test_munich_is_still_the_city(parser):
    found = by_text(parser.geoparse("Police in Munich said the drones were not found."))
    assert found["Munich"].precision == "city"


def test_acronyms_that_are_airport_codes_are_not_places(parser):
    found = by_text(parser.geoparse("The CIA and the GRU were named in a report by PAP and "
                                    "CNN about Poland."))
    assert not {"CIA", "PAP", "CNN"} & set(found)
