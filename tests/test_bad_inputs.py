"""Every bad input ends cleanly: exit 0/1/2, one "Error:" line, no traceback, no partial file.

The cases come from ``bad_inputs.generate`` (written into a temporary directory). The selected
cases are run as real subprocesses, a few at a time, the first time a test needs a result; each
test then checks one case. The last test prints a summary (inputs tried, exit codes, tracebacks,
partial files, timings of the slow cases). Known bugs are marked ``xfail(strict=True)`` in BUGS.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from bad_inputs import Case, generate

ROOT = Path(tempfile.mkdtemp(prefix="geoincidents-bad-inputs-"))
CASES = generate(ROOT)
WORKERS = max(2, min(6, (os.cpu_count() or 2) * 2))
MAX_ERROR_LINES = 3
# stderr lines that are reports, not the error (warnings are not counted either).
_INFO_LINE = re.compile(r"^(\S.*: \d+ incident\(s\)|checked \d+ points)")
_TMP_NAME = re.compile(r"^\..*\.tmp$")

# case id -> reason: real bugs in the tool, documented until they are fixed.
# Bugs this suite found, now fixed (kept empty so a new one can be recorded here).
BUGS: dict[str, str] = {}


@dataclass
class Result:
    case: Case
    code: int | None  # None: killed after the time budget
    stdout: bytes
    stderr: str
    seconds: float


_results: dict[str, Result] = {}
_summary: dict[str, Result] = {}
_problems: Counter = Counter()


def _run(case: Case) -> Result:
    if case.setup is not None:
        case.setup()
    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
    env.pop("CI", None)
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "geoincidents", *case.argv], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE if case.stdin is not None else
                            subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(case.stdin, timeout=case.timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)  # the polite way first: let it clean up
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        code = None
    seconds = time.monotonic() - start
    return Result(case, code, out, err.decode("utf-8", "replace"), seconds)


@pytest.fixture(scope="session")
def results(request) -> dict[str, Result]:
    """Run every selected case (concurrently) once, the first time a test asks."""
    if not _results:
        selected = [item.callspec.params["case"] for item in request.session.items
                    if getattr(item, "callspec", None) is not None
                    and "case" in item.callspec.params]
        todo = [c for c in selected if c.skip is None]
        # The slow ones first, so they overlap with the many quick ones.
        todo.sort(key=lambda c: not c.slow)
        with ThreadPoolExecutor(WORKERS) as pool:
            for res in pool.map(_run, todo):
                _results[res.case.id] = res
    return _results


@pytest.fixture(scope="session", autouse=True)
def _cleanup():
    yield
    for dirpath, dirnames, filenames in os.walk(ROOT):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
    shutil.rmtree(ROOT, ignore_errors=True)


def _param(case: Case):
    marks = []
    if case.slow:
        marks.append(pytest.mark.slow)
    if case.skip:
        marks.append(pytest.mark.skip(reason=case.skip))
    if case.id in BUGS:
        marks.append(pytest.mark.xfail(strict=True, reason=f"bug: {BUGS[case.id]}"))
    return pytest.param(case, id=case.id, marks=marks)


# -- checks of an output file ------------------------------------------------------------------

def _complete(path: Path) -> str | None:
    """None if ``path`` is a complete file of its kind, else what is wrong with it."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    try:
        if suffix in (".json", ".geojson"):
            doc = json.loads(data)
            if suffix == ".geojson" and not (isinstance(doc, dict) and "type" in doc):
                return "GeoJSON without a type"
        elif suffix in (".jsonl", ".ndjson"):
            for line in data.decode().splitlines():
                json.loads(line)
            if data and not data.endswith(b"\n"):
                return "JSON Lines file without a final newline"
        elif suffix == ".csv":
            rows = list(csv.reader(data.decode().splitlines()))
            if not rows:
                return "CSV without a header"
            if any(len(r) != len(rows[0]) for r in rows):
                return "CSV rows of different lengths"
        elif suffix == ".png":
            if not data.startswith(b"\x89PNG\r\n\x1a\n") or b"IEND" not in data[-12:]:
                return "PNG without its signature or IEND chunk"
        elif suffix == ".html":
            if b"</html>" not in data[-200:].lower():
                return "HTML without </html>"
    except (ValueError, UnicodeDecodeError, csv.Error) as err:
        return f"unparseable: {err}"
    return None


