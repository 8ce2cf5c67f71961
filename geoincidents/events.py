"""Stage 5: one incident, many reports — incidents of a feed clustered into events.

A day's feed tells the same night of drones forty times: wire copy, local papers with the village,
a follow-up a week later about "last Wednesday", a denial. Each report's incident joins the event
it is compatible with — the same kind of object (or one the reports confuse: a drone reported as a
missile), dates within what each date's precision allows, locations that can be the same place
(regions that intersect, or points within their joint uncertainty), in the same state or across
one border — or starts a new one. Candidates are found by blocking on the days an incident can
have happened on, so the cost grows with the feed, not with its square.

An event keeps its sources (document, URL, publication date, evidence sentence) and lists the
reports' disagreements as ``conflicts`` instead of averaging them away. Its location is the
finest member region consistent with the others; its date, object and actor the ones most
reports give.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from geoincidents.gazetteer import haversine_km, normalize

# Dates a report gives without a date of its own ("overnight", no date): the incident happened
# up to this many days before publication.
UNDATED_DAYS = 7
# "Fragments were found on Monday": debris is found on or after the night it came down, so a
# report of a find covers the days before its date as an undated report covers those before
# its publication.
_FIND = r"found|discovered|recovered|washed (?:up|ashore)"
_FOUND = re.compile(rf"\b(?:{_FIND}|collected)\b", re.I)
# "the wreckage of a missile found in woods": a find the report does not date the fall of. The
# object came down some time before, often weeks or months (a cruise missile found four months
# after it fell), so the report covers this long before its publication.
FIND_UNDATED_DAYS = 180
_DEBRIS = r"wreckage|debris|fragments?|remains|pieces"
_FIND_OF = re.compile(rf"\b(?:{_DEBRIS}|parts|missiles?|drones?|rockets?|balloons?|objects?)\b"
                      rf"[^.;]{{0,40}}?\b(?:{_FIND})\b|\b(?:{_FIND})\s+(?:the\s+)?"
                      rf"(?:{_DEBRIS})\b", re.I)
# "the third evening in a row", "for a second consecutive night": one event over several
# nights (a series of closures), so the report covers the nights before its date too.
_SERIES = re.compile(r"\b(?P<n>second|third|fourth|fifth|sixth|seventh|two|three|four|five|six|"
                     r"seven|\d)(?:st|nd|rd|th)?\s+"
                     r"(?:(?P<cons>consecutive|straight|successive)\s+)?"
                     r"(?:day|night|evening|morning|time)s?\b(?(cons)|\s+(?:in a row|running|"
                     r"straight))", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_SINCE = re.compile(r"\bsince\s+(?:last\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
                    rf"the weekend|the night of|{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})",
                    re.I)
_WEEK = re.compile(r"\bweeks?\b", re.I)
# "in December last year", "in December 2023", "night after night in December": a month.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_IN_MONTH = re.compile(r"\bin\s+(?:early\s+|mid-|late\s+)?(?P<mon>" + "|".join(_MONTHS) +
                       r")(?:,?\s+(?P<year>(?:19|20)\d\d)|\s+(?P<last>last\s+year))?\b")
_DAY_RANGE = re.compile(
    rf"\b{_MONTH}\s+(?P<d1>\d{{1,2}})\s*(?:-|–|and|to)\s*(?P<d2>\d{{1,2}})\b(?!\s*(?:km|m\b|%))"
    rf"|\b(?P<e1>\d{{1,2}})\s*(?:-|–|and|to)\s*(?P<e2>\d{{1,2}})\s+{_MONTH}", re.I)
_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# A report of an object in flight places one point of its path; one of it come down may be
# this far along (a drone's night: Vilnius to Rukla, 80 km).
_IN_FLIGHT = re.compile(r"\b(?:flew|flying|seen over|spotted over|tracked|contact (?:was|had "
                        r"been) lost|lost contact|disappeared from (?:the )?radar|lost from "
                        r"radar)\b", re.I)
_CAME_DOWN = re.compile(rf"\b(?:crash\w*|came down|fell|{_FIND}|wreckage|debris|fragments?|"
                        r"remains|shot down|brought down|downed)\b", re.I)
FLIGHT_KM = 150.0
# A report of a strike on a place (its target), not of a flight over it.
_STRIKE = re.compile(r"\b(?:attack(?:s|ed|ing)?|strikes?|struck|hit|pounded|shelled|"
                     r"bombard\w*|targeted)\b", re.I)
# A night spans two dates; reports of one event differ by this much in the date they give.
DATE_SLACK_DAYS = 1
# Points of two reports are the same place within their joint uncertainty plus this.
SAME_PLACE_KM = 15.0
# Objects that reports of one event name differently (a drone first reported as a missile).
_CONFUSED = {frozenset({"drone", "missile"}), frozenset({"drone", "aircraft"}),
             frozenset({"drone", "balloon"}), frozenset({"aircraft", "missile"})}
_RANK = {"coordinates": 0, "site": 1, "village": 2, "city": 3, "admin2": 4, "admin1": 5,
         "region": 6, "country": 7}
AFFINITY_MEMBERS = 12
# A report placed no better than this (a whole country, "the Black Sea") says little about
# where: it must fit the event's placed reports, not the other vague ones.
VAGUE_KM = 200.0


@dataclass(frozen=True, slots=True)
class Source:
    """One report of an event."""

    doc_id: str
    incident_id: str
    url: str | None
    published: dt.date | None
    evidence: str

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "incident_id": self.incident_id, "url": self.url,
                "published": self.published.isoformat() if self.published else None,
                "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class Sighting:
    """What one report says about one incident, as clustering needs it."""

    source: Source
    object: str
    actor_iso3: str | None
    attribution: str | None
    date: dt.date | None  # the incident's date, when the report gives one
    country_iso3: str | None
    country_name: str | None
    nato_member: bool | None
    inside_nato_airspace: bool | None
    verdict: str | None
    distance_to_border_km: float | None
    lat: float | None
    lon: float | None
    precision: str | None
    uncertainty_km: float | None
    name: str | None
    confidence: float
    area: Any = None  # shapely geometry (x = lon) of the incident's region, if any
    states: tuple[str, ...] = ()  # the states it denies entering or puts it on the border of
    date_text: str | None = None  # the words the date was read from ("last week")
    # Read from the evidence once (clustering compares a report many times).
    window: tuple[dt.date, dt.date] | None = field(init=False, repr=False, compare=False,
                                                   default=None)
    in_flight: bool = field(init=False, repr=False, compare=False, default=False)
    came_down: bool = field(init=False, repr=False, compare=False, default=False)
    strike: bool = field(init=False, repr=False, compare=False, default=False)
    name_key: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        evidence = self.source.evidence or ""
        down = bool(_CAME_DOWN.search(evidence))
        object.__setattr__(self, "window", self._window())
        object.__setattr__(self, "name_key", normalize(self.name) if self.name else "")
        object.__setattr__(self, "came_down", down)
        object.__setattr__(self, "in_flight", not down and bool(_IN_FLIGHT.search(evidence)))
        object.__setattr__(self, "strike", self.object in ("drone", "missile", "unknown")
                           and bool(_STRIKE.search(evidence)))

    def _window(self) -> tuple[dt.date, dt.date] | None:
        """The days the incident can have happened on."""
        if self.date is not None:
            evidence = self.source.evidence or ""
            if self.date_text and _WEEK.search(self.date_text):
                # "last week": a week, not the day seven days before publication
                end = self.date + dt.timedelta(days=6)
                if self.source.published is not None:
                    end = min(end, self.source.published)
                return self.date - dt.timedelta(days=6), max(end, self.date)
            if _FOUND.search(evidence):
                return self.date - dt.timedelta(days=UNDATED_DAYS), self.date
            since = _SINCE.search(evidence)
            if since and self.source.published is not None:
                # "the drones flown over Kleine-Brogel since Friday", "seen again overnight,
                # after three nights running since last Wednesday", "almost every night since
                # Nov. 18": every night from then on
                from geoincidents.dates import find_dates

                told = find_dates(evidence[since.start():since.end()], self.source.published)
                start = min([d.day for d in told if d.day is not None] + [self.date])
                end = max(self.date, self.source.published)
                if start < end:
                    return start, end
            span = _DAY_RANGE.search(evidence)
            first, last = (int(span.group("d1") or span.group("e1")),
                           int(span.group("d2") or span.group("e2"))) if span else (0, 0)
            if first == self.date.day < last <= 31:
                # "between Nov. 20 and 22", "the nights of 20-22 November": every night of it
                try:
                    return self.date, self.date.replace(day=last)
                except ValueError:
                    pass
            series = _SERIES.search(evidence)
            if series:
                word = series.group("n").lower()
                nights = _ORDINALS.get(word) or int(word)
                return self.date - dt.timedelta(days=max(nights - 1, 0)), self.date
            return self.date, self.date
        month = self._month()
        if month is not None:
            return month
        if self.source.published is not None:
            days = FIND_UNDATED_DAYS if _FIND_OF.search(self.source.evidence or "") \
                else UNDATED_DAYS
            return self.source.published - dt.timedelta(days=days), self.source.published
        return None

    def _month(self) -> tuple[dt.date, dt.date] | None:
        """An undated report's month ("drones crossed the base night after night in December
        2023", told ten months later): every day of it, up to publication."""
        from geoincidents.dates import DATE_RE

        published = self.source.published
        evidence = self.source.evidence or ""
        months = list(_IN_MONTH.finditer(evidence))
        if len(months) != 1 or published is None or DATE_RE.search(evidence):
            return None  # a day named ("on Monday"), or two months: which is the incident's?
        found = months[0]
        mon = _MONTHS.index(found.group("mon")) + 1
        if found.group("year"):
            year = int(found.group("year"))
        elif found.group("last"):
            year = published.year - 1
        else:
            year = published.year if mon <= published.month else published.year - 1
        first = dt.date(year, mon, 1)
        if first > published:
            return None
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) \
            - dt.timedelta(days=1)
        return first, min(last, published)

    @property
    def rank(self) -> int:
        return _RANK.get(self.precision or "region", 6)

    @property
    def placed(self) -> bool:
        """Whether the report says where, better than a country or a sea does."""
        return self.lat is not None and (self.uncertainty_km or 0.0) < VAGUE_KM


