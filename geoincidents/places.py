"""Stage 2: resolve mentions to places, with document-level disambiguation and honest precision.

For each mention the gazetteer offers candidates; the choice uses, in order of strength:

* an explicit container right after the name ("Paris, Texas", "Alexandria, La.", "X, Poland");
* the document's country context (countries named, demonyms, the countries of unambiguous
  places) and the admin areas it names ("Lublin province");
* the candidate's importance (countries, capitals, population).

A name the gazetteer lacks ("the village of Wyryki-Wola") is not dropped or matched to a namesake:
it is placed by what the text says around it — "15 km east of Zamość" (an offset), or the most
specific area named with it ("in Włodawa county, Lublin province") — and its precision and
uncertainty are those of what placed it.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence

from geoincidents.gazetteer import GazetteerEntry, haversine_km, normalize
from geoincidents.mentions import AIRPORT_OF
from geoincidents.models import Mention, Place
from geoincidents.ranker import inside, prior

# "X county", "Y province": the words that make a name an admin area, and which level.
# "Munich's main airport", "Oslo's airport": the city's airport.
_AIRPORT_RE = re.compile(r"^(?P<city>.+?)(?:'s|’s)\s+(?:(?:main|international|military|civil|"
                         r"civilian|regional|largest|busiest)\s+){0,2}airport$", re.I)
_BASE_RE = re.compile(r"^(?P<name>.+?)\s+(?:air\s+base|airbase|airfield|air\s+station|"
                      r"air\s+force\s+base|afb)$|^RAF\s+(?P<raf>.+)$", re.I)
# How far an admin area reaches from the town it is named after (Polish powiats, Moldovan and
# Ukrainian raions, Romanian communes: 10-30 km).
SEAT_AREA_KM = 30.0
ADMIN_WORDS = {
    "county": "admin2", "district": "admin2", "parish": "admin2", "powiat": "admin2",
    "raion": "admin2", "rayon": "admin2", "municipality": "admin2", "borough": "admin2",
    "commune": "admin2",
    "province": "admin1", "oblast": "admin1", "region": "admin1", "voivodeship": "admin1",
    "voivodship": "admin1", "state": "admin1", "governorate": "admin1", "prefecture": "admin1",
    "department": "admin1", "canton": "admin1", "krai": "admin1", "republic": "admin1",
}
_ADMIN_RE = re.compile(r"^(?P<name>.+?)\s+(?P<word>" + "|".join(ADMIN_WORDS) + r")$", re.I)
_OFFSET_RE = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>km|kilometres|kilometers|kilometre|kilometer|miles|mi)"
    r"\s+(?P<dir>(?:north|south)?-?(?:east|west)?|north|south)(?:ern)?\s+of\s+(?:the\s+)?$",
    re.I)
_BEARINGS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180,
             "southwest": 225, "west": 270, "northwest": 315}
_SPECIFIC = {"site": 0, "village": 1, "city": 2, "admin2": 3, "admin1": 4, "country": 5,
             "sea": 6, "region": 6, "continent": 7}
OFFLINE = "offline"
_LOCAL = frozenset({"city", "village", "admin2", "admin1", "site"})
# "close to the border with Ukraine", "drones from Belarus": a place the name is not in.
_BEYOND = re.compile(r"\b(?:border with|borders with|from|toward|towards|into|neighbouring|"
                     r"neighboring|across)\s+(?:the\s+)?$", re.I)
# Words of a longer name that are no place on their own ("Royal Street" is not in "Street").
# What follows a dateline's place: its area, then a dash ("BUCHAREST -", "KARUP, Viborg -").
_DATELINE_TAIL = re.compile(r"(?:,[^\n–—-]{1,60})?\s+[-–—]+\s")
_GENERIC_WORDS = frozenset("""
street st road avenue ave boulevard square park center centre university college school church
hospital estate wing hall house tower bridge station airport port north south east west central
northern southern eastern western upper lower new old great little saint st. mount fort lake
river valley beach island islands city county state district union united republic national
international american european african asian
""".split())


class Resolver:
    """Turns mentions into places using a gazetteer (and optionally an online geocoder)."""

    # Weights of the evidence, in units of the prior (log10 population; a capital adds 4):
    COUNTRY_WEIGHT = 4.0  # times the share of the document's other mentions in that country
    FOREIGN_PENALTY = 1.5  # a town in a country the document does not otherwise name
    AREA_WEIGHT = 3.0  # the document names another place in the same admin1 area
    PROXIMITY_WEIGHT = 4.0  # times exp(-km / 250) to the nearest unambiguous place named
    AMBIGUOUS_WEIGHT = 0.0  # how much a name with candidates in several countries sets context

    def __init__(self, gazetteer, *, geocoder=None, geocoder_name: str | None = None,
                 ranker=None) -> None:
        self.gazetteer = gazetteer
        self.geocoder = geocoder
        self.geocoder_name = geocoder_name or (OFFLINE if geocoder is None else
                                               type(geocoder).__name__.lower())
        self._ranker = ranker

    @property
    def ranker(self):
        """The candidate ranker (:mod:`geoincidents.ranker`; the shipped model by default)."""
        if self._ranker is None:
            from geoincidents.ranker import default_ranker

            self._ranker = default_ranker()
        return self._ranker

    def resolve(self, text: str, mentions: Sequence[Mention]) -> list[Place]:
        """One place per mention, in the mentions' order."""
        candidates = [self._candidates(text, m) for m in mentions]
        containers = self._containers(text, mentions, candidates)
        anchors = _anchors(mentions, candidates)
        chosen = self._first_pass(candidates, containers)
        # Passes 2-3: the ranker chooses each mention's place in the context of the others'
        # current choices (their countries and admin areas, not its own).
        for _ in range(2):
            chosen = self._choose(mentions, candidates, self._contexts(
                mentions, candidates, chosen, containers, anchors))
        places = []
        context = _Context(mentions, chosen)
        for i, mention in enumerate(mentions):
            entry = chosen[i]
            if entry is not None:
                places.append(place_from_entry(mention, entry, self._source(entry)))
            else:
                places.append(self._fallback(text, mention, context))
        return places

    def examples(self, text: str, mentions: Sequence[Mention]):
        """For training the ranker: ``(mention, candidates, feature rows)`` per mention, with
        the context the ranker sees in its first pass."""
        from geoincidents.ranker import features

        candidates = [self._candidates(text, m) for m in mentions]
        containers = self._containers(text, mentions, candidates)
        chosen = self._first_pass(candidates, containers)
        contexts = self._contexts(mentions, candidates, chosen, containers,
                                  _anchors(mentions, candidates))
        return [(m, cands, features(_clean(m.text), m.kind, m.role, _admin_level(m), cands, ctx))
                for m, cands, ctx in zip(mentions, candidates, contexts)]

    def _first_pass(self, candidates, containers) -> list:
        """Each mention on its own: the most important candidate (or the one inside the
        container named after it)."""
        return [self._best(c, Counter(), Counter(), containers.get(i))
                for i, c in enumerate(candidates)]

    def _contexts(self, mentions, candidates, chosen, containers, anchors) -> list:
        from geoincidents.ranker import Context

        contributions = [_contribution(m, e, self.AMBIGUOUS_WEIGHT if _ambiguous(c) else 1.0)
                         for m, e, c in zip(mentions, chosen, candidates)]
        countries = sum((c for c, _ in contributions), Counter())
        areas = sum((a for _, a in contributions), Counter())
        # The focus: the mean point of the sub-country places chosen, without the mention's own.
        points = [(e.lat, e.lon) if e is not None and e.feature in _LOCAL else None
                  for e in chosen]
        n = sum(p is not None for p in points)
        lat_sum = sum(p[0] for p in points if p is not None)
        lon_sum = sum(p[1] for p in points if p is not None)

        def focus(point):
            k = n - (point is not None)
            if k == 0:
                return None
            return ((lat_sum - (point[0] if point else 0.0)) / k,
                    (lon_sum - (point[1] if point else 0.0)) / k)

        return [Context(countries - contributions[i][0], areas - contributions[i][1],
                        containers.get(i), _near(anchors, m.start), focus(points[i]))
                for i, m in enumerate(mentions)]

    def _choose(self, mentions, candidates, contexts) -> list:
        """The ranker's choice for every mention (the document's candidates scored at once)."""
        from geoincidents.ranker import features

        chosen: list = [None] * len(mentions)
        pending, rows = [], []
        for i, (m, cands, ctx) in enumerate(zip(mentions, candidates, contexts)):
            # User gazetteers outrank the built-in one: the analyst's own places come first.
            cands = [e for e in cands if e.source == "user"] or cands
            if len(cands) == 1:
                chosen[i] = cands[0]
            elif cands:
                found = features(_clean(m.text), m.kind, m.role, _admin_level(m), cands, ctx)
                pending.append((i, cands, len(rows)))
                rows += found
        if rows:
            scores = self.ranker.scores(rows)
            for i, cands, at in pending:
                best = max(range(len(cands)), key=lambda k: (scores[at + k], -k))
                chosen[i] = cands[best]
        return chosen

    # -- candidates -------------------------------------------------------------------------------

    def _candidates(self, text: str, mention: Mention) -> list[GazetteerEntry]:
        name = _clean(mention.text)
        if mention.label == "dateline":
            name = name.title()  # "KARUP" is Karup, not an abbreviation
        if mention.kind == "demonym":
            out = []
            for target in self.gazetteer.demonym(name):
                entry = (self.gazetteer.country(target) if len(target) == 3
                         else self.gazetteer.get(target))
                if entry is not None:
                    out.append(entry)
            return out
        base = _BASE_RE.match(name)
        if base:
            # A military base is named after its town; its airfield is often the airport too.
            town = base.group("name") or base.group("raf")
            sites = [e for q in (name, f"{town} Air Base", f"{town} Airport")
                     for e in self.gazetteer.lookup(q, codes=False) if e.feature == "site"]
            return sites or [e for e in self.gazetteer.lookup(town)
                             if e.feature in ("city", "village")]
        airport = _AIRPORT_RE.match(name)
        if airport or mention.label == AIRPORT_OF or mention.label == "dateline" \
                and not self.gazetteer.lookup(name):
            # (a dateline no town has: "GILZE-RIJEN, Netherlands -", its air base)
            city = airport.group("city") if airport else name
            sites = [e for e in self.gazetteer.lookup(f"{city} Airport", codes=False)
                     if e.feature == "site"]
            towns = [e for e in self.gazetteer.lookup(city, codes=False)
                     if e.feature in ("city", "village")]
            if towns:
                # The airports of the city the name means most ("London's main airport" is
                # in England, not London, Ontario, whose airport is called "London Airport").
                own = [e for e in sites if e.country_iso3 == towns[0].country_iso3]
                sites = own or sites
            if sites:
                return sites  # "Munich's main airport", "the airport in Aalborg"
        found = self.gazetteer.lookup(name)
        admin = _ADMIN_RE.match(name)
        if admin:
            level = ADMIN_WORDS[admin.group("word").lower()]
            exact = [e for e in found if e.feature in ("admin1", "admin2")]
            if exact:
                return exact
            base = self.gazetteer.lookup(admin.group("name"))
            areas = [e for e in base if e.feature == level] or \
                [e for e in base if e.feature in ("admin1", "admin2")]
            if not areas and admin.group("word").lower() == "region":
                # "the Black Sea region", "the Tampa Bay region": no admin area of that name,
                # the place it is named after.
                return base
            return areas
        if not found:
            for query, features in _variants(name):
                found = [e for e in self.gazetteer.lookup(query)
                         if features is None or e.feature in features]
                if found:
                    break
        return found

    def _containers(self, text, mentions, candidates) -> dict[int, list[GazetteerEntry]]:
        """Mention i -> the candidates of the mention right after it as "i, j" (its container)."""
        out = {}
        for i in range(len(mentions) - 1):
            gap = text[mentions[i].end:mentions[i + 1].start]
            if gap.strip() in (",", "(") and candidates[i + 1]:
                inner = [e for e in candidates[i + 1]
                         if e.feature in ("country", "admin1", "admin2")]
                if inner:
                    out[i] = inner
        return out

    # -- choice -----------------------------------------------------------------------------------

    def _best(self, cands, countries: Counter, areas: Counter, container, anchors=(),
              surface: str = "") -> GazetteerEntry | None:
        if not cands:
            return None
        total = sum(countries.values()) or 1
        own_words = set(_clean(surface).lower().split())
        best, best_score = None, -math.inf
        for rank, e in enumerate(cands):
            score = prior(e) - 0.01 * rank
            if e.feature == "admin2" and not own_words & set(ADMIN_WORDS) \
                    and set(e.name.lower().split()) & set(ADMIN_WORDS):
                score -= 2  # "Hawaii" is the state before it is Hawaii County
            score += self.PROXIMITY_WEIGHT * _proximity(e, anchors, surface)
            if e.source == "user":
                score += 50  # user gazetteers outrank the built-in one
            if container is not None:
                if any(inside(e, c) for c in container):
                    score += 30
                elif e.feature not in ("country",):
                    score -= 5
            if e.country_iso3 and countries:
                score += self.COUNTRY_WEIGHT * countries[e.country_iso3] / total
                if countries[e.country_iso3] == 0 and e.feature != "country":
                    score -= self.FOREIGN_PENALTY
            if e.country_iso2 and e.admin1 and areas[(e.country_iso2, e.admin1)] > 0:
                score += self.AREA_WEIGHT
            if score > best_score:
                best, best_score = e, score
        return best

    def _source(self, entry: GazetteerEntry) -> str:
        return "user" if entry.source == "user" else OFFLINE

    # -- names the gazetteer lacks ----------------------------------------------------------------

    def _seat_area(self, mention, countries) -> Place | None:
        """"the Vulcănești district" with no such area in the gazetteer: the area named after
        its seat, as a circle round the seat (admin areas reach ``SEAT_AREA_KM`` from it)."""
        admin = _ADMIN_RE.match(_clean(mention.text))
        if not admin:
            return None
        seats = [e for e in self.gazetteer.lookup(admin.group("name"))
                 if e.feature in ("city", "village")
                 and _spelt_alike(e.name, admin.group("name"))
                 and (not countries or e.country_iso3 in countries)]
        if not seats:
            return None  # "Zagreb's Jarun district" is no district named after Yarun, Ukraine
        best = self._best(seats, countries, Counter(), None)
        level = ADMIN_WORDS[admin.group("word").lower()]
        km = (SEAT_AREA_KM if level == "admin2" else 3 * SEAT_AREA_KM) + best.uncertainty_km
        return Place(mention.start, mention.end, mention.text, _clean(mention.text),
                     round(best.lat, 6), round(best.lon, 6), best.country_iso3, level,
                     round(km, 1), mention.role, None, OFFLINE, level, best.admin1,
                     f"the {admin.group('word').lower()} named after {best.name} (no boundary: "
                     f"within {km:.0f} km of it)")

    def _fallback(self, text, mention, context: _Context) -> Place:
        countries = context.countries
        online = self._online(mention, countries)
        if online is not None:
            return online
        seat = self._seat_area(mention, countries)
        if seat is not None:
            return seat
        # Part of a longer name that the gazetteer knows: "Copenhagen Airport" -> Copenhagen
        # (not for a village named after "the village of", nor inside hyphenated names).
        words = [] if mention.label == "pattern" else _clean(mention.text).split()
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                part = " ".join(words[start:start + size])
                if not part[:1].isupper() or part.lower() in _GENERIC_WORDS:
                    continue
                entries = [e for e in self.gazetteer.lookup(part)
                           if e.feature in ("country", "admin1", "admin2") or e.capital
                           or e.feature == "city" and e.population >= 10_000]
                if countries:
                    # A word of a longer name is trusted only in the countries the document
                    # is about: "Danube Delta" in a Romanian story is not Nigeria's Delta state.
                    entries = [e for e in entries if countries[e.country_iso3] > 0]
                if entries:
                    best = self._best(entries, countries, Counter(), None)
                    return place_from_entry(mention, best, OFFLINE, name=_clean(mention.text),
                                  note=f"in {best.name}")
        offset = self._offset(text, mention, context)
        if offset is not None:
            return offset
        # The most specific area named in the same sentence ("in Włodawa county").
        mentions, chosen = context.mentions, context.chosen
        same = [(j, chosen[j]) for j in context.in_sentence(mention.sentence)
                if chosen[j] is not None and mentions[j] is not mention
                and mentions[j].role == "location" and chosen[j].feature in _SPECIFIC
                and not _BEYOND.search(text[max(0, mentions[j].start - 30):mentions[j].start])
                # a town holds a name near it ("Rozsypne, near Hrabove", "Zagreb's Jarun
                # district"), not from far across the sentence
                and (chosen[j].feature not in ("site", "village", "city")
                     or -80 <= mentions[j].start - mention.end <= 80
                     or _is_dateline(text, mentions[j]))]
        # The dateline's town only when the sentence names no other: "WARSAW - ... over
        # Parkowa Street" is in Warsaw, "WASHINGTON - ... off Alaska's northern coast near
        # Deadhorse" is in Alaska.
        if any(not _is_dateline(text, mentions[j]) for j, _ in same):
            same = [(j, e) for j, e in same if not _is_dateline(text, mentions[j])]
        if same:
            # "X in Włodawa county, Lublin province": the first area right after the name;
            # otherwise the most specific one in the sentence.
            def rank(je):
                gap = mentions[je[0]].start - mention.end
                return (0 if 0 <= gap <= 80 else 1, gap if 0 <= gap <= 80 else 0,
                        _SPECIFIC[je[1].feature])

            _, area = min(same, key=rank)
            return place_from_entry(mention, area, OFFLINE, name=_clean(mention.text),
                          note=f"in {area.name}")
        # The place the document is about ("Royal Street" in a story about New Orleans).
        local = context.local
        if local:
            gid, count = local.most_common(1)[0]
            area = next(e for e in chosen if e is not None and e.gazetteer_id == gid)
            if count >= 2:
                return place_from_entry(mention, area, OFFLINE, name=_clean(mention.text),
                              note=f"in {area.name} (from the document)")
        # The state the document places things in, if one clearly leads: the states of its
        # actors ("the Iranian missile strike on the Ain al-Asad air base") say who acted, not
        # where, and a tie is a guess.
        ranked = context.located.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            iso3 = ranked[0][0]
            country = self.gazetteer.country(iso3)
            if country is not None:
                return place_from_entry(mention, country, OFFLINE, name=_clean(mention.text),
                              note=f"in {country.name} (from the document)")
        return Place(mention.start, mention.end, mention.text, _clean(mention.text), None, None,
                     None, None, None, mention.role, None, None)

    def _offset(self, text, mention, context: _Context) -> Place | None:
        """"15 km east of Zamość": a point at that distance and bearing from a known place."""
        for j in context.in_sentence(mention.sentence):
            m, ref = context.mentions[j], context.chosen[j]
            if ref is None or m.sentence != mention.sentence:
                continue
            before = text[max(m.sentence[0], m.start - 40):m.start]
            match = _OFFSET_RE.search(before)
            if not match:
                continue
            direction = match.group("dir").lower().replace("-", "")
            if direction not in _BEARINGS:
                continue
            km = float(match.group("num").replace(",", "."))
            if match.group("unit").lower() in ("miles", "mi"):
                km *= 1.609344
            lat, lon = _destination(ref.lat, ref.lon, _BEARINGS[direction], km)
            # The distance and the bearing are both rounded in news text: ~30 % of the distance.
            unc = round(ref.uncertainty_km + 0.3 * km, 1)
            return Place(mention.start, mention.end, mention.text, _clean(mention.text),
                         round(lat, 5), round(lon, 5), ref.country_iso3, "village", unc,
                         mention.role, None, OFFLINE, "village", None,
                         f"{match.group(0).strip()} {ref.name}")
        return None

    def _online(self, mention, countries) -> Place | None:
        if self.geocoder is None:
            return None
        from geoincidents.errors import GeoIncidentsError
        from geoincidents.gazetteer import iso2_of, iso3_of

        iso3 = countries.most_common(1)[0][0] if countries else None
        codes = [iso2_of(iso3).lower()] if iso3 and iso2_of(iso3) else None
        try:
            loc = self.geocoder.geocode(_clean(mention.text), exactly_one=True,
                                        country_codes=codes)
        except GeoIncidentsError as err:
            import logging

            logging.getLogger(__name__).warning("%s; using the offline gazetteer", err)
            return None
        if loc is None:
            return None
        raw = getattr(loc, "raw", {}) or {}
        cc = (raw.get("address", {}) or {}).get("country_code") or raw.get("countrycode")
        return Place(mention.start, mention.end, mention.text, loc.address.split(",")[0],
                     round(loc.latitude, 6), round(loc.longitude, 6),
                     iso3_of(cc.upper()) if cc else iso3, "site", 1.0, mention.role,
                     str(raw.get("place_id") or raw.get("osm_id") or "") or None,
                     self.geocoder_name, "site")


