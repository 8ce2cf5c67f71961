"""Incident regions in the GeoJSON: RFC 7946 polygons (right-hand rule, cut at the antimeridian,
at most 2000 positions, 6 decimals, valid) and ``incident_area`` features linked to their
incidents, with flat typed properties that GDAL reads back; the GeoPackage/GeoParquet tables."""

from __future__ import annotations

import json
import math

import pytest
import shapely
from area_reports import COUNTY, report

from geoincidents.errors import GeoIncidentsError, OutputError
from geoincidents.outputs.geojson import (
    AREA_KEYS,
    INCIDENT_KEYS,
    FeatureWriter,
    TableSink,
    feature_collection,
    report_features,
    validate,
    write_geojson,
)
from geoincidents.outputs.polygons import region_geometry, rfc7946_geometry


def signed_area(ring) -> float:
    """Shoelace over [lon, lat] positions: > 0 counter-clockwise."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:])) / 2


def polygons_of(geometry) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" \
        else geometry["coordinates"]


def positions(geometry) -> list:
    return [pos for rings in polygons_of(geometry) for ring in rings for pos in ring]


def check_rfc7946(geometry, max_positions=2000) -> None:
    """Everything the module promises, checked on the output alone."""
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    for rings in polygons_of(geometry):
        for k, ring in enumerate(rings):
            assert len(ring) >= 4 and ring[0] == ring[-1]
            assert all(a != b for a, b in zip(ring, ring[1:])), "repeated position"
            area = signed_area(ring)
            assert area > 0 if k == 0 else area < 0, f"ring {k} breaks the right-hand rule"
            # No edge spans more than 180° of longitude (nothing is left across ±180), except
            # along a pole, where a polar cap is closed.
            assert all(abs(b[0] - a[0]) <= 180 or a[1] == b[1] and abs(a[1]) == 90
                       for a, b in zip(ring, ring[1:]))
    pts = positions(geometry)
    assert len(pts) <= max_positions
    for lon, lat in pts:
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert round(lon, 6) == lon and round(lat, 6) == lat
    shape = shapely.geometry.shape(geometry)
    assert shape.is_valid, shapely.is_valid_reason(shape)
    assert not shape.is_empty


# -- the geometry ------------------------------------------------------------------------------


def test_rings_follow_the_right_hand_rule():
    # Shell clockwise and hole counter-clockwise: both the wrong way round for RFC 7946.
    shell = [(20, 50), (20, 52), (24, 52), (24, 50)]
    hole = [(21, 50.5), (22, 50.5), (22, 51.5), (21, 51.5)]
    given = shapely.Polygon(shell, [hole])
    assert not given.exterior.is_ccw and given.interiors[0].is_ccw
    geometry = rfc7946_geometry(given)
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"]) == 2
    shell_out, hole_out = geometry["coordinates"]
    assert signed_area(shell_out) > 0 and signed_area(hole_out) < 0
    check_rfc7946(geometry)
    assert shapely.geometry.shape(geometry).equals(given)
    # Every part of a MultiPolygon too.
    multi = rfc7946_geometry(shapely.MultiPolygon([given, shapely.box(30, 50, 31, 51)]))
    assert multi["type"] == "MultiPolygon" and len(multi["coordinates"]) == 2
    check_rfc7946(multi)


@pytest.mark.parametrize("given", [
    shapely.box(170, 60, 190, 66),  # continuous longitudes, as a buffer in degrees has them
    shapely.Polygon([(170, 60), (-170, 60), (-170, 66), (170, 66)]),  # wrapped at ±180
    shapely.box(-190, 60, -170, 66),
], ids=["beyond-180", "wrapped", "beyond-minus-180"])
def test_a_region_across_the_antimeridian_is_cut_into_a_multipolygon(given):
    geometry = rfc7946_geometry(given)
    check_rfc7946(geometry)
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    parts = [shapely.geometry.shape({"type": "Polygon", "coordinates": rings})
             for rings in geometry["coordinates"]]
    east, west = sorted(parts, key=lambda p: -p.bounds[0])
    assert east.bounds == pytest.approx((170, 60, 180, 66))
    assert west.bounds == pytest.approx((-180, 60, -170, 66))
    assert east.area + west.area == pytest.approx(20 * 6)


def test_a_region_that_only_reaches_the_antimeridian_is_not_cut():
    geometry = rfc7946_geometry(shapely.box(175, 60, 180, 66))
    assert geometry["type"] == "Polygon"
    check_rfc7946(geometry)


def test_a_ring_around_the_pole_is_closed_along_it():
    cap = shapely.Polygon([(-180 + 10 * k, 80) for k in range(36)])  # wrapped, once around
    geometry = rfc7946_geometry(cap)
    check_rfc7946(geometry)
    shape = shapely.geometry.shape(geometry)
    assert shape.bounds == pytest.approx((-180, 80, 180, 90))
    assert shape.area == pytest.approx(360 * 10)


def test_at_most_2000_positions_and_the_shape_kept():
    circle = shapely.Point(23.4, 51.5).buffer(0.4, quad_segs=5000)  # 20,001 positions
    geometry = rfc7946_geometry(circle)
    check_rfc7946(geometry)
    assert 500 < len(positions(geometry)) <= 2000
    shape = shapely.geometry.shape(geometry)
    assert shape.area == pytest.approx(circle.area, rel=1e-3)
    assert shape.symmetric_difference(circle).area < circle.area * 1e-3
    small = rfc7946_geometry(circle, max_positions=100)
    check_rfc7946(small, max_positions=100)
    assert shapely.geometry.shape(small).area == pytest.approx(circle.area, rel=0.01)


def test_the_cap_holds_for_many_islands_and_many_holes():
    islands = shapely.MultiPolygon([shapely.Point(20 + 0.1 * i, 50 + 0.1 * j).buffer(
        0.03, quad_segs=4) for i in range(30) for j in range(30)])  # 900 rings of 17
    geometry = rfc7946_geometry(islands)
    check_rfc7946(geometry)
    assert len(geometry["coordinates"]) >= 400  # as many as fit, largest first
    lakes = shapely.box(20, 50, 30, 60).difference(shapely.MultiPolygon([
        shapely.Point(20.3 + 0.3 * i, 50.3 + 0.3 * j).buffer(0.1, quad_segs=4)
        for i in range(30) for j in range(30)]))
    check_rfc7946(rfc7946_geometry(lakes))


def test_coordinates_are_rounded_to_6_decimals_and_stay_valid():
    given = shapely.Polygon([(23.123456789, 51.987654321), (23.523456789, 51.187654321),
                             (23.923456789, 51.587654321)],
                            # a hole 3e-7 wide: it collapses on the 1e-6 grid and goes away
                            [[(23.5, 51.5), (23.5000003, 51.5), (23.5000003, 51.55)]])
    assert given.is_valid and len(given.interiors) == 1
    geometry = rfc7946_geometry(given)
    check_rfc7946(geometry)
    assert geometry["coordinates"][0][0] in ([23.123457, 51.987654], [23.523457, 51.187654],
                                             [23.923457, 51.587654])
    assert len(geometry["coordinates"]) == 1  # the degenerate hole was dropped
    text = json.dumps(geometry)
    assert "23.123456789" not in text and "23.1234568" not in text


def test_an_invalid_region_is_made_valid():
    bowtie = shapely.Polygon([(20, 50), (22, 52), (22, 50), (20, 52)])
    assert not bowtie.is_valid
    geometry = rfc7946_geometry(bowtie)
    check_rfc7946(geometry)
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    overlapping = shapely.MultiPolygon([shapely.box(20, 50, 22, 52), shapely.box(21, 51, 23, 53)])
    assert not overlapping.is_valid
    merged = rfc7946_geometry(overlapping)
    check_rfc7946(merged)
    assert shapely.geometry.shape(merged).area == pytest.approx(7.0)


@pytest.mark.parametrize("make,needle", [
    (lambda: shapely.Point(20, 50), "not a Point"),
    (lambda: shapely.LineString([(20, 50), (21, 51)]), "not a LineString"),
    (lambda: shapely.Polygon(), "empty"),
    (lambda: shapely.Polygon([(20, 50), (21, 51), (22, 52)]), "no area"),
    (lambda: shapely.Polygon([(20, 50), (21, float("nan")), (22, 50)]), "non-finite"),
    (lambda: shapely.box(20, 50, 20.0000001, 50.0000001), "collapses"),
    (lambda: "POLYGON ((20 50, 21 50, 21 51, 20 50))", "shapely geometry"),
])
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_what_is_not_a_region_is_refused_by_name(make, needle):
    with pytest.raises(OutputError, match=needle) as info:
        rfc7946_geometry(make())
    assert isinstance(info.value, GeoIncidentsError)


def test_region_geometry_is_computed_once_per_region():
    area = report().incidents[0].area
    first = region_geometry(area)
    assert region_geometry(area) is first
    assert first == rfc7946_geometry(COUNTY)
    check_rfc7946(first)


# -- the features ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def features(world):
    return report_features(report(), world)


def test_an_incident_with_a_region_is_followed_by_its_area_feature(features):
    kinds = [f["properties"]["feature_type"] for f in features]
    assert kinds == ["incident", "incident_area", "incident"]
    incident, area, other = features
    assert area["properties"]["incident_id"] == incident["properties"]["incident_id"] == \
        "areas#1"
    assert area["properties"]["doc_id"] == incident["properties"]["doc_id"] == "areas"
    assert area["geometry"]["type"] == "Polygon"
    check_rfc7946(area["geometry"])
    # The incident's Point is the region's representative point, inside it.
    region = report().incidents[0].area
    assert incident["geometry"]["coordinates"] == [round(region.lon, 7), round(region.lat, 7)]
    assert shapely.geometry.shape(area["geometry"]).contains(
        shapely.geometry.shape(incident["geometry"]))
    # No region: no area feature, and nulls for the region's keys.
    assert other["properties"]["area_km2"] is None and other["properties"]["constraints"] is None


def test_area_properties_are_flat_typed_and_complete(features):
    incident, area, _ = features
    props = area["properties"]
    assert list(props) == list(AREA_KEYS)
    assert list(incident["properties"]) == list(INCIDENT_KEYS)
    assert props["precision"] == "admin2"
    assert isinstance(props["radius_km"], float) and 20 < props["radius_km"] < 40
    assert isinstance(props["area_km2"], float) and 1000 < props["area_km2"] < 2500
    assert props["constraints"] == props["note"] == (
        "Włodawa county (hull of 9 gazetteer places, buffered 8 km); "
        "within 40 km of the border with Belarus")
    assert incident["properties"]["area_km2"] == props["area_km2"]
    assert incident["properties"]["constraints"] == props["constraints"]
    for feat in features:
        for key, value in feat["properties"].items():
            assert value is None or type(value) in (str, int, float, bool), (key, value)
    validate(feature_collection(features))  # one JSON type per key across the features


def test_geojson_round_trips_through_gdal(features, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    path = write_geojson(feature_collection(features), tmp_path / "areas.geojson")
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    types = dict(zip(info["fields"], info["ogr_types"]))
    assert types["area_km2"] == types["radius_km"] == "OFTReal"
    assert types["constraints"] == types["incident_id"] == "OFTString"
    assert types["start"] == "OFTInteger"
    frame = pyogrio.read_dataframe(path)
    assert list(frame.geometry.geom_type) == ["Point", "Polygon", "Point"]
    areas = frame[frame["feature_type"] == "incident_area"]
    incidents = frame[frame["feature_type"] == "incident"].set_index("incident_id")
    (_, row), = areas.iterrows()
    linked = incidents.loc[row["incident_id"]]
    assert row.geometry.contains(linked.geometry)
    assert row.geometry.is_valid and row.geometry.exterior.is_ccw
    assert row.geometry.equals(shapely.geometry.shape(features[1]["geometry"]))
    assert row["area_km2"] == pytest.approx(features[1]["properties"]["area_km2"])
    assert math.isnan(incidents.loc["areas#2", "area_km2"])


def test_streamed_geojson_is_the_same(features, tmp_path):
    import io

    buffer = io.StringIO()
    writer = FeatureWriter(buffer)
    writer.write(features)
    writer.close()
    streamed = json.loads(buffer.getvalue())
    validate(streamed)
    assert streamed == json.loads(json.dumps(feature_collection(features)))


def test_a_region_across_the_antimeridian_reaches_gdal_as_two_parts(world, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    from area_reports import region

    aleutians = region(shapely.box(172, 51.5, 188, 53.5), ("near the Near Islands",), "region")
    feats = report_features(report(aleutians, second=False), world)
    path = write_geojson(feature_collection(feats), tmp_path / "am.geojson")
    frame = pyogrio.read_dataframe(path)
    area = frame[frame["feature_type"] == "incident_area"].geometry.iloc[0]
    assert area.geom_type == "MultiPolygon" and len(area.geoms) == 2
    assert area.bounds == pytest.approx((-180, 51.5, 180, 53.5))


# -- the corpus tables -------------------------------------------------------------------------


def _sink(path, fmt, features):
    sink = TableSink(str(path), fmt)
    sink.write(features)
    sink.close()


def test_geopackage_has_an_incident_areas_layer(features, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    path = tmp_path / "corpus.gpkg"
    _sink(path, "gpkg", features)
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"features": "Point", "incident_areas": "MultiPolygon"}
    points = pyogrio.read_dataframe(path, layer="features")
    areas = pyogrio.read_dataframe(path, layer="incident_areas")
    assert list(points["feature_type"]) == ["incident", "incident"]
    assert list(areas["feature_type"]) == ["incident_area"]
    assert list(areas["incident_id"]) == ["areas#1"]
    assert set(AREA_KEYS) <= set(areas.columns)
    info = pyogrio.read_info(path, layer="incident_areas")
    types = dict(zip(info["fields"], info["ogr_types"]))
    assert types["area_km2"] == types["radius_km"] == "OFTReal"
    assert areas.geometry.iloc[0].equals(
        shapely.MultiPolygon([shapely.geometry.shape(features[1]["geometry"])]))
    assert points.set_index("incident_id").loc["areas#1", "area_km2"] == pytest.approx(
        features[1]["properties"]["area_km2"])


def test_geopackage_without_regions_still_has_the_layer(world, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    path = tmp_path / "none.gpkg"
    plain = report()
    plain.incidents.pop(0)  # only the incident without a region
    _sink(path, "gpkg", report_features(plain, world))
    assert [tuple(x) for x in pyogrio.list_layers(path)] == [
        ("features", "Point"), ("incident_areas", "MultiPolygon")]
    assert pyogrio.read_info(path, layer="incident_areas")["features"] == 0


def test_geoparquet_holds_regions_as_rows_of_their_own(features, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    gpd = pytest.importorskip("geopandas")
    path = tmp_path / "corpus.parquet"
    _sink(path, "parquet", features)
    geo = json.loads(pq.read_metadata(path).metadata[b"geo"])
    assert geo["columns"]["geometry"]["geometry_types"] == ["Point", "Polygon"]
    frame = gpd.read_parquet(path)
    assert list(frame["feature_type"]) == ["incident", "incident_area", "incident"]
    assert list(frame.geometry.geom_type) == ["Point", "Polygon", "Point"]
    assert frame["area_km2"].dtype == "float64" and frame["radius_km"].dtype == "float64"
    assert frame.loc[1, "incident_id"] == frame.loc[0, "incident_id"]