def sighting(incident, doc_id: str, url: str | None = None,
             published: dt.date | None = None) -> Sighting:
    """A :class:`Sighting` from an :class:`~geoincidents.incidents.Incident` of a report."""
    loc = incident.location
    area = incident.area
    return Sighting(
        Source(doc_id, incident.incident_id, url, published, incident.evidence),
        incident.object, incident.actor_iso3, incident.attribution, incident.date,
        incident.country_iso3, incident.country_name, incident.nato_member,
        incident.inside_nato_airspace, incident.verdict, incident.distance_to_border_km,
        loc.lat if loc else None, loc.lon if loc else None,
        area.precision if area is not None else (loc.precision if loc else None),
        area.radius_km if area is not None else (loc.uncertainty_km if loc else None),
        loc.name if loc else None, incident.confidence,
        area.geometry if area is not None else None, tuple(incident.states), incident.date_text)


@dataclass
class Event:
    """Incidents that several reports tell, with the consensus of what they say."""

    event_id: str
    members: list[Sighting] = field(default_factory=list)

    # -- consensus -------------------------------------------------------------------------------

    @property
    def report_count(self) -> int:
        return len({m.source.doc_id for m in self.members})

    @property
    def sources(self) -> list[Source]:
        return sorted((m.source for m in self.members),
                      key=lambda s: (s.published or dt.date.max, s.doc_id, s.incident_id))

    @property
    def first_reported(self) -> dt.date | None:
        days = [m.source.published for m in self.members if m.source.published]
        return min(days) if days else None

    @property
    def last_reported(self) -> dt.date | None:
        days = [m.source.published for m in self.members if m.source.published]
        return max(days) if days else None

    @property
    def where(self) -> Sighting:
        """The member whose location is the finest consistent with the others' regions."""
        def fits(m: Sighting) -> int:
            return sum(_same_place(m, o) for o in self.members if o is not m)

        placed = [m for m in self.members if m.lat is not None]
        if not placed:
            return max(self.members, key=lambda m: m.confidence)
        return min(placed, key=lambda m: (-fits(m), m.rank, -m.confidence))

    @property
    def date(self) -> dt.date | None:
        dates = Counter(m.date for m in self.members if m.date is not None)
        if not dates:
            return None
        return max(dates, key=lambda d: (dates[d], -d.toordinal()))  # most given, then earliest

    @property
    def object(self) -> str:
        known = Counter(m.object for m in self.members if m.object != "unknown")
        return known.most_common(1)[0][0] if known else "unknown"

    @property
    def actor_iso3(self) -> str | None:
        actors = Counter(m.actor_iso3 for m in self.members if m.actor_iso3)
        return actors.most_common(1)[0][0] if actors else None

    @property
    def attributions(self) -> list[str]:
        return sorted({m.attribution for m in self.members if m.attribution})

    @property
    def confidence(self) -> float:
        """The best report's confidence, raised by independent reports that agree."""
        best = max(m.confidence for m in self.members)
        agree = self.report_count - 1 - len(self.conflicts)
        return round(min(0.99, 1 - (1 - best) * 0.8 ** max(agree, 0)), 2)

    @property
    def conflicts(self) -> list[str]:
        """What the reports disagree on, said, not averaged."""
        out = []
        objects = Counter(m.object for m in self.members if m.object != "unknown")
        if len(objects) > 1:
            out.append("object: " + ", ".join(f"{k} ({n})" for k, n in objects.most_common()))
        dates = Counter(m.date.isoformat() for m in self.members if m.date is not None)
        if len(dates) > 1:
            out.append("date: " + ", ".join(f"{k} ({n})" for k, n in sorted(dates.items())))
        actors = Counter(m.actor_iso3 for m in self.members if m.actor_iso3)
        if len(actors) > 1:
            out.append("actor: " + ", ".join(f"{k} ({n})" for k, n in actors.most_common()))
        states = Counter(m.country_iso3 or "none" for m in self.members if m.lat is not None)
        if len(states) > 1:
            out.append("state: " + ", ".join(f"{k} ({n})" for k, n in states.most_common()))
        verdicts = Counter(m.verdict for m in self.members if m.verdict)
        if {"inside", "outside"} <= set(verdicts):
            out.append("verdict: " + ", ".join(f"{k} ({n})" for k, n in verdicts.most_common()))
        if "denied" in {m.attribution for m in self.members}:
            out.append("attribution: denied by "
                       f"{sum(m.attribution == 'denied' for m in self.members)} report(s)")
        return out

    def to_properties(self) -> dict:
        """Flat, typed properties (DESIGN §4 incident keys for the consensus, plus the event's)."""
        w = self.where
        day = self.date
        return {
            "feature_type": "event", "doc_id": None, "name": w.name, "mention": None,
            "start": None, "end": None, "precision": w.precision,
            "uncertainty_km": _num(w.uncertainty_km), "country_iso3": w.country_iso3,
            "country_name": w.country_name, "nato_member": w.nato_member, "geocoder": None,
            "gazetteer_id": None, "role": "location", "note": None,
            "incident_id": None, "object": self.object, "actor_iso3": self.actor_iso3,
            "attribution": ", ".join(self.attributions) or None,
            "date": day.isoformat() if day else None, "evidence": w.source.evidence,
            "inside_nato_airspace": w.inside_nato_airspace, "verdict": w.verdict,
            "distance_to_border_km": _num(w.distance_to_border_km),
            "confidence": self.confidence, "membership_date": None, "published": None,
            "event_id": self.event_id, "report_count": self.report_count,
            "first_reported": _iso(self.first_reported),
            "last_reported": _iso(self.last_reported),
            "sources": json.dumps([s.to_dict() for s in self.sources], ensure_ascii=False),
            "conflicts": "; ".join(self.conflicts) or None,
        }

    def to_feature(self) -> dict:
        w = self.where
        geometry = None if w.lat is None else {
            "type": "Point", "coordinates": [round(w.lon, 6), round(w.lat, 6)]}  # [lon, lat]
        return {"type": "Feature", "geometry": geometry, "properties": self.to_properties()}


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 3)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