_ABBREVIATED = {"mt": "Mount", "st": "Saint", "ste": "Sainte", "ft": "Fort", "pt": "Point"}
_SETTLEMENT_WORDS = frozenset({"township", "twp", "city", "town", "borough", "village",
                               "municipality"})
_SETTLEMENTS = frozenset({"city", "village", "admin2"})
_STATES = frozenset({"country", "admin1", "region", "continent"})
# Demonym endings and what the name may end with instead: "Ohioans" -> Ohio, "Minnesotans" ->
# Minnesota, "Ontarians" -> Ontario, "Dagestani" -> Dagestan, "Philippine" -> Philippines.
_DEMONYM_ENDINGS = ("ians", "ans", "ns", "ian", "an", "ese", "ish", "i", "s", "")
_NAME_ENDINGS = ("", "a", "o", "ia", "s", "es")


def _is_dateline(text: str, m: Mention) -> bool:
    """Whether a mention is the place a story is filed from ("WARSAW -" at its head)."""
    return m.start <= 3 and bool(_DATELINE_TAIL.match(text, m.end))


def _variants(name: str) -> list[tuple[str, frozenset[str] | None]]:
    """Other ways to look up a name the gazetteer lacks as written, each with the features a
    match may have: abbreviations spelt out ("Mt. Pleasant"), a settlement word dropped
    ("Hamilton Township"), and a demonym's place ("Ohioans")."""
    words = name.replace(".", ". ").split()
    out: list[tuple[str, frozenset[str] | None]] = []
    spelt = [_ABBREVIATED.get(w.rstrip(".").lower(), w) if w.endswith(".") or len(words) > 1
             else w for w in words]
    if spelt != words:
        out.append((" ".join(spelt), None))
    if len(words) > 1 and words[-1].lower().rstrip(".") in _SETTLEMENT_WORDS:
        out.append((" ".join(spelt[:-1]), _SETTLEMENTS))
    if len(words) <= 2 and name[:1].isupper() and len(words[-1]) > 4:
        last = words[-1]
        for ending in _DEMONYM_ENDINGS:
            if ending and not last.lower().endswith(ending):
                continue
            stem = last[:len(last) - len(ending)] if ending else last
            for tail in _NAME_ENDINGS:
                if stem + tail != last and len(stem) >= 3:
                    out.append((" ".join([*words[:-1], stem + tail]), _STATES))
    return out


