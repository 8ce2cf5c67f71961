"""A generator of bad inputs for every ``geoincidents`` command (used by test_bad_inputs.py).

``generate(root)`` writes the input files into ``root`` and returns one :class:`Case` per run:
the arguments after ``geoincidents``, the bytes for standard input, the exit codes the README
allows and the output paths to inspect afterwards. Each case writes its outputs into its own
directory ``root/out/<case id>``, so cases can run concurrently. The two big inputs (a 50 MB text
file and a FeatureCollection of 100,000 points) are written only when a case needs them
(``Case.setup``), so collecting the tests stays cheap.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SENTENCE = ("Russian drones entered Polish airspace near Rzeszow on Wednesday, officials in "
            "Warsaw said. ")
ARTICLE = "WARSAW, Sept 10 (Reuters) - " + SENTENCE * 3
BAD_DATES = ("2025-02-30", "2025-13-01", "yesterday", "2025-02-29", "2025-00-10", "0000-01-01",
             "", "2025/09/10")
BAD_NUMBERS = ("91", "-90.0001", "nan", "NaN", "inf", "-inf", "1e999", "abc", "", " ", "0x10",
               "1,5", "--")
TEXT_CMDS = ("places", "extract", "map")

CHECK_OK = frozenset({0})
FILE_ERR = frozenset({1})
ARG_ERR = frozenset({2})


@dataclass
class Case:
    """One run of the CLI on a bad input."""

    id: str
    argv: list[str]
    stdin: bytes | None
    expect: set[int]
    outputs: list[Path]
    cls: str = ""
    slow: bool = False
    timeout: float = 120.0
    stdout_kind: str | None = None  # "jsonl", "geojson", "csv", "json": parse stdout on exit 0
    skip: str | None = None
    setup: Callable[[], None] | None = field(default=None, repr=False)
    # Outputs of an earlier good run, written before the case runs: they must come out
    # byte-identical, and the error must name one of them (path -> contents).
    kept: dict[Path, bytes] = field(default_factory=dict, repr=False)


class _Builder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.inp = root / "in"
        self.inp.mkdir(parents=True, exist_ok=True)
        (root / "out").mkdir(exist_ok=True)
        self.cases: list[Case] = []
        self.rng = random.Random(20250910)

    # -- inputs ---------------------------------------------------------------------------------
    def file(self, name: str, data: bytes | str) -> Path:
        path = self.inp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def jsonl(self, name: str, *lines: bytes | str | dict) -> Path:
        raw = b"".join((json.dumps(x).encode() if isinstance(x, dict) else
                        x.encode() if isinstance(x, str) else x) + b"\n" for x in lines)
        return self.file(name, raw)

    def outdir(self, cid: str) -> Path:
        path = self.root / "out" / cid
        path.mkdir(parents=True, exist_ok=True)
        return path

    # -- cases ----------------------------------------------------------------------------------
    def add(self, cls: str, cid: str, argv: list, expect, *, stdin: bytes | None = None,
            outputs: list[Path] | None = None, **kw) -> Case:
        cid = f"{cls}-{cid}"
        if any(c.id == cid for c in self.cases):
            raise ValueError(f"duplicate case id {cid}")
        case = Case(cid, [str(a) for a in argv], stdin, set(expect), outputs or [], cls=cls,
                    **kw)
        self.cases.append(case)
        return case

    def text_cmd(self, cls: str, cid: str, cmd: str, inputs: list, expect, *,
                 to_file: bool = True, extra: list | None = None,
                 outputs_extra: list[Path] | None = None, **kw) -> Case:
        """places/extract (-o FILE or stdout) or map (-o DIR, GeoJSON only to stay fast)."""
        cid = f"{cid}-{cmd}"
        case = self._text_cmd(cls, cid, cmd, inputs, expect, to_file, extra, **kw)
        case.outputs += outputs_extra or []
        return case

    def _text_cmd(self, cls, cid, cmd, inputs, expect, to_file, extra, **kw) -> Case:
        extra = [str(a) for a in extra or []]
        out = self.outdir(f"{cls}-{cid}")
        if cmd == "map":
            fmt = [] if "--format" in extra else ["--format", "geojson"]
            return self.add(cls, cid, ["map", *inputs, "-o", out, *fmt, *extra], expect,
                            outputs=[out], **kw)
        suffix = ".jsonl" if cmd == "places" else ".geojson"
        kind = "jsonl" if cmd == "places" else "geojson"
        if to_file:
            target = out / f"result{suffix}"
            return self.add(cls, cid, [cmd, *inputs, "-o", target, *extra], expect,
                            outputs=[target], **kw)
        return self.add(cls, cid, [cmd, *inputs, *extra], expect, stdout_kind=kind, **kw)

    def all_text(self, cls: str, cid: str, inputs: list, expect, *, skip_variant: bool = False,
                 stdin: bytes | None = None, **kw) -> None:
        for i, cmd in enumerate(TEXT_CMDS):
            self.text_cmd(cls, cid, cmd, inputs, expect, to_file=i % 2 == 0, stdin=stdin, **kw)
        if skip_variant:
            for cmd in ("places", "extract"):
                self.text_cmd(cls, f"{cid}-failfast", cmd, inputs, FILE_ERR, stdin=stdin,
                              extra=["--fail-fast"], **kw)

    def points(self, cls: str, cid: str, path: Path, expect, *, suffix: str = ".csv",
               extra: list | None = None, **kw) -> Case:
        out = self.outdir(f"{cls}-{cid}") / f"checked{suffix}"
        return self.add(cls, cid, ["check", "--points", path, "-o", out, *(extra or [])],
                        expect, outputs=[out], **kw)


def _png_bytes(rng: random.Random, n: int = 4096) -> bytes:
    return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06"
            + rng.randbytes(n))


def _write_big_text(path: Path, size: int = 50 * 1024 * 1024) -> Callable[[], None]:
    def setup() -> None:
        if path.exists() and path.stat().st_size >= size:
            return
        chunk = (SENTENCE * 1000).encode()
        with open(path, "wb") as fh:
            for _ in range(size // len(chunk) + 1):
                fh.write(chunk)
    return setup


def _write_many_points(path: Path, n: int = 100_000) -> Callable[[], None]:
    def setup() -> None:
        if path.exists():
            return
        tmpl = ('{"type":"Feature","geometry":{"type":"Point","coordinates":[%.1f,%.1f]},'
                '"properties":{"i":%d}}')
        with open(path, "w") as fh:
            fh.write('{"type":"FeatureCollection","features":[')
            for start in range(0, n, 100_000):
                fh.write(("," if start else "") + ",".join(
                    tmpl % (i % 359 - 179.5, i % 179 - 89.5, i)
                    for i in range(start, min(n, start + 100_000))))
            fh.write("]}\n")
    return setup


def generate(root: Path) -> list[Case]:
    """Write the bad inputs into ``root`` and return the cases (at least 200)."""
    b = _Builder(Path(root))
    good = b.file("good.txt", ARTICLE)
    regular = b.file("file.txt", ARTICLE)
    good_csv = b.file("good.csv", "id,lat,lon\na,54.9,18.5\n")
    _empty_and_whitespace(b)
    _binary_and_encodings(b)
    _big_and_long(b)
    _jsonl(b, good)
    _csv(b)
    _coordinates(b)
    _geojson(b)
    _dates(b, good, good_csv)
    _unreadable(b, regular, good_csv)
    _outputs(b, good, regular, good_csv)
    _kept_outputs(b, good_csv)
    _formats_and_options(b, good, good_csv)
    return b.cases


# Earlier good outputs, by suffix: what a user had before a run that had nothing to write.
_EARLIER = {
    ".jsonl": b'{"id": "earlier", "places": []}\n',
    ".geojson": (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                 b'{"type": "Point", "coordinates": [21.0, 52.2]}, "properties": {}}]}\n'),
    ".gpkg": b"SQLite format 3\x00 an earlier GeoPackage",
    ".parquet": b"PAR1 an earlier GeoParquet PAR1",
    ".html": b"<!DOCTYPE html><html><body>an earlier map</body></html>\n",
    ".png": _png_bytes(random.Random(7), 256) + b"IEND\xaeB`\x82",
    ".csv": b"lat,lon,country_iso3\n54.9,18.5,POL\n",
}


def _kept_outputs(b: _Builder, good_csv: Path) -> None:
    """A run that processes nothing (only bad inputs, a missing path, an empty directory)
    must leave an earlier output byte-identical, for every command and output format."""
    cls = "kept"
    bad = b.file("kept_bad.txt", b"\x00\x01binary")
    empty_dir = b.inp / "kept_empty_dir"
    empty_dir.mkdir(exist_ok=True)
    variants = {"binary": bad, "missing": b.inp / "kept_missing.txt", "empty-dir": empty_dir}

    def case(cid: str, argv: list, kept: list[Path], expect=FILE_ERR) -> None:
        def setup(files=tuple(kept)) -> None:
            for path in files:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(_EARLIER[path.suffix])

        c = b.add(cls, cid, argv, expect, outputs=[], setup=setup)
        c.kept = {path: _EARLIER[path.suffix] for path in kept}

    for name, source in variants.items():
        for cmd, suffix in (("places", ".jsonl"), ("extract", ".geojson"),
                            ("extract", ".gpkg"), ("extract", ".parquet")):
            out = b.outdir(f"{cls}-{name}-{cmd}{suffix}") / f"result{suffix}"
            case(f"{name}-{cmd}{suffix}", [cmd, source, "-o", out], [out])
        out = b.outdir(f"{cls}-{name}-map")
        stem = Path(source).stem
        case(f"{name}-map", ["map", source, "-o", out],
             [out / f"{stem}.{ext}" for ext in ("html", "geojson", "png")])
        out = b.outdir(f"{cls}-{name}-map-combine")
        case(f"{name}-map-combine", ["map", source, "-o", out, "--combine", "all"],
             [out / f"all.{ext}" for ext in ("html", "geojson", "png")])
    no_points = b.file("kept_header_only.csv", "lat,lon\n")
    bad_rows = b.file("kept_bad_rows.csv", "lat,lon\n95,18.5\nabc,1\n")
    for suffix in (".csv", ".geojson"):
        for name, source, expect in (("no-points", no_points, FILE_ERR),
                                     ("bad-rows", bad_rows, FILE_ERR),
                                     ("missing", b.inp / "kept_missing.csv", {1, 2})):
            out = b.outdir(f"{cls}-check-{name}{suffix}") / f"checked{suffix}"
            case(f"check-{name}{suffix}", ["check", "--points", source, "-o", out], [out],
                 expect)


def _empty_and_whitespace(b: _Builder) -> None:
    # An empty document has no places: a result (exit 0) or a clear refusal (1) are both fine.
    either = {0, 1}
    b.all_text("empty", "file", [b.file("empty.txt", b"")], either)
    b.all_text("empty", "jsonl", [b.file("empty.jsonl", b"")], either)
    empty_dir = b.inp / "empty_dir"
    empty_dir.mkdir()
    b.all_text("empty", "dir", [empty_dir], either)
    nontxt = b.inp / "dir_without_txt"
    nontxt.mkdir()
    (nontxt / "story.md").write_text(ARTICLE)
    b.text_cmd("empty", "dir-no-txt", "places", [nontxt], either)
    b.all_text("empty", "stdin", ["-"], either, stdin=b"")
    b.all_text("empty", "jsonl-text", [b.jsonl("empty_text.jsonl", {"id": "a", "text": ""})],
               either)
    b.text_cmd("empty", "devnull", "places", ["/dev/null"], either)
    b.points("empty", "csv", b.file("empty.csv", b""), FILE_ERR)
    b.points("empty", "geojson", b.file("empty.geojson", b""), FILE_ERR, suffix=".geojson")
    # No point to check: nothing is written (an existing output would be kept).
    b.points("empty", "csv-header-only", b.file("header_only.csv", "lat,lon\n"), FILE_ERR)

    ws = "whitespace"
    b.all_text(ws, "spaces", [b.file("ws.txt", " \n\t\r\n   \n")], either)
    b.all_text(ws, "unicode", [b.file("ws_unicode.txt", "\u00a0\u2003\u3000\n\u200b\n")],
               either)
    b.all_text(ws, "jsonl-blank-lines", [b.file("ws.jsonl", b"\n   \n\t\n")], either)
    b.all_text(ws, "jsonl-text", [b.jsonl("ws_text.jsonl", {"id": "w", "text": " \n\t "})],
               either)
    b.all_text(ws, "stdin", ["-"], either, stdin=b"   \n\n")
    b.points(ws, "csv", b.file("ws.csv", " \n \n"), FILE_ERR)
    b.points(ws, "geojson", b.file("ws.geojson", " \n "), FILE_ERR, suffix=".geojson")


def _binary_and_encodings(b: _Builder) -> None:
    rng = b.rng
    png = b.file("image.txt", _png_bytes(rng))
    gz = b.file("archive.txt", gzip.compress(ARTICLE.encode() * 20, mtime=0))
    b.all_text("binary", "png", [png], FILE_ERR, skip_variant=True)
    b.all_text("binary", "gzip", [gz], FILE_ERR, skip_variant=True)
    b.all_text("binary", "random", [b.file("random.bin", rng.randbytes(8192))], FILE_ERR)
    b.all_text("binary", "stdin-gzip", ["-"], FILE_ERR,
               stdin=gzip.compress(ARTICLE.encode(), mtime=0))
    bin_dir = b.inp / "dir_with_binary"
    bin_dir.mkdir()
    (bin_dir / "a_good.txt").write_text(ARTICLE)
    (bin_dir / "b_image.txt").write_bytes(_png_bytes(rng, 256))
    b.all_text("binary", "in-dir", [bin_dir], FILE_ERR, skip_variant=True)
    b.all_text("binary", "jsonl", [b.file("binary.jsonl", _png_bytes(rng, 2048))], FILE_ERR)
    b.points("binary", "png-csv", b.file("image.csv", _png_bytes(rng)), FILE_ERR)
    b.points("binary", "gzip-csv", b.file("points.csv.gz.csv", gzip.compress(
        b"lat,lon\n54.9,18.5\n" * 100, mtime=0)), FILE_ERR)
    b.points("binary", "png-geojson", b.file("image.geojson", _png_bytes(rng)), FILE_ERR,
             suffix=".geojson")

    nul = ARTICLE.encode()
    b.all_text("nul", "middle", [b.file("nul.txt", nul[:40] + b"\x00" + nul[40:])], FILE_ERR,
               skip_variant=True)
    b.all_text("nul", "end", [b.file("nul_end.txt", nul + b"\x00")], FILE_ERR)
    b.all_text("nul", "stdin", ["-"], FILE_ERR, stdin=b"Drones\x00over Poland")
    b.all_text("nul", "jsonl-raw", [b.file("nul.jsonl", b'{"id": "n", "text": "a\x00b"}\n')],
               FILE_ERR)
    # An escaped NUL inside a JSON string is valid JSON: the document is readable.
    b.all_text("nul", "jsonl-escaped",
               [b.jsonl("nul_escaped.jsonl", {"id": "n", "text": ARTICLE[:50] + "\u0000x"})],
               {0})
    b.points("nul", "csv", b.file("nul.csv", b"lat,lon\n54.9,18\x005\n"), FILE_ERR)

    ok = {0}  # README: undecodable bytes are replaced with U+FFFD and a warning names the file
    bad8 = "bad_utf8"
    b.all_text(bad8, "latin1", [b.file("latin1.txt", ARTICLE.replace("Rzeszow", "Rzeszów")
                                       .encode("latin-1"))], ok)
    b.all_text(bad8, "truncated-multibyte", [b.file("trunc8.txt", ARTICLE.encode() + b"\xc5")],
               ok)
    b.all_text(bad8, "lone-continuation", [b.file("cont.txt", b"\x80\x80" + ARTICLE.encode())],
               ok)
    b.all_text(bad8, "surrogate", [b.file("surr.txt", ARTICLE.encode() + b"\xed\xa0\x80")], ok)
    b.all_text(bad8, "overlong", [b.file("overlong.txt", b"\xc0\xaf" + ARTICLE.encode())], ok)
    b.all_text(bad8, "stdin", ["-"], ok, stdin=b"\xff\xfe\xfd " + ARTICLE.encode())
    b.all_text(bad8, "jsonl", [b.file("bad8.jsonl", b'{"id": "x", "text": "Warsaw \xff\xfe"}\n')],
               ok)
    b.points(bad8, "csv", b.file("bad8.csv", b"lat,lon,name\n54.9,18.5,Gda\xf1sk\n"), FILE_ERR)
    b.points(bad8, "geojson", b.file("bad8.geojson", b'{"type": "\xff"}'), FILE_ERR,
             suffix=".geojson")

    u16 = "utf16"
    le = ARTICLE.encode("utf-16")  # with BOM
    be = b"\xfe\xff" + ARTICLE.encode("utf-16-be")
    b.all_text(u16, "le-bom", [b.file("u16le.txt", le)], ok)
    b.all_text(u16, "be-bom", [b.file("u16be.txt", be)], ok)
    b.all_text(u16, "le-truncated", [b.file("u16le_trunc.txt", le[:-1])], FILE_ERR,
               skip_variant=True)
    b.all_text(u16, "be-truncated", [b.file("u16be_trunc.txt", be[:-1])], FILE_ERR)
    b.all_text(u16, "lone-surrogate", [b.file("u16surr.txt", le + b"\x00\xd8")], FILE_ERR)
    b.all_text(u16, "no-bom", [b.file("u16nobom.txt", ARTICLE.encode("utf-16-le"))], FILE_ERR)
    b.all_text(u16, "stdin", ["-"], ok, stdin=le)
    b.text_cmd(u16, "utf32-bom", "places", [b.file("u32.txt", ARTICLE.encode("utf-32"))],
               {0, 1})
    b.all_text(u16, "jsonl", [b.file("u16.jsonl", json.dumps(
        {"id": "u", "text": ARTICLE}).encode("utf-16") + "\n".encode("utf-16-le"))], {0, 1})
    b.points(u16, "csv", b.file("u16.csv", "lat,lon\n54.9,18.5\n".encode("utf-16")), {0, 1})
    b.points(u16, "geojson", b.file("u16.geojson", json.dumps(
        {"type": "FeatureCollection", "features": []}).encode("utf-16")), {0, 1},
        suffix=".geojson")


def _big_and_long(b: _Builder) -> None:
    big = b.inp / "big50mb.txt"
    setup = _write_big_text(big)
    # README: long documents are processed in pieces of 100,000 characters in bounded memory, so
    # a 50 MB file must either finish or stop with a clear error/limit message within the budget.
    for cmd in TEXT_CMDS:
        b.text_cmd("big_text", "50mb", cmd, [big], {0, 1}, slow=True, setup=setup,
                   timeout=150.0)
    # A text file given as --points is read as CSV and refused at the header.
    b.points("big_text", "50mb-as-points", big, FILE_ERR, setup=setup, slow=True)

    line = (SENTENCE.strip() + " ") * (10 * 1024 * 1024 // len(SENTENCE))
    long_txt = b.file("line10mb.txt", line)
    for cmd in TEXT_CMDS:
        b.text_cmd("long_line", "10mb", cmd, [long_txt], {0, 1}, slow=True, timeout=120.0)
    b.text_cmd("long_line", "jsonl-10mb", "places",
               [b.jsonl("line10mb.jsonl", {"id": "long", "text": line})], {0, 1}, slow=True)
    b.points("long_line", "csv-field", b.file("longfield.csv", "lat,lon,note\n54.9,18.5,"
                                              + "x" * (10 * 1024 * 1024) + "\n"), FILE_ERR)
    b.points("long_line", "csv-header", b.file("longheader.csv", "lat,lon," + "h" * 10_000_000
                                               + "\n54.9,18.5,1\n"), {0, 1})
    b.points("long_line", "csv-no-newline", b.file("longline.csv", "lat,lon\n"
                                                   + "54.9," * 2_000_000), FILE_ERR)


def _jsonl(b: _Builder, good: Path) -> None:
    ok_line = {"id": "ok", "text": ARTICLE, "published": "2025-09-10"}
    bad_lines: dict[str, bytes | str | dict] = {
        "truncated": '{"id": "t", "text": "Drones over Pol',
        "id-list": {"id": ["a"], "text": ARTICLE},
        "id-dict": {"id": {"a": 1}, "text": ARTICLE},
        "id-bool": {"id": True, "text": ARTICLE},
        "id-null": {"id": None, "text": ARTICLE},
        "id-float": {"id": 1.5, "text": ARTICLE},
        "id-empty": {"id": "", "text": ARTICLE},
        "text-missing": {"id": "m"},
        "text-number": {"id": "n", "text": 42},
        "text-null": {"id": "n", "text": None},
        "text-list": {"id": "n", "text": [ARTICLE]},
        "published-number": {"id": "p", "text": ARTICLE, "published": 20250910},
        "published-list": {"id": "p", "text": ARTICLE, "published": ["2025-09-10"]},
        "published-bool": {"id": "p", "text": ARTICLE, "published": True},
        "array": json.dumps([ok_line]),
        "string": '"just a string"',
        "number": "12345",
        "null": "null",
        "trailing-garbage": json.dumps(ok_line) + " garbage",
        "two-objects": json.dumps(ok_line) + json.dumps(ok_line),
        "nan-literal": '{"id": NaN, "text": "x"}',
        "single-quotes": "{'id': 'a', 'text': 'b'}",
        "deep-nesting": '{"id": "d", "text": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}",
    }
    for name, line in bad_lines.items():
        path = b.jsonl(f"bad_{name}.jsonl", ok_line, line)
        for cmd in ("places", "extract"):
            b.text_cmd("jsonl", name, cmd, [path], FILE_ERR, to_file=cmd == "places")
        if name in ("truncated", "id-list", "text-missing", "array", "deep-nesting"):
            b.text_cmd("jsonl", name, "map", [path], FILE_ERR)
            b.text_cmd("jsonl", f"{name}-failfast", "places", [path], FILE_ERR,
                       extra=["--fail-fast"])
            errs = b.outdir(f"jsonl-{name}-errors") / "errors.jsonl"
            b.text_cmd("jsonl", f"{name}-errors", "extract", [path, good], FILE_ERR,
                       extra=["--errors", errs], outputs_extra=[errs])
    # A UTF-8 byte-order mark at the start of a later line is tolerated (utf-8-sig).
    bom = b.jsonl("bom_mid.jsonl", ok_line, b"\xef\xbb\xbf" + json.dumps(ok_line).encode())
    b.text_cmd("jsonl", "bom-mid-file", "places", [bom], {0})
    crlf = b.file("crlf.jsonl", (json.dumps(ok_line) + "\r\n") * 2)
    b.text_cmd("jsonl", "crlf", "places", [crlf], {0})
    b.text_cmd("jsonl", "ndjson-truncated", "places",
               [b.file("bad.ndjson", '{"id": "a", "text": ')], FILE_ERR)
    b.text_cmd("jsonl", "duplicate-ids", "map", [b.jsonl("dup.jsonl", ok_line, ok_line)],
               {0, 1}, extra=["--no-clobber"])
    for name, doc_id in (("id-traversal", "../../escape"), ("id-slash", "a/b\\c"),
                         ("id-dots", ".."), ("id-very-long", "x" * 1000),
                         ("id-control", "a\nb\x00c")):
        b.text_cmd("jsonl", name, "map",
                   [b.jsonl(f"{name}.jsonl", {"id": doc_id, "text": ARTICLE})], {0, 1})
    spans = {
        "spans-not-list": "abc",
        "spans-missing-start": [{"end": 5}],
        "spans-strings": [{"start": "a", "end": "b"}],
        "spans-out-of-range": [{"start": 10_000, "end": 10_010}],
        "spans-reversed": [{"start": 20, "end": 5}],
        "spans-negative": [{"start": -5, "end": -1}],
        "spans-floats": [{"start": 1.5, "end": 7.25}],
        "spans-entry-not-object": [[0, 6]],
    }
    for name, toponyms in spans.items():
        path = b.jsonl(f"{name}.jsonl", {"id": "s", "text": ARTICLE, "toponyms": toponyms})
        b.text_cmd("jsonl", name, "places", [path], FILE_ERR, extra=["--given-spans"])


def _csv(b: _Builder) -> None:
    cls = "csv_columns"
    variants = {
        "no-lat": ("name,lon\na,18.5\n", FILE_ERR),
        "no-lon": ("lat,name\n54.9,a\n", FILE_ERR),
        "single-column": ("lat\n54.9\n", FILE_ERR),
        "missing-field": ("lat,lon,date\n54.9,18.5\n", FILE_ERR),
        "extra-field": ("lat,lon\n54.9,18.5,2025-09-10\n", FILE_ERR),
        "extra-field-later": ("lat,lon\n54.9,18.5\n" * 3 + "1,2,3\n", FILE_ERR),
        "unterminated-quote": ('lat,lon,name\n54.9,18.5,"Gdansk\n', FILE_ERR),
        "header-blank-first": ("\nlat,lon\n54.9,18.5\n", {0, 1}),
        "semicolon": ("lat;lon\n54.9;18.5\n", CHECK_OK),
        "tab": ("lat\tlon\n54.9\t18.5\n", CHECK_OK),
        "comma-decimal-semicolon": ("lat;lon\n54,9;18,5\n", FILE_ERR),
        "duplicate-header": ("lat,lat,lon\n54.9,1,18.5\n", {0, 1}),
        "utf8-bom": ("\ufefflat,lon\n54.9,18.5\n", CHECK_OK),
        "verdict-columns-present": ("lat,lon,country_iso3\n54.9,18.5,XXX\n", CHECK_OK),
        "only-newlines-after-header": ("lat,lon\n\n\n\n", FILE_ERR),
        "header-no-newline": ("lat,lon", FILE_ERR),
        "quoted-newline-in-field": ('lat,lon,name\n54.9,18.5,"a\nb"\n', CHECK_OK),
    }
    for name, (text, expect) in variants.items():
        path = b.file(f"csv_{name}.csv", text)
        b.points(cls, name, path, expect)
        if name in ("missing-field", "extra-field", "no-lat"):
            b.points(cls, f"{name}-to-geojson", path, expect, suffix=".geojson")
            b.add(cls, f"{name}-stdout", ["check", "--points", path], expect, stdout_kind="csv")


def _coordinates(b: _Builder) -> None:
    cls = "coordinates"
    for k, bad in enumerate(BAD_NUMBERS):
        slug = f"{k:02d}"
        lat_csv = b.file(f"coord_lat_{slug}.csv", f'lat,lon\n"{bad}",18.5\n')
        b.points(cls, f"csv-lat-{slug}", lat_csv, FILE_ERR)
        lon = {"91": "181", "-90.0001": "-180.0001"}.get(bad, bad)
        lon_csv = b.file(f"coord_lon_{slug}.csv", f'lat,lon\n54.9,"{lon}"\n')
        b.points(cls, f"csv-lon-{slug}", lon_csv, FILE_ERR)
        b.add(cls, f"arg-lat-{slug}", ["check", "--", bad, "18.5"], ARG_ERR)
        b.add(cls, f"arg-lon-{slug}", ["check", "--", "54.9", lon], ARG_ERR)
    b.add(cls, "arg-lon-negative-inf", ["check", "54.9", "-inf"], ARG_ERR)
    b.add(cls, "arg-lat-negative-nan", ["check", "-nan", "18.5"], ARG_ERR)
    b.add(cls, "arg-lat-json", ["check", "--json", "--", "-91", "0"], ARG_ERR)
    b.add(cls, "arg-lat-huge-digits", ["check", "5" * 5000, "0"], ARG_ERR)
    b.points(cls, "csv-later-row", b.file("coord_later.csv", "lat,lon\n54.9,18.5\n" * 60_000
                                          + "95,18.5\n"), FILE_ERR)
    b.points(cls, "csv-empty-cells", b.file("coord_empty.csv", "lat,lon\n,\n"), {0, 1})
    geo_bad = {
        "strings": ["18.5", "54.9"],
        "null": None,
        "bool": [True, False],
        "one-number": [18.5],
        "empty-list": [],
        "nested": [[18.5, 54.9]],
        "lat-out-of-range": [18.5, 95.0],
        "lon-out-of-range": [200.0, 54.9],
        "object": {"lon": 18.5, "lat": 54.9},
    }
    for name, coords in geo_bad.items():
        doc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": coords},
             "properties": {}}]}
        expect = {0, 1} if name == "strings" else FILE_ERR
        b.points(cls, f"geojson-{name}", b.file(f"coord_{name}.geojson", json.dumps(doc)),
                 expect, suffix=".geojson")
    for name, literal in (("nan", "NaN"), ("infinity", "Infinity"), ("1e400", "1e400")):
        text = ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                f'{{"type": "Point", "coordinates": [{literal}, 54.9]}}, "properties": {{}}}}]}}')
        b.points(cls, f"geojson-{name}", b.file(f"coord_lit_{name}.geojson", text), FILE_ERR,
                 suffix=".geojson")


def _feature(geometry, props=None) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": props or {}}


def _fc(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _geojson(b: _Builder) -> None:
    cls = "geojson"
    point = {"type": "Point", "coordinates": [18.5, 54.9]}
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]}
    docs: dict[str, tuple[str, set[int]]] = {
        "not-json": ("this is not json", FILE_ERR),
        "truncated": (json.dumps(_fc(_feature(point)))[:-5], FILE_ERR),
        "trailing-garbage": (json.dumps(_fc(_feature(point))) + " xyz", FILE_ERR),
        "top-array": (json.dumps([_feature(point)]), FILE_ERR),
        "top-string": ('"FeatureCollection"', FILE_ERR),
        "top-null": ("null", FILE_ERR),
        "bare-geometry": (json.dumps(point), FILE_ERR),
        "wrong-type": (json.dumps({"type": "Topology", "features": []}), FILE_ERR),
        "no-type": (json.dumps({"features": [_feature(point)]}), FILE_ERR),
        "linestring": (json.dumps(_fc(_feature(
            {"type": "LineString", "coordinates": [[18, 54], [19, 55]]}))), FILE_ERR),
        "self-intersecting-polygon": (json.dumps(_fc(_feature(bowtie))), FILE_ERR),
        "multipoint": (json.dumps(_fc(_feature(
            {"type": "MultiPoint", "coordinates": [[18, 54]]}))), FILE_ERR),
        "geometry-collection": (json.dumps(_fc(_feature(
            {"type": "GeometryCollection", "geometries": [point]}))), FILE_ERR),
        "geometry-null": (json.dumps(_fc(_feature(None))), FILE_ERR),
        "empty-collection": (json.dumps(_fc()), FILE_ERR),
        "features-null": (json.dumps({"type": "FeatureCollection", "features": None}),
                          FILE_ERR),
        "features-object": (json.dumps({"type": "FeatureCollection", "features": {}}),
                             FILE_ERR),
        "feature-string": (json.dumps(_fc("feature")), FILE_ERR),
        "properties-list": (json.dumps(_fc({"type": "Feature", "geometry": point,
                                            "properties": [1, 2]})), FILE_ERR),
        "second-feature-bad": (json.dumps(_fc(_feature(point), _feature(bowtie))), FILE_ERR),
        "deep-nesting": ('{"type": "FeatureCollection", "features": ' + "[" * 200_000
                         + "]" * 200_000 + "}", FILE_ERR),
        "single-feature": (json.dumps(_feature(point, {"name": "Gdansk"})), CHECK_OK),
    }
    for name, (text, expect) in docs.items():
        path = b.file(f"geo_{name}.geojson", text)
        b.points(cls, name, path, expect, suffix=".geojson")
        if name in ("not-json", "linestring", "empty-collection", "deep-nesting"):
            b.points(cls, f"{name}-to-csv", path, expect, suffix=".csv")
            b.add(cls, f"{name}-stdout", ["check", "--points", path], expect,
                  stdout_kind="geojson")
    b.points(cls, "csv-as-json", b.file("points_csv.json", "lat,lon\n54.9,18.5\n"), FILE_ERR,
             suffix=".geojson")
    # A big FeatureCollection (read whole: it is one JSON document). 100,000 points take
    # ~6 s here, far inside the time budget on a loaded machine; the 1,000,000-point size is
    # measured by `benchmarks/bench_points.py --geojson --points 1000000` instead.
    big = b.inp / "points_100k.geojson"
    setup = _write_many_points(big)
    b.points(cls, "many-points", big, CHECK_OK, suffix=".csv", slow=True, setup=setup,
             timeout=180.0)


def _dates(b: _Builder, good: Path, good_csv: Path) -> None:
    cls = "dates"
    for k, bad in enumerate(BAD_DATES):
        slug = f"{k:02d}"
        b.add(cls, f"check-date-{slug}", ["check", "54.9", "18.5", "--date", bad], ARG_ERR)
        b.points(cls, f"points-date-{slug}", good_csv, ARG_ERR, extra=["--date", bad])
        for cmd in ("extract", "map"):
            b.text_cmd(cls, f"published-{slug}", cmd, [good], ARG_ERR,
                       extra=["--published", bad])
        if bad:
            csv_path = b.file(f"date_{slug}.csv", f"lat,lon,date\n54.9,18.5,{bad}\n")
            b.points(cls, f"csv-{slug}", csv_path, FILE_ERR)
            geo = b.file(f"date_{slug}.geojson", json.dumps(_fc(_feature(
                {"type": "Point", "coordinates": [18.5, 54.9]}, {"date": bad}))))
            b.points(cls, f"geojson-{slug}", geo, FILE_ERR, suffix=".geojson")
            jl = b.jsonl(f"date_{slug}.jsonl", {"id": "d", "text": ARTICLE, "published": bad})
            # A malformed line is exit 1; "an impossible date exits 2" also fits the README.
            b.text_cmd(cls, f"jsonl-{slug}", "extract", [jl], {1, 2})
    contradict = b.jsonl("dated.jsonl", {"id": "d", "text": ARTICLE, "published": "2025-09-10"})
    b.text_cmd(cls, "published-contradicts", "extract", [contradict], ARG_ERR,
               extra=["--published", "2025-09-12"])
    b.text_cmd(cls, "published-contradicts", "map", [contradict], ARG_ERR,
               extra=["--published", "2025-09-12"])
    b.add(cls, "check-date-missing-value", ["check", "54.9", "18.5", "--date"], ARG_ERR)
    b.add(cls, "check-date-far-future", ["check", "54.9", "18.5", "--date", "9999-12-31"],
          CHECK_OK)
    b.add(cls, "check-date-year-1", ["check", "54.9", "18.5", "--date", "0001-01-01", "--json"],
          CHECK_OK, stdout_kind="json")


def _unreadable(b: _Builder, regular: Path, good_csv: Path) -> None:
    cls = "unreadable"
    through_file = regular / "x"
    b.all_text(cls, "through-file", [through_file], {1, 2})
    b.all_text(cls, "through-file-jsonl", [regular / "x.jsonl"], {1, 2})
    b.all_text(cls, "missing", [b.inp / "does_not_exist.txt"], {1, 2})
    b.text_cmd(cls, "missing-failfast", "places", [b.inp / "nope.txt"], {1, 2},
               extra=["--fail-fast"])
    b.points(cls, "points-through-file", through_file, ARG_ERR)
    b.points(cls, "points-missing", b.inp / "nope.csv", ARG_ERR)
    b.points(cls, "points-directory", b.inp, ARG_ERR)
    broken = b.inp / "broken_link.txt"
    broken.symlink_to(b.inp / "no_target.txt")
    b.text_cmd(cls, "broken-symlink", "places", [broken], {1, 2})
    loop = b.inp / "loop.txt"
    loop.symlink_to(loop)
    b.text_cmd(cls, "symlink-loop", "extract", [loop], {1, 2})
    b.points(cls, "points-symlink-loop", loop, {1, 2})
    # Reading /proc/self/mem from offset 0 fails with EIO even for root.
    b.text_cmd(cls, "proc-self-mem", "places", ["/proc/self/mem"], FILE_ERR)
    b.text_cmd(cls, "proc-self-mem", "extract", ["/proc/self/mem"], FILE_ERR)

    root_skip = "running as root: permission bits do not stop reading" if os.geteuid() == 0 \
        else None
    locked_dir = b.inp / "locked_dir"
    locked_dir.mkdir()
    (locked_dir / "story.txt").write_text(ARTICLE)
    locked_file = b.file("locked.txt", ARTICLE)
    locked_csv = b.file("locked.csv", "lat,lon\n54.9,18.5\n")
    for p in (locked_dir, locked_file, locked_csv):
        os.chmod(p, 0)
    b.all_text(cls, "chmod000-dir", [locked_dir], FILE_ERR, skip=root_skip)
    b.all_text(cls, "chmod000-file", [locked_file], FILE_ERR, skip=root_skip)
    b.points(cls, "chmod000-csv", locked_csv, {1, 2}, skip=root_skip)


def _outputs(b: _Builder, good: Path, regular: Path, good_csv: Path) -> None:
    cls = "output_path"
    under_file = regular / "sub" / "out"
    missing_dir = b.root / "out" / "no_such_dir" / "deeper"
    existing_dir = b.outdir("output_path-existing-dir")
    for cmd, suffix in (("places", ".jsonl"), ("extract", ".geojson")):
        b.add(cls, f"{cmd}-under-file", [cmd, good, "-o", f"{under_file}{suffix}"], {1, 2},
              outputs=[Path(f"{under_file}{suffix}")])
        b.add(cls, f"{cmd}-missing-dir", [cmd, good, "-o", missing_dir / f"r{suffix}"], {1, 2},
              outputs=[missing_dir / f"r{suffix}"])
        b.add(cls, f"{cmd}-directory", [cmd, good, "-o", existing_dir], ARG_ERR,
              outputs=[existing_dir])
        b.add(cls, f"{cmd}-proc", [cmd, good, "-o", f"/proc/geoincidents{suffix}"], {1, 2})
        b.add(cls, f"{cmd}-empty-name", [cmd, good, "-o", ""], {0, 1, 2},
              stdout_kind="jsonl" if cmd == "places" else "geojson")
        b.add(cls, f"{cmd}-bad-input-then-output",
              [cmd, good, b.file("late_bad.txt", b"\x00"), "-o",
               b.outdir(f"{cls}-{cmd}-late") / f"r{suffix}"], FILE_ERR,
              outputs=[b.root / "out" / f"{cls}-{cmd}-late" / f"r{suffix}"])
    for suffix in (".csv", ".geojson"):
        name = suffix[1:]
        b.add(cls, f"check-under-file-{name}",
              ["check", "--points", good_csv, "-o", f"{under_file}{suffix}"], {1, 2})
        b.add(cls, f"check-missing-dir-{name}",
              ["check", "--points", good_csv, "-o", missing_dir / f"r{suffix}"], {1, 2})
    b.add(cls, "check-directory", ["check", "--points", good_csv, "-o", existing_dir], ARG_ERR,
          outputs=[existing_dir])
    b.add(cls, "check-output-without-points", ["check", "54.9", "18.5", "-o",
                                                b.outdir(f"{cls}-nopoints") / "x.csv"], ARG_ERR,
          outputs=[b.root / "out" / f"{cls}-nopoints" / "x.csv"])
    b.points(cls, "check-late-bad-row", b.file("late_bad_row.csv", "lat,lon\n54.9,18.5\n"
                                               * 120_000 + "abc,1\n"), FILE_ERR)
    b.add(cls, "map-out-is-file", ["map", good, "-o", regular, "--format", "geojson"], ARG_ERR)
    b.add(cls, "map-under-file", ["map", good, "-o", regular / "sub", "--format", "geojson"],
          {1, 2})
    b.add(cls, "map-proc", ["map", good, "-o", "/proc/geoincidents_maps"], {1, 2})
    clob = b.outdir(f"{cls}-map-no-clobber")
    for ext in ("html", "geojson", "png"):
        (clob / f"good.{ext}").write_text("existing")
    b.add(cls, "map-no-clobber", ["map", good, "-o", clob, "--no-clobber"], FILE_ERR)
    b.add(cls, "map-bad-second-input", ["map", good, b.file("second_bad.txt", b"\x00\x01"),
                                        "-o", b.outdir(f"{cls}-map-bad-second")], FILE_ERR,
          outputs=[b.root / "out" / f"{cls}-map-bad-second"])
    for k, name in enumerate(("../escape", "a/b", "", ".", "x" * 300)):
        out = b.outdir(f"{cls}-combine-{k}")
        b.add(cls, f"map-combine-{k}", ["map", good, "-o", out, "--combine", name,
                                        "--format", "geojson"], {0, 1, 2}, outputs=[out])


def _formats_and_options(b: _Builder, good: Path, good_csv: Path) -> None:
    cls = "format"
    for k, fmt in enumerate(("garbage", "", ",", " , ", "html,pdf", "html;png", "pdf",
                             "ＨＴＭＬ", "png,png,nope")):
        b.text_cmd(cls, f"map-{k}", "map", [good], ARG_ERR, extra=["--format", fmt])
    b.text_cmd(cls, "map-uppercase", "map", [good], CHECK_OK, extra=["--format", " GEOJSON "])
    b.text_cmd(cls, "map-missing-value", "map", [good], ARG_ERR, extra=["--format"])
    for suffix in (".xlsx", ".kml", ""):
        out = b.outdir(f"{cls}-check-out{suffix or '-none'}") / f"r{suffix}"
        b.add(cls, f"check-out{suffix or '-none'}", ["check", "--points", good_csv, "-o", out],
              {1, 2}, outputs=[out])
    b.points(cls, "points-unknown-suffix", b.file("points.xyz", "lat,lon\n54.9,18.5\n"),
             {1, 2})
    b.points(cls, "points-no-suffix", b.file("points_no_suffix", "lat,lon\n54.9,18.5\n"),
             {1, 2})

    cls = "options"
    for k, dpi in enumerate(("0", "49", "601", "abc", "-5", "1e3", "")):
        b.text_cmd(cls, f"dpi-{k}", "map", [good], ARG_ERR, extra=["--dpi", dpi, "--format",
                                                                 "png"])
    b.text_cmd(cls, "tiles-garbage", "map", [good], {0, 2},
               extra=["--tiles", "not a url {z", "--format", "html"])
    gaz_bin = b.file("gaz.bin.csv", _png_bytes(b.rng, 512))
    gaz_bad = b.file("gaz_bad.csv", "name,lat,lon\nWyryki,abc,23\nFoo,95,500\n")
    gaz_empty = b.file("gaz_empty.csv", "")
    gaz_cols = b.file("gaz_cols.txt", "only\tthree\tcolumns\n")
    for cmd in ("places", "extract"):
        b.text_cmd(cls, "geocoder-bogus", cmd, [good], {1, 2}, extra=["--geocoder", "bogus"])
        b.text_cmd(cls, "nominatim-no-agent", cmd, [good], {1, 2},
                   extra=["--geocoder", "nominatim"])
        b.text_cmd(cls, "gazetteer-missing", cmd, [good], ARG_ERR,
                   extra=["--gazetteer", b.inp / "nope.csv"])
        b.text_cmd(cls, "gazetteer-binary", cmd, [good], FILE_ERR,
                   extra=["--gazetteer", gaz_bin])
        b.text_cmd(cls, "gazetteer-bad-values", cmd, [good], {1, 2},
                   extra=["--gazetteer", gaz_bad])
        b.text_cmd(cls, "gazetteer-empty", cmd, [good], {0, 1},
                   extra=["--gazetteer", gaz_empty])
        b.text_cmd(cls, "gazetteer-wrong-columns", cmd, [good], {1, 2},
                   extra=["--gazetteer", gaz_cols])
        b.add(cls, f"{cmd}-no-input", [cmd], ARG_ERR)
        b.add(cls, f"{cmd}-unknown-option", [cmd, good, "--frobnicate"], ARG_ERR)
    for k, (opt, value) in enumerate((("--max-chars", "0"), ("--max-chars", "-1"),
                                      ("--max-chars", "abc"), ("--jobs", "0"),
                                      ("--jobs", "many"), ("-j", "-3"))):
        b.text_cmd(cls, f"batch-{k}", ("places", "extract", "map")[k % 3], [good], ARG_ERR,
                   extra=[opt, value])
    b.text_cmd(cls, "max-chars-tiny", "extract", [good], FILE_ERR, extra=["--max-chars", "10"])
    b.text_cmd(cls, "errors-under-file", "places", [good, b.inp / "nope.txt"], {1, 2},
               extra=["--errors", b.inp / "file.txt" / "errors.jsonl"])
    b.text_cmd(cls, "errors-is-directory", "extract", [good], ARG_ERR,
               extra=["--errors", b.inp])
    b.text_cmd(cls, "gazetteer-directory", "map", [good], ARG_ERR,
               extra=["--gazetteer", b.inp])
    b.add(cls, "check-no-args", ["check"], ARG_ERR)
    b.add(cls, "check-one-arg", ["check", "54.9"], ARG_ERR)
    b.add(cls, "check-three-args", ["check", "54.9", "18.5", "7"], ARG_ERR)
    b.add(cls, "check-args-and-points", ["check", "54.9", "18.5", "--points", good_csv],
          ARG_ERR)
    b.add(cls, "check-points-missing-value", ["check", "--points"], ARG_ERR)
    b.add(cls, "map-no-input", ["map"], ARG_ERR)
    b.add(cls, "unknown-command", ["frobnicate"], ARG_ERR)
    b.add(cls, "no-command", [], {0, 2})
    b.add(cls, "many-verbose", ["-vvvvvvvvvv", "check", "54.9", "18.5"], CHECK_OK)
    b.add(cls, "stdin-twice", ["places", "-", "-"], {0, 1, 2}, stdin=ARTICLE.encode(),
          stdout_kind="jsonl")
