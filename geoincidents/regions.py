"""Stage 3a: an incident's location as a region — the intersection of what the text says.

A report places an incident by several constraints at once: the named place (when the gazetteer
knows it), the admin areas named with it ("Wyryki-Wola, a village in Włodawa county in Poland's
Lublin province"), the state whose airspace it was, "near the Belarusian border", "6 km from the
border", "15 km north of Hrubieszów". Each becomes a geometry; the region is their intersection,
its point a representative point inside it, its radius the farthest edge from that point.

The text is never contradicted: a gazetteer match of the name that lies outside the areas the
text names is a namesake; another candidate of the same name inside them is taken instead, and
when there is none the region of the other constraints stands, with ``constraints`` saying what
built it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from geoincidents.geodesy import geodesic_disc, local_projection, polygonal, project
from geoincidents.models import Mention, Place, Region

# "near the Ukrainian border" with no distance: how deep into the state a report means. Sites
# so described in public reports of 2022-2025 lie 1-30 km from the line.
NEAR_BORDER_KM = 40.0
AT_BORDER_KM = 15.0
# Gap between a place and the admin area named right after it: ", a village in", " in ",
# " county in Poland's ", "(". No other clause may come between.
_GAP_WORD = (r"(?:village|town|city|hamlet|settlement|commune|municipality|gmina|county|district|"
             r"province|region|oblast|raion|voivodeship|powiat|small|tiny|rural|border|"
             r"(?:north|south)?-?(?:east|west)?(?:ern)?|north|south|part|area|country's)")
_CHAIN_GAP = re.compile(rf"^[\s,(]*(?:(?:a|an|the)\s+)?(?:{_GAP_WORD}\s+){{0,3}}?(?:in|of|near)?\s*"
                        rf"(?:the\s+)?(?:{_GAP_WORD}\s+){{0,2}}$|^\s*(?:,|\()\s*$|^'s\s+$|^’s\s+$|^\s+$|"
                        rf"^[\s,]*(?:in|of)\s+(?:the\s+)?(?:{_GAP_WORD}\s+){{1,2}}$")
_AIRSPACE_AFTER = re.compile(r"^\s*(?:'s\s+|’s\s+)?(?:air\s*space|territorial waters|soil|"
                             r"territory)\b", re.I)
# An object crossing into a state, and the neighbour it came from or went back to.
_ENTRY = re.compile(r"\b(?:entered|entering|crossed into|crossing into|strayed into|flew into|"
                    r"violated|violating|penetrat\w+)\b", re.I)
_LANDED = re.compile(r"\b(?:crash\w*|came down|fell|found|landed|hit|struck|exploded|shot down|"
                     r"downed|impact\w*|smashed|damag\w*)\b", re.I)
_CROSSED_WITH = re.compile(r"\b(?:from|back into|back to|back over|back toward|back towards|"
                           r"returned to|returning to)\s+(?:the\s+)?$", re.I)
# One of two neighbours it may have come from ("from Russian or Latvian airspace"): no one
# border to place it along.
_OR_AFTER = re.compile(r"\s+or\s+")
_OR_BEFORE = re.compile(r"\bor\s+$")
_FROM = re.compile(r"\b(?:from|out of|via)\s+(?:the\s+)?(?:[\w-]+\s+(?:or|and)\s+)?$", re.I)
_BORDER_AFTER = re.compile(r"^\s*(?:'s\s+|’s\s+)?(?:border|frontier)\b(?!\s*(?:guards?|police|"
                           r"service|force|agency|control|officers?|troops))", re.I)
_BORDER_BEFORE = re.compile(r"\b(?:border|frontier|borders) (?:with|of)\s+(?:the\s+)?$", re.I)


def border_named(text: str, start: int, end: int) -> bool:
    """Whether the place at ``text[start:end]`` is named for its border: "the Syrian border",
    "the border with Syria"."""
    return bool(_BORDER_AFTER.match(text[end:end + 20])
                or _BORDER_BEFORE.search(text[max(0, start - 60):start]))
_BORDER_DISTANCE = re.compile(
    r"(?:(?:(?P<more>more than|over|at least|beyond)|(?P<less>less than|under|within|up to|"
    r"no more than))\s+)?(?P<num>\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>km|kilometres|kilometers|kilometre|kilometer|miles|mi)\b[^.;]{0,25}?\b(?:from|of)"
    r"\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
# "hundreds of kilometres from the borders with Belarus and Ukraine", "far from the border":
# a distance with no number says the site is away from that border, never near it.
_BORDER_FAR = re.compile(r"\b(?:(?P<hundreds>hundreds of (?:km|kilomet\w+|miles))|far|well away|"
                         r"a long way)\s+(?:away\s+)?from\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
FAR_FROM_BORDER_KM = 100.0  # "hundreds of kilometres": at least this
_BORDER_AT = re.compile(r"\b(?:on|at|right on|right at)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
_OFFSET = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>km|kilometres|kilometers|kilometre|kilometer|miles|mi)"
    r"\s+(?:(?P<dir>(?:north|south)?-?(?:east|west)?|north|south)(?:ern)?\s+of|from|outside)"
    r"\s+(?:the\s+)?(?:(?:town|city|village|port|airport) of\s+)?$", re.I)
# "near Loviisa", "off the coastal town of Porvoo", "in the Kesälahti and Parikkala area": the
# site is somewhere round the named place, not at it. Radii from public reports of 2022-2025
# (sites 10-35 km from the place named).
# "near the eastern town of Rezekne", "near the northern city of Bydgoszcz": any words between
# the article and "town of"; without "town of", only the adjectives below.
_VICINITY_BEFORE = re.compile(
    r"\b(?P<word>near|close to|outside|off|off the coast of|in the vicinity of|not far from|"
    r"around|in the)\s+(?:the\s+|an?\s+)?"
    r"(?:(?:[\w-]+\s+){0,3}?(?:town|city|village|port|island|municipality|resort)\s+of\s+"
    r"|(?:(?:coastal|border|small|seaside|island|(?:north|south)?-?(?:east|west)?(?:ern)?)"
    r"\s+)?)"
    r"(?:[\w-]+\s+(?:and|or)\s+)?$", re.I)
_AREA_AFTER = re.compile(r"^\s+(?:area|region|vicinity)\b", re.I)
VICINITY_KM = {"off": 40.0, "off the coast of": 40.0, "area": 30.0}
NEAR_KM = 30.0
NEAR_VILLAGE_KM = 10.0  # "in farmland near Mniszków": a village is named for what is close
# "east of Gotland", "south of the island of Bornholm": a direction with no distance.
_DIRECTION_OF = re.compile(
    r"(?<!the )\b(?P<dir>north|south|east|west|north-?east|north-?west|south-?east|"
    r"south-?west)\s+of\s+"
    r"(?:the\s+)?(?:(?:[\w-]+\s+)?(?:island|town|city|village|port|coast|region) of\s+)?$", re.I)
DIRECTION_KM = 80.0
_OVER_SEA = re.compile(r"\b(?:over|in|above|across|off|into|on)\s+(?:the\s+)?(?:[\w-]+\s+)?$",
                       re.I)
_BEARINGS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180,
             "southwest": 225, "west": 270, "northwest": 315}
_RANK = {"coordinates": 0, "site": 1, "village": 2, "city": 3, "admin2": 4, "admin1": 5,
         "country": 6, "region": 7}
_POINTS = ("coordinates", "site", "village", "city")


@dataclass(frozen=True, slots=True)
class _Constraint:
    geometry: object  # shapely, x = lon
    words: str
    level: str  # the precision it supports on its own
    strength: int  # lower is kept first when constraints contradict each other


class RegionBuilder:
    """Builds :class:`Region` s from an incident's site and the text around it."""

    def __init__(self, gazetteer=None, areas=None) -> None:
        self._gazetteer = gazetteer
        self._areas = areas

    @property
    def gazetteer(self):
        if self._gazetteer is None:
            from geoincidents.gazetteer import Gazetteer

            self._gazetteer = Gazetteer.default()
        return self._gazetteer

    @property
    def areas(self):
        if self._areas is None:
            from geoincidents.areas import AdminAreas

            self._areas = AdminAreas.default()
        return self._areas

    def build(self, text: str, site: Place | None, sentences: Sequence[tuple[int, int]],
              pairs: Sequence[tuple[Mention, Place]]) -> tuple[Place | None, Region | None]:
        """The incident's region and its site restated from it (point, precision, radius).

        ``pairs`` are the mentions of the incident's sentences with their places, in text order.
        """
        if site is None or site.lat is None:
            return site, None
        entry = self.gazetteer.get(site.gazetteer_id) if site.gazetteer_id else None
        # The site is an area: a name placed in the area named with it ("in Włodawa county"),
        # or an area itself ("Polish airspace", "Hrubieszów county").
        fallback = entry is not None and entry.feature in ("admin1", "admin2", "country")
        offset = site.gazetteer_id is None and site.geocoder == "offline"  # "15 km east of X"
        constraints = self._constraints(text, site, pairs, fallback)
        if not constraints and not fallback and not offset:
            around = _around(text, site, _sentence_of(site, pairs))
            if around is not None:
                region = _region(around.geometry, [around.words], "region", None)
            else:
                region = self._own(site, entry)
            return _restate(site, region), region
        if fallback and entry is not None:
            area = self.areas.of_entry(entry)
            if area is not None:
                constraints.append(_Constraint(area.geometry, f"in {area.name} ({area.how})",
                                               area.level, _STRENGTH[area.level]))
        geometry, words, levels = _intersect(constraints)
        if geometry is None:
            region = self._own(site, entry)
            return _restate(site, region), region
        if fallback or offset:
            kept = None
            if offset:
                kept = geodesic_disc(site.lat, site.lon, site.uncertainty_km or 1.0)
                words.insert(0, site.note or "offset")
        else:
            kept = self._fit(site, entry, geometry)
            if kept is None:
                # A namesake outside the areas the text names: look for the right one.
                moved = self._relocate(site, entry, geometry)
                if moved is not None:
                    site, entry = moved
                    kept = geodesic_disc(site.lat, site.lon, max(site.uncertainty_km or 2.0, 2.0))
                    words.insert(0, f"{entry.name} (the one in the named area)")
                else:
                    words.insert(0, f"{site.text!r} not in the gazetteer within these areas")
            else:
                words.insert(0, f"{site.name or site.text} ±{site.uncertainty_km:g} km")
            around = _around(text, site, _sentence_of(site, pairs)) if kept is not None else None
            if around is not None:
                both = polygonal(geometry.intersection(around.geometry))
                if not both.is_empty and both.area > 0:
                    words[0] = around.words
                    region = _region(both, words, "region", None)
                    return _restate(site, region), region
        if kept is not None:
            both = geometry.intersection(kept)
            if not both.is_empty and both.area > 0:
                point = (site.lat, site.lon) if not offset else None
                region = _region(polygonal(both), words, _finest(levels, site.precision),
                                 point)
                return _restate(site, region), region
        level = _coarse_level(levels)
        # A state's region keeps the state's own point (the gazetteer's, inside it).
        region = _region(geometry, words, level,
                         (site.lat, site.lon) if level == "country" else None)
        return _restate(site, region, unresolved=not (fallback or offset)), region

    # -- constraints ---------------------------------------------------------------------------

    def _constraints(self, text, site, pairs, fallback) -> list[_Constraint]:
        out: list[_Constraint] = []
        chain = _chain(text, site, pairs)
        states = {p.country_iso3 for _, p in chain if p.precision == "country" and p.country_iso3}
        for _, p in chain:
            if p.precision in ("admin1", "admin2") and not p.gazetteer_id and p.lat is not None \
                    and p.note and "no boundary" in p.note:
                circle = geodesic_disc(p.lat, p.lon, p.uncertainty_km)
                out.append(_Constraint(circle, f"in {p.note}", "region", 2))
                if p.country_iso3:
                    states.add(p.country_iso3)
            if p.precision in ("admin1", "admin2") and p.gazetteer_id:
                entry = self.gazetteer.get(p.gazetteer_id)
                area = self.areas.of_entry(entry) if entry is not None else None
                if area is not None:
                    out.append(_Constraint(area.geometry, f"in {area.name} ({area.how})",
                                           area.level, _STRENGTH[area.level]))
                    if p.country_iso3:
                        states.add(p.country_iso3)
        sentence = _sentence_of(site, pairs)
        claimed = {p.country_iso3 for m, p in pairs
                   if sentence[0] <= m.start < sentence[1] and p.precision == "country"
                   and p.country_iso3 and _AIRSPACE_AFTER.match(text[m.end:m.end + 30])
                   # "smugglers operating from Belarusian territory": where they came from
                   and not _FROM.search(text[max(sentence[0], m.start - 20):m.start])}
        if len(claimed) == 1 and (not states or states == claimed):
            states = claimed  # "violated Finnish airspace off Porvoo": inside Finland's
        state = next(iter(states)) if len(states) == 1 else site.country_iso3
        if len(states) == 1 or fallback:
            area = self._state(state)
            if area is not None:
                out.append(_Constraint(area.geometry, f"in {area.name}", "country", 0))
        band = self._border(text, state, sentence, pairs) or \
            self._crossing(text, state, site, sentence, pairs)
        if band is not None:
            out.append(band)
        offset = _offset(text, site, sentence, pairs)
        if offset is not None:
            out.append(offset)
        sea = self._sea(text, state, sentence, pairs)
        if sea is not None:
            out.append(sea)
        return out

    def _sea(self, text, state, sentence, pairs) -> _Constraint | None:
        """"violated Estonian airspace over the Gulf of Finland": the state's territorial sea
        in that sea (the part of the state off its coast, near the sea's centre)."""
        if not state:
            return None
        for m, p in pairs:
            if not (sentence[0] <= m.start < sentence[1]) or p.feature != "sea" or p.lat is None:
                continue
            if not _OVER_SEA.search(text[max(sentence[0], m.start - 25):m.start]):
                continue
            waters = self.areas.waters(state)
            if waters is None or waters.is_empty:
                return None
            near = geodesic_disc(p.lat, p.lon, 1.3 * (p.uncertainty_km or 100.0))
            both = polygonal(waters.intersection(near))
            if both.is_empty or both.area <= 0:
                return None
            return _Constraint(both, f"over the {p.name} (in the territorial sea there)",
                               "region", 2)
        return None

    def _state(self, iso3: str | None):
        if not iso3:
            return None
        entry = self.gazetteer.country(iso3)
        return self.areas.of_entry(entry) if entry is not None else None

    def _border(self, text, state, sentence, pairs) -> _Constraint | None:
        """"near the Belarusian border", "6 km from the border with Ukraine": a band inside the
        state along that border."""
        if not state:
            return None
        for m, p in pairs:
            if not (sentence[0] <= m.start < sentence[1]) or not p.country_iso3 \
                    or p.country_iso3 == state or p.precision != "country":
                continue
            after, before = text[m.end:m.end + 20], text[max(sentence[0], m.start - 60):m.start]
            if _BORDER_AFTER.match(after):
                lead = before
            elif _BORDER_BEFORE.search(before):
                lead = before[:_BORDER_BEFORE.search(before).start()]
            else:
                continue
            distance = _BORDER_DISTANCE.search(lead)
            far = _BORDER_FAR.search(lead)
            if far and not far.group("hundreds"):
                continue  # "far from the border": no band says how far
            if far or distance and distance.group("more"):
                # "more than 200 km from the border": the state beyond most of that distance.
                km = FAR_FROM_BORDER_KM if far else _km(distance)
                phrase = (far or distance).group(0).strip()
                near = self.areas.border_band(state, p.country_iso3, 0.8 * km)
                whole = self._state(state)
                if near is None or whole is None:
                    continue
                beyond = polygonal(whole.geometry.difference(near.geometry))
                if beyond.is_empty:
                    continue
                return _Constraint(beyond, f"{phrase} border with {p.name} "
                                   f"(at least {0.8 * km:g} km from it)", "region", 3)
            if distance:
                km = _km(distance)
                width = (1.1 if distance.group("less") else 1.3) * km + 3.0
                words = f"{distance.group(0).strip()} border"
            elif _BORDER_AT.search(lead):
                width, words = AT_BORDER_KM, "at the border"
            else:
                width, words = NEAR_BORDER_KM, "near the border"
            band = self.areas.border_band(state, p.country_iso3, width)
            if band is None:
                continue
            return _Constraint(band.geometry, f"{words} with {p.name} (within {width:g} km of "
                               f"it)", "region", 3)
        return None

    def _crossing(self, text, state, site, sentence, pairs) -> _Constraint | None:
        """"entered Polish airspace near Oserdów ... before flying back into Ukraine": a place
        named for where an object crossed a border lies near that border."""
        entries = list(_ENTRY.finditer(text, sentence[0], site.start))
        entry = entries[-1] if entries else None
        if not state or entry is None or _LANDED.search(text, entry.end(), site.start):
            return None  # "flew into Latvia from Belarus and crashed in Rēzekne": not the crossing
        for m, p in pairs:
            if not (sentence[0] <= m.start < sentence[1]) or p.precision != "country" \
                    or not p.country_iso3 or p.country_iso3 == state:
                continue
            if not _CROSSED_WITH.search(text[max(sentence[0], m.start - 30):m.start]) \
                    or _OR_AFTER.match(text, m.end) \
                    or _OR_BEFORE.search(text[max(sentence[0], m.start - 5):m.start]):
                continue
            band = self.areas.border_band(state, p.country_iso3, NEAR_BORDER_KM)
            if band is not None:
                return _Constraint(band.geometry, f"where it crossed the border with {p.name} "
                                   f"(within {NEAR_BORDER_KM:g} km of it)", "region", 3)
        return None

    # -- the named place -------------------------------------------------------------------------

    def _own(self, site: Place, entry) -> Region:
        """The region of a place on its own: its area's polygon, or its uncertainty circle."""
        if entry is not None and site.precision in ("admin1", "admin2", "country"):
            area = self.areas.of_entry(entry)
            if area is not None:
                point = (site.lat, site.lon)
                return _region(area.geometry, [f"{area.name} ({area.how})"], site.precision,
                               point)
        radius = max(site.uncertainty_km or 0.0, 0.5)
        return _region(geodesic_disc(site.lat, site.lon, radius),
                       [f"{site.name or site.text} ±{radius:g} km"], site.precision or "region",
                       (site.lat, site.lon))

    def _fit(self, site: Place, entry, geometry):
        """The site's circle when the site lies in (or within its radius of) the region."""
        import shapely

        radius = max(site.uncertainty_km or 2.0, 2.0)
        disc = geodesic_disc(site.lat, site.lon, radius)
        # shapely's x is the longitude.
        if geometry.covers(shapely.Point(site.lon, site.lat)) or geometry.intersects(disc):
            return disc
        return None

    def _relocate(self, site: Place, entry, geometry):
        """Another gazetteer place of the same name inside the region, the most important."""
        import shapely

        from geoincidents.ranker import prior

        found = []
        for cand in self.gazetteer.lookup(site.text):
            if entry is not None and cand.gazetteer_id == entry.gazetteer_id:
                continue
            if cand.feature in ("city", "village", "site") and geometry.covers(
                    shapely.Point(cand.lon, cand.lat)):
                found.append(cand)
        if not found:
            return None
        best = max(found, key=prior)
        from geoincidents.places import place_from_entry

        moved = place_from_entry(Mention(site.start, site.end, site.text, "name", site.role), best,
                       site.geocoder or "offline", name=best.name)
        return moved, best


