"""Batch runs: output identical for any number of worker processes; a killed worker ends the run
with a clear error instead of hanging; bad documents are skipped and listed."""

from __future__ import annotations

import json
import os

import pytest

from geoincidents.batch import process
from geoincidents.cli.main import cli
from geoincidents.errors import GeoIncidentsError


def _echo_work():
    def run(doc):
        if "boom" in doc.text:
            raise ValueError("a bug this document triggers")
        return doc.text.upper()
    return run


def _dying_work():
    def run(doc):
        if "die" in doc.text:
            os._exit(9)  # the worker process is killed mid-document
        return doc.text
    return run


def _feed(tmp_path, texts):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    return str(feed)


@pytest.mark.parametrize("jobs", [1, 2])
def test_order_kept_and_bad_documents_skipped(tmp_path, jobs):
    texts = [f"doc {i}" for i in range(30)]
    texts[7] = "boom"
    errors: list = []
    out = list(process([_feed(tmp_path, texts)], _echo_work, jobs=jobs, errors=errors))
    assert [d.id for d, _ in out] == [str(i) for i in range(30) if i != 7]
    assert [r for _, r in out][:2] == ["DOC 0", "DOC 1"]
    assert len(errors) == 1 and "unexpected ValueError" in errors[0].error


def test_killed_worker_fails_the_run_without_hanging(tmp_path):
    texts = ["fine"] * 5 + ["die"] + ["fine"] * 20
    with pytest.raises(GeoIncidentsError, match="worker process died"):
        list(process([_feed(tmp_path, texts)], _dying_work, jobs=2, errors=[]))


def test_places_with_two_jobs_equals_one(runner, tmp_path):
    lines = [{"id": f"d{i}", "text": t} for i, t in enumerate([
        "Russian drones entered Polish airspace near Lublin on Wednesday.",
        "Sirens sounded in Kyiv and Lviv overnight.",
        "NATO ministers met in Brussels.",
        "A balloon from Belarus closed Vilnius Airport.",
        "Paris, Texas, saw storms; Paris, France, did not."] * 3)]
    feed = tmp_path / "f.jsonl"
    feed.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    one = runner.invoke(cli, ["places", str(feed), "-j", "1"], catch_exceptions=False)
    two = runner.invoke(cli, ["places", str(feed), "-j", "2"], catch_exceptions=False)
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 15


