"""Shared fixtures: a CLI runner, the bundled airspace, and a tiny synthetic airspace."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from click.testing import CliRunner

from geoincidents.airspace import Airspace, AirspaceFeature, Claim
from geoincidents.nato import Member, NatoMembership


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def world() -> Airspace:
    """The bundled borders (loaded once per test session)."""
    return Airspace.default()


def _box(x0, y0, x1, y1):
    return shapely.box(x0, y0, x1, y1)


@pytest.fixture(scope="session")
def tiny() -> Airspace:
    """Six features on a 10-degree grid, enough to exercise every rule in milliseconds.

    AAA 0..10E (member from 2000), BBB 10..20E (never), CCC 18..22E (claims BBB's east edge; the
    18..20 overlap is a listed dispute), DDD 20..30E (member from 2010, whole territory from 2015;
    its 20..22 overlap with CCC is an unlisted sliver), NES a territory of AAA inside it, TER a
    territory of AAA outside it, EEE spans the antimeridian (cut into two parts at 180).
    """
    features = [
        AirspaceFeature("AAA", "Aland", "AAA", _box(0, 40, 10, 50)),
        AirspaceFeature("BBB", "Beland", "BBB", _box(10, 40, 20, 50)),
        AirspaceFeature("CCC", "Celand", "CCC", _box(18, 40, 22, 50)),
        AirspaceFeature("DDD", "Deland", "DDD", _box(20, 40, 30, 50)),
        AirspaceFeature("NES", "Nested isle", "AAA", _box(1, 41, 2, 42), nested_in_sovereign=True),
        AirspaceFeature("TER", "Far isle", "AAA", _box(30.5, 40, 32, 42)),
        AirspaceFeature("EEE", "Eastland", "EEE", shapely.MultiPolygon(
            [_box(170, 40, 180, 50), _box(-180, 40, -170, 50)])),
    ]
    membership = NatoMembership([
        Member("AAA", "Aland", dt.date(2000, 1, 1)),
        Member("EEE", "Eastland", dt.date(2000, 1, 1)),
        Member("DDD", "Deland", dt.date(2010, 1, 1), whole_territory_from=dt.date(2015, 1, 1)),
    ])
    claims = [Claim("edge", frozenset({"BBB", "CCC"}), ("CCC", "BBB"), "The edge")]
    return Airspace(features, membership=membership, claims=claims)
