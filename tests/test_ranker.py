"""The learned candidate ranker: the shipped model loads and ranks by evidence, not by name; the
training script reproduces it (when the evaluation corpora are beside the project)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from geoincidents.errors import DataError
from geoincidents.gazetteer import GazetteerEntry
from geoincidents.ranker import FEATURES, MODEL_PATH, Context, Ranker, default_ranker, features

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"

PARIS_FR = GazetteerEntry("geonames:2988507", "Paris", 48.85, 2.35, "city", "FR", "FRA", "11",
                          population=2_138_551, capital=True, uncertainty_km=16.1)
PARIS_TX = GazetteerEntry("geonames:4717560", "Paris", 33.66, -95.56, "city", "US", "USA", "TX",
                          population=24_782, uncertainty_km=2.0)


def _best(cands, ctx):
    scores = default_ranker().scores(features("Paris", "name", "location", None, cands, ctx))
    return cands[int(scores.argmax())]


def test_shipped_model_matches_the_features():
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert model["features"] == list(FEATURES)
    assert model["trained_on"] == ["GeoWebNews", "LGL"] and len(model["trees"]) > 10


def test_context_moves_the_choice():
    alone = Context(Counter(), Counter(), None, ())
    assert _best([PARIS_FR, PARIS_TX], alone) is PARIS_FR  # the capital by default
    texas = Context(Counter({"USA": 6}), Counter({("US", "TX"): 5}), None,
                    (("Dallas", 32.78, -96.8), ("Tyler", 32.35, -95.3)), (32.6, -96.0))
    assert _best([PARIS_FR, PARIS_TX], texas) is PARIS_TX


def test_candidate_order_does_not_matter():
    ctx = Context(Counter({"USA": 6}), Counter({("US", "TX"): 5}), None,
                  (("Dallas", 32.78, -96.8),), (32.78, -96.8))
    assert _best([PARIS_TX, PARIS_FR], ctx) is _best([PARIS_FR, PARIS_TX], ctx)


def test_a_model_for_other_features_is_refused(tmp_path):
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model["features"] = model["features"][:-1]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(model))
    with pytest.raises(DataError, match="other features"):
        Ranker.load(path)
    path.write_text("{not json")
    with pytest.raises(DataError, match="cannot read the ranker model"):
        Ranker.load(path)


@pytest.mark.slow
@pytest.mark.skipif(not (EVAL / "LGL.jsonl").is_file(), reason="evaluation corpora not here")
def test_training_script_reproduces_the_shipped_model(tmp_path):
    out = tmp_path / "ranker.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "train_ranker.py"),
                          "--out", str(out), "--only-fit"], capture_output=True, text=True,
                         timeout=1200)
    assert run.returncode == 0, run.stderr[-2000:]
    shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    fresh = json.loads(out.read_text(encoding="utf-8"))
    assert fresh["features"] == shipped["features"]
    assert len(fresh["trees"]) == len(shipped["trees"])
    for a, b in zip(fresh["trees"], shipped["trees"]):
        assert a["feature"] == b["feature"] and a["leaf"] == b["leaf"]
        assert a["threshold"] == pytest.approx(b["threshold"], abs=1e-6)
        assert a["value"] == pytest.approx(b["value"], abs=1e-5)
