"""Mentions, roles and resolution with a twenty-place gazetteer (and the real spaCy model)."""

from __future__ import annotations

import pytest

from geoincidents.errors import InputError
from geoincidents.gazetteer import Gazetteer, GazetteerEntry
from geoincidents.geoparser import Geoparser


def E(gid, name, lat, lon, feature, cc2=None, cc3=None, admin1=None, pop=0, capital=False,
      unc=5.0):
    return GazetteerEntry(f"test:{gid}", name, lat, lon, feature, cc2, cc3, admin1, None, pop,
                          capital, unc, "test")


ENTRIES = [
    (E(1, "Poland", 52.0, 20.0, "country", "PL", "POL", pop=38_000_000, unc=300), []),
    (E(2, "Warsaw", 52.23, 21.01, "city", "PL", "POL", "78", 1_700_000, True, 14), []),
    (E(3, "Lublin", 51.25, 22.57, "city", "PL", "POL", "75", 340_000, unc=8), []),
    (E(4, "Lubelskie", 51.15, 22.79, "admin1", "PL", "POL", "75", 2_100_000, unc=93),
     ["Lublin Province", "Lublin"]),
    (E(5, "Powiat włodawski", 51.5, 23.4, "admin2", "PL", "POL", "75", 38_000, unc=25),
     ["Włodawa County"]),
    (E(6, "Zamość", 50.72, 23.25, "city", "PL", "POL", "75", 60_000, unc=3), []),
    (E(7, "Belarus", 53.0, 28.0, "country", "BY", "BLR", pop=9_400_000, unc=250), []),
    (E(8, "Brest", 52.1, 23.7, "city", "BY", "BLR", "02", 340_000, unc=6), []),
    (E(9, "Brest", 48.39, -4.49, "city", "FR", "FRA", "53", 139_000, unc=4), []),
    (E(10, "France", 46.0, 2.0, "country", "FR", "FRA", pop=67_000_000, unc=420), []),
    (E(11, "Paris", 48.85, 2.35, "city", "FR", "FRA", "11", 2_100_000, True, 16), []),
    (E(12, "Paris", 33.66, -95.56, "city", "US", "USA", "TX", 25_000, unc=3), []),
    (E(13, "Texas", 31.25, -99.25, "admin1", "US", "USA", "TX", 29_000_000, unc=600), []),
    (E(14, "United States", 39.76, -98.5, "country", "US", "USA", pop=327_000_000, unc=1750),
     []),
    (E(15, "Georgia", 42.0, 43.5, "country", "GE", "GEO", pop=3_700_000, unc=150), []),
    (E(16, "Georgia", 32.75, -83.5, "admin1", "US", "USA", "GA", 10_000_000, unc=260), []),
    (E(17, "Atlanta", 33.75, -84.39, "city", "US", "USA", "GA", 500_000, unc=8), []),
    (E(18, "Tbilisi", 41.69, 44.83, "city", "GE", "GEO", "TB", 1_100_000, True, 11), []),
    (E(19, "Russia", 60.0, 100.0, "country", "RU", "RUS", pop=144_000_000, unc=2300), []),
    (E(20, "Moscow", 55.75, 37.62, "city", "RU", "RUS", "48", 10_000_000, True, 35), []),
    (E(21, "Kyiv", 50.45, 30.52, "city", "UA", "UKR", "12", 2_900_000, True, 19), ["Kiev"]),
    (E(22, "Ukraine", 49.0, 32.0, "country", "UA", "UKR", pop=44_000_000, unc=440), []),
    (E(23, "Denmark", 56.0, 10.0, "country", "DK", "DNK", pop=5_800_000, unc=120), []),
    (E(24, "Copenhagen", 55.68, 12.57, "city", "DK", "DNK", "17", 1_150_000, True, 12), []),
]
DEMONYMS = {"Polish": ["POL"], "Russian": ["RUS"], "Russians": ["RUS"], "Belarusian": ["BLR"],
            "Ukrainian": ["UKR"], "Georgian": ["GEO"], "French": ["FRA"]}


@pytest.fixture(scope="module")
def parser():
    gaz = Gazetteer(demonyms=DEMONYMS)
    for entry, aliases in ENTRIES:
        gaz.add(entry, aliases)
    return Geoparser(gaz)


