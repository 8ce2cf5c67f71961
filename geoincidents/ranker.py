"""A learned candidate ranker: which gazetteer entry a mention means.

Each candidate of a mention is described by features that generalise across corpora — how the
name matched, the candidate's importance (population, feature class, admin level, capital), how
many places share the name, and how it agrees with the rest of the document (its countries and
admin areas, the distance to the places named unambiguously, an explicit container such as
"Paris, Texas") and the mention's role — never by the name or the document itself. Gradient-
boosted trees over these features score the candidates; the highest score wins.

The model is a JSON file (``data/ranker.json``: the feature names and the trees as arrays),
written by ``benchmarks/train_ranker.py`` (scikit-learn's HistGradientBoostingClassifier,
trained on GeoWebNews + LGL with a fixed seed) and loaded lazily; scoring is a few NumPy
operations over all the trees at once, so no pickle and no scikit-learn at run time.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geoincidents.errors import DataError
from geoincidents.gazetteer import GazetteerEntry, haversine_km, normalize

MODEL_PATH = Path(__file__).resolve().parent / "data" / "ranker.json"
_KINDS = ("country", "admin1", "admin2", "city", "village", "site", "area")
FEATURES = (
    "prior", "log_population", "capital", *(f"is_{k}" for k in _KINDS),
    "name_exact", "abbreviation", "log_candidates", "prior_gap", "most_important",
    "country_share", "top_country", "foreign", "area_named", "proximity", "near_50km",
    "log_anchor_km", "container_in", "container_out", "county_for_bare_name",
    "demonym", "actor", "admin_word_level", "admin1_share", "log_focus_km",
)


@dataclass(frozen=True, slots=True)
class Context:
    """What the rest of the document says, for one mention: the countries and admin1 areas of
    the other mentions' current choices, the container named right after it ("X, Texas"), and
    the unambiguous places named nearby ``(surface, lat, lon)``, and the focus of the other
    sub-country places chosen (their mean point, or None)."""

    countries: Counter
    areas: Counter
    container: Sequence[GazetteerEntry] | None
    anchors: Sequence[tuple[str, float, float]]
    focus: tuple[float, float] | None = None


def prior(e: GazetteerEntry) -> float:
    """Importance before context: countries and regions first, then capitals and big places."""
    base = {"country": 12.0, "continent": 11.0, "region": 10.0, "sea": 10.0, "site": 9.0}
    if e.feature in base:
        return base[e.feature]
    score = math.log10(e.population + 10)
    if e.capital:
        score += 4
    if e.feature == "admin1":
        score -= 0.5
    elif e.feature == "admin2":
        score -= 1.0
    return score


def inside(e: GazetteerEntry, container: GazetteerEntry) -> bool:
    """Whether ``e`` lies in ``container`` (a country, admin1 or admin2 area)."""
    if e.gazetteer_id == container.gazetteer_id:
        return False
    if container.feature == "country":
        return e.country_iso3 == container.country_iso3
    if container.feature == "admin1":
        return (e.country_iso2, e.admin1) == (container.country_iso2, container.admin1)
    if container.feature == "admin2":
        return e.country_iso2 == container.country_iso2 and haversine_km(
            e.lat, e.lon, container.lat, container.lon) <= container.uncertainty_km * 1.5
    return False


def features(surface: str, kind: str, role: str, admin_level: str | None,
             cands: Sequence[GazetteerEntry], ctx: Context) -> list[list[float]]:
    """One feature row (in :data:`FEATURES` order) per candidate of a mention.

    ``surface`` is the mention's cleaned text, ``kind`` its kind (name/demonym/site), ``role``
    location/actor, ``admin_level`` the level an admin word in it asks for ("Lublin province"
    -> admin1) or None.
    """
    key = normalize(surface)
    bare = surface.replace(".", "").replace(" ", "")
    abbreviation = float(bare.isupper() and len(bare) <= 5)
    own_words = set(key.split())
    priors = [prior(e) for e in cands]
    top = max(priors) if priors else 0.0
    total = sum(ctx.countries.values())
    area_total = sum(ctx.areas.values())
    top_country = ctx.countries.most_common(1)[0][0] if ctx.countries else None
    rows = []
    for e, p in zip(cands, priors):
        kind_of = e.feature if e.feature in _KINDS else "area"
        share = ctx.countries[e.country_iso3] / total if total and e.country_iso3 else 0.0
        dists = [haversine_km(e.lat, e.lon, lat, lon) for name, lat, lon in ctx.anchors
                 if name != surface] if e.feature not in _WIDE else []
        nearest = min(dists) if dists else None
        container_in = container_out = 0.0
        if ctx.container:
            if any(inside(e, c) for c in ctx.container):
                container_in = 1.0
            elif e.feature != "country":
                container_out = 1.0
        rows.append([
            p,
            math.log10(e.population + 10),
            float(e.capital),
            *(float(kind_of == k) for k in _KINDS),
            float(normalize(e.name) == key),
            abbreviation,
            math.log(len(cands)),
            p - top,
            float(p == top),
            share,
            float(e.country_iso3 is not None and e.country_iso3 == top_country),
            float(total > 0 and share == 0 and e.feature != "country"),
            float(bool(e.country_iso2 and e.admin1 and e.feature != "country"
                       and ctx.areas[(e.country_iso2, e.admin1)] > 0)),
            math.exp(-nearest / 250.0) if nearest is not None else 0.0,
            float(nearest is not None and nearest <= 50),
            math.log1p(nearest) if nearest is not None else 0.0,
            container_in,
            container_out,
            float(e.feature == "admin2" and not own_words & _ADMIN_WORDS
                  and bool(set(normalize(e.name).split()) & _ADMIN_WORDS)),
            float(kind == "demonym"),
            float(role == "actor"),
            float(admin_level is not None and e.feature == admin_level),
            ctx.areas[(e.country_iso2, e.admin1)] / area_total
            if area_total and e.admin1 and e.feature != "country" else 0.0,
            math.log1p(haversine_km(e.lat, e.lon, *ctx.focus))
            if ctx.focus is not None and e.feature not in _WIDE else 0.0,
        ])
    return rows


_WIDE = frozenset({"country", "continent", "region", "sea"})  # no point to measure from
_ADMIN_WORDS = frozenset("""
county district parish powiat raion rayon municipality borough province oblast region
voivodeship voivodship state governorate prefecture department canton krai republic
""".split())


class Ranker:
    """Scores candidate feature rows with gradient-boosted trees read from JSON.

    ``model``: ``{"features": [...], "baseline": float, "trees": [{"feature", "threshold",
    "left", "right", "value", "leaf"} as parallel lists]}``; a row goes left when its feature
    value is at most the node's threshold. The score is the log-odds that the candidate is the
    place meant.
    """

    def __init__(self, model: dict) -> None:
        import numpy as np

        if list(model.get("features", [])) != list(FEATURES):
            raise DataError("the ranker model was trained on other features "
                            "(retrain with benchmarks/train_ranker.py)")
        trees = model["trees"]
        width = max(len(t["value"]) for t in trees)

        def table(key, dtype, fill):
            out = np.full((len(trees), width), fill, dtype=dtype)
            for k, tree in enumerate(trees):
                out[k, :len(tree[key])] = tree[key]
            return out

        self.feature = table("feature", np.intp, 0)
        self.threshold = table("threshold", float, 0.0)
        self.left = table("left", np.intp, 0)
        self.right = table("right", np.intp, 0)
        self.value = table("value", float, 0.0)
        self.leaf = table("leaf", bool, True)
        self.baseline = float(model["baseline"])
        self.depth = int(model.get("depth") or width)

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> Ranker:
        """The model in ``path`` (the shipped one by default)."""
        try:
            return cls(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise DataError(f"cannot read the ranker model {path}: {err}") from err

    def scores(self, rows: Sequence[Sequence[float]]):
        """The log-odds of every row (all rows through all trees at once)."""
        import numpy as np

        X = np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))
        trees = np.arange(self.feature.shape[0])
        node = np.zeros((len(X), len(trees)), dtype=np.intp)
        at = np.arange(len(X))[:, None]
        for _ in range(self.depth):
            left = X[at, self.feature[trees, node]] <= self.threshold[trees, node]
            step = np.where(left, self.left[trees, node], self.right[trees, node])
            node = np.where(self.leaf[trees, node], node, step)
        return self.baseline + self.value[trees, node].sum(axis=1)


@functools.cache
def default_ranker() -> Ranker:
    """The shipped model, loaded once per process."""
    return Ranker.load()