def test_sigterm_leaves_no_temporary_file_and_whole_documents(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    feed = _feed(tmp_path, ["Russian drones entered Polish airspace near Lublin."] * 3000)
    out = tmp_path / "out" / "places.jsonl"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "geoincidents", "places", feed, "-j", "1",
                             "-o", str(out)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(out.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # wait until the temporary output exists
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    # No temporary file; the documents finished before the signal, if any, as whole lines
    # (there was no earlier output to lose), for --resume to go on from.
    assert [p.name for p in out.parent.iterdir()] in ([], ["places.jsonl"])
    if out.exists():
        lines = out.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["id"] for line in lines] == [str(i) for i in range(len(lines))]


@pytest.mark.parametrize("command,suffix", [("places", "jsonl"), ("extract", "geojson")])
def test_resume_skips_documents_already_written(runner, tmp_path, command, suffix):
    texts = ["Sirens sounded in Kyiv.", "Drones entered Polish airspace near Lublin.",
             "A balloon closed Vilnius Airport."]
    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n"
                             for i, t in enumerate(texts[:2])), encoding="utf-8")
    both = tmp_path / "both.jsonl"
    both.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    out = tmp_path / f"out.{suffix}"
    assert runner.invoke(cli, [command, str(first), "-o", str(out)]).exit_code == 0
    before = out.read_text(encoding="utf-8")
    res = runner.invoke(cli, [command, str(both), "-o", str(out), "--resume", "-j", "1"])
    assert res.exit_code == 0, res.output
    fresh = tmp_path / f"fresh.{suffix}"
    assert runner.invoke(cli, [command, str(both), "-o", str(fresh)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8")
    assert before != out.read_text(encoding="utf-8")
    if command == "extract":  # only the new document was processed this time
        assert res.stderr.count("incident(s)") == 1


def test_dask_local_cluster_matches_one_process(runner, tmp_path):
    pytest.importorskip("distributed")
    texts = ["Russian drones entered Polish airspace near Lublin on Wednesday.",
             "Sirens sounded in Kyiv.", "NATO ministers met in Brussels."] * 30
    feed = tmp_path / "f.jsonl"
    feed.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    one = runner.invoke(cli, ["extract", str(feed), "-j", "1", "--published", "2025-09-12"],
                        catch_exceptions=False)
    on_dask = runner.invoke(cli, ["extract", str(feed), "--dask", "local", "-j", "2",
                                  "--published", "2025-09-12"], catch_exceptions=False)
    assert one.exit_code == on_dask.exit_code == 0
    assert one.stdout == on_dask.stdout
    assert len(json.loads(on_dask.stdout)["features"]) > 90


def test_unreachable_dask_scheduler_exit_1(runner, tmp_path):
    pytest.importorskip("distributed")
    story = tmp_path / "s.txt"
    story.write_text("Sirens sounded in Kyiv.", encoding="utf-8")
    res = runner.invoke(cli, ["places", str(story), "--dask", "tcp://127.0.0.1:1"],
                        catch_exceptions=False)
    assert res.exit_code == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in \
        res.stderr


@pytest.mark.parametrize("suffix", ["gpkg", "parquet"])
def test_corpus_table_outputs(runner, tmp_path, suffix):
    pyogrio = pytest.importorskip("pyogrio")
    texts = ["Russian drones entered Polish airspace near Lublin on Wednesday.",
             "Sirens sounded in Kyiv.", "Nothing happened."] * 5
    feed = tmp_path / "f.jsonl"
    feed.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    out = tmp_path / f"corpus.{suffix}"
    res = runner.invoke(cli, ["extract", str(feed), "-o", str(out), "--published",
                              "2025-09-12", "-j", "1"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    geojson = json.loads(runner.invoke(cli, ["extract", str(feed), "--published",
                                             "2025-09-12", "-j", "1"]).stdout)
    areas = sum(f["properties"]["feature_type"] == "incident_area" for f in geojson["features"])
    if suffix == "gpkg":
        # Points in the default layer "features", incident regions in their own layer.
        frame = pyogrio.read_dataframe(out, layer="features")
        assert len(frame) + len(pyogrio.read_dataframe(out, layer="incident_areas")) == \
            len(geojson["features"])
        assert len(frame) == len(geojson["features"]) - areas
    else:
        gpd = pytest.importorskip("geopandas")
        frame = gpd.read_parquet(out)  # regions are rows of their own
        assert len(frame) == len(geojson["features"])
    incidents = frame[frame["feature_type"] == "incident"]
    assert len(incidents) == 5 and set(incidents["country_iso3"]) == {"POL"}
    assert incidents["inside_nato_airspace"].astype(bool).all()
    assert incidents.geometry.x.iloc[0] == pytest.approx(
        geojson["features"][0]["geometry"]["coordinates"][0])


# -- batches: the work's batch form (spaCy over many documents) -------------------------------


def _batch_echo_work():
    """A work with a batch form whose batch fails as a whole when one document is bad (as
    nlp.pipe does); ``many`` records the batch sizes it was given, in its results."""
    from geoincidents.batch import BatchWork

    def one(doc):
        if "boom" in doc.text:
            raise ValueError(f"a bug document {doc.id} triggers")
        return (doc.text.upper(), 1)

    def many(docs):
        return [(one(doc)[0], len(docs)) for doc in docs]

    return BatchWork(one, many)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_document_in_a_batch_is_reported_alone(tmp_path, jobs):
    texts = [f"doc {i}" for i in range(150)]
    texts[70] = "boom"
    errors: list = []
    out = list(process([_feed(tmp_path, texts)], _batch_echo_work, jobs=jobs, errors=errors))
    assert [d.id for d, _ in out] == [str(i) for i in range(150) if i != 70]
    assert [r[0] for _, r in out] == [t.upper() for t in texts if t != "boom"]
    assert [(e.doc_id, e.error) for e in errors] == [
        ("70", "unexpected ValueError: a bug document 70 triggers")]
    sizes = [r[1] for _, r in out]
    assert max(sizes) > 1  # the healthy batches went through the batch form
    batch_of_70 = [r[1] for d, r in out if 64 <= int(d.id) < 128]
    assert set(batch_of_70) == {1}  # the failing batch was redone one document at a time


def test_batches_are_bounded_by_documents_and_characters(monkeypatch):
    from geoincidents import batch
    from geoincidents.documents import Document

    monkeypatch.setattr(batch, "BATCH_DOCS", 3)
    monkeypatch.setattr(batch, "BATCH_CHARS", 10)
    docs = [Document(str(i), "x" * n) for i, n in enumerate([2, 2, 2, 2, 9, 30, 1])]
    sizes = [[d.id for d, _ in b] for b in batch._batches((d, d) for d in docs)]
    assert sizes == [["0", "1", "2"], ["3"], ["4"], ["5"], ["6"]]


@pytest.mark.parametrize("command,extra", [("places", []), ("places", ["--given-spans"]),
                                           ("extract", ["--published", "2025-09-12"])])
def test_batch_path_equals_one_document_at_a_time(runner, tmp_path, monkeypatch, command,
                                                  extra):
    """The batch form (nlp.pipe over a batch) gives the output of the one-document path."""
    from geoincidents import batch

    texts = ["Russian drones entered Polish airspace near Lublin on Wednesday.",
             "Sirens sounded in Kyiv and Lviv overnight; Moscow denied it.",
             "", "NATO ministers met in Brussels. Poland borders Belarus.",
             "A balloon from Belarus closed Vilnius Airport.",
             "Paris, Texas, saw storms; Paris, France, did not.\n" * 40] * 2
    lines = []
    for i, text in enumerate(texts):
        found = [(m.start(), m.end()) for m in
                 __import__("re").finditer(r"Lublin|Kyiv|Belarus|Paris", text)]
        lines.append({"id": f"d{i}", "text": text,
                      "toponyms": [{"start": s, "end": e} for s, e in found]})
    feed = tmp_path / "f.jsonl"
    feed.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    args = [command, str(feed), "-j", "1", *extra]
    batched = runner.invoke(cli, args, catch_exceptions=False)
    monkeypatch.setattr(batch, "BATCH_DOCS", 1)  # every document alone: the one-document path
    alone = runner.invoke(cli, args, catch_exceptions=False)
    assert batched.exit_code == alone.exit_code == 0, batched.output
    assert batched.stdout == alone.stdout and batched.stdout.count('"d11"') >= 1


def test_a_bad_document_in_a_real_batch_is_reported_alone(runner, tmp_path):
    lines = [{"id": f"d{i}", "text": "Drones flew over Lublin.",
              "toponyms": [{"start": 17, "end": 23}]} for i in range(6)]
    lines[3]["toponyms"] = [{"start": 17, "end": 99}]  # outside the text: this one fails
    feed = tmp_path / "f.jsonl"
    feed.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    res = runner.invoke(cli, ["places", str(feed), "--given-spans", "-j", "1"])
    assert res.exit_code == 1
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == ["d0", "d1", "d2", "d4",
                                                                      "d5"]
    assert all(json.loads(x)["places"][0]["text"] == "Lublin" for x in res.stdout.splitlines())
    assert res.stderr.count("warning: skipped") == 1
    assert "line 4" in res.stderr and "span (17, 99) is outside the text" in res.stderr


@pytest.mark.parametrize("command", ["places", "extract", "map"])
def test_unknown_model_exit_1_one_line(runner, tmp_path, command):
    story = tmp_path / "s.txt"
    story.write_text("Sirens sounded in Kyiv.", encoding="utf-8")
    args = [command, str(story), "--model", "en_core_web_nonesuch", "-j", "1"]
    if command == "map":
        args += ["-o", str(tmp_path / "maps")]
    res = runner.invoke(cli, args)
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines() == [
        "Error: spaCy model 'en_core_web_nonesuch' is not installed"]