def by_text(places):
    return {p.text: p for p in places}


def test_seed_like_roles(parser):
    text = ("Suspected Russian drones entered Polish airspace during an attack on Ukraine. "
            "Moscow downplayed the incident. NATO Secretary-General Mark Rutte spoke of "
            "Operation Eastern Sentry and World War II.")
    found = by_text(parser.geoparse(text))
    assert found["Russian"].role == "actor" and found["Russian"].country_iso3 == "RUS"
    assert found["Polish"].role == "location" and found["Polish"].precision == "country"
    assert found["Ukraine"].role == "location"
    assert found["Moscow"].role == "actor" and found["Moscow"].precision == "city"
    assert not {"NATO", "Mark Rutte", "Eastern Sentry", "World War II", "Eastern"} & set(found)


def test_paris_texas_follows_its_container(parser):
    found = by_text(parser.geoparse("The storm hit Paris, Texas, on Monday."))
    assert found["Paris"].country_iso3 == "USA" and found["Paris"].admin1 == "TX"


def test_paris_alone_is_in_france(parser):
    assert by_text(parser.geoparse("Protests continued in Paris."))["Paris"].country_iso3 == "FRA"


def test_brest_near_the_belarusian_border(parser):
    found = by_text(parser.geoparse(
        "Drones were seen near Brest, close to the Belarusian border with Poland."))
    assert found["Brest"].country_iso3 == "BLR"
    assert found["Belarusian"].role == "location"


@pytest.mark.parametrize("text,iso3", [
    ("Storms in Georgia flooded streets in Atlanta.", "USA"),
    ("Protesters in Tbilisi demanded that Georgia hold new elections.", "GEO"),
])
def test_georgia_follows_context(parser, text, iso3):
    assert by_text(parser.geoparse(text))["Georgia"].country_iso3 == iso3


def test_admin_area_with_its_word(parser):
    p = by_text(parser.geoparse("Debris fell in Lublin province on Wednesday."))["Lublin province"]
    assert p.precision == "admin1" and p.name == "Lubelskie"


def test_missing_village_placed_in_its_county(parser):
    found = by_text(parser.geoparse(
        "Debris was found in the village of Wyryki-Wola in Włodawa county, Lublin province."))
    village = found["Wyryki-Wola"]
    assert village.name == "Wyryki-Wola" and village.precision == "admin2"
    assert (village.lat, village.lon) == (51.5, 23.4) and "Powiat włodawski" in village.note


def test_missing_village_offset_from_a_town(parser):
    found = by_text(parser.geoparse(
        "A drone fell on the village of Nowa Wieś Mała, 15 km east of Zamość."))
    village = found["Nowa Wieś Mała"]
    assert village.precision == "village" and village.country_iso3 == "POL"
    assert village.lat == pytest.approx(50.72, abs=0.01)
    assert village.lon == pytest.approx(23.25 + 15 / (111.3 * 0.633), abs=0.02)
    assert village.uncertainty_km == pytest.approx(3 + 4.5)


def test_names_the_model_misses_or_mislabels(parser):
    found = by_text(parser.geoparse("Air raid sirens sounded in Kyiv while officials met in "
                                    "Copenhagen."))
    assert found["Kyiv"].country_iso3 == "UKR" and found["Copenhagen"].country_iso3 == "DNK"


def test_given_spans(parser):
    text = "Russians shelled Kiev overnight."
    places = parser.resolve(text, [(0, 8), (17, 21)])
    assert [p.text for p in places] == ["Russians", "Kiev"]
    assert places[0].role == "actor" and places[1].name == "Kyiv"
    with pytest.raises(InputError, match="outside the text"):
        parser.resolve(text, [(10, 99)])


def test_empty_text(parser):
    assert parser.geoparse("") == [] and parser.geoparse("   \n") == []