_STRENGTH = {"country": 0, "admin1": 1, "admin2": 2, "region": 3}


def _chain(text: str, site: Place, pairs) -> list[tuple[Mention, Place]]:
    """The places named right after the site as its containers: "X, a village in Włodawa
    county in Poland's Lublin province" -> Włodawa county, Poland, Lublin province."""
    out = []
    end = site.end
    for m, p in pairs:
        if m.start < end:
            continue
        gap = text[end:m.start]
        if len(gap) > 45 or not _CHAIN_GAP.match(gap) or re.search(r"[.;:]|\band\b|\bwhile\b|"
                                                                   r"\bbut\b|\bfrom\b", gap):
            break
        if p.precision in ("admin1", "admin2", "country") and p.role == "location" \
                or m.kind == "demonym" and p.precision == "country":
            out.append((m, p))
            end = m.end
        else:
            break
    return out


def _sentence_of(site: Place, pairs) -> tuple[int, int]:
    for m, _ in pairs:
        if m.start == site.start:
            return m.sentence
    return (site.start, site.end)


def _offset(text, site, sentence, pairs) -> _Constraint | None:
    """"15 km north of Hrubieszów" said of the site: a sector of a ring about the reference;
    "east of Gotland", "south of Blekinge" (no distance): a sector reaching
    ``DIRECTION_KM`` beyond the reference's own extent."""
    for m, p in pairs:
        if m.start == site.start or not (sentence[0] <= m.start < sentence[1]) \
                or p.lat is None or p.precision in ("country", "region", None) \
                or p.feature == "sea":
            continue
        before = text[max(sentence[0], m.start - 60):m.start]
        match = _OFFSET.search(before) if p.precision in _POINTS else None
        if not match:
            bare = _DIRECTION_OF.search(before)
            if bare:
                bearing = _BEARINGS[bare.group("dir").lower().replace("-", "")]
                reach = (p.uncertainty_km or 0.0) + DIRECTION_KM
                sector = _ring(p.lat, p.lon, reach / 1.3, bearing, 0.0, hollow=False)
                return _Constraint(sector, f"{bare.group(0).strip()} {p.name or p.text} (within "
                                   f"{reach:.0f} km of its centre)", "region", 2)
            continue
        km = _km(match)
        direction = (match.group("dir") or "").lower().replace("-", "")
        bearing = _BEARINGS.get(direction)
        ring = _ring(p.lat, p.lon, km, bearing, p.uncertainty_km or 0.0)
        return _Constraint(ring, f"{match.group(0).strip()} {p.name or p.text}", "region", 2)
    return None