def _admin_level(m: Mention) -> str | None:
    """The admin level an admin word in the mention asks for ("Lublin province" -> admin1)."""
    match = _ADMIN_RE.match(_clean(m.text))
    return ADMIN_WORDS[match.group("word").lower()] if match else None


def _contribution(m: Mention, e: GazetteerEntry | None, weight: float = 1.0) \
        -> tuple[Counter, Counter]:
    """What one mention's current choice adds to the document context: its country (twice for
    a country or demonym) and its admin1 area, scaled by how sure the choice is."""
    countries, areas = Counter(), Counter()
    if e is not None and e.country_iso3 and weight > 0:
        countries[e.country_iso3] += weight * (2 if e.feature == "country"
                                               or m.kind == "demonym" else 1)
        if e.admin1 and e.country_iso2 and e.feature != "country":
            areas[(e.country_iso2, e.admin1)] += weight
    return countries, areas


def _ambiguous(cands: Sequence[GazetteerEntry]) -> bool:
    """Whether a name's candidates lie in more than one country ("Georgia", "Paris")."""
    return len({c.country_iso3 for c in cands}) > 1


class _Context:
    """The document as the fallbacks need it, indexed once (per-mention scans would make long
    documents quadratic)."""

    def __init__(self, mentions: Sequence[Mention], chosen: list) -> None:
        self.mentions, self.chosen = mentions, chosen
        self.by_sentence: dict[tuple[int, int], list[int]] = {}
        for j, m in enumerate(mentions):
            self.by_sentence.setdefault(m.sentence, []).append(j)
        each = [_contribution(m, e)[0] for m, e in zip(mentions, chosen)]
        self.countries = sum(each, Counter())
        # The countries of the places named as locations, not of actors.
        self.located = sum((c for m, c in zip(mentions, each) if m.role == "location"),
                           Counter())
        self.local = Counter(e.gazetteer_id for m, e in zip(mentions, chosen)
                             if e is not None and m.role == "location"
                             and e.feature in ("city", "admin2", "admin1"))

    def in_sentence(self, sentence: tuple[int, int]) -> list[int]:
        return self.by_sentence.get(sentence, [])