def test_user_gazetteer_outranks_builtin(tmp_path, parser):
    gaz = Gazetteer(demonyms=DEMONYMS)
    for entry, aliases in ENTRIES:
        gaz.add(entry, aliases)
    csv = tmp_path / "mine.csv"
    csv.write_text("name,lat,lon,country_iso3\nWyryki-Wola,51.45,23.49,POL\n", encoding="utf-8")
    assert gaz.load(csv) == 1
    dump = tmp_path / "PL.txt"
    row = ["3", "Przewodów", "Przewodow", "Przewodow", "50.47", "23.93", "P", "PPL", "PL", "",
           "75", "0610", "", "", "650", "", "210", "Europe/Warsaw", "2023-01-01"]
    dump.write_text("\t".join(row) + "\n", encoding="utf-8")
    assert gaz.load(dump) == 1
    mine = Geoparser(gaz, nlp=parser.finder.nlp)
    found = by_text(mine.geoparse("Debris fell on the village of Wyryki-Wola, and a missile "
                                  "struck the village of Przewodów in Poland."))
    assert (found["Wyryki-Wola"].lat, found["Wyryki-Wola"].precision) == (51.45, "site")
    assert found["Przewodów"].precision == "village" and found["Przewodów"].lat == 50.47


@pytest.mark.parametrize("content,needle", [
    ("name,lat,lon\nX,91,10\n", "row 2: latitude '91'"),
    ("name,lat,lon\nX,abc,10\n", "row 2: latitude 'abc' is not a number"),
    ("name,lat,lon,country_iso3\nX,1,2,ZZZ\n", "row 2: unknown country code 'ZZZ'"),
    ("name,lat,lon\n,1,2\n", "row 2: empty name"),
    ("place,y,x\nX,1,2\n", "expected a header name,lat,lon"),
    ("1\tX\tX\t\tnope\t2\tP\tPPL\tPL\t\t\t\t\t\t0\t\t\t\t\n" * 1, "row 1: latitude 'nope'"),
])
def test_bad_user_gazetteer_rows(tmp_path, content, needle):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle.replace("(", r"\(")):
        Gazetteer().load(path)


class _FailingGeocoder:
    """An online geocoder that is down: every call fails after its retries."""

    calls = 0

    def geocode(self, query, exactly_one=True, country_codes=None):
        from geoincidents.errors import GeocoderError

        type(self).calls += 1
        raise GeocoderError(f"nominatim failed for {query!r}: timed out")


class _AnsweringGeocoder:
    def geocode(self, query, exactly_one=True, country_codes=None):
        from geopy.location import Location

        return Location(f"{query}, Lubelskie, Polska", (51.47, 23.49, 0),
                        {"place_id": 42, "address": {"country_code": "pl"}})


def test_online_geocoder_failure_falls_back_offline_with_a_warning(parser, caplog):
    gaz = parser.gazetteer
    mine = Geoparser(gaz, nlp=parser.finder.nlp, geocoder=_FailingGeocoder(),
                     geocoder_name="nominatim")
    found = by_text(mine.geoparse(
        "Debris was found in the village of Wyryki-Wola in Włodawa county, Lublin province."))
    village = found["Wyryki-Wola"]
    assert _FailingGeocoder.calls == 1
    assert village.geocoder == "offline" and village.precision == "admin2"
    assert any("using the offline gazetteer" in r.getMessage() for r in caplog.records)
    # Names the gazetteer knows never go online.
    assert found["Lublin province"].geocoder == "offline"


def test_online_geocoder_answers_names_the_gazetteer_lacks(parser):
    mine = Geoparser(parser.gazetteer, nlp=parser.finder.nlp, geocoder=_AnsweringGeocoder(),
                     geocoder_name="nominatim")
    village = by_text(mine.geoparse("A drone fell on the village of Wyryki-Wola in Poland."))[
        "Wyryki-Wola"]
    assert (village.lat, village.lon, village.geocoder) == (51.47, 23.49, "nominatim")
    assert village.country_iso3 == "POL"


def test_a_person_named_in_full_is_not_a_place_later(parser):
    gaz = Gazetteer(demonyms=DEMONYMS)
    for entry, aliases in ENTRIES:
        gaz.add(entry, aliases)
    gaz.add(E(40, "Clark County", 36.2, -115.0, "admin2", "US", "USA", "NV", 2_000_000),
            ["Clark"])
    gaz.add(E(41, "Dschang", 5.44, 10.05, "city", "CM", "CMR", "08", 99_000), ["Jan"])
    mine = Geoparser(gaz, nlp=parser.finder.nlp)
    text = ("Sheriff Bob Clark said the drone fell near Lublin. Clark said on Jan. 5 that "
            "nobody was hurt, and that the wreck was taken to Warsaw.")
    found = {p.text for p in mine.geoparse(text)}
    assert "Clark" not in found and "Jan." not in found
    assert {"Lublin", "Warsaw"} <= found