# -- compatibility ------------------------------------------------------------------------------


def _objects_agree(a: str, b: str) -> bool:
    return a == b or "unknown" in (a, b) or frozenset({a, b}) in _CONFUSED


def _dates_agree(a: Sighting, b: Sighting) -> bool:
    wa, wb = a.window, b.window
    if wa is None or wb is None:
        return True
    slack = dt.timedelta(days=DATE_SLACK_DAYS)
    return wa[0] - slack <= wb[1] and wb[0] - slack <= wa[1]


def _same_name(a: Sighting, b: Sighting) -> bool:
    """Two reports naming the same town or village the same days: the same place, whichever of
    its namesakes each geocoded ("near Grindu" with no county is the Ialomița Grindu; "Larga"
    with no district a Romanian Larga across the border from the Moldovan one)."""
    return bool(a.name_key) and a.name_key == b.name_key and a.placed and b.placed


def _same_place(a: Sighting, b: Sighting) -> bool:
    """Whether two reports' locations can be the same place."""
    if a.lat is None or b.lat is None:
        return True  # a report with no place contradicts none
    if _same_name(a, b):
        return True
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    if km <= (a.uncertainty_km or 0.0) + (b.uncertainty_km or 0.0) + SAME_PLACE_KM:
        return True
    if a.area is not None and b.area is not None:
        import shapely

        try:  # two regions that touch, though their circles would not
            return bool(shapely.intersects(a.area, b.area))
        except shapely.errors.ShapelyError:
            return False
    return False


