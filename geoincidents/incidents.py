"""Stage 3: airspace incidents — what happened, where, when, by whom — and the airspace verdict.

An incident is found per sentence: an object (drone, missile, aircraft, balloon, an unidentified
object) with an incident word (entered, violated, incursion, crashed, shot down, debris, airport
closed ...), or an airspace violation without a named object. Its site is the best *location* place
tied to the event in that sentence ("entered Polish airspace", "crashed near X", "debris in the
village of X"); places where things were said ("NATO said in Brussels", "a summit in Alaska") and
actors ("Russian drones", "Moscow denied") are never sites. Sentences about the same incident
(same object, compatible place) are merged, keeping the most specific place.

The verdict runs the place's uncertainty region through the airspace engine: a country-level place
("Polish airspace") is that country's whole airspace, inside NATO airspace when the state was a
member on the date; a point place is a circle of its uncertainty radius, ``inside`` when all of it
is in members' airspace, ``outside`` when none is, ``possible`` otherwise.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from geoincidents.dates import DATE_RE, dateline, resolve
from geoincidents.mentions import AIRPORT_OF
from geoincidents.models import Mention, Place, Region

# Object words -> object class (matched on lower-case word starts).
OBJECTS = (
    ("drone", r"drones?|uavs?|uas|unmanned aerial vehicles?|unmanned (?:aerial )?aircraft|"
              r"unmanned (?:aerial|aircraft) systems?|"
              r"quadcopters?|shaheds?|gerans?"),
    ("missile", r"(?:cruise |ballistic )?missiles?|rockets?"),
    ("balloon", r"balloons?"),
    ("aircraft", r"aircraft|(?:war)?planes?|(?:fighter )?jets?|fighters?|bombers?|helicopters?|"
                 r"airliners?|(?:boeing|airbus) a?\d{3}|"
                 r"mig-\d+s?|su-\d+s?|tu-\d+s?|il-\d+s?|an-\d+s?|f-\d+s?"),
    # "an unidentified aircraft" is what a military statement calls an object it has not yet
    # named (often a drone): not a crewed aircraft.
    ("unknown", r"(?:unidentified |unknown |flying |aerial |high-altitude |car-sized |"
                r"suspicious |cylindrical |octagonal )objects?|"
                r"(?:unidentified|unknown) aircraft|"
                # "shot down an object", "the object shot down over Lake Huron": what a fighter
                # downed, named no better
                r"(?:(?:shot|brought|took|take|shoot) down|downed) (?:an?|the|another|a second|"
                r"a third) objects?|(?:the|an?) objects? (?:was |were )?(?:shot|brought) down"),
)
_OBJECT_RE = re.compile(r"\b(?:" + "|".join(f"(?P<{k}>{p})" for k, p in OBJECTS) + r")\b", re.I)
_EVENT_RE = re.compile(
    r"\b(?:entered|entering|enters|violat\w*|incursions?|intru\w*|crash\w*|shot down|"
    r"brought down|downed|debris|fragments?|wreckage|remains|fell|landed|struck|hit|"
    r"sightings?|spotted|"
    r"seeing|sighted|observed|hover\w*|(?:was|were|have|has|had) (?:first |also |again )?"
    r"reported|restricted|"
    r"seen|fl(?:ew|own|ying) (?:over|into|across|above|near|toward)|breach\w*|crossed|crossing|"
    r"closed|closure|shut|suspended|halted|released|fired|launched|intercept(?!ors?\b)\w*|"
    r"detected|tracked|came down|found|discovered|recovered|washed (?:up|ashore)|impact\w*|"
    r"neutrali[sz]ed|"
    r"exploded|smashed|"
    r"lost from radar|spent|attack\w*|strik\w*|struck|bomb\w*|shell\w*|collid\w*|"
    r"collision)\b", re.I)
_AIRSPACE_RE = re.compile(r"\bairspace\b.{0,40}?\b(?:violat\w*|incursion|breach\w*)|"
                          r"\b(?:violat\w*|incursion|breach\w*|entered|entering|intru\w*|"
                          r"flew|flown|flying|crossed)\b.{0,40}?\bairspace\b", re.I)
_AIRPORT_RE = re.compile(r"\bairports?\b", re.I)
# A mention that names an airfield ("Wright-Patterson Air Force Base", "RAF Lakenheath"):
# like an airport, the place a drone is reported over.
_AIRFIELD_NAME = re.compile(r"\b(?:airport|air\s*base|airfield|air\s+force\s+base|afb|"
                            r"air\s+station|raf)\b", re.I)
_CLOSED = re.compile(r"\b(?:clos(?:ed|e|es|ing|ure)|shut(?:s|ting)?(?: down)?|suspend\w*|"
                     r"halt\w*|stopp?\w*|diverted|grounded|disrupt\w*)\b", re.I)
# Flying that is no incident: shows, displays, exercises announced as such.
_NOT_INCIDENT = re.compile(r"\b(?:air ?shows?|air tattoo|flying displays?|flypasts?|aerobatic|"
                           r"exhibitions?|parades?)\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:must|should|would|could|will|can|cannot|able to|plans? to)"
                           r"\s+(?:\w+\s+(?:and\s+)?)?$", re.I)
# Said of where it happened: outside any state's territorial airspace.
_INTERNATIONAL = re.compile(r"\binternational (?:waters|airspace)\b|\bair defen[cs]e "
                            r"identification zone\b|\bADIZ\b|\bneutral waters\b", re.I)
# Words before a place that tie it to the event ("over X", "into X", "near X").
_LOCATIVE = {"in", "into", "over", "near", "outside", "at", "above", "on", "off", "inside"}
# Words that make a nearby place a place of speech or meeting, not an incident site.
_SPEECH = re.compile(r"\b(?:said|says|told|tells|announced|stated|added|warned|vowed|spoke|"
                     r"speaking|briefing|conference|summit|meeting|talks|headquarters|statement|"
                     r"press|ministers|parliament|met|visit\w*|interview|treaty|consultations|"
                     r"ambassador|embassy|lawmakers|reporters|officials|prosecutors|court|ministry|"
                     r"government|politicians|leaders|diplomats|spokes\w*|denied|diverted|authorities|"
                     r"rerouted|redirected|headquartered|based|stationed)\b", re.I)
# "the ministry in Warsaw said" (not "crashed in X, and summoned ...": another clause)
_SPOKEN_AFTER = re.compile(r"^(?!\s*,\s*and\b)\W*(?:\w+\W+)?(?:said|says|told|announced|"
                           r"stated|denied|warned|added|confirmed|summoned|demanded)\b", re.I)
_HEDGES = ("suspected", "alleged", "allegedly", "apparently", "believed", "likely", "presumably",
           "possibly", "reportedly", "claimed", "suspicion")
_DENIAL = re.compile(r"\b(?:denied|denies|deny|rejected|rejects|dismissed)\b", re.I)
_SPEECH_DATE = re.compile(r"\b(?:said|says|told|vowed|announced|added|warned|stated|"
                          r"confirmed|reported)\s*$", re.I)
# "the ministry on Monday presented radar data": the day of the statement, said before its verb.
_SPEECH_DATE_BEFORE = re.compile(r"\s*(?:evening|morning|afternoon)?\s*(?:said|says|told|"
                                 r"announced|presented|published|released|denied|confirmed|"
                                 r"stated|warned|added|showed|issued)\b", re.I)
# A date that belongs to what was done about the incident, not to the incident: "summoned a
# Russian diplomat on Monday over the drone that crashed at the weekend", "released video on
# Thursday showing ...", "denied on Friday that its drones ...". Never the incident's date: with
# no other date the incident is undated (it happened before, how long is not said).
_ASIDE_VERB = re.compile(r"\b(?:summon\w*|releas\w* (?:a |the )?(?:video|footage|images?|"
                         r"photos?|statement|details|report)|publish\w*|met|meets|visit\w*|"
                         r"condemn\w*|convene\w*|protest\w*|brief\w*|spoke|called|"
                         r"announc\w*|said|says|told|expelled|charged|arrested|denied|"
                         r"denies|rejected|accused|claimed|insisted|blamed)\b", re.I)
# "during Tuesday's encounter": the day is the incident's own.
_DAY_OF_EVENT = re.compile(r"(?:'s|’s)\s+(?:\w+\s+)?(?:encounter|attack|incident|crash|"
                           r"intrusion|incursion|violation|strike|collision|overflight|"
                           r"flights?|raid|sighting|closure)\b", re.I)
# Where the objects came from or went: "launched from Belarus", "flew back into Ukraine",
# "heading towards Lviv", "from Belarusian airspace".
# (not "departures from Heathrow were halted": the airport where flights stopped)
_ORIGIN = re.compile(r"(?<!departures )(?<!flights )(?<!take-offs )(?<!takeoffs )"
                     r"\b(?:from|out of)\s+(?:the\s+)?(?:direction of\s+(?:the\s+)?)?"
                     r"(?:(?:territory|airspace|side) of\s+(?:the\s+)?)?"
                     r"(?:[\w-]+\s+(?:or|and)\s+)?$", re.I)  # "from Russian or Latvian airspace"
_ROUTE = re.compile(r"\b(?:(?:head\w*|fl(?:ew|ying|ies|y)|mov\w*|continu\w*|return\w*|"
                    r"turn\w*|back|went|going|bound)\s+(?:\w+\s+)?(?:in)?to(?:wards?)?|"
                    r"toward|towards|through|across|in the direction of|via|bound for|"
                    r"heading for)\s+(?:the\s+)?(?:\w+\s+(?:or|and)\s+)?$", re.I)
# Places of another event the report gives as context: "after an attack on the port of X",
# "during a strike on X".
_CONTEXT = re.compile(r"\b(?:after|following|during|amid|in)\s+(?:(?:a|an|the|its|their|"
                      r"overnight|massive|large|russian|renewed)\s+){0,3}(?:[\w'’-]+\s+){0,3}"
                      r"(?:attacks?|strikes?|raids?|bombardments?|shelling|assaults?)\s+"
                      r"(?:on|against|of|in|near)\s+(?:the\s+)?(?:\w+\s+)?"
                      r"(?:(?:port|city|town|village|region) of\s+)?$", re.I)
# An earlier event the sentence dates its own by: "two days after drones closed Copenhagen's
# airport", "a week after a drone crashed near X".
_EARLIER = re.compile(r"\b(?:(?:an?|one|two|three|four|five|six|seven|several|a few|\d+)\s+)?"
                      r"(?:hours?|days?|weeks?|months?)\s+(?:after|since)\s+"
                      r"(?:[\w'’-]+\s+){0,6}$", re.I)
# Where things or people were taken after the incident (wreckage to a laboratory, the
# wounded to a hospital abroad), unless the object fell there on its way.
_TAKEN_TO = re.compile(r"\b(?:taken|brought|transported|shipped|delivered|carried|flown|"
                       r"evacuated)\s+(?:back\s+)?to\b(?!.*\b(?:crash\w*|fell|hit|exploded|"
                       r"landed|came)\b)")
# "never crossed into Turkey", "had not entered Turkish airspace", "did not violate".
_DENIED_ENTRY = re.compile(r"\b(?:never|not|n't|no)\s+(?:\w+\s+){0,2}(?:cross\w*|enter\w*|"
                           r"violat\w*|flew|fl[yo]\w*|been)\s+(?:in(?:to)?\s+|over\s+)?"
                           r"(?:the\s+)?$", re.I)
_CAPITAL_AFTER = re.compile(r"\s+capital\b", re.I)
_RECALLED = re.compile(r"\bthe\s+$", re.I)
_PRECISION_RANK = {"coordinates": 0, "site": 1, "village": 2, "city": 3, "admin2": 4,
                   "admin1": 5, "country": 6, "region": 7}


@dataclass(frozen=True, slots=True)
class Incident:
    """One airspace incident with its evidence and verdict."""

    incident_id: str
    object: str
    actor_iso3: str | None
    attribution: str | None  # "suspected", "alleged", "denied", ... when the text hedges
    location: Place | None
    date: dt.date | None
    date_text: str | None
    evidence: str
    start: int  # character span of the evidence sentence
    end: int
    confidence: float
    country_iso3: str | None
    country_name: str | None
    nato_member: bool | None
    inside_nato_airspace: bool | None
    verdict: str | None  # inside | outside | possible
    distance_to_border_km: float | None
    membership_date: dt.date
    sentences: tuple[tuple[int, int], ...] = ()
    area: Region | None = None  # the location as a region (the point is inside it)
    # The incident's state first, then the states its sentences deny it entered ("never crossed
    # into Turkey", "had not entered Turkish airspace") or put it on the border of ("on the
    # Syrian border"): a report placed in one of two neighbours that speaks of the other's
    # incident (a flight reported from both sides is not two violations).
    states: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """What one document says: its incidents and every place it names."""

    doc_id: str
    published: dt.date | None
    published_source: str | None  # "given", "document", "dateline"
    incidents: list[Incident]
    places: list[Place]
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    obj: str
    sentence: tuple[int, int]
    location: Place | None
    loc_score: float
    actor: str | None
    attribution: str | None
    dates: list[tuple[dt.date, str]]
    cues: int
    sentences: list[tuple[int, int]]
    international: bool = False
    main_dates: int = -1  # how many of ``dates`` come from the first sentence
    # "the aircraft", "the object": a definite, general name for an object already told of
    # (the drone of the sentence before), not a new one.
    recalled: bool = False
    # Every object class its sentences name ("300 drones and missiles"): a later sentence
    # about one of them ("ballistic missiles struck Nevatim") tells the same attack.
    kinds: frozenset = frozenset()

    def __post_init__(self) -> None:
        if self.main_dates < 0:
            self.main_dates = len(self.dates)


class IncidentExtractor:
    """Finds incidents with a geoparser (mentions and places) and an airspace engine."""

    def __init__(self, geoparser=None, airspace=None, regions=None) -> None:
        self._geoparser = geoparser
        self._airspace = airspace
        self._regions = regions

    @property
    def geoparser(self):
        if self._geoparser is None:
            from geoincidents.geoparser import default_geoparser

            self._geoparser = default_geoparser()
        return self._geoparser

    @property
    def airspace(self):
        if self._airspace is None:
            from geoincidents.airspace import Airspace

            self._airspace = Airspace.default()
        return self._airspace

    @property
    def regions(self):
        if self._regions is None:
            from geoincidents.regions import RegionBuilder

            self._regions = RegionBuilder(self.geoparser.resolver.gazetteer)
        return self._regions

    def extract(self, text: str, published: dt.date | None = None, doc_id: str = "doc",
                published_source: str | None = None) -> Report:
        """The incidents and places of one text."""
        return self._report(text, self.geoparser.finder.analyse(text), published, doc_id,
                            published_source)

    def extract_many(self, items: Sequence[tuple[str, dt.date | None, str, str | None]]) \
            -> list[Report]:
        """:meth:`extract` for several ``(text, published, doc_id, published_source)``, in
        order, with spaCy run over the texts together (``nlp.pipe``): the same reports."""
        analysed = self.geoparser.finder.analyse_many([item[0] for item in items])
        return [self._report(text, found, published, doc_id, source)
                for (text, published, doc_id, source), found in zip(items, analysed)]

    def _report(self, text: str, analysed, published: dt.date | None, doc_id: str,
                published_source: str | None) -> Report:
        notes = []
        if published is None:
            published = dateline(text)
            published_source = "dateline" if published else None
        elif published_source is None:
            published_source = "given"
        sentences, mentions = analysed
        places = self.geoparser.resolver.resolve(text, mentions)
        starts = [m.start for m in mentions]  # sorted: mentions come in text order
        drafts = []
        for s0, s1 in sentences:
            inherit = None
            for c0, c1 in _clauses(text, s0, s1, mentions, places, starts):
                lo, hi = bisect.bisect_left(starts, c0), bisect.bisect_left(starts, c1)
                found = self._drafts(text, (c0, c1), mentions[lo:hi], places[lo:hi], published,
                                     inherit)
                for d in found:
                    if inherit is not None and d.actor is None:
                        d.actor, d.attribution = inherit.actor, inherit.attribution
                drafts += found
                inherit = found[0] if found else inherit
        merged = _merge(_continued(text, _foreground(text, drafts, published)))
        incidents = []
        for n, draft in enumerate(merged, start=1):
            pairs = []
            for s0, s1 in sorted(draft.sentences):
                lo, hi = bisect.bisect_left(starts, s0), bisect.bisect_left(starts, s1)
                pairs += zip(mentions[lo:hi], places[lo:hi])
            incidents.append(self._finish(text, doc_id, n, draft, published, pairs))
        if incidents and published is None:
            notes.append("no publication date: relative dates unresolved")
        return Report(doc_id, published, published_source, incidents, places, notes)

    # -- one sentence ---------------------------------------------------------------------------

    def _drafts(self, text, sentence, mentions: Sequence[Mention], places: Sequence[Place],
                published, inherit: _Draft | None = None) -> list[_Draft]:
        """The incident(s) one sentence (or clause) reports: usually one; one per state when it
        names the airspace of several ("violated Danish airspace ... entering Swedish
        airspace"). ``inherit`` is the draft of the clause before, whose object "another" or
        "a second" refers to."""
        s0, s1 = sentence
        body = text[s0:s1]
        obj_match = _OBJECT_RE.search(body)
        anaphor = obj_match is None and inherit is not None and _ANAPHOR.search(body)
        event = _EVENT_RE.search(body)
        airspace = _AIRSPACE_RE.search(body)
        airport = _AIRPORT_RE.search(body) and _CLOSED.search(body)
        if not (((obj_match or anaphor) and (event or airspace)) or airspace
                or (airport and obj_match)) or _NOT_INCIDENT.search(body):
            return []
        if event and not airspace and _HYPOTHETICAL.search(text[max(s0, s0 + event.start() - 30):
                                                                s0 + event.start()]):
            return []  # "must be able to detect and intercept drones": not something that happened
        obj = inherit.obj if anaphor else _object(body)
        in_sentence = list(zip(mentions, places))  # the sentence's own mentions
        scored = [(self._site_score(text, m, p), self._capital(text, m, p))
                  for m, p in in_sentence if m.role == "location" and p.lat is not None]
        scored += _its_airspace(body, s0, in_sentence)
        sites = self._sites(scored, text)
        actor, attribution = self._actor(text, body, s0, in_sentence,
                                         sites[0][1] if sites else None, obj_match)
        anchor = s0 + (event or airspace or obj_match).start()
        dates = []
        for dm in DATE_RE.finditer(text, s0, s1):
            if _SPEECH_DATE.search(text[max(s0, dm.start() - 25):dm.start()]) \
                    or _SPEECH_DATE_BEFORE.match(text, dm.end(), s1):
                continue  # "Trump said Thursday": when it was said, not when it happened
            day = resolve(dm, published)
            if day is None:
                continue
            distance = abs(dm.start() - anchor)
            if _DAY_OF_EVENT.match(text, dm.end()):
                distance = -1
            else:
                asides = list(_ASIDE_VERB.finditer(text, s0, dm.start()))
                rest = text[asides[-1].end():dm.start()] if asides else ""
                if asides and not (_OBJECT_RE.search(rest) or _EVENT_RE.search(rest)):
                    continue  # the day of the summons or the denial, not the incident's
            if dm.group("how") and dm.group("how").lower() == "after":
                if text[s0:dm.start()].strip():
                    # "The incident came five days after drones crossed": five days after
                    # that, not before publication (only a follow-up's opening counts back)
                    continue
                distance += 10_000  # "A week after drones shut X on Sept. 22": the day named
            dates.append((distance, day, dm.group(0)))
        dates.sort()
        cues = sum(bool(x) for x in (obj_match, event, airspace, airport))
        international = bool(_INTERNATIONAL.search(body))
        if not sites:
            sites = [(-math.inf, None)]
        recalled = bool(obj_match) and obj in ("aircraft", "unknown") \
            and bool(_RECALLED.search(body, 0, obj_match.start()))
        kinds = frozenset(k for m in _OBJECT_RE.finditer(body)
                          for k, v in m.groupdict().items() if v) | {obj}
        return [_Draft(obj, sentence, loc, score, actor, attribution,
                       [(d, t) for _, d, t in dates], cues, [sentence], international,
                       recalled=recalled, kinds=kinds)
                for score, loc in sites]

    def _sites(self, scored: list[tuple[float, Place]], text: str = "") \
            -> list[tuple[float, Place]]:
        """The best site of a sentence, one per state whose airspace it names, or one per
        airport it says were closed ("closed Brussels Airport and the airport in Liège")."""
        if not scored:
            return []
        from geoincidents.gazetteer import haversine_km

        airports: list[tuple[float, Place]] = []
        for sc, p in sorted(scored, key=lambda sp: -sp[0]):
            if p.precision == "site" and sc >= 3.5 and p.lat is not None \
                    and not _UNAFFECTED.match(text[p.end:p.end + 40]) \
                    and all(haversine_km(p.lat, p.lon, q.lat, q.lon) > 20 for _, q in airports):
                airports.append((sc, p))
        if len(airports) > 1:
            return airports
        airspaces = {}
        for sc, p in sorted(scored, key=lambda sp: -sp[0]):
            # "violated Danish airspace ... entering Swedish airspace" (6 + 0.3), "the village
            # of X" on either side of a border (5 + 1.5); not two airports (4 + 1.8).
            if sc >= 6.0 and p.country_iso3 and p.country_iso3 not in airspaces:
                airspaces[p.country_iso3] = (sc, p)
        if len(airspaces) > 1:
            return list(airspaces.values())
        score, location = max(scored, key=lambda sp: sp[0])
        if score < 1:
            return []  # no word ties any place to the event
        if location.precision in ("country", "region"):
            # "entered Polish airspace near the village of Oserdów": the village, in Poland.
            finer = [(sc, p) for sc, p in scored if sc >= 3 and p.precision not in
                     ("country", "region") and (location.country_iso3 is None
                                                or p.country_iso3 == location.country_iso3)]
            if finer:
                score, location = max(finer, key=lambda sp: (-_PRECISION_RANK.get(
                    sp[1].precision or "region", 7), sp[0]))
        return [(score, location)]

    def _capital(self, text: str, m: Mention, p: Place) -> Place:
        """"crashed in the Croatian capital": the state's capital city, where the place named
        (a demonym, rightly resolved to the state) is the state."""
        if m.kind != "demonym" or p.precision != "country" or not p.country_iso3 \
                or not _CAPITAL_AFTER.match(text, m.end):
            return p
        city = self.geoparser.gazetteer.capital(p.country_iso3)
        if city is None:
            return p
        return dataclasses.replace(
            p, name=city.name, lat=city.lat, lon=city.lon, precision="city",
            uncertainty_km=city.uncertainty_km, gazetteer_id=city.gazetteer_id, feature="city",
            admin1=city.admin1, note=f"the capital of {p.name}")

    def _site_score(self, text: str, m: Mention, p: Place) -> float:
        role = place_role(text, m)
        if role in ("origin", "route"):
            return -4.0  # where it came from or went, not where it happened
        if role in ("statement", "context"):
            return -8.0
        before = text[max(0, m.start - 60):m.start]
        after = text[m.end:m.end + 30].lower()
        words = re.findall(r"[\w'’-]+", before.lower())
        score = 0.0
        if m.label == "dateline":
            # "KORUSTE, Elva parish - The field where the drone exploded lies by this village":
            # a local paper's own village, the site when the text names no other.
            return 1.5 + (7 - _PRECISION_RANK.get(p.precision or "region", 7)) * 0.1
        if _DENIED_ENTRY.search(before):
            # "had not entered Turkish airspace", "did not enter Taiwan's territorial
            # airspace": a place named only to be denied is not where it happened.
            return -2.0
        if m.kind == "demonym" and re.match(r"\s*(?:air\s*space|airspace|territory|soil|skies)",
                                            after):
            score += 6
        elif re.match(r"\s*(?:'s|’s)?\s*(?:airspace|territory|skies)", after) or \
                re.search(r"\b(?:airspace|territory) of\s+(?:the\s+)?$", before.lower()):
            score += 6
        elif re.search(r"\b(?:entered|entering|enters|violated|violating)\s+(?:the\s+)?$",
                       before.lower()):
            score += 5  # "may have entered Estonia", "violated Poland"
        elif re.search(r"\b(?:village|town|city|hamlet|commune|gmina|municipality|port|airport|"
                       r"base|airfield|coast) of\s+$",
                       before.lower()):
            score += 5
        elif any(w in _LOCATIVE for w in words[-5:]):
            score += 3 if words and words[-1] in _LOCATIVE else 2
        elif re.match(r"\s*(?:airport|air\s*base|airfield)", after) or m.kind in ("name", "site") \
                and _AIRFIELD_NAME.search(m.text) or m.label == AIRPORT_OF:
            score += 4
        else:
            score -= 1
        score += (7 - _PRECISION_RANK.get(p.precision or "region", 7)) * 0.3
        if re.match(r"(?:'s|’s)\s+[A-Z]", text[m.end:m.end + 4]):
            score -= 3  # "Oslo's Gardermoen airport": the container of the site named next
        return score

    def _actor(self, text, body, s0, in_sentence, location, obj_match):
        """The state the text ties to the object: "Russian drones", "Russia's drone", "a drone
        launched from Belarus" — not whoever else the sentence names ("Danish police said")."""
        if obj_match is None:
            return None, None
        o0, o1 = s0 + obj_match.start(), s0 + obj_match.end()
        best = None
        for m, p in in_sentence:
            if p.country_iso3 is None or m.role != "actor" and m.kind != "demonym":
                continue
            before = 0 <= o0 - m.end <= 25 and not re.search(r"[,;.]", text[m.end:o0])
            after = 0 <= m.start - o1 <= 40 and re.search(
                r"\b(?:from|by|of)\s+(?:the\s+)?$", text[o1:m.start])
            if before or after:
                best = p.country_iso3
                break
        if best is None:
            return None, None
        window = text[max(s0, o0 - 40):o1 + 40].lower()
        hedge = next((h for h in _HEDGES if re.search(rf"\b{h}\b", window)), None)
        if _DENIAL.search(body):
            hedge = "denied"
        if hedge == "allegedly":
            hedge = "alleged"
        return best, hedge

    # -- verdict ----------------------------------------------------------------------------------

    def _finish(self, text, doc_id, n, draft: _Draft, published, pairs) -> Incident:
        # The first sentence's date nearest the event words, else the earliest of the others.
        day, day_text = draft.dates[0] if draft.dates else (None, None)
        if draft.main_dates == 0 and draft.dates:
            day, day_text = min(draft.dates)
        place, area = self.regions.build(text, draft.location, draft.sentences, pairs)
        as_of = day or dt.date.today()
        country = name = member = inside = verdict = dist = None
        site = draft.location  # as the text named it, before the region restated it
        if draft.international and (site is None or site.precision in ("region", None)):
            # "over international waters of the Black Sea", "its air defence identification
            # zone": outside every state's territorial airspace, by the text's own words.
            member, inside, verdict = False, False, "outside"
        elif place is not None and place.lat is not None:
            country, name, member, inside, verdict, dist = self._verdict(place, day, area)
        # The report is about the incident it tells first (its lead): that one is the main one.
        confidence = 0.35 + 0.1 * draft.cues + (0.15 if place is not None else 0) \
            + (0.1 if day else 0) + 0.05 * min(3, len(draft.sentences) - 1) \
            + (0.05 if n == 1 else 0)
        s0, s1 = draft.sentences[0]
        from geoincidents.regions import border_named  # loaded already: regions.build ran

        head = _DATELINE_HEAD.match(text)  # "MOSCOW -" is where the report was filed
        named = [p.country_iso3 for m, p in pairs if m.role == "location"
                 and p.country_iso3 is not None and m.start >= (head.end() if head else 0)
                 and (_DENIED_ENTRY.search(text[max(0, m.start - 50):m.start])
                      or border_named(text, m.start, m.end))]
        return Incident(
            incident_id=f"{doc_id}#{n}", object=draft.obj, actor_iso3=draft.actor,
            attribution=draft.attribution, location=place, date=day, date_text=day_text,
            evidence=text[s0:s1].strip(), start=s0, end=s1,
            confidence=round(min(confidence, 0.99), 2), country_iso3=country,
            country_name=name, nato_member=member, inside_nato_airspace=inside, verdict=verdict,
            distance_to_border_km=dist, membership_date=as_of,
            sentences=tuple(draft.sentences), area=area,
            states=tuple(dict.fromkeys(([country] if country else []) + named)),
        )

    def _verdict(self, place: Place, day: dt.date | None, area: Region | None = None):
        air = self.airspace
        centre = air.check(place.lat, place.lon, day)
        if place.precision in ("country",) and place.country_iso3:
            # The place is the whole of the state's airspace ("Polish airspace").
            member = air.membership.is_member(place.country_iso3, day)
            inside = None if member is None else bool(member)
            verdict = {True: "inside", False: "outside", None: "possible"}[inside]
            return (place.country_iso3, air.name(place.country_iso3), member, inside, verdict,
                    centre.distance_to_border_km)
        radius = max(place.uncertainty_km or 0.0, 0.0)
        lats, lons = [place.lat], [place.lon]
        if area is not None:
            import shapely

            # The region's outline (shapely's x is the longitude): all of it inside members'
            # airspace, none of it, or some. Taken ~300 m inside, since a region clipped to a
            # state shares that state's border, where a point is on both sides.
            inner = area.geometry.buffer(-0.003)
            edge = shapely.get_coordinates((area.geometry if inner.is_empty else inner)
                                           .simplify(0.005))
            step = max(1, len(edge) // 400)
            lons += edge[::step, 0].tolist()
            lats += edge[::step, 1].tolist()
        elif radius > 0:
            from pyproj import Geod

            geod = Geod(ellps="WGS84")
            for k in range(24):
                lon2, lat2, _ = geod.fwd(place.lon, place.lat, k * 15.0, radius * 1000.0)
                lats.append(lat2)
                lons.append(lon2)
        ring = air.classify(lats, lons, day, distances=False)
        flags = {v for v in ring.inside_nato_airspace}
        if flags == {True}:
            verdict = "inside"
        elif flags == {False}:
            verdict = "outside"
        else:
            verdict = "possible"
        return (centre.country_iso3, centre.country_name, centre.nato_member,
                centre.inside_nato_airspace, verdict, centre.distance_to_border_km)


def place_role(text: str, m: Mention) -> str:
    """What a place is to the incident of its sentence: ``site`` (where it happened, the
    default), ``origin`` (where the objects came from), ``route`` (where they went),
    ``context`` (the place of another event the report mentions) or ``statement`` (where
    something was said or met)."""
    s0 = m.sentence[0] if m.sentence != (0, 0) else max(0, m.start - 80)
    before = text[max(s0, m.start - 80):m.start]
    after = text[m.end:m.end + 30]
    words = re.findall(r"[\w'’-]+", before.lower())
    if _ORIGIN.search(before):
        return "origin"
    if _ROUTE.search(before):
        return "route"
    if _CONTEXT.search(before) or _earlier_event(text, m, before):
        return "context"
    near = " ".join(words[-6:])
    if _SPEECH.search(near) and (words[-1:] and words[-1] in ("in", "at", "to")
                                 or len(words) > 1 and words[-2] in ("in", "at", "to")):
        return "statement"  # "said in Brussels", "a summit in Alaska", "diverted to Stuttgart"
    if words and words[-1] in ("in", "at") and _SPOKEN_AFTER.match(after.lower()):
        return "statement"  # "the ministry in Warsaw said"
    if re.search(r"\b(?:diverted|rerouted|redirected)\b", " ".join(words[-8:])):
        return "statement"
    if _TAKEN_TO.search(" ".join(words[-8:])):
        return "route"  # "the pieces have been taken to the FBI laboratory in Quantico"
    if _SPEAKER_AFTER.match(after):
        return "statement"  # "the Central and West Jutland police said": who spoke
    return "site"


def _earlier_event(text: str, m: Mention, before: str) -> bool:
    """A place of the earlier event a sentence dates its own by ("drone flights over Aalborg
    ... two days after drones closed Copenhagen's airport"), when the rest of the sentence
    tells an incident of its own; else ("A week after drones shut Munich Airport, Bavaria
    moved to ...") that earlier event is what the sentence is about."""
    found = _EARLIER.search(before)
    if found is None:
        return False
    s0, s1 = m.sentence if m.sentence != (0, 0) else (m.start - len(before), len(text))
    c0 = m.start - len(before) + found.start()
    comma = text.find(",", m.end, s1)
    c1 = s1 if comma < 0 else comma
    rest = text[s0:c0] + " " + text[c1:s1]
    return bool(_OBJECT_RE.search(rest) and _EVENT_RE.search(rest))


# "Riga airport was not affected", "Kaunas stayed open": named, but not closed.
_UNAFFECTED = re.compile(r"^\s*(?:,\s*)?(?:which\s+)?(?:was|were|is|are|remained|stayed|"
                         r"kept)\s+(?:not\b|un\w+|open\b)", re.I)
_SPEAKER_AFTER = re.compile(r"^(?:\s+(?:and\s+)?[A-Z][\w-]*){0,3}\s+(?:police|authorities|"
                            r"officials|prosecutors|border guards?|governor|mayor)\s+(?:said|"
                            r"says|reported|confirmed|announced|told)\b")


# An unidentified object named beside aircraft is the intruder they were sent up against.
_OBJECT_PRIORITY = ("drone", "missile", "balloon", "unknown", "aircraft")


# "..., while fragments of another were scattered near Cześniki": a clause about a second
# object of the same kind.
_ANAPHOR = re.compile(r"\b(?:another|a second|a third|a fourth|the other|the second|the third|"
                      r"one more)\b", re.I)
_CLAUSE_CUT = re.compile(r",\s+(?:while|whereas|and)\s+|;\s+")


def _clauses(text: str, s0: int, s1: int, mentions, places, starts) -> list[tuple[int, int]]:
    """A sentence, or its two clauses when each reports an event at its own place: "a drone
    was found at Czosnówka in Biała Podlaska county, while fragments of another were scattered
    in Cześniki in Zamość county"."""

    def placed(a: int, b: int) -> bool:
        lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        return any(m.role == "location" and p.lat is not None
                   and p.precision not in ("country", "region", None)
                   for m, p in zip(mentions[lo:hi], places[lo:hi]))

    body = text[s0:s1]
    for cut in _CLAUSE_CUT.finditer(body):
        first, second = body[:cut.start()], body[cut.end():]
        if not (placed(s0, s0 + cut.start()) and placed(s0 + cut.end(), s1)):
            continue
        if (_OBJECT_RE.search(second) or _ANAPHOR.search(second)) and _EVENT_RE.search(second):
            return [(s0, s0 + cut.start()), (s0 + cut.end(), s1)]
        if not (_OBJECT_RE.search(second) or _EVENT_RE.search(second)) \
                and _OBJECT_RE.search(first) and _EVENT_RE.search(first):
            # "a drone fell on the Engels base, while a fuel truck blew up at the Dyagilevo
            # base near Ryazan": nothing of the incident's happened at the second place
            return [(s0, s0 + cut.start())]
    return [(s0, s1)]


_AIRCRAFT = dict(OBJECTS)["aircraft"]
# "hit by a missile fired by a patrolling F-16", "a missile from a Turkish F-16": the
# interceptor's weapon, not the object of the incident.
_WEAPON = re.compile(
    rf"\b(?:air-to-air|air-launched|sidewinder|aim-\d+\w*)\s+missiles?\b"
    rf"|\bmissiles?\s+(?:(?:fired|launched)\s+)?(?:by|from)\s+(?:an?\s+|the\s+|its\s+|"
    rf"one\s+of\s+(?:the|its)\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_AIRCRAFT})\b"
    rf"|\b(?:{_AIRCRAFT})\s+(?:then\s+)?(?:fired|launched)\s+(?:an?\s+|two\s+|its\s+)?"
    rf"(?:[\w-]+\s+)?missiles?\b", re.I)


def _object(body: str) -> str:
    """The incident's object: a drone shot down by fighter jets is a drone incident, and a jet
    shot down by a fighter's missile an aircraft incident."""
    weapons = [m.span() for m in _WEAPON.finditer(body)]
    found = {k for m in _OBJECT_RE.finditer(body) for k, v in m.groupdict().items()
             if v and not (k == "missile" and any(a <= m.start() < b for a, b in weapons))}
    return next((k for k in _OBJECT_PRIORITY if k in found), "unknown")


# A sentence about an earlier event the report recalls ("The closure followed drone sightings
# that shut Munich's airport on Thursday", "In October, debris fell on Naslavcea", "two weeks
# ago Gardermoen itself was shut"): background, not an incident of this report.
# "in September 2014", "in 2022": a month or a year, the dates module reads days only.
_IN_YEAR = re.compile(r"\bin\s+(?:(?:early|mid|late)[\s-]+)?(?:(?:January|February|March|April|"
                      r"May|June|July|August|September|October|November|December)\s+)?"
                      r"((?:19|20)\d\d)\b")
_BACKGROUND = re.compile(
    # "The closure followed drone sightings that shut Munich's airport" (not "a helicopter
    # followed them": tracking)
    r"\b(?:(?:followed|follows)(?! (?:them|it|before|until|as|for|along|the (?:drones?|"
    r"objects?|balloons?|aircraft|missiles?))\b)|"
    r"following (?:similar|earlier|the)|came (?:\w+ ){0,3}after|"
    r"(?:days?|weeks?|months?|years?) (?:ago|earlier|before)|earlier (?:this|that|in the) "
    r"(?:week|month|year)|(?<!since )last (?:week|month|year)|in recent (?:days|weeks|months)|"
    r"recently|"
    r"previously|like the one|similar to the|the latest in|since the start of|(?:a|the) "
    r"(?:previous|similar|earlier) (?:incident|case|closure|incursion)|(?:earlier|previous|"
    r"past) (?:incidents|cases|closures|incursions|sightings)|has been (?:closed|shut)|"
    r"had been (?:closed|shut)|"
    r"(?:was|were) last (?:violated|breached|entered)|"
    r"(?:first|second|third) (?:such|time|incident) (?:since|in)|"
    r"(?:has|have|had) also (?:had|seen|reported)|had (?:\w+ )?(?:attacked|struck|targeted|"
    r"bombed|shelled|launched|fired))\b",
    re.I)
BACKGROUND_DAYS = 3  # a date this much before the lead's is another event's


def _foreground(text: str, drafts: list[_Draft],
                published: dt.date | None = None) -> list[_Draft]:
    """The drafts of this report's own incidents: after the lead (the first placed one), a
    sentence that recalls an earlier event, by its words or by its date (a day, or a year
    before the publication's: "in September 2014"), is left out."""
    def recalls(d: _Draft) -> bool:
        body = text[d.sentence[0]:d.sentence[1]]
        if _BACKGROUND.search(body):
            return True
        years = [int(y) for y in _IN_YEAR.findall(body)]
        return bool(published and years and not d.dates and max(years) < published.year)

    recalled = [recalls(d) for d in drafts]
    own = [d for d, r in zip(drafts, recalled) if not r]
    if not own:
        return drafts  # every sentence recalls: the report is about those events
    lead = next((d for d in own if d.location is not None), own[0])
    lead_days = [d for d, _ in lead.dates]
    out = []
    for d in own:
        if d is not lead and d.sentence[0] > lead.sentence[0]:
            days = [day for day, _ in d.dates]
            if days and lead_days and \
                    max(days) < min(lead_days) - dt.timedelta(days=BACKGROUND_DAYS):
                continue
        out.append(d)
    return out


# "Residents had filmed the drone flying over parts of Vilnius": the same object again, told
# with a definite article and no new one introduced.
_DEFINITE = re.compile(r"\b(?:the|this|that|its)\s+(?:\w+\s+)?(?:" +
                       "|".join(p for _, p in OBJECTS) + r")\b|\bit\b", re.I)
# ("it was a drone", "identified as a drone" name the object told of, not a new one)
_NEW_OBJECT = re.compile(r"(?<!\bwas )(?<!\bwere )(?<!\bas )(?<!\bis )"
                         r"\b(?:a|an|another|one|two|three|four|five|several|more|other|"
                         r"second|third|\d+)\s+(?:\w+[\s-]+){0,2}?(?:" +
                         "|".join(p for _, p in OBJECTS) + r")\b", re.I)


def _continued(text: str, drafts: list[_Draft]) -> list[_Draft]:
    """A sentence that goes on about the object of the one before ("the drone", "it") adds
    its cues and dates to that incident; the places it passes are not new sites, unless the
    incident had none finer than a state."""
    out: list[_Draft] = []
    for d in drafts:
        body = text[d.sentence[0]:d.sentence[1]]
        prev = out[-1] if out else None
        elsewhere = d.location is not None and prev is not None and not _coarse(d) \
            and prev.location is not None and d.location.country_iso3 != \
            prev.location.country_iso3  # "the drones that attacked Izmail": another state's
        if prev is not None and _compatible_object(prev, d) and _DEFINITE.search(body) \
                and not _NEW_OBJECT.search(body) and prev.sentence != d.sentence \
                and not elsewhere:
            keep = prev.location is not None and not _coarse(prev)
            location, score = prev.location, prev.loc_score
            _absorb(prev, d)
            if keep:
                prev.location, prev.loc_score = location, score
            continue
        out.append(d)
    return out


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Merge the sentences that report the same incident.

    Drafts with a specific site (a village, a town, an airport) are distinct incidents unless
    they are near each other. A draft placed only at a country ("crossed into Poland") or
    nowhere describes the incident(s) already found: it joins the first specific one with the
    same object in that country (or any, when its country is only the context of an attack),
    and only stands alone when there is none.
    """
    specific = [d for d in drafts if d.location is not None and not _coarse(d)]
    merged: list[_Draft] = []
    for d in specific:
        target = next((m for m in merged if _same(m, d)), None)
        if target is None:
            merged.append(d)
        else:
            _absorb(target, d)
    for d in drafts:
        if d in specific:
            continue
        target = next((m for m in merged if _compatible_object(m, d) and (
            d.location is None or m.location is not None
            and m.location.country_iso3 == d.location.country_iso3)), None)
        if target is None and d.location is not None and d.loc_score < 5:
            target = next((m for m in merged if _compatible_object(m, d)), None)
        if target is None:
            target = next((m for m in merged if m.location is not None and d.location is not None
                           and _coarse(m) and _same(m, d)), None)
        if target is None:
            merged.append(d)
        else:
            _absorb(target, d)
    merged.sort(key=lambda m: m.sentences[0])
    return [m for m in merged if m.location is not None or len(merged) == 1]


def _coarse(d: _Draft) -> bool:
    return d.location.precision in ("country", "region", None)


def _compatible_object(a: _Draft, b: _Draft) -> bool:
    return a.obj == b.obj or "unknown" in (a.obj, b.obj) or b.recalled or a.recalled \
        or a.obj in b.kinds or b.obj in a.kinds


def _absorb(target: _Draft, d: _Draft) -> None:
    target.sentences.append(d.sentence)
    target.dates += d.dates
    target.international = target.international or d.international
    target.cues = max(target.cues, d.cues)
    target.kinds = target.kinds | d.kinds
    if target.obj == "unknown":
        target.obj = d.obj
    if d.location is not None and (target.location is None or _more_specific(d, target)):
        target.location, target.loc_score = d.location, d.loc_score
    if target.actor is None and d.actor is not None:
        target.actor, target.attribution = d.actor, d.attribution


def _same(a: _Draft, b: _Draft) -> bool:
    if a.obj != b.obj and "unknown" not in (a.obj, b.obj):
        return False
    if a.location is None or b.location is None:
        return True
    la, lb = a.location, b.location
    if la.country_iso3 != lb.country_iso3:
        return False
    if "country" in (la.precision, lb.precision):
        return True
    from geoincidents.gazetteer import haversine_km

    reach = (la.uncertainty_km or 0) + (lb.uncertainty_km or 0) + 10
    return haversine_km(la.lat, la.lon, lb.lat, lb.lon) <= reach


def _more_specific(a: _Draft, b: _Draft) -> bool:
    ra = _PRECISION_RANK.get(a.location.precision or "region", 7)
    rb = _PRECISION_RANK.get(b.location.precision or "region", 7)
    return ra < rb or ra == rb and a.loc_score > b.loc_score


_ITS_AIRSPACE = re.compile(
    r"\b(?:(?:its|their) (?:own )?|the country(?:'s|’s) )(?:air ?space|territory|skies)\b"
    r"|\b(?:in|over|across) the (?:(?:north|south|east|west|centre|center)\w*\s+)?(?:part\s+)?"
    r"of the country\b", re.I)


_DATELINE_HEAD = re.compile(r"\s*[A-Z][A-Z .,'-]+(?:\([^)]*\))?\s*[-–—]+\s*")


def _its_airspace(body: str, s0: int, in_sentence) -> list[tuple[float, Place]]:
    """"Poland shot down drones that violated its airspace": when the sentence's subject is a
    state ("Poland ..."; a dateline "WARSAW -" before it is skipped), "its airspace" is that
    state's, a site scored like "Polish airspace". Another subject ("Vilnius Airport halted
    flights after balloons ... heading into its airspace") says nothing of a state."""
    if _ITS_AIRSPACE.search(body) is None or not in_sentence:
        return []
    head = _DATELINE_HEAD.match(body)
    start = s0 + (head.end() if head else 0)
    m, p = min(((m, p) for m, p in in_sentence if m.start >= start), key=lambda mp: mp[0].start,
               default=(None, None))
    if m is None or m.start - start > 4 or m.kind == "demonym" or p.precision != "country" \
            or p.lat is None or re.match(r"(?:'s|’s)", body[m.end - s0:m.end - s0 + 2]):
        return []  # "Ukraine's ports", "Romania's defence ministry": not the subject
    return [(6.0, dataclasses.replace(p, role="location"))]


def extract(text: str, published: dt.date | None = None) -> Report:
    """The incidents and places of ``text`` with the offline defaults."""
    return IncidentExtractor().extract(text, published)