# Proximity looks at the unambiguous places named within this many characters: the whole of a
# news article, and a bounded neighbourhood in a long document.
ANCHOR_WINDOW = 6000


def _anchors(mentions, candidates) -> list[tuple[int, str, float, float]]:
    """Unambiguous sub-country places of the document: (position, surface, lat, lon)."""
    out = []
    for m, cands in zip(mentions, candidates):
        local = [c for c in cands if c.feature in ("city", "village", "admin2", "admin1", "site")]
        if not local or len(local) != len(cands):
            continue
        lat0, lon0 = local[0].lat, local[0].lon
        if all(haversine_km(lat0, lon0, c.lat, c.lon) <= 50 for c in local[1:]):
            out.append((m.start, _clean(m.text), lat0, lon0))
    return out


def _near(anchors: list, position: int) -> list[tuple[str, float, float]]:
    """The anchors within ANCHOR_WINDOW characters of a position (anchors are sorted)."""
    lo = bisect.bisect_left(anchors, (position - ANCHOR_WINDOW,))
    hi = bisect.bisect_right(anchors, (position + ANCHOR_WINDOW, "\uffff"))
    return [a[1:] for a in anchors[lo:hi]]


def _proximity(e: GazetteerEntry, anchors, surface: str) -> float:
    """Places named together are near each other: a bonus for closeness to the document's
    unambiguous places (other than this mention's own name)."""
    if e.feature in ("country", "continent", "region", "sea") or not anchors:
        return 0.0
    own = _clean(surface)
    dists = [haversine_km(e.lat, e.lon, lat, lon) for name, lat, lon in anchors if name != own]
    if not dists:
        return 0.0
    return math.exp(-min(dists) / 250.0)


def _clean(text: str) -> str:
    text = text.strip()
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if text.lower().startswith("the "):
        text = text[4:]
    return text


def _spelt_alike(a: str, b: str) -> bool:
    """The same name up to diacritics and case (a transliteration variant is another name)."""
    return normalize(a) == normalize(b)


def place_from_entry(m: Mention, e: GazetteerEntry, geocoder: str, name: str | None = None,
                     note: str | None = None) -> Place:
    """The place a mention names, at a gazetteer entry (its point, precision and radius)."""
    return Place(m.start, m.end, m.text, name or e.name, round(e.lat, 6), round(e.lon, 6),
                 e.country_iso3, e.precision, e.uncertainty_km, m.role, e.gazetteer_id, geocoder,
                 e.feature, e.admin1, note)


def _destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    from pyproj import Geod

    lon2, lat2, _ = Geod(ellps="WGS84").fwd(lon, lat, bearing_deg, km * 1000.0)
    return lat2, lon2