def _flight_and_fall(a: Sighting, b: Sighting) -> bool:
    """One report of a drone or missile seen in flight (its place one point of its path), the
    other of it come down, in the same state and within a flight's reach: "seen over Vilnius
    before contact was lost", "found at a training ground near Rukla" 80 km away."""
    if a.lat is None or b.lat is None or a.country_iso3 != b.country_iso3:
        return False
    if not ({a.object, b.object} <= {"drone", "missile", "unknown"}):
        return False
    flying, fallen = (a, b) if a.in_flight else (b, a)
    if not flying.in_flight or not fallen.came_down:
        return False
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    return km <= FLIGHT_KM + (a.uncertainty_km or 0.0) + (b.uncertainty_km or 0.0)


def _states_agree(a: Sighting, b: Sighting) -> bool:
    if a.country_iso3 == b.country_iso3 or a.lat is None or b.lat is None:
        return True
    # Across one border, where the places touch: one flight reported by both states (an
    # aircraft over Kybartai and the Kaliningrad village opposite), or a drone or missile
    # reported as a whole state ("Moldovan airspace", a misread "Ukraine") beside one placed
    # in the neighbour. Not so:
    # - two reports of whole states, and an aircraft reported as a whole state beside one in
    #   the neighbour (a state's aircraft over two neighbours is two violations: "Danish
    #   airspace" east of Bornholm, "Swedish airspace" off Blekinge), unless one report names
    #   the other's state: it denies entering it ("stayed over Syrian territory and never
    #   crossed into Turkey") or puts it on its border; an aircraft placed over its own state
    #   violated only the other;
    # - a strike on a place in one state and a report placed in the other, even a few km
    #   apart the same night (the attack on a Ukrainian port, the debris across the river).
    placed = a.placed + b.placed
    own = {a.actor_iso3, b.actor_iso3} - {None}
    if placed == 0 or placed == 1 and a.object == b.object == "aircraft" \
            and a.country_iso3 not in own and b.country_iso3 not in own:
        return a.country_iso3 in b.states or b.country_iso3 in a.states
    if placed == 2 and (a.strike or b.strike):
        return False
    return _same_place(a, b)