def _around(text: str, site: Place, sentence) -> _Constraint | None:
    """The site said to be round the place it names: "20 km south-west of the village of
    Chilia Veche" (a ring sector about it), "near Loviisa", "off Porvoo", "in the Parikkala
    area" (a circle about it)."""
    before = text[max(sentence[0], site.start - 60):site.start]
    after = text[site.end:site.end + 20]
    radius = max(site.uncertainty_km or 0.0, 0.0)
    name = site.name or site.text
    match = _OFFSET.search(before)
    if match:
        direction = (match.group("dir") or "").lower().replace("-", "")
        ring = _ring(site.lat, site.lon, _km(match), _BEARINGS.get(direction), radius)
        return _Constraint(ring, f"{match.group(0).strip()} {name}", "region", 2)
    near = _VICINITY_BEFORE.search(before)
    word = near.group("word").lower() if near else None
    if word == "in the" and not _AREA_AFTER.match(after):
        word = None
    if word is None and _AREA_AFTER.match(after):
        word = "area"
    if word is None:
        return None
    km = VICINITY_KM.get("area" if word == "in the" else word,
                         NEAR_VILLAGE_KM if site.precision == "village" else NEAR_KM) + radius
    phrase = f"in the {name} area" if word in ("in the", "area") else f"{word} {name}"
    return _Constraint(geodesic_disc(site.lat, site.lon, km), f"{phrase} (within {km:g} km of it)",
                       "region", 2)


