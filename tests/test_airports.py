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
