"""Incidents end to end: detection, site choice, actor, dates, verdicts, and `extract`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geoincidents.cli.main import cli
from geoincidents.dates import dateline, find_dates
from geoincidents.incidents import IncidentExtractor

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_f7b29a746955773c.txt"


@pytest.fixture(scope="module")
def extractor():
    return IncidentExtractor()


def test_seed_has_one_incident_inside_poland(extractor):
    report = extractor.extract(SEED.read_text(encoding="utf-8"), dt.date(2025, 9, 12), "seed")
    assert len(report.incidents) == 1
    inc = report.incidents[0]
    assert (inc.object, inc.actor_iso3, inc.attribution) == ("drone", "RUS", "suspected")
    assert inc.location.name == "Poland" and inc.location.precision == "country"
    assert inc.date == dt.date(2025, 9, 10)
    assert (inc.country_iso3, inc.nato_member, inc.inside_nato_airspace, inc.verdict) == \
        ("POL", True, True, "inside")
    places = {p.text for p in report.places}
    assert {"Brussels", "Washington", "Alaska", "Moscow", "Ukraine"} <= places


def test_no_incident_only_places(extractor):
    report = extractor.extract("NATO foreign ministers met in Brussels on Tuesday to discuss "
                               "support for Ukraine.", dt.date(2025, 10, 1))
    assert report.incidents == [] and {p.text for p in report.places} >= {"Brussels"}


def test_speech_place_is_not_the_site(extractor):
    report = extractor.extract(
        "Three Russian fighter jets violated Estonian airspace on Friday, the foreign ministry "
        "said in Tallinn, and NATO said in Brussels it would consult allies.",
        dt.date(2025, 9, 19))
    (inc,) = report.incidents
    assert inc.object == "aircraft" and inc.actor_iso3 == "RUS"
    assert inc.location.name == "Estonia" and inc.verdict == "inside"
    assert inc.date == dt.date(2025, 9, 19)


@pytest.mark.parametrize("day,member", [(dt.date(2022, 8, 25), False),
                                        (dt.date(2024, 6, 14), True)])
def test_finland_before_and_after_accession(extractor, day, member):
    report = extractor.extract("A Russian military helicopter violated Finnish airspace near "
                               "Porvoo on Thursday, the defence ministry said.", day)
    (inc,) = report.incidents
    assert inc.country_iso3 == "FIN" and inc.nato_member is member
    assert inc.inside_nato_airspace is member


def test_airport_closure_is_an_incident_without_an_actor(extractor):
    report = extractor.extract("Copenhagen Airport was closed for four hours on Monday night "
                               "after drone sightings, Danish police said.", dt.date(2025, 9, 23))
    (inc,) = report.incidents
    assert inc.object == "drone" and inc.actor_iso3 is None
    assert inc.country_iso3 == "DNK" and inc.date == dt.date(2025, 9, 22)


def test_missing_village_falls_back_to_its_county(extractor):
    report = extractor.extract(
        "Debris of a drone was found near the village of Wólka Wyrycka in Włodawa county, "
        "Lublin province, on Wednesday, police said in Warsaw.", dt.date(2025, 9, 12))
    (inc,) = report.incidents
    assert inc.location.text == "Wólka Wyrycka" and inc.location.precision == "admin2"
    assert inc.country_iso3 == "POL" and inc.verdict in ("inside", "possible")


def test_unknown_date_uses_current_membership(extractor):
    report = extractor.extract("A drone crashed in a field outside Zamość.", None)
    (inc,) = report.incidents
    assert inc.date is None and inc.membership_date == dt.date.today()
    assert report.notes


def test_international_airspace(extractor):
    report = extractor.extract("A Russian Su-27 downed an American MQ-9 drone over the Black Sea "
                               "on Tuesday.", dt.date(2023, 3, 15))
    (inc,) = report.incidents
    assert inc.inside_nato_airspace is not True and inc.verdict in ("outside", "possible")


def test_dates():
    pub = dt.date(2025, 9, 12)  # a Friday
    days = {d.text: d.day for d in find_dates(
        "on Wednesday, Sept. 10, on Friday, yesterday, 24 March 2024, last week", pub)}
    assert days["on Wednesday"] == dt.date(2025, 9, 10)
    assert days["Sept. 10"] == dt.date(2025, 9, 10)
    assert days["on Friday"] == pub
    assert days["yesterday"] == dt.date(2025, 9, 11)
    assert days["24 March 2024"] == dt.date(2024, 3, 24)
    assert days["last week"] == dt.date(2025, 9, 5)
    later = {d.text: d.day for d in find_dates(
        "A week ago Monday, two days ago, 3 days ago on Wednesday", dt.date(2025, 9, 29))}
    assert later["A week ago Monday"] == dt.date(2025, 9, 22)  # the Monday of last week
    assert later["two days ago"] == dt.date(2025, 9, 27)
    assert later["3 days ago on Wednesday"] == dt.date(2025, 9, 24)
    assert dateline("WARSAW, Sept. 12, 2025 (Reuters) - Drones...") == pub
    assert dateline("Drones flew on Wednesday.") is None


def test_dates_a_follow_up_counts_back_to():
    days = {d.text: d.day for d in find_dates(
        "Three days after the strike; A week after the drone fell; the jet that fell a day "
        "earlier; two days after Monday", dt.date(2022, 12, 8))}
    assert days["Three days after"] == dt.date(2022, 12, 5)
    assert days["A week after"] == dt.date(2022, 12, 1)
    assert days["a day earlier"] == dt.date(2022, 12, 7)
    assert days["two days after Monday"] is None  # counts from a day the text names
    year = {d.text: d.day for d in find_dates(
        "downed on July 17 last year; on 17 July last year", dt.date(2015, 10, 13))}
    assert set(year.values()) == {dt.date(2014, 7, 17)}


@pytest.mark.parametrize("text,published,day", [
    ("on Christmas Eve", dt.date(2025, 12, 25), dt.date(2025, 12, 24)),
    ("on Christmas Day", dt.date(2025, 12, 27), dt.date(2025, 12, 25)),
    ("on Christmas Eve", dt.date(2026, 1, 3), dt.date(2025, 12, 24)),  # last year's
    ("on New Year’s Eve", dt.date(2025, 1, 2), dt.date(2024, 12, 31)),
    ("on New Year's Day", dt.date(2025, 1, 2), dt.date(2025, 1, 1)),
])
def test_holidays_are_the_last_before_publication(text, published, day):
    (found,) = find_dates(text, published)
    assert found.day == day


def test_weekend_is_the_saturday_before_publication():
    days = {d.text: d.day for d in find_dates(
        "crashed at the weekend; seen over the weekend; a drone last weekend",
        dt.date(2024, 9, 10))}  # a Tuesday
    assert set(days.values()) == {dt.date(2024, 9, 7)}
    sunday = {d.text: d.day for d in find_dates("at the weekend, last weekend",
                                                dt.date(2024, 9, 8))}
    assert sunday == {"at the weekend": dt.date(2024, 9, 7),
                      "last weekend": dt.date(2024, 8, 31)}


@pytest.mark.parametrize("text,day", [
    # the summons is Monday's, the crash the weekend's
    ("Estonia summoned the Russian charge d'affaires in Tallinn on Monday over the drone that "
     "crashed near Narva at the weekend, the foreign ministry said.", dt.date(2024, 9, 7)),
    # the video is Thursday's, the collision Tuesday's
    ("The navy released footage on Thursday of a Russian jet striking a Romanian drone during "
     "Tuesday's encounter near Constanta.", dt.date(2024, 9, 10)),
    # only the aside has a date: the incident was before it, how long is not said
    ("Lithuania summoned a Belarusian diplomat on Monday after balloons crossed into its "
     "airspace near Vilnius.", None),
    ("Moscow denied on Tuesday that its drones had entered Romanian airspace.", None),
])
def test_the_incident_date_not_the_date_of_what_followed(extractor, text, day):
    report = extractor.extract(text, dt.date(2024, 9, 12))  # a Thursday
    assert [i.date for i in report.incidents] == [day]


def test_drones_were_reported_near_an_airport_is_a_sighting(extractor):
    report = extractor.extract("Several drones were first reported shortly after 9 p.m. on "
                               "Tuesday near Hamburg's airport. Police searched the area with a "
                               "helicopter.", dt.date(2025, 10, 29))
    (inc,) = report.incidents
    assert inc.country_iso3 == "DEU" and inc.date == dt.date(2025, 10, 28)
    assert "Hamburg" in inc.location.name


def test_a_states_name_before_its_drone_is_the_owner_not_the_place(extractor):
    report = extractor.extract("A Russian fighter collided with a U.S. MQ-9 Reaper surveillance "
                               "drone over the Black Sea on Tuesday, U.S. European Command "
                               "said.", dt.date(2023, 3, 15))
    (inc,) = report.incidents
    assert inc.location.name == "Black Sea" and inc.country_iso3 != "USA"
    assert inc.verdict != "inside"
    roles = {p.text: p.role for p in report.places}
    assert roles["U.S."] == "actor"
    # a city's name before the thing is where it happened
    report = extractor.extract("Flights were halted after the Vilnius drone sighting on Sunday.",
                               dt.date(2025, 10, 27))
    assert {p.text: p.role for p in report.places} == {"Vilnius": "location"}


def test_the_earlier_event_a_sentence_dates_itself_by_is_context(extractor):
    day = dt.date(2025, 9, 26)
    report = extractor.extract("Police said drones flew over Esbjerg overnight, three days after "
                               "drones closed Billund Airport.", day)
    assert [i.location.name for i in report.incidents] == ["Esbjerg"]
    # a follow-up about the response: the earlier event is the incident it tells
    report = extractor.extract("A week after drones shut Billund Airport on Sept. 22, the "
                               "government announced new police powers.", day)
    assert [(i.location.name, i.date) for i in report.incidents] == \
        [("Billund Airport", dt.date(2025, 9, 22))]


def test_the_croatian_capital_and_the_aircraft_that_was_the_drone(extractor):
    report = extractor.extract("A military drone crashed in the Croatian capital late on "
                               "Thursday, police said. Officials said the aircraft had flown in "
                               "over Romania and Hungary before entering Croatian airspace.",
                               dt.date(2022, 3, 11))
    (inc,) = report.incidents  # "the aircraft" is the drone, not a second incident
    assert (inc.object, inc.location.name, inc.location.precision) == ("drone", "Zagreb", "city")
    # a new aircraft is a new object
    report = extractor.extract("A drone crashed in Zagreb on Thursday. A fighter jet violated "
                               "Hungarian airspace near Pécs on Friday.", dt.date(2022, 3, 12))
    assert [i.object for i in report.incidents] == ["drone", "aircraft"]


def test_interceptor_drones_to_buy_are_no_incident(extractor):
    report = extractor.extract("Ministers in Brussels said member states should pool their "
                               "radars and interceptor drones.", dt.date(2025, 10, 16))
    assert report.incidents == []
    report = extractor.extract("Polish jets intercepted drones over Lublin on Wednesday.",
                               dt.date(2025, 9, 10))
    assert len(report.incidents) == 1


def test_long_documents_are_processed_in_bounded_pieces(extractor, monkeypatch):
    import geoincidents.mentions as mentions

    monkeypatch.setattr(mentions, "MAX_CHUNK", 400)
    para = "Officials met in Brussels to talk about the weather and the budget.\n"
    text = para * 30 + "Russian drones entered Polish airspace on Wednesday.\n" + para * 30
    sentences, found = extractor.geoparser.finder.analyse(text)
    assert all(text[m.start:m.end] == m.text for m in found)
    report = extractor.extract(text, dt.date(2025, 9, 12))
    assert len(report.incidents) == 1 and report.incidents[0].country_iso3 == "POL"


# -- the CLI --------------------------------------------------------------------------------------


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_extract_seed_geojson(runner, tmp_path):
    out = tmp_path / "seed.geojson"
    res = run(runner, "extract", str(SEED), "--published", "2025-09-12", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "1 incident(s), 1 inside NATO airspace" in res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    incidents = [f for f in doc["features"] if f["properties"]["feature_type"] == "incident"]
    assert len(incidents) == 1
    props = incidents[0]["properties"]
    assert (props["object"], props["actor_iso3"], props["country_iso3"], props["date"],
            props["verdict"], props["inside_nato_airspace"]) == \
        ("drone", "RUS", "POL", "2025-09-10", "inside", True)
    lon, lat = incidents[0]["geometry"]["coordinates"]
    assert (lat, lon) == (52.0, 20.0)  # [lon, lat] order
    # Flat properties, one JSON type per key across all features (null allowed).
    types: dict[str, set] = {}
    for f in doc["features"]:
        for k, v in f["properties"].items():
            assert not isinstance(v, (dict, list)), k
            if v is not None:
                types.setdefault(k, set()).add(type(v).__name__)
    assert all(len(t) == 1 for t in types.values()), types
    places = [f for f in doc["features"] if f["properties"]["feature_type"] == "place"]
    assert {"Brussels", "Washington", "Alaska"} <= {p["properties"]["mention"] for p in places}


@pytest.mark.parametrize("value", ["2025-02-30", "Sept 12", "yesterday"])
def test_bad_published_exit_2(runner, value):
    res = run(runner, "extract", str(SEED), "--published", value)
    assert res.exit_code == 2 and value in res.stderr


def test_contradictory_published_exit_2(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "Drones entered Polish airspace.",
                                "published": "2025-09-11"}) + "\n", encoding="utf-8")
    res = run(runner, "extract", str(feed), "--published", "2025-09-12")
    assert res.exit_code == 2 and "contradicts" in res.stderr and "2025-09-11" in res.stderr
    ok = run(runner, "extract", str(feed))
    assert ok.exit_code == 0
    (inc,) = [f for f in json.loads(ok.stdout)["features"]
              if f["properties"]["feature_type"] == "incident"]
    assert inc["properties"]["published"] == "2025-09-11"


def test_text_without_incident_exit_0(runner, tmp_path):
    story = tmp_path / "calm.txt"
    story.write_text("The summit in Vilnius ended on Wednesday.", encoding="utf-8")
    res = run(runner, "extract", str(story))
    assert res.exit_code == 0
    feats = json.loads(res.stdout)["features"]
    assert feats and all(f["properties"]["feature_type"] == "place" for f in feats)


def test_a_word_of_an_unknown_name_is_not_a_place_in_another_country(extractor):
    # "Delta" is a state of Nigeria; the Danube Delta of a Romanian story is not in it.
    report = extractor.extract(
        "Romania's foreign ministry condemned the violation of Romanian airspace by a Russian "
        "drone. Fragments of the drone were recovered on Monday in the Danube Delta, the "
        "defence ministry said.", dt.date(2024, 9, 9))
    delta = next(p for p in report.places if p.text == "Danube Delta")
    assert delta.country_iso3 == "ROU"
    assert {i.country_iso3 for i in report.incidents} == {"ROU"}


@pytest.mark.parametrize("text, state", [
    ("WARSAW - Poland shot down drones that violated its airspace overnight as Russia launched "
     "a massive attack on western Ukraine.", "POL"),
    ("Latvia summoned a representative of the Russian embassy in Riga on Monday over the drone "
     "that crashed in the east of the country at the weekend.", "LVA"),
    ("Romania scrambled two F-16 fighters on Saturday after a drone used in Russian strikes on "
     "Ukraine's Danube ports flew into its airspace.", "ROU"),
])
def test_its_airspace_is_the_subject_states(extractor, text, state):
    report = extractor.extract(text, dt.date(2025, 9, 13))
    assert [i.country_iso3 for i in report.incidents][:1] == [state]


def test_its_airspace_of_an_airport_names_no_state(extractor):
    report = extractor.extract(
        "Vilnius Airport halted flights on Sunday after balloons drifting in from Belarus were "
        "detected heading into its airspace.", dt.date(2025, 10, 27))
    assert report.incidents and all(i.country_iso3 != "BLR" for i in report.incidents)


def _only(extractor, text, published):
    """The one incident a text tells."""
    (inc,) = extractor.extract(text, published, "t").incidents
    return inc


def test_a_missile_fired_by_a_fighter_is_its_weapon_not_the_object(extractor):
    for text in ("A Syrian jet crossed into Turkish airspace at Yayladağı on Sunday and was hit "
                 "by a missile fired by a patrolling Turkish F-16.",
                 "The Syrian warplane violated Turkish airspace on Sunday before a missile from "
                 "a Turkish F-16 hit it.",
                 "A Russian helicopter entered Polish airspace on Sunday; F-16s fired "
                 "air-to-air missiles at it."):
        assert _only(extractor, text, dt.date(2014, 3, 23)).object == "aircraft", text
    # A missile that is the intruder stays one, fighters or not.
    assert _only(extractor, "A Russian missile entered Polish airspace on Friday and F-16 jets "
                 "were scrambled.", dt.date(2023, 12, 29)).object == "missile"


@pytest.mark.parametrize("text,published,expected", [
    pytest.param(
        "Turkish warplanes on Friday shot down an unidentified aircraft that had flown into "
        "Turkish airspace near the Syrian border, the military said. A senior official said it "
        "was a drone, hit about 3 km inside Turkey near the town of Kilis.",
        dt.date(2015, 10, 16), {"object": "drone", "place": "Kilis"},
        id="an unidentified aircraft named later a drone is one drone incident"),
    pytest.param(
        "CHISINAU - A drone crashed onto the roof of a house in northern Moldova on Tuesday "
        "morning during Russia's latest large-scale attack on Ukraine, police said.",
        dt.date(2025, 11, 25), {"country": "MDA"},
        id="the attack on another state is context, not the site"),
    pytest.param(
        "PEER, Limburg - Four more drones were detected over the Kleine-Brogel air base on "
        "Sunday evening, the mayor said, and a police helicopter followed them until they "
        "disappeared. It was the third night in a row that drones had been seen there.",
        dt.date(2025, 11, 3), {"country": "BEL", "date": dt.date(2025, 11, 2)},
        id="a helicopter that followed the drones is not a recalled event"),
    pytest.param(
        "Moldova's foreign ministry condemned a grave violation of the country's airspace by "
        "several drones, including the one that crashed in Cuhureștii de Jos, and summoned the "
        "Russian ambassador.", dt.date(2025, 11, 25), {"country": "MDA", "precision": "village"},
        id="a village before a new clause of summons is still the site"),
    pytest.param(
        "A US F-22 shot down a high-altitude object over central Yukon on Saturday.",
        dt.date(2023, 2, 11), {"object": "unknown"},
        id="a high-altitude object shot down by a fighter is the unknown object"),
    pytest.param(
        "WARSAW - The defence ministry on Monday released radar tracks of the attack drone "
        "that crashed near Rzeszów on Saturday.", dt.date(2025, 9, 15),
        {"date": dt.date(2025, 9, 13)},
        id="a statement's day said before its verb is not the incident's"),
    pytest.param(
        "A passenger airliner crashed near the village of Hrabove on Thursday.",
        dt.date(2014, 7, 17), {"object": "aircraft", "country": "UKR"},
        id="an airliner is an aircraft"),
    pytest.param(
        "Wright-Patterson Air Force Base restricted its airspace for four hours on Friday "
        "because of drones over the base.", dt.date(2024, 12, 14),
        {"object": "drone", "country": "USA", "precision": "site"},
        id="a base named in full is the site, and a restricted airspace an incident"),
    pytest.param(
        "The wing said small unmanned aerial systems were seen over the installation on Friday "
        "and the airspace was closed.", dt.date(2024, 12, 14), {"object": "drone"},
        id="unmanned aerial systems are drones"),
    pytest.param(
        "Residents have reported large drones over Morris County every night since Nov. 18.",
        dt.date(2024, 12, 3), {"object": "drone", "country": "USA"},
        id="have reported drones is a sighting"),
    pytest.param(
        "US Air Forces in Europe, headquartered at Ramstein Air Base in Germany, said drones "
        "were spotted over RAF Lakenheath on Wednesday.", dt.date(2024, 11, 23),
        {"country": "GBR"}, id="where the command is headquartered is not the site"),
    pytest.param(
        "Drones were seen over Aalborg Airport on Thursday night. The police said reports "
        "involving Billund Airport referred to earlier incidents.", dt.date(2025, 9, 26),
        {"place": "Aalborg Airport"}, id="a place of earlier incidents is background"),
    pytest.param(
        "GILZE-RIJEN, Netherlands - The airliner was downed over eastern Ukraine on July 17 "
        "last year by a missile, the safety board said at the air base.", dt.date(2015, 10, 13),
        {"country": "UKR", "date": dt.date(2014, 7, 17)},
        id="an air base's dateline is where the report was filed, not the site"),
    pytest.param(
        "A US F-16 fired a Sidewinder missile on Sunday and shot down an object flying over "
        "Lake Huron, the Pentagon said.", dt.date(2023, 2, 12),
        {"object": "unknown", "place": "Lake Huron", "precision": "region"},
        id="an object a fighter shot down is the unknown object, over the lake"),
    pytest.param(
        "RIGA - The tail section that washed up on Thursday on a beach near Ventspils came from "
        "a Russian drone, the minister said.", dt.date(2025, 9, 19),
        {"object": "drone", "country": "LVA", "date": dt.date(2025, 9, 18)},
        id="wreckage washed up on a beach is a find"),
    pytest.param(
        "Departures from Heathrow were halted for an hour on Tuesday after a drone was reported "
        "near the airport.", dt.date(2019, 1, 8),
        {"place": "London Heathrow Airport"},
        id="departures from an airport: the airport, not an origin"),
    pytest.param(
        "London's main airport halted take-offs on Tuesday evening after a drone was reported.",
        dt.date(2019, 1, 8), {"country": "GBR"},
        id="a city's main airport is in the city's state (not London, Ontario)"),
    pytest.param(
        "Media said a drone fell on the runway of the Engels bomber base in the Saratov region, "
        "while a fuel truck blew up at the Dyagilevo base near Ryazan, killing three people.",
        dt.date(2022, 12, 5), {"place": "Engels"},
        id="a clause where nothing of the incident happened gives no site"),
    pytest.param(
        "WASHINGTON - The FBI said on Thursday it had found no evidence that the drones reported "
        "over New Jersey since last month pose a threat. Many of the sightings appear to be "
        "manned aircraft flying lawfully.", dt.date(2024, 12, 12),
        {"object": "drone", "place": "New Jersey"},
        id="since last month is a running series, not background"),
    pytest.param(
        "Iran launched hundreds of drones and missiles at Israel overnight, the military said. "
        "A few ballistic missiles struck the Nevatim air base, causing light damage.",
        dt.date(2024, 4, 14), {"country": "ISR"},
        id="a later sentence about one of the objects named is the same attack"),
    pytest.param(
        "WARSAW - A drone was neutralised over government buildings in central Warsaw on "
        "Monday. The incident came five days after Russian drones crossed into eastern Poland.",
        dt.date(2025, 9, 16), {"date": dt.date(2025, 9, 15), "object": "drone"},
        id="came five days after: counted from the incident, not from publication"),
])
def test_one_incident_as_the_text_tells_it(extractor, text, published, expected):
    inc = _only(extractor, text, published)
    got = {"object": inc.object, "country": inc.country_iso3, "date": inc.date,
           "place": inc.location and inc.location.name,
           "precision": inc.location and inc.location.precision}
    assert {k: got[k] for k in expected} == expected


def test_brought_down_is_an_incident_and_where_wreckage_was_taken_is_not_its_site(extractor):
    inc = _only(extractor, "Ten days after an F-22 brought down the Chinese balloon off the "
                "South Carolina coast on Feb. 4, recovery crews said the pieces had been taken "
                "to the FBI laboratory in Quantico, Virginia.", dt.date(2023, 2, 14))
    assert inc.object == "balloon" and inc.date == dt.date(2023, 2, 4)
    assert inc.location.name == "South Carolina"
    # Responders sent to a place went to the site.
    inc = _only(extractor, "Officers were sent to Gardermoen in Ullensaker municipality on "
                "Monday night after reports of drones close to the airport.", dt.date(2025, 9, 23))
    assert inc.location is not None and inc.country_iso3 == "NOR"


def test_an_aerial_object_that_disappeared_over_an_area_is_an_incident(extractor):
    text = ("Poland's operational command said it had ended the search for the aerial object "
            "that entered the country from Ukraine on Aug. 26. The object, which three radars "
            "followed before it disappeared over the Tomaszów Lubelski area, may have flown "
            "back out of Polish airspace, the command said.")
    incs = extractor.extract(text, dt.date(2024, 9, 5), "t").incidents
    assert [i.object for i in incs] == ["unknown"] and incs[0].date == dt.date(2024, 8, 26)
    assert incs[0].country_iso3 == "POL" and incs[0].location.precision != "country"


def test_an_incursion_recalled_by_its_year_is_background(extractor):
    inc = _only(extractor, "KARLSKRONA - The Russian AN-30 crossed into Swedish airspace off the "
                "coast of Blekinge on Friday evening, the armed forces said. Sweden's airspace "
                "was last violated in March, east of Gotland; in September 2014 two Su-24 "
                "bombers flew into it south of Öland.", dt.date(2022, 5, 1))
    assert inc.location.name == "Blekinge län" and inc.date == dt.date(2022, 4, 29)


def test_either_of_two_origins_places_it_along_neither_border(extractor):
    # "from Russian or Latvian airspace": not in Latvia, and not near the Russian border only.
    inc = _only(extractor, "The drone came down at around 4 a.m. on Sunday and may have entered "
                "Estonia from Russian or Latvian airspace.", dt.date(2025, 8, 26))
    assert inc.country_iso3 == "EST" and inc.location.precision == "country"
    inc = _only(extractor, "A drone entered Poland from Belarus on Sunday.", dt.date(2025, 8, 26))
    assert "border with Belarus" in (inc.location.note or "")


def test_a_made_or_run_state_is_an_actor_and_an_unmanned_aircraft_a_drone(extractor):
    inc = _only(extractor, "LAKENHEATH, Suffolk - Drones were seen again over the US-run bases "
                "overnight, the Air Force said.", dt.date(2024, 11, 26))
    assert inc.country_iso3 == "GBR"  # the local dateline, not the United States
    inc = _only(extractor, "The object that came down near Šumskas on Thursday was a makeshift "
                "unmanned aircraft of plywood and foam.", dt.date(2025, 7, 10))
    assert inc.object == "drone"
