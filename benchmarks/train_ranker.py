"""Train the candidate ranker (geoincidents/data/ranker.json) and measure it, cross-corpus.

    python benchmarks/train_ranker.py [--eval-dir ../shared/eval] [--cache /tmp/ranker-cache]
                                      [--out geoincidents/data/ranker.json] [--no-write]

Reads GeoWebNews and LGL (not part of this repository: licence; skips cleanly when absent),
finds the gold spans' mentions with the project's pipeline, builds every candidate's features
(geoincidents.ranker.FEATURES) and labels it (right when its GeoNames id is the gold one, or,
when no candidate has that id, when it lies within 161 km of the gold point), then:

* candidate recall: the share of gold toponyms whose right entry is among the candidates;
* document-grouped 5-fold cross-validation over both corpora (fixed seed);
* cross-corpus: trained on one corpus, measured on the other, both directions;
* the shipped model: trained on both, written as JSON.

Each measured setting resolves the held-out documents' gold spans with the trained model and
scores them with the standard scorer (../shared/tools/geoparse_score.py), printing its summary
line. Needs scikit-learn (pip install 'geoincidents[train]'); the shipped model does not.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_EVAL = HERE.parent.parent / "shared" / "eval"
SCORER = HERE.parent.parent / "shared" / "tools" / "geoparse_score.py"
MODEL = HERE.parent / "geoincidents" / "data" / "ranker.json"
SEED = 20251
TREES, DEPTH = 200, 4  # small: ~6,000 nodes, scored in NumPy in a millisecond per document
CORPORA = ("GeoWebNews", "LGL")
RIGHT_KM = 161.0


def load_docs(eval_dir: Path, cache: Path | None):
    """{corpus: [(doc, mentions)]}, the mentions of the gold spans (spaCy: cached if asked)."""
    cached = cache / "mentions.pkl" if cache else None
    if cached and cached.is_file():
        with cached.open("rb") as fh:  # our own cache file, written below
            return pickle.load(fh)
    from geoincidents.geoparser import Geoparser

    parser = Geoparser()
    out = {}
    for name in CORPORA:
        docs = [json.loads(line) for line in (eval_dir / f"{name}.jsonl").open(encoding="utf-8")
                if line.strip()]
        out[name] = [(d, parser.mentions_for_spans(
            d["text"], [(t["start"], t["end"]) for t in d["toponyms"]])) for d in docs]
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with cached.open("wb") as fh:
            pickle.dump(out, fh)
    return out


def examples(resolver, items):
    """Rows, labels, groups (doc index) and the candidate-recall counts of a corpus."""
    from geoincidents.gazetteer import haversine_km

    X, y, groups = [], [], []
    gold_total = gold_found = 0
    for k, (doc, mentions) in enumerate(items):
        for (_mention, cands, rows), gold in zip(resolver.examples(doc["text"], mentions),
                                                doc["toponyms"]):
            if gold.get("lat") is None:
                continue
            gold_total += 1
            gid = f"geonames:{gold.get('geonameid')}"
            labels = [e.gazetteer_id == gid for e in cands]
            if not any(labels):
                labels = [haversine_km(float(gold["lat"]), float(gold["lon"]), e.lat, e.lon)
                          <= RIGHT_KM for e in cands]
            if any(labels):
                gold_found += 1
            if len(cands) < 2 or all(labels) or not any(labels):
                continue  # nothing to learn: one candidate, or none right, or all right
            X += rows
            y += [int(v) for v in labels]
            groups += [k] * len(rows)
    return X, y, groups, gold_total, gold_found


def fit(X, y) -> dict:
    """Gradient-boosted trees (fixed seed, no early stopping), as the JSON the ranker reads."""
    import numpy as np
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier

    from geoincidents.ranker import FEATURES

    model = HistGradientBoostingClassifier(max_iter=TREES, max_depth=DEPTH,
                                           learning_rate=0.05, early_stopping=False,
                                           random_state=SEED)
    model.fit(np.asarray(X, dtype=float), np.asarray(y))
    trees = []
    for (predictor,) in model._predictors:  # binary: one tree per iteration
        nodes = predictor.nodes
        trees.append({"feature": nodes["feature_idx"].tolist(),
                      "threshold": [float(v) for v in nodes["num_threshold"]],
                      "left": nodes["left"].tolist(), "right": nodes["right"].tolist(),
                      "value": [round(float(v), 7) for v in nodes["value"]],
                      "leaf": [bool(v) for v in nodes["is_leaf"]]})
    return {"features": list(FEATURES), "kind": "gradient-boosted trees",
            "baseline": float(np.ravel(model._baseline_prediction)[0]), "depth": DEPTH + 1,
            "trees": trees, "trained_on": None, "seed": SEED,
            "sklearn": sklearn.__version__}


def score(resolver_factory, runs, scorer: Path, label: str) -> str:
    """Resolve the gold spans of each ``(items, model)`` run with its model, pool the
    predictions and print the scorer's summary line."""
    from geoincidents.ranker import Ranker

    with tempfile.TemporaryDirectory() as tmp:
        gold, pred = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        with gold.open("w", encoding="utf-8") as g, pred.open("w", encoding="utf-8") as p:
            for items, model in runs:
                resolver = resolver_factory(Ranker(model) if model else None)
                for doc, mentions in items:
                    g.write(json.dumps(doc) + "\n")
                    places = resolver.resolve(doc["text"], mentions)
                    p.write(json.dumps({"id": doc["id"],
                                        "places": [pl.to_dict() for pl in places]}) + "\n")
        report = subprocess.run([sys.executable, str(scorer), str(gold), str(pred)],
                                capture_output=True, text=True, check=True).stdout
    line = report.strip().splitlines()[-1]
    print(f"{label}: {line}")
    return line


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--scorer", type=Path, default=SCORER)
    ap.add_argument("--out", type=Path, default=MODEL)
    ap.add_argument("--cache", type=Path, help="keep the spaCy mentions here between runs")
    ap.add_argument("--no-write", action="store_true", help="measure only")
    ap.add_argument("--only-fit", action="store_true",
                    help="fit and write the model without measuring it (the test that the "
                    "shipped model is reproduced)")
    args = ap.parse_args()
    if not all((args.eval_dir / f"{c}.jsonl").is_file() for c in CORPORA) \
            or not args.scorer.is_file():
        print(f"skipped: corpora or scorer not found under {args.eval_dir} / {args.scorer}")
        return 0
    import numpy as np

    from geoincidents.gazetteer import Gazetteer
    from geoincidents.places import Resolver

    gazetteer = Gazetteer.default()

    def resolver_factory(ranker=None):
        return Resolver(gazetteer, ranker=ranker)

    class HandWeighted(Resolver):
        """The hand-weighted scores the ranker replaced (Resolver._best with the document
        context), measured in the same run as the baseline."""

        def _choose(self, mentions, candidates, contexts):
            return [self._best(c, x.countries, x.areas, x.container, x.anchors, m.text)
                    for m, c, x in zip(mentions, candidates, contexts)]

    docs = load_docs(args.eval_dir, args.cache)
    base = resolver_factory()  # features only: the model is never loaded
    data = {}
    for name in CORPORA:
        X, y, groups, total, found = examples(base, docs[name])
        data[name] = (X, y, groups)
        print(f"{name}: {len(docs[name])} docs, {total} gold toponyms with coordinates; "
              f"candidate recall {found / total:.3f} (right entry among the candidates); "
              f"{len(X)} training rows from ambiguous mentions")

    measure = not args.only_fit
    for name in CORPORA if measure else ():
        score(lambda _ranker: HandWeighted(gazetteer), [(docs[name], None)], args.scorer,
              f"baseline: hand-weighted scores on {name} (given spans)")
    # Cross-corpus: tune on one, measure on the other, both directions.
    for train, test in (CORPORA, CORPORA[::-1]) if measure else ():
        model = fit(data[train][0], data[train][1])
        score(resolver_factory, [(docs[test], model)], args.scorer,
              f"cross-corpus {train} -> {test} (given spans)")

    # Document-grouped 5-fold CV over both corpora (folds by document, fixed order).
    items = docs[CORPORA[0]] + docs[CORPORA[1]]
    X = np.asarray(data[CORPORA[0]][0] + data[CORPORA[1]][0], dtype=float)
    y = np.asarray(data[CORPORA[0]][1] + data[CORPORA[1]][1])
    offset = len(docs[CORPORA[0]])
    groups = np.asarray(data[CORPORA[0]][2] + [g + offset for g in data[CORPORA[1]][2]])
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(items))
    fold_of_doc = np.empty(len(items), dtype=int)
    fold_of_doc[order] = np.arange(len(items)) % 5
    runs = {name: [] for name in CORPORA}
    for fold in range(5 if measure else 0):
        train_rows = fold_of_doc[groups] != fold
        model = fit(X[train_rows], y[train_rows])
        runs[CORPORA[0]].append(([items[i] for i in range(offset) if fold_of_doc[i] == fold],
                                 model))
        runs[CORPORA[1]].append(([items[i] for i in range(offset, len(items))
                                  if fold_of_doc[i] == fold], model))
    for name in CORPORA if measure else ():
        score(resolver_factory, runs[name], args.scorer,
              f"5-fold CV (both corpora, grouped by document) on {name} (given spans)")

    model = fit(X, y)
    model["trained_on"] = list(CORPORA)
    for name in CORPORA if measure else ():
        score(resolver_factory, [(docs[name], model)], args.scorer,
              f"shipped model on {name} (in-sample, given spans)")
    if not args.no_write:
        args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0 if math.isfinite(model["baseline"]) else 1


if __name__ == "__main__":
    sys.exit(main())
