"""Benchmark the geoparser on the shared corpora with the standard scorer, and its speed.

    python benchmarks/bench_geoparse.py [--eval-dir ../shared/eval] [--out /tmp/geoparse]
                                        [--model NAME]

For each corpus (GeoWebNews, LGL) in the eval directory: runs recognition + resolution and
given-span resolution, scores both with ``../shared/tools/geoparse_score.py`` (printing its
summary lines), and times ``places`` (``Geoparser.pipe``: the batch path of the CLI) against
spaCy NER alone (``nlp.pipe`` of the same pipeline with only tok2vec and ner) on the same
documents in the same run. ``--model`` measures another spaCy pipeline (a package or a
directory). Skips cleanly when the corpora are absent (they are not part of this repository:
licence).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_EVAL = HERE.parent.parent / "shared" / "eval"
SCORER = HERE.parent.parent / "shared" / "tools" / "geoparse_score.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--scorer", type=Path, default=SCORER)
    parser.add_argument("--out", type=Path, default=Path("/tmp/geoparse-bench"))
    parser.add_argument("--corpora", nargs="*", default=["GeoWebNews", "LGL"])
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the bundled)")
    args = parser.parse_args()
    corpora = [args.eval_dir / f"{c}.jsonl" for c in args.corpora]
    if not all(p.is_file() for p in corpora) or not args.scorer.is_file():
        print(f"skipped: corpora or scorer not found under {args.eval_dir} / {args.scorer}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)

    from geoincidents.geoparser import Geoparser
    from geoincidents.mentions import MODEL, load_nlp

    model = args.model or MODEL
    geoparser = Geoparser(model=model)
    for path in corpora:
        docs = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        texts = [d["text"] for d in docs]
        words = sum(len(t.split()) for t in texts)

        import spacy

        ner_only = spacy.load(model, exclude=["parser", "tagger", "attribute_ruler",
                                              "lemmatizer", "senter"])
        t0 = time.perf_counter()
        for _ in ner_only.pipe(texts, batch_size=64):
            pass
        t_ner = time.perf_counter() - t0

        load_nlp(model)  # loaded before timing, as the NER-only model is
        t0 = time.perf_counter()
        predicted = list(geoparser.pipe(texts))
        t_ours = time.perf_counter() - t0
        given = [geoparser.resolve(d["text"], [(t["start"], t["end"]) for t in d["toponyms"]])
                 for d in docs]

        for mode, results in (("pred", predicted), ("res", given)):
            out = args.out / f"{path.stem}.{mode}.jsonl"
            with out.open("w", encoding="utf-8") as fh:
                for d, places in zip(docs, results):
                    fh.write(json.dumps({"id": d["id"], "places": [p.to_dict() for p in places]})
                             + "\n")
            label = "recognition+resolution" if mode == "pred" else "given spans (resolution)"
            print(f"== {path.stem}: {label}")
            report = subprocess.run([sys.executable, str(args.scorer), str(path), str(out)],
                                    capture_output=True, text=True, check=True).stdout
            print(report.rstrip())
        print(f"== {path.stem}: speed over {len(texts)} docs, {words:,} words")
        print(f"spaCy NER alone: {t_ner:.2f} s ({len(texts) / t_ner:.1f} docs/s); "
              f"places: {t_ours:.2f} s ({len(texts) / t_ours:.1f} docs/s); "
              f"ratio {t_ours / t_ner:.2f}x the NER-only time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
