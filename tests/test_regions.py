"""Incident locations as regions: the intersection of what the text says, never contradicting it.

Real borders, admin areas and gazetteer; texts written for these tests (not the evaluation set).
"""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from geoincidents.areas import AdminAreas
from geoincidents.gazetteer import Gazetteer, haversine_km
from geoincidents.incidents import IncidentExtractor, place_role
from geoincidents.models import Mention

DAY = dt.date(2025, 9, 12)


@pytest.fixture(scope="module")
def extractor():
    return IncidentExtractor()


@pytest.fixture(scope="module")
def areas():
    return AdminAreas.default()


def one(extractor, text):
    report = extractor.extract(text, DAY)
    assert len(report.incidents) == 1, [i.location for i in report.incidents]
    return report.incidents[0]


def covers(region, lat, lon) -> bool:
    return bool(region.geometry.covers(shapely.Point(lon, lat)))  # shapely's x is the longitude


def test_village_missing_from_the_gazetteer_is_its_county_cut_by_the_border_band(extractor):
    # Wólka Wyrycka is in neither cities500 nor the postal village layer.
    assert not Gazetteer.default().lookup("Wólka Wyrycka")
    inc = one(extractor, "A Russian drone crashed on Wednesday into a barn in Wólka Wyrycka, a "
                         "village in Włodawa county in Poland's Lublin province, near the "
                         "Belarusian border, police said.")
    area = inc.area
    assert area is not None and inc.country_iso3 == "POL" and inc.verdict == "inside"
    assert covers(area, 51.5624, 23.3643)  # Wyryki-Wola, the next village
    assert not covers(area, 51.2465, 22.5684)  # Lublin, in the province but not the county
    assert "Powiat włodawski" in area.note and "border with Belarus" in area.note
    assert 500 < area.area_km2 < 2500
    # The point and radius the incident states come from the region.
    assert (inc.location.lat, inc.location.lon) == (area.lat, area.lon)
    assert inc.location.uncertainty_km == area.radius_km
    assert inc.location.precision == "region"


def test_a_village_of_the_village_layer_is_a_point_inside_its_county(extractor):
    inc = one(extractor, "A Russian drone crashed on Wednesday into a barn in Wyryki-Wola, a "
                         "village in Włodawa county in Poland's Lublin province, near the "
                         "Belarusian border, police said.")
    assert inc.country_iso3 == "POL" and inc.verdict == "inside"
    assert covers(inc.area, 51.5624, 23.3643)
    assert haversine_km(inc.location.lat, inc.location.lon, 51.5624, 23.3643) < 5
    assert inc.area.area_km2 < 100


def test_a_namesake_outside_the_named_county_is_rejected(extractor, areas):
    inc = one(extractor, "Fragments of a Russian drone were found on Tuesday near Victoria, a "
                         "commune in Tulcea county in eastern Romania, the defence ministry in "
                         "Bucharest said.")
    gaz = Gazetteer.default()
    tulcea = areas.of_entry(next(e for e in gaz.lookup("Tulcea") if e.feature == "admin1"))
    assert inc.country_iso3 == "ROU"
    # Every Victoria the gazetteer knows outside Tulcea county is excluded by the region.
    elsewhere = [e for e in gaz.lookup("Victoria") if e.country_iso3 == "ROU"
                 and not tulcea.geometry.covers(shapely.Point(e.lon, e.lat))]
    assert elsewhere, "the test needs a Romanian namesake outside Tulcea county"
    for e in elsewhere:
        assert not covers(inc.area, e.lat, e.lon)
    assert inc.area.geometry.difference(tulcea.geometry.buffer(0.01)).area < 1e-6
    assert "Tulcea" in inc.area.note


def test_a_distance_and_bearing_give_a_sector_about_the_reference(extractor):
    inc = one(extractor, "A Russian drone came down on Monday in a field 15 km north of "
                         "Hrubieszów in eastern Poland, the army said.")
    hrubieszow = (50.8049, 23.8916)
    area = inc.area
    assert area.precision == "region" and area.area_km2 < 600
    assert covers(area, 50.8049 + 15 / 111.2, 23.8916)
    assert not covers(area, *hrubieszow)
    assert 9 <= haversine_km(area.lat, area.lon, *hrubieszow) <= 21
    assert "15 km north of Hrubieszów" in area.note


def test_off_the_coast_is_a_wide_circle_inside_the_state_whose_airspace_was_violated(extractor):
    inc = one(extractor, "Two Russian fighter jets violated Finnish airspace off the coast of "
                         "Porvoo on Thursday, the defence ministry in Helsinki said.")
    area = inc.area
    assert inc.country_iso3 == "FIN" and "in Finland" in area.note
    assert covers(area, 60.15, 25.70)  # at sea, ~27 km south of the town
    assert area.radius_km > 25