def _km(match) -> float:
    km = float(match.group("num").replace(",", "."))
    return km * 1.609344 if match.group("unit").lower() in ("miles", "mi") else km


def _intersect(constraints: list[_Constraint]):
    """The intersection of the constraints, strongest first; one that would empty it is left
    out (and said so)."""
    geometry, words, levels = None, [], []
    seen: list = []
    for c in sorted(constraints, key=lambda c: c.strength):
        if c.words in words or any(c.geometry is g for g in seen):
            continue  # the same area reached twice (named, and as the site's own area)
        seen.append(c.geometry)
        if geometry is None:
            geometry = c.geometry
        else:
            both = geometry.intersection(c.geometry)
            if both.is_empty or both.area <= 0:
                words.append(f"ignored as contradictory: {c.words}")
                continue
            geometry = polygonal(both)
        words.append(c.words)
        levels.append(c.level)
    return geometry, words, levels


def _finest(levels: list[str], own: str | None) -> str:
    return min([own or "region", *levels], key=lambda lv: _RANK.get(lv, 7))


def _coarse_level(levels: list[str]) -> str:
    """The precision of a region no named place pins: "region" when a band, a distance or a
    vicinity cut it down, else the finest admin area named."""
    if "region" in levels:
        return "region"
    named = [lv for lv in levels if lv in ("admin1", "admin2", "country")]
    return min(named, key=lambda lv: _RANK[lv]) if named else "region"