def test_state_named_in_an_organisation_is_an_actor(parser):
    text = "A spokesman for the Texas Department of Public Safety said a drone fell in Paris."
    found = by_text(parser.geoparse(text))
    assert found["Texas"].role == "actor" and found["Texas"].precision == "admin1"
    assert found["Paris"].role == "location"


def test_pos_and_lemmas_without_attribute_ruler_and_lemmatizer_match_them():
    """The coarse POS derived from the fine tag (PosRules) and the be/get and place-verb checks
    on word forms agree with what the attribute_ruler and lemmatizer, which no longer run, say."""
    import spacy

    from geoincidents.mentions import (
        _PLACE_VERB_FORMS,
        _PLACE_VERBS,
        MODEL,
        PosRules,
        _passive_aux,
        load_nlp,
    )

    assert {"attribute_ruler", "lemmatizer"} & set(load_nlp().pipe_names) == set()
    full = spacy.load(MODEL, exclude=["parser"])  # tagger + attribute_ruler + lemmatizer
    rules = PosRules.from_nlp(full)
    text = ("Moscow has denied it. Kyiv was hit overnight and Poland borders Belarus, which lay "
            "quiet; Lithuania's army got struck, Latvia is being shelled and Estonia isn't. "
            "The drones sat in a field that faced Lublin, and Russia's envoy said he'd gone. "
            "Warsaw quickly stated it ain't so, U.S. officials were also told, ’s been known.")
    checked = 0
    for tok in full(text):
        assert rules.pos(tok) == tok.pos_, tok.text
        if tok.pos_ in ("AUX", "ADV", "PART") or tok.lower_ in ("also", "quickly"):
            assert _passive_aux(tok) == (tok.lemma_.lower() in ("be", "get")), tok.text
            checked += 1
        if tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBZ", "VBP", "VBN"):
            assert (tok.lower_ in _PLACE_VERB_FORMS) == (tok.lemma_.lower() in _PLACE_VERBS), \
                tok.text
            checked += 1
    assert checked > 15


def test_roles_from_derived_pos(parser):
    places = by_text(parser.geoparse("Moscow has denied it. Kyiv was hit overnight. Poland "
                                     "borders Belarus. Polish airspace was closed."))
    assert places["Moscow"].role == "actor"
    assert places["Kyiv"].role == "location"
    assert places["Poland"].role == "location"
    assert places["Polish"].role == "location"


def test_geoparse_many_equals_geoparse_one_at_a_time(parser, monkeypatch):
    from geoincidents import mentions

    monkeypatch.setattr(mentions, "MAX_CHUNK", 120)  # long texts go in pieces, as 100,000 would
    texts = ["Russian drones entered Polish airspace near Lublin.", "",
             "Sirens in Kyiv.\nMoscow denied it.\n" * 12,
             "Paris, Texas, saw storms. " * 9 + "Tbilisi is the capital of Georgia."]
    alone = [parser.geoparse(t) for t in texts]
    assert parser.geoparse_many(texts) == alone
    assert list(parser.pipe(iter(texts), batch_size=3)) == alone
    assert len(alone[2]) == 24 and alone[2][-1].end > 300  # offsets past the first piece
    spans = [(t, [(m.start, m.end) for m in ps]) for t, ps in zip(texts, alone)]
    assert parser.resolve_many(spans) == [parser.resolve(t, s) for t, s in spans]


def test_village_named_by_an_apposition_even_when_tagged_org(parser):
    text = "Debris of a drone fell in Wyryki-Wola, a village in Włodawa County, on Wednesday."
    found = by_text(parser.geoparse(text))
    assert found["Wyryki-Wola"].precision == "admin2"  # placed by the county the text names
    assert "Powiat włodawski" in (found["Wyryki-Wola"].note or "")


def test_a_name_tagged_as_a_product_before_district_is_a_place():
    """spaCy tags "Jonava" PRODUCT in this sentence; "in Jonava district" is a place."""
    from geoincidents.geoparser import default_geoparser

    finder = default_geoparser().finder
    _, found = finder.analyse("Prosecutors said on Tuesday that the drone found last Friday at a "
                              "training area in Jonava district carried an explosive charge.")
    assert [m.text for m in found] == ["Jonava district"]