def compatible(a: Sighting, b: Sighting) -> bool:
    """Whether two reports can tell the same incident."""
    return _objects_agree(a.object, b.object) and _dates_agree(a, b) \
        and (_same_place(a, b) and _states_agree(a, b) or _flight_and_fall(a, b))


def _affinity(s: Sighting, event: Event) -> float | None:
    """How well a report fits an event (None: it cannot belong to it).

    Its place, state, object and date must be compatible with every report of the event that
    is placed (a town, a region), or with every report when none is; the vague ones ("Ukraine"
    from a misread sentence, "the Black Sea") need only agree on object and date, so that one
    misplaced report does not keep the rest of the event's reports out. A specific place that
    names another specific place than the event's is not the same incident even the same night.
    """
    score = 0.0
    # The first reports (an event forms round its best placed ones) speak for the rest: an
    # event of hundreds of reports costs no more to test than one of a dozen.
    members = event.members[:AFFINITY_MEMBERS]
    twin = next((m for m in members if _same_name(s, m)), None)
    if twin is not None and (twin.lat, twin.lon, twin.country_iso3) != \
            (s.lat, s.lon, s.country_iso3):
        # The event already placed the village this report names: judge the report there,
        # not at the namesake its own geocoding chose.
        s = dataclasses.replace(s, lat=twin.lat, lon=twin.lon, country_iso3=twin.country_iso3,
                                precision=twin.precision, uncertainty_km=twin.uncertainty_km,
                                area=twin.area)
    anchored = any(m.placed for m in members)
    for m in members:
        if anchored and not m.placed:
            if not (_objects_agree(s.object, m.object) and _dates_agree(s, m)):
                return None
        elif not compatible(s, m):
            return None
        if s.rank <= 3 and m.rank <= 3 and s.lat is not None and m.lat is not None:
            km = haversine_km(s.lat, s.lon, m.lat, m.lon)
            if _same_name(s, m):
                km = 0.0
            elif km > (s.uncertainty_km or 0) + (m.uncertainty_km or 0) + SAME_PLACE_KM \
                    and not _flight_and_fall(s, m):
                return None
            score += 2.0 - km / 50.0
        score += 1.0 if s.object == m.object else 0.3
        score += 1.0 if s.date is not None and s.date == m.date else 0.0
        # The state a report names weighs more than the same day: "Romania" that night is
        # the Romanian event, not the strike across the river the same date.
        score += 1.5 if s.country_iso3 is not None and s.country_iso3 == m.country_iso3 \
            else 0.0
        if s.date is None and s.window is not None and m.window is not None:
            # An undated report (a find "near Pepeni", weeks of possible days) is most likely
            # about the latest incident it fits, not one months before its publication.
            score -= max((s.window[1] - m.window[1]).days, 0) / 30.0
    return score / len(members)


