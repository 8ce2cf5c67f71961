"""Admin areas and border bands as polygons, for incident regions.

Three sources, each said in :attr:`Area.how` so a region never claims more than its parts:

* states: the airspace borders (land + territorial sea, ``shapes/airspace.gpkg``);
* admin-1 areas (provinces, voivodeships, județe, oblasts): Natural Earth polygons
  (``shapes/admin.gpkg`` layer ``admin1``);
* admin-2 areas (counties, powiats, raions): the hull of the GeoNames postal places in them,
  buffered and clipped to their province (layer ``admin2``), for the NATO members whose postal
  codes carry GeoNames' admin codes; elsewhere a circle round the GeoNames centre holding the
  places the gazetteer knows in the area, clipped to its province and state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoincidents.errors import DataError

_DEFAULT: AdminAreas | None = None


@dataclass(frozen=True, slots=True)
class Area:
    """One area as a polygon (shapely, x = lon) and how it was made."""

    geometry: Any
    name: str
    level: str  # "country", "admin1", "admin2", "region"
    how: str  # "Natural Earth boundary", "hull of 41 GeoNames places, buffered 4 km", ...


class AdminAreas:
    """Polygons of states, admin-1 and admin-2 areas, and bands along borders.

    ``admin1`` maps (ISO alpha-2, GeoNames admin-1 code) to (name, polygon); ``admin2`` maps
    (alpha-2, admin-1, admin-2 code) to (name, polygon, places in the hull, buffer km).
    ``airspace`` gives the states' polygons.
    """

    def __init__(self, admin1: dict, admin2: dict, airspace) -> None:
        self._admin1 = admin1
        self._admin2 = admin2
        self.airspace = airspace
        self._bands: dict[tuple[str, str, float], Area | None] = {}
        self._land: dict[str, Any] = {}
        self._made: dict[tuple, Any] = {}
        self._coastal: dict[Any, bool] = {}  # areas that were given their coastal waters

    @classmethod
    def default(cls) -> AdminAreas:
        """The bundled areas (cached per process)."""
        global _DEFAULT
        if _DEFAULT is None:
            from geoincidents.airspace import Airspace
            from geoincidents.paths import shapes_dir

            _DEFAULT = cls.from_gpkg(shapes_dir() / "admin.gpkg", Airspace.default())
        return _DEFAULT

    @classmethod
    def from_gpkg(cls, path: str | Path, airspace) -> AdminAreas:
        """Read ``admin.gpkg`` (written by ``shapes/build_admin.py``) with sqlite3."""
        import shapely

        from geoincidents.airspace import _gpkg_wkb

        path = Path(path)
        if not path.is_file():
            raise DataError(f"admin areas file not found: {path}")
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                rows1 = con.execute("SELECT cc2, admin1, name, geom FROM admin1").fetchall()
                rows2 = con.execute("SELECT cc2, admin1, admin2, name, places, buffer_km, geom "
                                    "FROM admin2").fetchall()
            finally:
                con.close()
        except sqlite3.Error as err:
            raise DataError(f"cannot read {path}: {err}") from err
        g1 = shapely.from_wkb([_gpkg_wkb(r[-1], path) for r in rows1])
        g2 = shapely.from_wkb([_gpkg_wkb(r[-1], path) for r in rows2])
        admin1 = {(r[0], r[1]): (r[2], g) for r, g in zip(rows1, g1)}
        admin2 = {(r[0], r[1], r[2]): (r[3], g, r[4], r[5]) for r, g in zip(rows2, g2)}
        return cls(admin1, admin2, airspace)

    def state(self, iso3: str | None) -> Area | None:
        """A state's land and territorial sea."""
        geom = self.airspace.geometry(iso3) if iso3 else None
        if geom is None:
            return None
        return Area(geom, self.airspace.name(iso3) or iso3, "country",
                    "land and territorial sea")

    def of_entry(self, entry) -> Area | None:
        """The polygon of a gazetteer entry that is a state or an admin area, else None."""
        if entry is None:
            return None
        if entry.feature == "country":
            return self.state(entry.country_iso3)
        if entry.feature not in ("admin1", "admin2") or not entry.country_iso2 \
                or not entry.admin1:
            return None
        state = self.state(entry.country_iso3)
        province = self._province(entry.country_iso2, entry.admin1, state)
        if entry.feature == "admin1":
            if province is not None:
                how = "Natural Earth boundary" + (", with its coastal waters"
                                                  if self._coastal.get(province) else "")
                return Area(province, entry.name, "admin1", how)
            return self._circle(entry, None, state, "admin1")
        key = (entry.country_iso2, entry.admin1, entry.admin2 or "")
        county = self._admin2.get(key)
        if county is None:
            return self._circle(entry, province, state, "admin2")
        geom, how = self._county(key, state)
        return Area(geom, entry.name, "admin2", how)

    def _province(self, cc2: str, admin1: str, state: Area | None):
        """An admin-1 polygon, enclaves filled, a little wider than Natural Earth's coarse line,
        with the state's waters off its coast, inside the state."""
        key = ("admin1", cc2, admin1)
        if key not in self._made:
            found = self._admin1.get((cc2, admin1))
            geom = None
            if found is not None:
                geom = self._with_coast(_filled(found[1]).buffer(0.02), cc2, state)
            self._made[key] = geom
        return self._made[key]

    def waters(self, iso3: str):
        """A state's territorial sea (its airspace off the coast), None when unknown."""
        state = self.state(iso3)
        entry_cc2 = _iso2(iso3)
        if state is None or entry_cc2 is None:
            return None
        return self._sea_of(entry_cc2, state)

    def _sea_of(self, cc2: str, state: Area):
        key = ("sea", cc2)
        if key not in self._made:
            # Where the coarse land outline and the finer border disagree lie thin slivers
            # along every land border: an opening (shrink, then grow) keeps only real sea.
            sea = state.geometry.difference(self._country_land(cc2))
            self._made[key] = _polygons(sea.buffer(-0.03).buffer(0.03).intersection(
                state.geometry)) if not sea.is_empty else sea
        return self._made[key]

    def _with_coast(self, geom, cc2: str, state: Area | None):
        """An area inside its state, with the state's waters off its coast (the territorial sea
        is the state's airspace; Natural Earth and the postal hulls stop at the shore)."""
        if state is None:
            return geom
        coast = geom.buffer(0.3).intersection(self._sea_of(cc2, state))
        geom = _clip(geom, state)
        if not coast.is_empty and coast.area > 0:
            geom = _polygons(geom.union(_polygons(coast)))
            self._coastal[geom] = True
        return geom

    def _country_land(self, cc2: str):
        if cc2 not in self._land:
            import shapely

            parts = [g for (c, _), (_, g) in self._admin1.items() if c == cc2]
            self._land[cc2] = shapely.union_all(parts) if parts else shapely.Polygon()
        return self._land[cc2]

    def _county(self, key: tuple[str, str, str], state: Area | None):
        """An admin-2 hull, joined with the admin-2 areas of its province that surround it: a
        county named after its seat ("Biała Podlaska county") is told apart from the seat's own
        city county only by words news does not use."""
        import shapely

        name, geom, places, buffer_km = self._admin2[key]
        how = f"hull of {places} GeoNames places, buffered {buffer_km:g} km"
        inside = shapely.Point(geom.representative_point())
        around = [(n, g) for k, (n, g, _, _) in self._admin2.items()
                  if k[:2] == key[:2] and k != key and g.covers(inside)]
        if around:
            geom = shapely.union_all([geom, *[g for _, g in around]])
            how += "; with " + ", ".join(n for n, _ in around) + ", which surrounds it"
        geom = self._with_coast(_filled(geom), key[0], state)
        if self._coastal.get(geom):
            how += ", with its coastal waters"
        return geom, how

    def _circle(self, entry, province, state, level: str) -> Area | None:
        """No polygon: a circle round the area's centre that holds the places GeoNames lists in
        it, with margin, clipped to its province and state."""
        from geoincidents.regions import _disc

        radius = 1.25 * max(entry.uncertainty_km, 8.0) + 5.0
        geom = _disc(entry.lat, entry.lon, radius)
        if province is not None:
            geom = _clip(geom, Area(province, "", "admin1", ""))
        geom = _clip(geom, state)
        return Area(geom, entry.name, level,
                    f"within {radius:.0f} km of its GeoNames centre; no boundary available")

    def border_band(self, iso3: str, neighbour_iso3: str, km: float) -> Area | None:
        """The part of a state within ``km`` of its border with a neighbour (None when they
        share no border)."""
        key = (iso3, neighbour_iso3, round(km, 3))
        if key not in self._bands:
            self._bands[key] = self._band(iso3, neighbour_iso3, km)
        return self._bands[key]

    def _band(self, iso3: str, neighbour_iso3: str, km: float) -> Area | None:
        import shapely

        from geoincidents.regions import _local, project

        own = self.airspace.geometry(iso3)
        other = self.airspace.geometry(neighbour_iso3)
        if own is None or other is None:
            return None
        # The shared border: the part of the state's outline that touches the neighbour (the
        # borders are drawn independently, so allow ~1 km of slack).
        line = own.boundary.intersection(other.buffer(0.01))
        if line.is_empty or line.length == 0:
            return None
        centre = line.centroid
        fwd, inv = _local(centre.y, centre.x)  # shapely's x is the longitude
        band = project(project(line, fwd).buffer(km * 1000.0), inv)
        geom = _polygons(shapely.make_valid(own.intersection(band)))
        if geom.is_empty:
            return None
        return Area(geom, f"{self.airspace.name(iso3)} along {self.airspace.name(neighbour_iso3)}",
                    "region", f"within {km:g} km of the border")


def _iso2(iso3: str) -> str | None:
    from geoincidents.gazetteer import iso2_of

    return iso2_of(iso3)


def _polygons(geom):
    from geoincidents.regions import _polygons as polygons

    return polygons(geom)


def _filled(geom):
    """The polygon without holes: an enclave (the city inside the rural municipality named after
    it) belongs to the area as news names it."""
    import shapely

    parts = shapely.get_parts(geom)
    return shapely.union_all([shapely.Polygon(p.exterior) for p in parts])


def _clip(geom, area: Area | None):
    """``geom`` inside ``area`` when they overlap (an area drawn a little outside its state's
    border keeps its own outline rather than vanishing)."""
    if area is None:
        return geom
    both = geom.intersection(area.geometry)
    if both.is_empty or both.area <= 0.05 * geom.area:
        return geom
    return _polygons(both)