def test_more_than_n_km_from_the_border_is_a_lower_bound(extractor):
    inc = one(extractor, "A Russian drone came down on Wednesday in farmland near Mniszków in "
                         "Łódź province, more than 200 km from the border with Ukraine.")
    assert covers(inc.area, 51.37, 20.04)  # Mniszków
    assert "at least 160 km" in inc.area.note


def test_hundreds_of_km_from_the_border_is_far_from_it_not_near(extractor):
    inc = one(extractor, "Polish authorities are examining the wreckage of a Russian cruise "
                         "missile found in woods near the northern city of Bydgoszcz, hundreds "
                         "of kilometres from the borders with Belarus and Ukraine.")
    assert covers(inc.area, 53.12, 18.01)  # Bydgoszcz
    assert "near the border" not in inc.area.note
    assert haversine_km(inc.area.lat, inc.area.lon, 53.12, 18.01) < 40


def test_near_the_eastern_town_of_is_round_the_town_not_at_it(extractor):
    inc = one(extractor, "A Russian military drone crashed on Saturday near the eastern town of "
                         "Daugavpils, the Latvian defence ministry said.")
    assert inc.location.precision == "region" and inc.location.uncertainty_km >= 25
    assert covers(inc.area, 55.87, 26.52)  # Daugavpils
    assert covers(inc.area, 55.95, 26.85)  # a village 23 km away: still "near the town"


def test_two_incidents_a_strike_in_ukraine_and_debris_in_romania(extractor):
    report = extractor.extract(
        "Russian drones attacked the Ukrainian port of Izmail overnight on Monday, damaging "
        "grain silos. On Tuesday Romania's defence ministry said fragments of one of the drones "
        "had been found near Plauru, a village in Tulcea county on the Romanian bank of the "
        "Danube.", DAY)
    states = {i.country_iso3: i for i in report.incidents}
    assert set(states) == {"UKR", "ROU"}
    assert states["ROU"].nato_member and states["ROU"].inside_nato_airspace
    assert states["UKR"].inside_nato_airspace is not True
    assert covers(states["ROU"].area, 45.324, 28.8302)  # Plauru


def test_the_seed_story_stays_a_country_level_location(extractor):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "seeds" /
            "000_f7b29a746955773c.txt").read_text(encoding="utf-8")
    report = extractor.extract(text, dt.date(2025, 9, 12))
    main = report.incidents[0]
    assert main.country_iso3 == "POL" and main.location.precision == "country"
    assert main.area.precision == "country" and main.area.area_km2 > 300_000


@pytest.mark.parametrize(("text", "name", "role"), [
    ("Smuggling balloons launched from Belarus crossed into Lithuania.", "Belarus", "origin"),
    ("A drone that flew in from Ukraine crashed near Nufăru.", "Ukraine", "origin"),
    ("NATO said in Brussels that the incursion was reckless.", "Brussels", "statement"),
    ("Fragments were found after an attack on the port of Izmail.", "Izmail", "context"),
    ("A drone crashed in a field near Nufăru.", "Nufăru", "site"),
])
def test_place_roles(text, name, role):
    start = text.index(name)
    mention = Mention(start, start + len(name), name, "name", "location")
    assert place_role(text, mention) == role


def test_border_band_lies_in_the_state_along_that_border(areas):
    band = areas.border_band("POL", "BLR", 20.0)
    poland = areas.state("POL").geometry
    belarus = areas.state("BLR").geometry
    assert band.geometry.difference(poland.buffer(1e-6)).area < 1e-9
    assert band.geometry.covers(shapely.Point(23.60, 52.10))  # Terespol, on the Bug
    assert not band.geometry.covers(shapely.Point(22.57, 51.25))  # Lublin, ~80 km away
    assert not band.geometry.intersects(belarus.buffer(-0.02))
    assert areas.border_band("POL", "PRT", 20.0) is None  # no shared border


def test_admin_areas_say_how_they_were_made(areas):
    gaz = Gazetteer.default()
    lublin = next(e for e in gaz.lookup("Lublin Voivodeship") if e.feature == "admin1")
    area = areas.of_entry(lublin)
    assert area.level == "admin1" and "Natural Earth" in area.how
    assert area.geometry.covers(shapely.Point(22.5684, 51.2465))
    county = next(e for e in gaz.lookup("Powiat włodawski") if e.feature == "admin2")
    area = areas.of_entry(county)
    assert area.level == "admin2" and "hull of" in area.how
    assert area.geometry.covers(shapely.Point(23.5497, 51.5500))  # Włodawa
    # No polygon for Romanian communes: a circle round the GeoNames centre, said so.
    commune = next(e for e in gaz.lookup("Municipiul Tulcea") if e.feature == "admin2")
    area = areas.of_entry(commune)
    assert "no boundary available" in area.how


