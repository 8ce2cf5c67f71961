"""A run never leaves the user with less than they had: a run that processed nothing keeps the
earlier output byte-identical, an interrupted run keeps its whole documents only when that loses
nothing, and --no-clobber holds up to the rename."""

from __future__ import annotations

import json

import pytest
from test_batch import _dying_work

from geoincidents.cli.main import cli
from geoincidents.cli.options import BatchRun
from geoincidents.errors import GeoIncidentsError, OutputError
from geoincidents.fileio import atomic_write
from geoincidents.outputs.geojson import FeatureWriter


def _feed(path, n, prefix="d"):
    path.write_text("".join(json.dumps({"id": f"{prefix}{i}", "text": f"text {i}"}) + "\n"
                            for i in range(n)), encoding="utf-8")
    return str(path)


def _stopping_work(stop_at: str, error=KeyboardInterrupt):
    def run(doc):
        if doc.text == stop_at:
            raise error()
        return doc.text.upper()
    return run


def _run(tmp_path, out, *, resume=False, n=6, geojson=False, error=KeyboardInterrupt):
    """A places-like run over n documents, interrupted at the 4th."""
    run = BatchRun(_stopping_work, ("text 3", error), inputs=[_feed(tmp_path / "f.jsonl", n)],
                   jobs=1, fail_fast=False, max_chars=1000, dask=None, errors_file=None,
                   resume=resume, output=str(out))
    with pytest.raises((KeyboardInterrupt, SystemExit)):
        if geojson:
            with run.output_file(str(out), closing=FeatureWriter.CLOSING) as marks:
                writer = FeatureWriter(marks.fh)
                writer.write(run.earlier)
                marks.mark(0)
                for doc, _ in run.documents():
                    writer.write([{"type": "Feature", "geometry": None,
                                   "properties": {"doc_id": doc.id}}])
                    marks.mark()
                writer.close()
        else:
            _write_jsonl(run, out)
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def _write_jsonl(run, out):
    """What ``places -o FILE.jsonl`` does with a run: earlier lines, then a line a document."""
    with run.output_file(str(out)) as marks:
        for record in run.earlier:
            marks.fh.write(json.dumps(record) + "\n")
        marks.mark(0)
        for doc, result in run.documents():
            marks.fh.write(json.dumps({"id": doc.id, "r": result}) + "\n")
            marks.mark()


def test_killed_worker_during_resume_keeps_the_earlier_documents(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "d0", "r": "fine"}) + "\n", encoding="utf-8")
    feed = tmp_path / "f.jsonl"
    feed.write_text("".join(json.dumps({"id": f"d{i}", "text": "die" if i == 5 else "fine"})
                            + "\n" for i in range(26)), encoding="utf-8")
    run = BatchRun(_dying_work, (), inputs=[str(feed)], jobs=2, fail_fast=False,
                   max_chars=1000, dask=None, errors_file=None, resume=True, output=str(out))
    with pytest.raises(GeoIncidentsError, match="worker process died"):
        _write_jsonl(run, out)
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"d{i}" for i in range(len(ids))] and len(ids) <= 5  # whole, in order


def test_interrupted_run_without_earlier_output_keeps_whole_documents(tmp_path):
    out = tmp_path / "out.jsonl"
    _run(tmp_path, out)
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == \
        ["d0", "d1", "d2"]


def test_interrupted_run_over_earlier_output_keeps_it(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id": "precious"}\n')
    _run(tmp_path, out, error=SystemExit)  # SIGTERM, as the CLI raises it
    assert out.read_bytes() == b'{"id": "precious"}\n'
    assert "left as it was" in capsys.readouterr().err


@pytest.mark.parametrize("geojson", [False, True])
def test_interrupted_resume_keeps_earlier_and_new_documents(tmp_path, geojson, capsys):
    out = tmp_path / ("out.geojson" if geojson else "out.jsonl")
    if geojson:
        out.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": None, "properties": {"doc_id": "d0"}}]}))
    else:
        out.write_text(json.dumps({"id": "d0", "r": "TEXT 0"}) + "\n")
    _run(tmp_path, out, resume=True, geojson=geojson)
    if geojson:
        ids = [f["properties"]["doc_id"] for f in json.loads(out.read_text())["features"]]
    else:
        ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == ["d0", "d1", "d2"]
    assert "the 2 document(s) finished are in" in capsys.readouterr().err


def test_resume_after_a_run_that_wrote_nothing(runner, tmp_path):
    out = tmp_path / "res.jsonl"
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "a", "text": "Sirens sounded in Kyiv."}) + "\n",
                     encoding="utf-8")
    assert runner.invoke(cli, ["places", str(first), "-o", str(out)]).exit_code == 0
    good = out.read_bytes()
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02")
    res = runner.invoke(cli, ["places", str(bad), "-o", str(out)])
    assert res.exit_code == 1
    assert f"nothing written; existing {out} kept" in res.stderr
    assert out.read_bytes() == good
    both = tmp_path / "both.jsonl"
    both.write_text(json.dumps({"id": "a", "text": "Sirens sounded in Kyiv."}) + "\n"
                    + json.dumps({"id": "b", "text": "Drones over Lublin."}) + "\n",
                    encoding="utf-8")
    res = runner.invoke(cli, ["places", str(both), "-o", str(out), "--resume", "-j", "1"])
    assert res.exit_code == 0, res.output
    lines = out.read_bytes().splitlines(keepends=True)
    assert lines[0] == good and json.loads(lines[1])["id"] == "b"
    # Nothing new to do: exit 0 and the file untouched.
    res = runner.invoke(cli, ["places", str(both), "-o", str(out), "--resume", "-j", "1"])
    assert res.exit_code == 0 and "nothing new" in res.stderr
    assert out.read_bytes().splitlines(keepends=True) == lines


def test_no_clobber_refuses_a_file_that_appears_while_writing(tmp_path):
    out = tmp_path / "out.txt"
    with pytest.raises(OutputError, match="refusing to overwrite"):
        with atomic_write(out, clobber=False) as fh:
            fh.write("new")
            out.write_text("another run's file")  # appears before the rename
    assert out.read_text() == "another run's file"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_commit_false_leaves_the_earlier_file(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("earlier")
    with atomic_write(out, commit=lambda: False) as fh:
        fh.write("")
    assert out.read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
