"""Benchmark the geoparser on the dev corpora, against spaCy alone, cross-corpus, and its speed.

    python benchmarks/bench_geoparse.py [--eval-dir ../shared/eval] [--out /tmp/geoparse]
                                        [--no-ranker-protocol] [--cache /tmp/ranker-cache]
                                        [--model NAME]

For each corpus (GeoWebNews, LGL) in the eval directory:

* recognition + resolution (``places``) and given-span resolution (``places --given-spans``),
  scored with ``../shared/tools/geoparse_score.py`` (its summary lines are printed);
* the baseline "spaCy sm alone + cities500": the model's GPE/LOC/FAC entities, each placed at
  its most important gazetteer match, scored the same way;
* recognition recall by toponym type where the corpus has types (GeoWebNews), ours and the
  baseline's, so a type on which the rules fall behind spaCy shows;
* the time of ``places`` against spaCy NER alone (``nlp.pipe`` with only tok2vec and ner) on the
  same documents in the same run.

Then the generalisation protocol of the candidate ranker (``benchmarks/train_ranker.py
--no-write``: hand-weighted baseline, cross-corpus in both directions, document-grouped CV) and
one table of the marks. ``--model`` measures another spaCy pipeline (a package or a directory).
Skips cleanly when the corpora are absent (not in this repository:
licence).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_EVAL = HERE.parent.parent / "shared" / "eval"
SCORER = HERE.parent.parent / "shared" / "tools" / "geoparse_score.py"
PUBLISHED = {"GeoWebNews": ".739 F1 (EUPEG best) / 94.1% acc@161 (Mordecai 3)",
             "LGL": ".713 F1 (EUPEG best) / 82.7% acc@161 (Mordecai 3)"}


def scored(scorer: Path, gold: Path, pred: Path, label: str) -> dict:
    """The scorer's JSON result for ``pred``; prints its summary line."""
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    print(f"{label}: {result['summary']}")
    return result


def write_pred(path: Path, docs, places_per_doc) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for d, places in zip(docs, places_per_doc):
            fh.write(json.dumps({"id": d["id"], "places": places}) + "\n")
    return path