def test_a_district_named_after_its_seat_is_a_circle_round_the_seat(extractor):
    inc = one(extractor, "Moldovan border police said on Sunday they had found fragments of a "
                         "drone near the village of Etulia in the southern Vulcănești district, "
                         "close to the border with Ukraine.")
    assert inc.country_iso3 == "MDA"
    assert covers(inc.area, 45.5392, 28.4428)  # Etulia
    assert "named after Vulcăneşti" in inc.area.note and "no boundary" in inc.area.note
    assert inc.area.area_km2 < 3000


def test_where_an_object_crossed_into_a_state_lies_near_that_border(extractor):
    crossing = one(extractor, "A Russian cruise missile entered Polish airspace near the "
                              "village of Oserdów in Lublin province on Sunday and stayed for "
                              "39 seconds before flying back into Ukraine.")
    assert "crossed the border with Ukraine" in crossing.area.note
    assert covers(crossing.area, 50.4233, 23.9836)  # Oserdów
    assert not covers(crossing.area, 51.2465, 22.5684)  # Lublin, 80 km from Ukraine
    # Where it came down after crossing is not where it crossed.
    crash = one(extractor, "A Russian drone that flew into Latvia from Belarus crashed in a "
                           "field in the Rēzekne municipality early on Saturday.")
    assert "crossed the border" not in crash.area.note
    assert covers(crash.area, 56.51, 27.34)  # Rēzekne


def test_over_a_sea_is_the_states_territorial_sea_there(extractor):
    inc = one(extractor, "Three Russian MiG-31 fighter jets violated Estonian airspace over "
                         "the Gulf of Finland on Friday, the Estonian military said.")
    assert inc.country_iso3 == "EST" and inc.verdict == "inside"
    assert covers(inc.area, 59.82, 26.36)  # off Vaindloo island
    assert not covers(inc.area, 58.38, 26.72)  # Tartu, inland
    assert "over the Gulf of Finland" in inc.area.note


def test_a_direction_without_distance_is_a_sector_beyond_the_place(extractor):
    inc = one(extractor, "A Russian Su-27 violated Swedish airspace east of Gotland on "
                         "Tuesday, the Swedish armed forces said.")
    assert inc.country_iso3 == "SWE"
    assert covers(inc.area, 57.60, 19.20)  # off Gotland's east coast
    assert not covers(inc.area, 57.64, 18.29)  # Visby, on the west coast


@pytest.mark.parametrize(("text", "airport"), [
    ("Drones were spotted over the airport in Aalborg on Wednesday night, forcing it to close "
     "for several hours. Copenhagen airport had been shut two days earlier.", "airport:EKYT"),
    ("Munich's airport suspended flights on Thursday night after drone sightings, German "
     "officials said in Berlin.", "airport:EDDM"),
    ("Flights at Oslo's main airport Gardermoen were halted for two hours after drones were "
     "seen near the runway.", "airport:ENGM"),
    ("Balloons flown from Belarus forced Vilnius airport to halt flights on Friday evening, "
     "Lithuania's border guard said; Riga airport was not affected.", "airport:EYVI"),
])
def test_an_airport_named_by_its_city_is_the_airport(extractor, text, airport):
    inc = one(extractor, text)
    assert inc.location.gazetteer_id == airport and inc.location.precision == "site"


def test_belgian_airports_are_where_they_are():
    # airportsdata gives Belgium's airports in degrees-minutes-seconds written as decimals.
    brussels = Gazetteer.default().get("airport:EBBR")
    assert haversine_km(brussels.lat, brussels.lon, 50.9014, 4.4844) < 1
    oostmalle = Gazetteer.default().get("airport:EBZR")  # given in decimals: left alone
    assert haversine_km(oostmalle.lat, oostmalle.lon, 51.2647, 4.7533) < 1


def test_a_bracketed_county_and_a_commune_are_read(extractor):
    inc = one(extractor, "Romanian authorities found drone debris on Saturday in the commune "
                         "of Grindu in Tulcea county, the defence ministry said.")
    assert inc.location.name == "Grindu" and covers(inc.area, 45.40, 28.2167)
    inc = one(extractor, "Pieces of a drone were discovered in a field near the village of "
                         "Nufăru (Tulcea county) on Sunday.")
    assert "Tulcea" in inc.area.note and covers(inc.area, 45.15, 28.92)  # Nufăru, Tulcea
    assert not covers(inc.area, 48.03, 23.17)  # the other Nufăru, in Maramureș


def test_each_airport_a_sentence_says_was_closed_is_an_incident(extractor):
    report = extractor.extract("Drone sightings closed Brussels Airport and the airport in Liège "
                               "for several hours on Tuesday evening.", DAY)
    assert [i.location.gazetteer_id for i in report.incidents] == ["airport:EBBR",
                                                                    "airport:EBLG"]
    report = extractor.extract("Balloons forced Vilnius airport to halt flights on Friday; Riga "
                               "airport was not affected.", DAY)
    assert [i.location.gazetteer_id for i in report.incidents] == ["airport:EYVI"]