# -- clustering -----------------------------------------------------------------------------------


def event_id_for(source: Source) -> str:
    """A stable id from the first report: the same feed gives the same ids."""
    digest = hashlib.sha1(f"{source.doc_id}\x1f{source.incident_id}".encode()).hexdigest()
    return f"ev-{digest[:12]}"


class EventClusterer:
    """Incremental clustering: :meth:`add` one sighting at a time (or :func:`cluster_events`).

    ``events`` may hold earlier events (``--update``): new reports join them and their ids stay.
    """

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.events: list[Event] = []
        self._known: set[int] = set()
        self._by_day: dict[int, dict[int, Event]] = {}
        for event in events:
            self._index(event, event.members)

    def _keys(self, s: Sighting) -> list[int]:
        window = s.window
        if window is None:
            return [0]
        slack = DATE_SLACK_DAYS
        return list(range(window[0].toordinal() - slack, window[1].toordinal() + slack + 1))

    def _index(self, event: Event, members: Iterable[Sighting]) -> None:
        if id(event) not in self._known:
            self._known.add(id(event))
            self.events.append(event)
        for m in members:
            for key in self._keys(m):
                self._by_day.setdefault(key, {})[id(event)] = event

    def candidates(self, s: Sighting) -> list[Event]:
        seen: dict[int, Event] = {}
        for key in self._keys(s):
            seen.update(self._by_day.get(key, {}))
        if s.window is None:  # undated and unpublished: compare with every event
            return list(self.events)
        return list(seen.values())

    def add(self, s: Sighting) -> Event:
        """Put a sighting in its event (the best-fitting compatible one, else a new one)."""
        best, best_score = None, (-math.inf, 0)
        for event in self.candidates(s):
            if any(m.source.doc_id == s.source.doc_id for m in event.members):
                continue  # one report's incidents are different incidents by its own account
            score = _affinity(s, event)
            if score is None:
                continue
            # Equal fit: the event more reports tell (a wire story is about the big story).
            score = (score, len(event.members))
            if score > best_score:
                best, best_score = event, score
        if best is None:
            best = Event(event_id_for(s.source))
        best.members.append(s)
        self._index(best, [s])
        return best


def cluster_events(sightings: Iterable[Sighting], existing: Sequence[Event] = ()) -> list[Event]:
    """Cluster sightings into events, joining ``existing`` events where they fit.

    Sightings are taken most precise first and, among equals, in date order, so that an
    event forms round its best-placed report and vaguer ones ("Polish airspace") join it.
    """
    clusterer = EventClusterer(existing)
    order = sorted(sightings, key=lambda s: (s.rank, s.date or s.source.published or dt.date.max,
                                             s.source.doc_id, s.source.incident_id))
    for s in order:
        clusterer.add(s)
    return sorted(clusterer.events, key=lambda e: (e.date or e.first_reported or dt.date.max,
                                                   e.event_id))
