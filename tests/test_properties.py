"""Property-based checks of the airspace engine, and the start-up cost of the CLI."""

from __future__ import annotations

import math
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(lat=lats, lon=lons)
def test_any_valid_point_gets_a_consistent_verdict(world, lat, lon):
    v = world.check(lat, lon)
    if v.country_iso3 is None:  # international airspace, or Antarctica (no sovereign)
        assert v.inside_nato_airspace is False and v.territory_iso3 in (None, "ATA")
    if v.inside_nato_airspace:
        assert v.distance_basis == "depth"
    if v.distance_to_border_km is not None:
        assert v.distance_to_border_km >= 0 and math.isfinite(v.distance_to_border_km)
    assert v.disputed == bool(v.claimants)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(lats, lons), min_size=1, max_size=20))
def test_vector_equals_scalar(tiny, points):
    lat = [p[0] for p in points]
    lon = [p[1] for p in points]
    many = tiny.classify(lat, lon)
    for i, (a, b) in enumerate(points):
        assert many.verdict(i) == tiny.check(a, b)


def test_cli_import_stays_light():
    """`geoincidents check` starts fast: importing the CLI loads no geometry or science stack."""
    code = ("import sys, geoincidents.cli.main; "
            "print(sorted(m for m in ('shapely', 'scipy', 'pyproj', 'numpy', 'spacy', 'folium',"
            " 'geopandas', 'matplotlib', 'pyogrio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
