"""Events: reports of one incident clustered together, with sources kept and conflicts listed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from geoincidents.events import Sighting, Source, cluster_events, compatible, sighting
from geoincidents.incidents import IncidentExtractor

D = dt.date
NIGHT = D(2025, 9, 10)


def s(doc, *, obj="drone", date=NIGHT, published=NIGHT, state="POL",
      lat=51.56, lon=23.36, precision="village", km=5.0, verdict="inside", attribution=None,
      incident="1", url=None, name=None) -> Sighting:
    # Each place its own name unless given: two reports naming one village are one place.
    return Sighting(Source(doc, f"{doc}#{incident}", url, published, f"evidence of {doc}"), obj,
                    "RUS", attribution, date, state, state, True, verdict == "inside", verdict,
                    10.0, lat, lon, precision, km, name or f"place at {lat},{lon}", 0.8)


def test_reports_of_one_night_join_and_another_state_the_same_night_does_not():
    wire = s("wire", precision="country", lat=52.0, lon=20.0, km=315)  # "Polish airspace"
    local = s("local")  # the village
    later = s("followup", date=D(2025, 9, 10), published=D(2025, 9, 17), lat=51.57, lon=23.37)
    romania = s("ro", state="ROU", lat=45.32, lon=28.83, date=D(2025, 9, 10))
    events = cluster_events([wire, local, later, romania])
    assert len(events) == 2
    poland = next(e for e in events if e.where.country_iso3 == "POL")
    assert poland.report_count == 3 and poland.where.precision == "village"
    assert poland.first_reported == D(2025, 9, 10) and poland.last_reported == D(2025, 9, 17)
    assert {x.doc_id for x in poland.sources} == {"wire", "local", "followup"}


def test_one_misplaced_vague_report_does_not_keep_the_others_out():
    # A village report anchors the event; a wire report misread as "Ukraine" joins it (it
    # fits the village across the border), and the plain "Polish airspace" reports must still
    # join: a vague member is not a place the others have to fit.
    village = s("village", precision="admin2", lat=50.69, lon=23.9, km=32)
    misread = s("misread", state="UKR", precision="country", lat=49.0, lon=32.0, km=726,
                verdict="outside")
    wires = [s(f"wire{n}", precision="country", lat=52.0, lon=20.0, km=454) for n in range(3)]
    [event] = cluster_events([village, misread, *wires])
    assert event.report_count == 5 and event.where.source.doc_id == "village"
    assert any(c.startswith("state: ") for c in event.conflicts)


def test_vague_reports_of_two_states_with_nothing_placed_stay_apart():
    romania = s("ro", state="ROU", precision="country", lat=46.0, lon=25.0, km=406)
    latvia = s("lv", state="LVA", precision="country", lat=57.0, lon=25.0, km=200)
    assert len(cluster_events([romania, latvia])) == 2


def test_a_denial_naming_the_other_state_joins_the_vague_report_of_that_state():
    # "Turkish airspace" and a denial placed over Syria that says the jet "never crossed into
    # Turkey": one flight across their border. Unrelated vague reports still stay apart.
    turkey = dataclasses.replace(
        s("tr", obj="aircraft", state="TUR", precision="country", lat=39.0, lon=35.0, km=880),
        states=("TUR",))
    denial = dataclasses.replace(
        s("sy", obj="aircraft", state="SYR", precision="country", lat=35.0, lon=38.0, km=462),
        states=("SYR", "TUR"))
    other = dataclasses.replace(
        s("iq", obj="aircraft", state="IRQ", precision="country", lat=33.0, lon=44.0, km=580),
        states=("IRQ",))
    assert compatible(turkey, denial) and compatible(denial, turkey)
    assert not compatible(denial, other)
    assert sorted(e.report_count for e in cluster_events([turkey, denial, other])) == [1, 2]


def test_two_airports_the_same_night_are_two_events():
    copenhagen = s("a", precision="site", lat=55.618, lon=12.656, km=2, state="DNK")
    oslo = s("b", precision="site", lat=60.197, lon=11.1, km=2, state="NOR")
    copenhagen2 = s("c", precision="site", lat=55.62, lon=12.65, km=2, state="DNK")
    events = cluster_events([copenhagen, oslo, copenhagen2])
    assert sorted(e.report_count for e in events) == [1, 2]


def test_the_same_village_in_another_year_is_another_event():
    a = s("2023", date=D(2023, 9, 4), published=D(2023, 9, 6), state="ROU", lat=45.32,
          lon=28.83)
    b = s("2024", date=D(2024, 9, 8), published=D(2024, 9, 9), state="ROU", lat=45.32,
          lon=28.83)
    assert len(cluster_events([a, b])) == 2


def test_undated_report_joins_within_the_week_before_it_was_published():
    dated = s("dated", date=D(2025, 9, 10))
    undated = s("undated", date=None, published=D(2025, 9, 14))
    stale = s("stale", date=None, published=D(2025, 9, 30))
    assert compatible(dated, undated) and not compatible(dated, stale)


def test_a_find_days_later_joins_the_night_it_came_down():
    night = s("night", date=D(2025, 9, 10))
    find = dataclasses.replace(s("find", date=D(2025, 9, 13)), source=Source(
        "find", "find#1", None, D(2025, 9, 13), "Fragments of a drone were found on Saturday."))
    seen = dataclasses.replace(s("seen", date=D(2025, 9, 13)), source=Source(
        "seen", "seen#1", None, D(2025, 9, 13), "A drone flew over the village on Saturday."))
    assert compatible(night, find) and not compatible(night, seen)


def test_the_third_night_in_a_row_covers_the_two_before():
    first = s("first", date=D(2025, 10, 24), precision="site", km=2.0)
    third = dataclasses.replace(s("third", date=D(2025, 10, 26), precision="site", km=2.0),
                                source=Source("third", "third#1", None, D(2025, 10, 27),
                                              "The airport closed again on Sunday, the third "
                                              "evening in a row that balloons drifted in."))
    again = dataclasses.replace(third, source=dataclasses.replace(
        third.source, evidence="The airport closed again on Sunday as balloons drifted in."))
    assert third.window == (D(2025, 10, 24), D(2025, 10, 26))
    assert compatible(first, third) and not compatible(first, again)


def told(sight: Sighting, evidence: str) -> Sighting:
    return dataclasses.replace(sight, source=dataclasses.replace(sight.source, evidence=evidence))


def test_a_strike_and_a_report_placed_across_the_border_are_two_incidents():
    # the strike on the Ukrainian port, and debris across the Danube in Romania, 4 km apart
    port = [told(s(f"port{k}", state="UKR", lat=45.35, lon=28.84, precision="city", km=3.0,
                   verdict="outside"), "Russian drones attacked the port overnight.")
            for k in range(3)]
    debris = [s(f"debris{k}", state="ROU", lat=45.32, lon=28.83, precision="region", km=13.0,
                date=None, published=D(2025, 9, 12)) for k in range(2)]
    wire = s("wire", state="ROU", lat=46.0, lon=25.0, precision="country", km=406.0)
    assert not compatible(port[0], debris[0])
    events = cluster_events([*port, *debris, wire])
    groups = sorted(sorted(m.source.doc_id for m in e.members) for e in events)
    assert groups == [["debris0", "debris1", "wire"], ["port0", "port1", "port2"]]


def test_one_flight_placed_on_both_sides_of_the_border_is_one_incident():
    # a jet seen off a Kaliningrad village and over the Lithuanian town across the border
    over = told(s("over", obj="aircraft", state="LTU", lat=54.66, lon=22.93, precision="region",
                  km=34.0), "Two Russian jets flew about 700 m into Lithuanian airspace.")
    off = told(s("off", obj="aircraft", state="RUS", lat=54.64, lon=22.73, precision="village",
                 km=2.0, verdict="outside"), "The jets were tracked near Chernyshevskoye.")
    assert compatible(over, off)
    assert len(cluster_events([over, off])) == 1


def test_an_undated_find_of_wreckage_can_be_months_after_the_fall():
    fall = s("fall", date=D(2022, 12, 16), precision="region", km=36.0, lat=53.12, lon=18.01)

    def undated(doc, evidence):
        return dataclasses.replace(
            s(doc, date=None, published=D(2023, 4, 29), precision="region", km=36.0,
              lat=53.12, lon=18.01),
            source=Source(doc, f"{doc}#1", None, D(2023, 4, 29), evidence))

    find = undated("find", "The wreckage of a cruise missile was found in woods near the city.")
    seen = undated("seen", "A drone flew over the city, police said.")
    none = undated("none", "Police searched the fields but found neither the drones nor "
                           "their operators.")
    assert compatible(fall, find)
    assert not compatible(fall, seen) and not compatible(fall, none)
    assert find.window[0] <= D(2022, 12, 16)


def test_a_drone_seen_in_flight_and_found_80_km_on_is_one_incident():
    def told(doc, evidence, **kw):
        base = s(doc, state="LTU", date=D(2025, 7, 28), published=D(2025, 7, 28), **kw)
        return dataclasses.replace(base, source=Source(doc, f"{doc}#1", None, base.source.published,
                                                       evidence))

    seen = told("seen", "A drone flew in from Belarus and was seen over the capital before "
                "contact was lost.", lat=54.69, lon=25.28, precision="city", km=8.0)
    found = told("found", "The drone that crossed the border on Monday was found at a training "
                 "ground.", lat=55.05, lon=24.35, precision="region", km=13.0)
    closed = told("closed", "Drones closed the airport on Monday night.", lat=55.05, lon=24.35,
                  precision="site", km=2.0)
    assert compatible(seen, found)
    assert not compatible(seen, closed)  # no fall: two places, two incidents
    assert not compatible(dataclasses.replace(seen, object="balloon"),
                          dataclasses.replace(found, object="balloon"))
    assert len(cluster_events([seen, found])) == 1


def test_conflicts_are_listed_not_averaged():
    a = s("a", obj="drone")
    b = s("b", obj="missile")
    c = s("c", obj="drone", attribution="denied", date=D(2025, 9, 9))
    [event] = cluster_events([a, b, c])
    text = "; ".join(event.conflicts)
    assert "object: drone (2), missile (1)" in text
    assert "date: 2025-09-09 (1), 2025-09-10 (2)" in text and "denied" in text
    assert event.object == "drone" and event.date == D(2025, 9, 10)
    props = event.to_properties()
    assert props["report_count"] == 3 and props["conflicts"]
    assert [x["doc_id"] for x in json.loads(props["sources"])] == ["a", "b", "c"]


def test_an_airliner_shot_down_is_one_event_whether_told_by_the_aircraft_or_the_missile():
    # "the airliner crashed near Hrabove" and "brought down by a missile over Donetsk region"
    crash = s("crash", obj="aircraft", state="UKR", lat=48.14, lon=38.64, km=2)
    missile = s("missile", obj="missile", state="UKR", precision="admin1", lat=47.83,
                lon=37.64, km=159)
    assert compatible(crash, missile) and len(cluster_events([crash, missile])) == 1
    # still not a balloon
    assert not compatible(crash, dataclasses.replace(missile, object="balloon"))


def test_one_reports_two_incidents_never_merge():
    a = s("doc", incident="1")
    b = s("doc", incident="2", lat=51.6, lon=23.4)
    assert len(cluster_events([a, b])) == 2


def test_existing_events_keep_their_ids_and_take_new_reports():
    first = cluster_events([s("day1")])
    ident = first[0].event_id
    again = cluster_events([s("day2", published=D(2025, 9, 11))], existing=first)
    assert len(again) == 1 and again[0].event_id == ident and again[0].report_count == 2


@pytest.fixture(scope="module")
def extractor():
    return IncidentExtractor()


def test_extracted_reports_cluster(extractor):
    texts = {
        "wire": ("2025-09-10", "Russian drones violated Polish airspace overnight, the army "
                 "said on Wednesday, and several were shot down."),
        "local": ("2025-09-11", "A Russian drone smashed through the roof of a house in "
                  "Wyryki-Wola, a village in Włodawa county in Poland's Lublin province, in "
                  "the early hours of Wednesday."),
        "aalborg": ("2025-09-25", "Drones were spotted over the airport in Aalborg on "
                    "Wednesday night, forcing it to close for several hours."),
    }
    sightings = []
    for doc, (day, text) in texts.items():
        published = D.fromisoformat(day)
        for inc in extractor.extract(text, published, doc).incidents:
            sightings.append(sighting(inc, doc, None, published))
    events = cluster_events(sightings)
    sizes = sorted(e.report_count for e in events)
    assert sizes == [1, 2], [(e.where.name, e.report_count) for e in events]


def test_an_extracted_denial_names_the_state_it_denies(extractor):
    text = ("MOSCOW - Russia's defence ministry said on Tuesday that its Su-24 had stayed over "
            "Syrian territory for the whole of its mission and never crossed into Turkey.")
    (inc,) = extractor.extract(text, D(2015, 11, 24), "deny").incidents
    assert inc.country_iso3 == "SYR" and set(inc.states) == {"SYR", "TUR"}
    assert sighting(inc, "deny").states == inc.states


def test_event_clustering_on_the_evaluation_reports(extractor):
    """tests/data/events: 97 reports of 26 real incidents (and hard negatives). Guards just under
    what clustering measures (benchmarks/report_events.py)."""
    from pathlib import Path

    from geoincidents.evaluate import score_events

    data = Path(__file__).resolve().parent / "data" / "events"
    reports = [json.loads(line) for line in (data / "reports.jsonl").open(encoding="utf-8")]
    truth = {row["event"]: row for row in
             (json.loads(line) for line in (data / "truth.jsonl").open(encoding="utf-8"))}
    score = score_events(reports, truth, extractor)
    print(score.summary())
    assert score.matched >= 0.9 * score.incidents
    assert score.pairwise_precision >= 0.95 and score.bcubed_precision >= 0.95, score.failures
    assert score.pairwise_recall >= 0.95 and score.bcubed_recall >= 0.95, score.failures


def test_since_a_weekday_covers_every_night_from_then_to_publication():
    # "the drones flown over Kleine-Brogel since Friday", told on Monday: Friday to Monday.
    since = dataclasses.replace(
        s("since", date=D(2025, 10, 31), published=D(2025, 11, 3)),
        source=Source("since", "since#1", None, D(2025, 11, 3),
                      "The drones flown over the base since Friday looked like spying."))
    assert since.window == (D(2025, 10, 31), D(2025, 11, 3))
    sunday = s("sunday", date=D(2025, 11, 2), published=D(2025, 11, 2))
    assert compatible(since, sunday)
    plain = s("plain", date=D(2025, 10, 31), published=D(2025, 11, 3))
    assert plain.window == (D(2025, 10, 31), D(2025, 10, 31))
    assert not compatible(plain, sunday)
    # "almost every night since Nov. 18", told on Dec. 3: every night from Nov. 18
    dated = dataclasses.replace(
        s("dated", date=D(2024, 11, 18), published=D(2024, 12, 3)),
        source=Source("dated", "dated#1", None, D(2024, 12, 3),
                      "Residents have reported drones almost every night since Nov. 18."))
    assert dated.window == (D(2024, 11, 18), D(2024, 12, 3))


def test_an_undated_report_of_one_month_covers_that_month():
    def told(text, published):
        return dataclasses.replace(s("m", date=None, published=published),
                                   source=Source("m", "m#1", None, published, text))

    later = told("For 17 nights in December last year, drones flew over the base.",
                 D(2024, 10, 13))
    assert later.window == (D(2023, 12, 1), D(2023, 12, 31))
    assert compatible(later, s("first", date=D(2023, 12, 6), published=D(2024, 3, 15)))
    assert told("Night after night in December 2023, drones crossed the base.",
                D(2024, 10, 14)).window == (D(2023, 12, 1), D(2023, 12, 31))
    # two months, or a day named too: the month may date something else
    assert told("Since Finland joined NATO in April last year; the previous one, in August "
                "2022, near Porvoo.", D(2024, 6, 11)).window == (D(2024, 6, 4), D(2024, 6, 11))
    assert told("Drones flew on Monday, the first since the ones in April.",
                D(2024, 6, 11)).window == (D(2024, 6, 4), D(2024, 6, 11))


def test_the_same_village_name_the_same_days_is_the_same_place():
    # "near Grindu" geocoded to the namesake 125 km away; the same days, the same state.
    tulcea = dataclasses.replace(s("a", state="ROU", lat=45.40, lon=28.22, precision="region",
                                   km=31.5), name="Grindu")
    namesake = dataclasses.replace(s("b", state="ROU", lat=44.77, lon=26.92, precision="region",
                                     km=32.1), name="Grindu")
    other = dataclasses.replace(namesake, name="Slobozia")
    assert compatible(tulcea, namesake)
    assert not compatible(tulcea, other)
    assert len(cluster_events([tulcea, namesake])) == 1
    # Across a border too: "Larga" geocoded to a Romanian Larga joins the Moldovan village's
    # event, judged at the village the event placed, so a neighbouring village's report (3 km
    # from the Moldovan Larga, 230 km from the Romanian one) does not keep it out.
    larga = s("md", state="MDA", lat=48.37, lon=26.84, precision="village", km=3.0,
              name="Larga", obj="missile")
    pavlovca = s("md2", state="MDA", lat=48.38, lon=26.87, precision="village", km=3.0,
                 name="Pavlovca", obj="missile")
    romanian = s("ro", state="ROU", lat=46.35, lon=26.53, precision="city", km=2.0,
                 name="Larga", obj="missile")
    (event,) = cluster_events([larga, pavlovca, romanian])
    assert event.report_count == 3


def test_one_aircraft_over_two_neighbours_is_two_violations():
    # "Danish airspace" east of Bornholm and "Swedish airspace" off Blekinge, the same evening:
    # each state reports its own violation.
    denmark = s("dk", obj="aircraft", state="DNK", precision="country", lat=56.0, lon=10.0,
                km=363)
    sweden = s("se", obj="aircraft", state="SWE", precision="region", lat=55.54, lon=14.6,
               km=77)
    assert not compatible(denmark, sweden)
    # A drone reported as a whole state beside a report placed across its border is one
    # incident (a misread "Ukraine" beside the debris in Moldova), as before.
    assert compatible(dataclasses.replace(denmark, object="drone"),
                      dataclasses.replace(sweden, object="drone"))
    # An aircraft placed over its own state (the village opposite) violated only the other.
    opposite = s("ru", obj="aircraft", state="RUS", precision="village", lat=54.64, lon=22.73,
                 km=2)
    lithuania = s("lt", obj="aircraft", state="LTU", precision="country", lat=56.0, lon=24.0,
                  km=235)
    assert compatible(opposite, lithuania)


def test_only_a_denied_entry_or_a_border_names_the_other_state(extractor):
    text = ("A Russian AN-30 violated Swedish airspace on Friday evening after it had flown east "
            "of the Danish island of Bornholm.")
    (inc,) = extractor.extract(text, D(2022, 4, 30), "se").incidents
    assert inc.states == ("SWE",)
    text = ("Syria said its jet had not entered Turkish airspace and was downed over Syrian "
            "territory on Sunday.")
    (inc,) = extractor.extract(text, D(2014, 3, 23), "sy").incidents
    assert set(inc.states) == {"SYR", "TUR"}


def test_a_range_of_nights_covers_each_of_them():
    def told(text, day):
        return dataclasses.replace(s("r", date=day, published=D(2025, 11, 19)),
                                   source=Source("r", "r#1", None, D(2025, 11, 19), text))

    assert told("Between Nov. 20 and 22, 2024, swarms of drones were reported near the base.",
                D(2024, 11, 20)).window == (D(2024, 11, 20), D(2024, 11, 22))
    assert told("Drones flew over the base on the nights of 20-22 November.",
                D(2024, 11, 20)).window == (D(2024, 11, 20), D(2024, 11, 22))
    # Numbers that are no days: one night.
    assert told("Between 10 and 20 drones flew over the base on Nov. 10.",
                D(2024, 11, 10)).window == (D(2024, 11, 10), D(2024, 11, 10))


def test_seen_again_after_nights_running_since_a_weekday_reaches_back_to_it():
    def told(text, day, published):
        return dataclasses.replace(s("r", date=day, published=published),
                                   source=Source("r", "r#1", None, published, text))

    again = told("Drones were seen again over the bases overnight, after sightings on three "
                 "nights running since last Wednesday.", D(2024, 11, 26), D(2024, 11, 26))
    assert again.window == (D(2024, 11, 20), D(2024, 11, 26))
    running = told("Drones were seen over the base for three nights running.", D(2024, 11, 22),
                   D(2024, 11, 23))
    assert running.window == (D(2024, 11, 20), D(2024, 11, 22))


def test_last_week_is_a_week_not_the_day_seven_days_before():
    week = dataclasses.replace(s("w", date=D(2024, 11, 17), published=D(2024, 11, 24)),
                               date_text="last week")
    assert week.window == (D(2024, 11, 11), D(2024, 11, 23))
    assert compatible(week, s("fri", date=D(2024, 11, 22), published=D(2024, 11, 22)))
    day = s("d", date=D(2024, 11, 17), published=D(2024, 11, 24))
    assert not compatible(day, s("fri", date=D(2024, 11, 22), published=D(2024, 11, 22)))


def test_an_undated_report_joins_the_latest_event_it_fits_and_no_state_is_not_a_match():
    # A find "near Pepeni" with no date (a find: up to 180 days back) and no place: it fits the
    # September event and the December one; the December one, which it was published after.
    def unplaced(doc, published, day=None):
        return Sighting(Source(doc, f"{doc}#1", None, published, "The drone found was a decoy."),
                        "drone", None, None, day, None, None, None, None, None, None, None,
                        None, None, None, None, 0.5)

    september = [s("vv", date=D(2025, 9, 18), published=D(2025, 9, 18), state="LVA", lat=57.3,
                   lon=21.5), unplaced("vv2", D(2025, 9, 18))]
    december = [s("pp", date=D(2025, 11, 29), published=D(2025, 12, 4), state="MDA", lat=47.6,
                  lon=28.3)]
    find = unplaced("find", D(2025, 12, 4))
    events = cluster_events([*september, *december, find])
    joined = next(e for e in events if any(m.source.doc_id == "find" for m in e.members))
    assert {m.source.doc_id for m in joined.members} == {"pp", "find"}
