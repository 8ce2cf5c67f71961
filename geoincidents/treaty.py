"""The North Atlantic Treaty area (art. 6), read from ``shapes/treaty_area.csv``.

Art. 6 (as amended by the 1951 protocol on the accession of Greece and Turkey) defines where an
armed attack counts for art. 5: the territory of any Party in Europe or North America, the
Algerian departments of France (inapplicable since 1962-07-03), the territory of Turkey, and
islands under the jurisdiction of any Party in the North Atlantic area north of the Tropic of
Cancer; and forces, vessels or aircraft in or over those territories, the Mediterranean Sea or
the North Atlantic north of the Tropic.

The table answers the territorial part per airspace feature (``territory_iso3``): one row says
the whole territory is in or out, and rows with a lon/lat box split a feature that has parts on
both sides (Hawaii in ``USA``, Ceuta and Melilla in ``ESP``). For a point, the *first* row whose
territory matches and whose box covers the point (box edges included) decides; a row with an
empty box covers the whole territory, so it goes after that territory's box rows.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geoincidents.errors import DataError

_BOX = ("min_lon", "min_lat", "max_lon", "max_lat")
_BOOL = {"true": True, "false": False}


@dataclass(frozen=True, slots=True)
class TreatyRule:
    """One row: territory ``territory_iso3`` (within ``box`` if given) is in or out."""

    rule_id: str
    territory_iso3: str
    in_treaty_area: bool
    box: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    basis: str = ""

    def covers(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Which points the rule's box covers (all of them when it has no box)."""
        if self.box is None:
            return np.ones(len(lat), dtype=bool)
        x0, y0, x1, y1 = self.box
        return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


class TreatyArea:
    """Which territories (or parts) of the NATO members lie in the art. 6 treaty area."""

    def __init__(self, rules: Sequence[TreatyRule]) -> None:
        self.rules = list(rules)
        self._by_territory: dict[str, list[TreatyRule]] = {}
        for rule in self.rules:
            self._by_territory.setdefault(rule.territory_iso3, []).append(rule)

    @classmethod
    def from_csv(cls, path: str | Path) -> TreatyArea:
        """Read ``rule_id, territory_iso3, min_lon, min_lat, max_lon, max_lat, in_treaty_area,
        basis`` rows (the box empty for a whole territory)."""
        rules = []
        try:
            with open(path, newline="", encoding="utf-8") as fh:
                for line, row in enumerate(csv.DictReader(fh), start=2):
                    rules.append(_rule(row, f"{path} line {line}"))
        except OSError as err:
            raise DataError(f"cannot read treaty area table {path}: {err.strerror}") from err
        return cls(rules)

    @classmethod
    def default(cls) -> TreatyArea:
        from geoincidents.paths import shapes_dir

        return cls.from_csv(shapes_dir() / "treaty_area.csv")

    def territories(self) -> frozenset[str]:
        return frozenset(self._by_territory)

    def rule_for(self, territory: str | None, lat: float, lon: float) -> TreatyRule | None:
        """The deciding row for one point of ``territory`` (None: the table does not list it)."""
        for rule in self._by_territory.get(territory or "", ()):
            if rule.covers(np.array([lat]), np.array([lon]))[0]:
                return rule
        return None

    def lookup(self, territory: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """For arrays of territory codes and points, True/False per point, or None where no
        row matches (a territory the table does not list)."""
        out = np.full(len(lat), None, dtype=object)
        for code in set(territory.tolist()):
            rules = self._by_territory.get(code) if code else None
            if not rules:
                continue
            idx = np.flatnonzero(territory == code)
            open_ = np.ones(len(idx), dtype=bool)
            for rule in rules:
                hit = open_ & rule.covers(lat[idx], lon[idx])
                out[idx[hit]] = rule.in_treaty_area
                open_ &= ~hit
                if not open_.any():
                    break
        return out


def _rule(row: dict, where: str) -> TreatyRule:
    rule_id = (row.get("rule_id") or "").strip()
    territory = (row.get("territory_iso3") or "").strip()
    flag = _BOOL.get((row.get("in_treaty_area") or "").strip().lower())
    if not rule_id or not territory or flag is None:
        raise DataError(f"{where}: a treaty rule needs rule_id, territory_iso3 and "
                        "in_treaty_area true/false")
    cells = [(row.get(k) or "").strip() for k in _BOX]
    box = None
    if any(cells):
        try:
            box = tuple(float(c) for c in cells)
        except ValueError:
            raise DataError(f"{where}: box {cells!r} needs four numbers or none") from None
        if not (box[0] <= box[2] and box[1] <= box[3]):
            raise DataError(f"{where}: box {cells!r} has min above max")
    return TreatyRule(rule_id, territory, flag, box, (row.get("basis") or "").strip())