# -- geometry ---------------------------------------------------------------------------------


def _ring(lat, lon, km, bearing, slack_km, hollow: bool = True):
    """Distances 0.7-1.3 x km (plus the reference's own radius), within ±35° of the bearing;
    ``hollow=False``: from the reference itself out to 1.3 x km."""
    import shapely
    _, inv = local_projection(lat, lon)
    outer = (1.3 * km + 2.0 + slack_km) * 1000.0
    inner = max(0.0, 0.7 * km - 2.0 - slack_km) * 1000.0 if hollow else 0.0
    shape = shapely.Point(0, 0).buffer(outer, quad_segs=16)
    if inner > 0:
        shape = shape.difference(shapely.Point(0, 0).buffer(inner, quad_segs=16))
    if bearing is not None:
        pts = [(0.0, 0.0)]
        for k in range(-7, 8):
            a = math.radians(bearing + k * 5.0)
            pts.append((2 * outer * math.sin(a), 2 * outer * math.cos(a)))
        shape = shape.intersection(shapely.Polygon(pts))
    return project(shape, inv)


def _region(geometry, words: list[str], precision: str, point) -> Region:
    import shapely
    from pyproj import Geod

    from geoincidents.gazetteer import haversine_km

    if point is None or not geometry.buffer(1e-9).covers(shapely.Point(point[1], point[0])):
        # The centre of the smallest circle round the region when it lies inside, else a point
        # well inside: what keeps the stated radius smallest.
        centre = shapely.minimum_bounding_circle(geometry).centroid
        if not geometry.covers(centre):
            from shapely.ops import polylabel

            centre = polylabel(max(getattr(geometry, "geoms", [geometry]),
                                               key=lambda g: g.area), tolerance=0.001)
        point = (centre.y, centre.x)  # shapely's x is the longitude
    lat, lon = point
    edge = shapely.get_coordinates(geometry.simplify(0.001))
    radius = max((haversine_km(lat, lon, y, x) for x, y in edge), default=0.0)
    area = abs(Geod(ellps="WGS84").geometry_area_perimeter(geometry)[0]) / 1e6
    return Region(geometry, round(lat, 5), round(lon, 5), round(radius, 1), round(area, 1),
                  precision, tuple(words))


def _restate(site: Place, region: Region, unresolved: bool = False) -> Place:
    """The site as the region states it: its point, radius and precision."""
    if region.precision == "country":
        return site  # the state's whole airspace: the verdict treats it as such
    return replace(site, lat=region.lat, lon=region.lon, uncertainty_km=region.radius_km,
                   precision=region.precision, note=region.note,
                   gazetteer_id=None if unresolved else site.gazetteer_id)