def recall_by_type(scorer_module, docs, places_per_doc) -> dict[str, tuple[int, int]]:
    """type -> (gold toponyms overlapped by a prediction, gold toponyms)."""
    hit, total = Counter(), Counter()
    for d, places in zip(docs, places_per_doc):
        gold = d["toponyms"]
        matched = {gi for gi, _ in scorer_module.overlap_pairs(gold, places)}
        for gi, g in enumerate(gold):
            kind = g.get("type")
            if kind:
                total[kind] += 1
                hit[kind] += gi in matched
    return {k: (hit[k], total[k]) for k in total}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--scorer", type=Path, default=SCORER)
    parser.add_argument("--out", type=Path, default=Path("/tmp/geoparse-bench"))
    parser.add_argument("--corpora", nargs="*", default=["GeoWebNews", "LGL"])
    parser.add_argument("--no-ranker-protocol", action="store_true",
                        help="skip the ranker's cross-corpus and CV runs (about 2 minutes)")
    parser.add_argument("--cache", type=Path, help="passed to train_ranker.py")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the bundled)")
    args = parser.parse_args()
    corpora = [args.eval_dir / f"{c}.jsonl" for c in args.corpora]
    if not all(p.is_file() for p in corpora) or not args.scorer.is_file():
        print(f"skipped: corpora or scorer not found under {args.eval_dir} / {args.scorer}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    spec = importlib.util.spec_from_file_location("geoparse_score", args.scorer)
    scorer_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer_module)

    import spacy

    from geoincidents.geoparser import Geoparser
    from geoincidents.mentions import MODEL, load_nlp

    model = args.model or MODEL
    geoparser = Geoparser(model=model)
    gazetteer = geoparser.gazetteer
    ner_only = spacy.load(model, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer",
                                          "senter"])
    rows = {}
    for path in corpora:
        docs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        texts = [d["text"] for d in docs]
        words = sum(len(t.split()) for t in texts)

        t0 = time.perf_counter()
        ner_docs = list(ner_only.pipe(texts, batch_size=64))
        t_ner = time.perf_counter() - t0
        load_nlp(model)  # loaded before timing, as the NER-only model is
        t0 = time.perf_counter()
        predicted = [[p.to_dict() for p in places] for places in geoparser.pipe(texts)]
        t_ours = time.perf_counter() - t0
        given = [[p.to_dict() for p in geoparser.resolve(
            d["text"], [(t["start"], t["end"]) for t in d["toponyms"]])] for d in docs]
        baseline = []
        for doc in ner_docs:
            places = []
            for ent in doc.ents:
                if ent.label_ in ("GPE", "LOC", "FAC"):
                    found = gazetteer.lookup(ent.text)
                    top = found[0] if found else None
                    places.append({"start": ent.start_char, "end": ent.end_char,
                                   "lat": top.lat if top else None,
                                   "lon": top.lon if top else None})
            baseline.append(places)

        name = path.stem
        ours = scored(args.scorer, path, write_pred(args.out / f"{name}.pred.jsonl", docs,
                                                    predicted), f"{name} places")
        res = scored(args.scorer, path, write_pred(args.out / f"{name}.res.jsonl", docs, given),
                     f"{name} places --given-spans")
        base = scored(args.scorer, path, write_pred(args.out / f"{name}.spacy.jsonl", docs,
                                                    baseline), f"{name} spaCy sm alone + cities500")
        types_ours = recall_by_type(scorer_module, docs, predicted)
        types_base = recall_by_type(scorer_module, docs, baseline)
        if types_ours:
            print(f"{name} recognition recall by type (ours vs spaCy alone):")
            for kind, (hit, total) in sorted(types_ours.items(), key=lambda kv: -kv[1][1]):
                b_hit = types_base.get(kind, (0, total))[0]
                flag = "" if hit >= b_hit else "   <- behind spaCy alone"
                print(f"  {kind:<22} n={total:>4}  ours {hit / total:.3f}  "
                      f"spaCy {b_hit / total:.3f}{flag}")
        print(f"{name}: speed over {len(texts)} docs, {words:,} words: spaCy NER alone "
              f"{t_ner:.2f} s ({len(texts) / t_ner:.1f} docs/s); places {t_ours:.2f} s "
              f"({len(texts) / t_ours:.1f} docs/s); ratio {t_ours / t_ner:.2f}x")
        rows[name] = {"f1": ours["recognition"]["overlap"]["f1"],
                      "p": ours["recognition"]["overlap"]["precision"],
                      "r": ours["recognition"]["overlap"]["recall"],
                      "spacy": base["recognition"]["overlap"]["f1"],
                      "acc": res["resolution"]["matched"]["acc161"],
                      "auc": res["resolution"]["matched"]["auc"],
                      "ratio": t_ours / t_ner}

    protocol: dict[str, dict[str, str]] = {}
    if not args.no_ranker_protocol:
        cmd = [sys.executable, str(HERE / "train_ranker.py"), "--no-write",
               "--eval-dir", str(args.eval_dir), "--scorer", str(args.scorer)]
        if args.cache:
            cmd += ["--cache", str(args.cache)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        print(out.rstrip())
        for line in out.splitlines():
            acc = re.search(r"acc161=([\d.]+)", line)
            if not acc:
                continue
            for name in rows:
                if line.startswith("cross-corpus") and line.split(":")[0].endswith(
                        f"-> {name} (given spans)"):
                    protocol.setdefault(name, {})["cross"] = acc.group(1)
                elif line.startswith("5-fold CV") and f"on {name} " in line:
                    protocol.setdefault(name, {})["cv"] = acc.group(1)
                elif line.startswith("baseline") and f"on {name} " in line:
                    protocol.setdefault(name, {})["hand"] = acc.group(1)

    print("\n| corpus | recognition F1 (overlap) P/R | spaCy sm alone + cities500 | "
          "acc@161 gold spans (shipped) | CV | cross-corpus | hand-weighted | AUC | "
          "time vs NER | best published |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        p = protocol.get(name, {})
        print(f"| {name} | {r['f1']:.3f} ({r['p']:.3f}/{r['r']:.3f}) | {r['spacy']:.3f} | "
              f"{r['acc']:.3f} | {p.get('cv', '-')} | {p.get('cross', '-')} | "
              f"{p.get('hand', '-')} | {r['auc']:.3f} | {r['ratio']:.2f}x | "
              f"{PUBLISHED.get(name, '-')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