def test_a_citys_newspaper_is_who_reported_and_a_tagged_org_village_is_a_place():
    from geoincidents.geoparser import default_geoparser

    finder = default_geoparser().finder
    _, found = finder.analyse("A Warsaw newspaper reported that the roof of the house in "
                              "Wyryki-Wola may have been hit by a Polish missile.")
    roles = {m.text: m.role for m in found}
    assert roles["Warsaw"] == "actor"  # who reported, not where it happened
    assert roles["Wyryki-Wola"] == "location"  # spaCy tags it ORG
    _, found = finder.analyse("Debris fell in Warsaw on Tuesday.")
    assert {m.text: m.role for m in found} == {"Warsaw": "location"}


@pytest.mark.parametrize("text,airport", [
    ("Drone sightings at Gatwick on Wednesday closed the runway.", "London Gatwick Airport"),
    ("Flights at Heathrow were halted after a drone was seen.", "London Heathrow Airport"),
    ("Drones shut Schiphol for an hour on Friday.", "Amsterdam Airport Schiphol"),
])
def test_an_airport_by_its_short_name_in_a_sentence_about_flying(text, airport):
    from geoincidents.geoparser import default_geoparser

    parser = default_geoparser()
    _, found = parser.finder.analyse(text)
    places = parser.resolver.resolve(text, found)
    assert [(p.name, p.precision) for p in places] == [(airport, "site")]


def test_a_short_airport_name_elsewhere_is_not_the_airport():
    from geoincidents.geoparser import default_geoparser

    parser = default_geoparser()
    text = "A concert of Chopin was held in Warsaw on Sunday."  # "Chopin" Airport exists
    _, found = parser.finder.analyse(text)
    assert [m.text for m in found] == ["Warsaw"]
    text = "Drones were seen near Munich on Friday."  # the city, not Munich Airport
    _, found = parser.finder.analyse(text)
    assert [p.precision for p in parser.resolver.resolve(text, found)] == ["city"]


def test_a_diplomats_post_is_the_mission_not_a_site():
    from geoincidents.geoparser import default_geoparser

    finder = default_geoparser().finder
    for text in ("Russia's chargé d'affaires in Warsaw was handed a protest note over the "
                 "missile.", "Poland summoned Russia's ambassador in Warsaw on Friday.",
                 "The US embassy in Kyiv said the missile fell in a field."):
        _, found = finder.analyse(text)
        city = next(m for m in found if m.text in ("Warsaw", "Kyiv"))
        assert city.role == "actor", text
    _, found = finder.analyse("The drone crashed in Warsaw on Friday.")
    assert {m.text: m.role for m in found} == {"Warsaw": "location"}


def test_an_unknown_place_is_not_put_in_the_state_of_who_acted():
    """The document-country guess for a name the gazetteer lacks counts where the text places
    things, not who acted, and makes no guess on a tie."""
    from geoincidents.geoparser import default_geoparser

    parser = default_geoparser()
    text = ("US troops were treated after the Iranian missile strike on the Ain al-Asad air "
            "base. Some were flown to Germany and Kuwait.")
    found = by_text(parser.geoparse(text))
    assert found["Ain al-Asad"].lat is None and found["Ain al-Asad"].country_iso3 is None
    text = ("Debris of an Iranian drone fell near Ain al-Asad, in Iraq, and Iraqi police sealed "
            "off the area.")
    found = by_text(parser.geoparse(text))
    assert found["Ain al-Asad"].country_iso3 == "IRQ"


def test_the_x_region_is_the_admin_area_not_the_city():
    from geoincidents.geoparser import default_geoparser

    found = by_text(default_geoparser().geoparse(
        "Air defences reported downing 32 drones over the Odesa region."))
    assert found["Odesa region"].feature == "admin1" and found["Odesa region"].country_iso3 == "UKR"
    # No admin area of that name: the place the region is named after.
    found = by_text(default_geoparser().geoparse("Ships in the Black Sea region were warned."))
    assert found["Black Sea region"].feature == "sea"


