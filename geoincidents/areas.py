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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoincidents.geodesy import geodesic_disc, local_projection, polygonal, project

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
        self._made: dict[tuple, Any] = {}  # polygons built once per process: areas, seas, land

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
        from geoincidents.airspace import gpkg_rows

        rows1, g1 = gpkg_rows(path, "SELECT cc2, admin1, name, geom FROM admin1",
                              "admin areas file")
        rows2, g2 = gpkg_rows(path, "SELECT cc2, admin1, admin2, name, places, buffer_km, geom "
                              "FROM admin2", "admin areas file")
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
                return Area(province[0], entry.name, "admin1", province[1])
            return self._circle(entry, None, state, "admin1")
        key = (entry.country_iso2, entry.admin1, entry.admin2 or "")
        county = self._admin2.get(key)
        if county is None:
            return self._circle(entry, province and province[0], state, "admin2")
        geom, how = self._county(key, state)
        return Area(geom, entry.name, "admin2", how)

    def _province(self, cc2: str, admin1: str, state: Area | None):
        """An admin-1 polygon, enclaves filled, a little wider than Natural Earth's coarse line,
        with the state's waters off its coast, inside the state: ``(polygon, how)`` or None."""
        key = ("admin1", cc2, admin1)
        if key not in self._made:
            found = self._admin1.get((cc2, admin1))
            made = None
            if found is not None:
                geom, coastal = self._with_coast(_filled(found[1]).buffer(0.02), cc2, state)
                made = geom, "Natural Earth boundary" + (
                    ", with its coastal waters" if coastal else "")
            self._made[key] = made
        return self._made[key]

    def waters(self, iso3: str):
        """A state's territorial sea (its airspace off the coast), None when unknown."""
        from geoincidents.gazetteer import iso2_of

        state, cc2 = self.state(iso3), iso2_of(iso3)
        if state is None or cc2 is None:
            return None
        return self._sea_of(cc2, state)

    def _sea_of(self, cc2: str, state: Area):
        key = ("sea", cc2)
        if key not in self._made:
            # Where the coarse land outline and the finer border disagree lie thin slivers
            # along every land border: an opening (shrink, then grow) keeps only real sea.
            sea = state.geometry.difference(self._country_land(cc2))
            self._made[key] = polygonal(sea.buffer(-0.03).buffer(0.03).intersection(
                state.geometry)) if not sea.is_empty else sea
        return self._made[key]

    def _with_coast(self, geom, cc2: str, state: Area | None):
        """An area inside its state, with the state's waters off its coast (the territorial sea
        is the state's airspace; Natural Earth and the postal hulls stop at the shore), and
        whether it has any."""
        if state is None:
            return geom, False
        coast = geom.buffer(0.3).intersection(self._sea_of(cc2, state))
        geom = _clip(geom, state.geometry)
        if coast.is_empty or coast.area <= 0:
            return geom, False
        return polygonal(geom.union(polygonal(coast))), True

    def _country_land(self, cc2: str):
        key = ("land", cc2)
        if key not in self._made:
            import shapely

            parts = [g for (c, _), (_, g) in self._admin1.items() if c == cc2]
            self._made[key] = shapely.union_all(parts) if parts else shapely.Polygon()
        return self._made[key]

    def _county(self, key: tuple[str, str, str], state: Area | None):
        """An admin-2 hull, joined with the admin-2 areas of its province that surround it: a
        county named after its seat ("Biała Podlaska county") is told apart from the seat's own
        city county only by words news does not use."""
        import shapely

        made = ("admin2", *key)
        if made in self._made:
            return self._made[made]
        _name, geom, places, buffer_km = self._admin2[key]
        how = f"hull of {places} GeoNames places, buffered {buffer_km:g} km"
        inside = geom.representative_point()
        around = [(n, g) for k, (n, g, _, _) in self._admin2.items()
                  if k[:2] == key[:2] and k != key and g.covers(inside)]
        if around:
            geom = shapely.union_all([geom, *[g for _, g in around]])
            how += "; with " + ", ".join(n for n, _ in around) + ", which surrounds it"
        geom, coastal = self._with_coast(_filled(geom), key[0], state)
        if coastal:
            how += ", with its coastal waters"
        self._made[made] = geom, how
        return geom, how

    def _circle(self, entry, province, state, level: str) -> Area | None:
        """No polygon: a circle round the area's centre that holds the places GeoNames lists in
        it, with margin, clipped to its province and state."""
        radius = 1.25 * max(entry.uncertainty_km, 8.0) + 5.0
        geom = geodesic_disc(entry.lat, entry.lon, radius)
        geom = _clip(geom, province)
        geom = _clip(geom, state.geometry if state is not None else None)
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
        fwd, inv = local_projection(centre.y, centre.x)  # shapely's x is the longitude
        band = project(project(line, fwd).buffer(km * 1000.0), inv)
        geom = polygonal(shapely.make_valid(own.intersection(band)))
        if geom.is_empty:
            return None
        return Area(geom, f"{self.airspace.name(iso3)} along {self.airspace.name(neighbour_iso3)}",
                    "region", f"within {km:g} km of the border")


def _filled(geom):
    """The polygon without holes: an enclave (the city inside the rural municipality named after
    it) belongs to the area as news names it."""
    import shapely

    parts = shapely.get_parts(geom)
    return shapely.union_all([shapely.Polygon(p.exterior) for p in parts])


def _clip(geom, within):
    """``geom`` inside the polygon ``within`` when they overlap (an area drawn a little outside
    its state's border keeps its own outline rather than vanishing); unchanged for None."""
    if within is None:
        return geom
    both = geom.intersection(within)
    if both.is_empty or both.area <= 0.05 * geom.area:
        return geom
    return polygonal(both)