def _output_problems(case: Case, code: int | None) -> list[str]:
    problems = []
    dirs = set()
    for out in case.outputs:
        if out.is_dir():
            dirs.add(out)
            files = [p for p in out.iterdir() if p.is_file()]
        else:
            dirs.add(out.parent)
            if not out.exists():
                continue
            # A batch that skipped bad documents writes the others and exits 1 (README); a
            # usage error or --fail-fast must leave nothing behind.
            if code == 2 or (code != 0 and "--fail-fast" in case.argv):
                problems.append(f"{out.name} exists after exit {code}")
                continue
            files = [out]
        for f in files:
            if _TMP_NAME.match(f.name):
                continue
            what = _complete(f)
            if what:
                problems.append(f"partial output {f.name}: {what}")
    for d in dirs:
        if d.is_dir():
            problems += [f"leftover temp file {p.name}" for p in d.iterdir()
                         if _TMP_NAME.match(p.name)]
    return problems


def _stdout_problem(case: Case, out: bytes) -> str | None:
    try:
        text = out.decode()
        if case.stdout_kind in ("json", "geojson"):
            json.loads(text)
        elif case.stdout_kind == "jsonl":
            for line in text.splitlines():
                json.loads(line)
        elif case.stdout_kind == "csv":
            rows = list(csv.reader(text.splitlines()))
            if rows and any(len(r) != len(rows[0]) for r in rows):
                return "CSV rows of different lengths on stdout"
    except (ValueError, UnicodeDecodeError) as err:
        return f"stdout is not {case.stdout_kind}: {err}"
    return None


# -- the tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input(case: Case, results: dict[str, Result]) -> None:
    res = results[case.id]
    _summary[case.id] = res
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    tail = "\n".join(lines[-5:])
    cmd = "geoincidents " + " ".join(a if len(a) < 80 else a[:77] + "..." for a in case.argv)
    where = f"\n$ {cmd}\nexit {res.code} after {res.seconds:.1f} s; stderr tail:\n{tail}"

    if "Traceback (most recent call last)" in res.stderr:
        _problems["tracebacks"] += 1
        pytest.fail(f"traceback on stderr{where}")
    output_problems = _output_problems(case, res.code)
    if output_problems:
        _problems["partial files"] += 1
    lost = [str(path) for path, data in case.kept.items()
            if not path.exists() or path.read_bytes() != data]
    _problems["files lost"] += len(lost)
    _problems["files kept"] += len(case.kept) - len(lost)
    assert not lost, f"earlier output replaced or removed: {', '.join(lost)}{where}"
    if res.code is None:
        _problems["hangs"] += 1
        pytest.fail(f"no answer within {case.timeout:.0f} s (killed); "
                    f"outputs: {output_problems or 'clean'}{where}")
    assert res.code in (0, 1, 2), f"exit code {res.code}{where}"
    assert not output_problems, f"{'; '.join(output_problems)}{where}"
    if res.code != 0:
        assert lines and lines[-1].startswith("Error:"), f"last stderr line is not Error:{where}"
        errors = [ln for ln in lines if not _INFO_LINE.match(ln)
                   and not ln.lower().startswith("warning")]
        assert len(errors) <= MAX_ERROR_LINES, f"{len(errors)} lines on stderr{where}"
        assert "Error: unexpected" not in res.stderr, f"an unhandled exception{where}"
    if case.kept and res.code == 1:
        assert "nothing written" in lines[-1] and any(
            f"existing {path} kept" in lines[-1] or f"existing {path.parent} kept" in lines[-1]
            for path in case.kept), f"the error does not name the kept output{where}"
    if res.code == 0 and case.stdout_kind:
        problem = _stdout_problem(case, res.stdout)
        assert problem is None, f"{problem}{where}"
    assert res.code in case.expect, f"exit {res.code}, expected {sorted(case.expect)}{where}"


def test_zz_summary(request) -> None:
    """Aggregate the runs above (last in the module) and print the summary line."""
    if not _summary:
        pytest.skip("no bad-input case ran")
    codes = Counter("timeout" if r.code is None else r.code for r in _summary.values())
    classes = Counter(r.case.cls for r in _summary.values())
    slow = ", ".join(f"{r.case.id} {r.seconds:.0f} s" for r in _summary.values() if r.case.slow)
    lines = [
        f"bad inputs: {len(_summary)} tried; exit codes: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=str))
        + f"; tracebacks: {_problems['tracebacks']}; partial files: "
          f"{_problems['partial files']}; hangs: {_problems['hangs']}; files lost: "
          f"{_problems['files lost']} (of {_problems['files lost'] + _problems['files kept']} "
          "earlier outputs)",
        "bad inputs by class: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())),
    ]
    if slow:
        lines.append(f"slow cases: {slow}")
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        for line in lines:
            if reporter is not None:
                reporter.write_line(line)
            else:
                print(line)