@pytest.mark.parametrize("text,name,iso3", [
    ("Drones were seen over and around Karup air base on Friday, police said.",
     "Karup Airport", "DNK"),  # the base's airfield is the town's airport
    ("Three drones were reported over the Kleine-Brogel air base overnight.",
     "Kleine Brogel Air Base", "BEL"),  # a military airfield (no IATA code) of its own
    ("Drones were reported over the Feltwell air base.", "Feltwell", "GBR"),  # none: the town
])
def test_an_air_base_named_after_its_town(text, name, iso3):
    from geoincidents.geoparser import default_geoparser

    (base,) = [p for p in default_geoparser().geoparse(text) if "air base" in p.text]
    assert (base.name, base.country_iso3, base.role) == (name, iso3, "location")


def test_according_to_a_capital_is_who_says_so():
    from geoincidents.geoparser import default_geoparser

    _, found = default_geoparser().finder.analyse(
        "A Russian Su-34 crossed into Turkish airspace on Friday, according to Ankara.")
    assert {m.text: m.role for m in found}["Ankara"] == "actor"


def test_a_local_dateline_in_capitals_is_a_place():
    from geoincidents.geoparser import default_geoparser

    parser = default_geoparser()
    found = by_text(parser.geoparse(
        "CUHUREȘTII DE JOS, Florești district - The drone that landed on a house on Tuesday "
        "carried no explosives, police said."))
    assert found["CUHUREȘTII DE JOS"].country_iso3 == "MDA"
    assert found["CUHUREȘTII DE JOS"].precision == "village"
    # The name the model glued to the dateline is kept, and a bare wire dateline of no
    # town is not a place.
    found = by_text(parser.geoparse("VILNIUS - Vilnius Airport halted traffic on Wednesday."))
    assert found["Vilnius Airport"].feature == "site"
    assert by_text(parser.geoparse("NATO - The alliance said on Friday.")) == {}


def test_a_hyphenated_village_over_which_drones_flew_is_a_place():
    from geoincidents.geoparser import default_geoparser

    found = by_text(default_geoparser().geoparse(
        "The minister said the drones flown over Kleine-Brogel since Friday were spying."))
    assert found["Kleine-Brogel"].country_iso3 == "BEL"


@pytest.mark.parametrize("text,name", [
    ("Stoltenberg called on Russia on Saturday to respect allied airspace.", "Russia"),
    ("Syria accused Turkey of blatant aggression after the shootdown.", "Turkey"),
    ("The ministry urged Belarus to stop the balloons.", "Belarus"),
    ("Russia denied it, telling Stockholm its aircraft had not been there.", "Stockholm"),
])
def test_a_state_addressed_is_an_actor_not_a_place(text, name):
    from geoincidents.geoparser import default_geoparser

    _, found = default_geoparser().finder.analyse(text)
    assert {m.text: m.role for m in found}[name] == "actor"


def test_a_name_the_gazetteer_lacks_is_not_put_in_the_wire_datelines_city():
    from geoincidents.geoparser import default_geoparser

    found = by_text(default_geoparser().geoparse(
        "WASHINGTON - A fighter downed a car-sized object off Alaska's northern coast near "
        "Deadhorse."))
    # not "in Washington" (the dateline, 5,000 km away): in Alaska, as honestly as known
    assert found["Deadhorse"].name == "Deadhorse" and found["Deadhorse"].admin1 == "AK"
    assert found["Deadhorse"].precision == "admin1"
    found = by_text(default_geoparser().geoparse(
        "A drone crashed in Zagreb's Jarun district on Thursday."))
    assert found["Jarun district"].precision == "city"  # in Zagreb, its owner


def test_a_local_name_is_in_the_datelines_city_when_nothing_else_is_named():
    from geoincidents.geoparser import default_geoparser

    found = by_text(default_geoparser().geoparse(
        "WARSAW - Guards neutralised a drone flying over government buildings on Parkowa Street "
        "on Monday."))
    assert found["Parkowa Street"].precision == "city" and "Warsaw" in found["Parkowa Street"].note


def test_the_great_lakes_are_water_not_towns():
    from geoincidents.geoparser import default_geoparser

    found = by_text(default_geoparser().geoparse(
        "Fighters shot down an object over Lake Huron after the airspace over Lake Michigan "
        "was closed."))
    assert found["Lake Huron"].feature == "sea" and abs(found["Lake Huron"].lon + 82.4) < 1
    assert found["Lake Michigan"].feature == "sea"
