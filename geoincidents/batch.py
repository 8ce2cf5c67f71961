"""Running a stage over many documents: one bad document is reported and skipped, not fatal.

A batch over a folder or feed of thousands of articles must not stop at the first broken file
(or at a bug that one odd article triggers): each failure is recorded as a :class:`BadInput`
with where it came from, the others are processed, and the caller reports the failures at the
end (stderr, and ``--errors FILE`` as JSON Lines) and exits non-zero.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from geoincidents.documents import BadInput, Document, read_documents
from geoincidents.errors import GeoIncidentsError, Interrupted

log = logging.getLogger(__name__)
T = TypeVar("T")
# A news article is rarely over 100 kB; a "document" of several megabytes is a dump or a
# mistake, and at ~40k words/s it would run for minutes. Longer ones are refused, by name.
DEFAULT_MAX_CHARS = 2_000_000
# Documents handed to the work at once (its batch form runs spaCy over them with nlp.pipe): at
# most this many, and no more characters than BATCH_CHARS unless one document is longer alone.
BATCH_DOCS = 64
BATCH_CHARS = 1_000_000


class BatchWork:
    """A work function with a batch form: ``work(task)`` for one task, ``work.many(tasks)``
    for a list of them (the same results, in order, computed together: spaCy over a batch).

    :func:`process` hands it whole batches; when ``many`` raises, the batch is done again one
    task at a time, so a document that fails is reported alone and the others still succeed.
    """

    __slots__ = ("one", "many")

    def __init__(self, one: Callable[[Any], Any], many: Callable[[list], list]) -> None:
        self.one = one
        self.many = many

    def __call__(self, task: Any) -> Any:
        return self.one(task)


def process(inputs: Iterable[str], make_work: Callable[[], Callable[[Any], T]], *,
            prepare: Callable[[Document], Any] | None = None, jobs: int = 1,
            fail_fast: bool = False, errors: list[BadInput],
            fatal: tuple[type[BaseException], ...] = (),
            max_chars: int | None = DEFAULT_MAX_CHARS, progress=None,
            work: Callable[[Any], T] | None = None,
            skip_ids: frozenset[str] = frozenset(), dask: str | None = None,
            on_skip: Callable[[Document], None] | None = None) \
        -> Iterator[tuple[Document, T]]:
    """``(document, work(task))`` for every readable document, in input order.

    ``make_work()`` builds the function that does the work (a geoparser, an extractor): once
    here when ``jobs`` is 1, once in each of ``jobs`` worker processes otherwise (it must be
    picklable: a module-level function or a ``functools.partial`` of one). ``prepare(doc)``
    runs here first and gives the task (the document itself by default); its exceptions of a
    ``fatal`` type (a contradictory date) always propagate. ``work``, when given, is used
    as is in a one-process run. Documents whose id is in ``skip_ids`` (already in the output
    of a run being resumed) are passed over (and given to ``on_skip``). ``dask`` (a scheduler
    address, or ``"local"``) runs the work on a Dask cluster instead, in batches of
    documents, in the same order.

    Unreadable inputs, malformed lines and documents whose work fails are appended to
    ``errors`` and skipped; with ``fail_fast`` the first one is raised instead. Output order
    does not depend on ``jobs``. A worker that dies (killed) ends the run with a clear error.
    """
    tasks = _tasks(inputs, prepare, fail_fast, errors, fatal, max_chars, progress, skip_ids,
                   on_skip)
    if dask:
        yield from _on_dask(dask, make_work, tasks, jobs, fail_fast, errors)
        return
    if jobs <= 1:
        work = work or make_work()
        # A work without a batch form goes document by document, so an interrupted run keeps
        # every document finished before the interruption; a batch form loses at most the
        # batch it was in.
        for items in (_batches(tasks) if getattr(work, "many", None) is not None
                      else ([item] for item in tasks)):
            outcomes = _attempt_batch(work, [task for _, task in items])
            yield from _results(items, outcomes, fail_fast, errors)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    window: deque = deque()
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(make_work,)) as pool:
        try:
            for items in _batches(tasks):
                window.append((items, pool.submit(_run_in_worker, [t for _, t in items])))
                # A bounded number of batches in flight: memory stays flat however long the
                # feed is.
                while len(window) >= 2 * jobs:
                    yield from _drain(window, fail_fast, errors)
            while window:
                yield from _drain(window, fail_fast, errors)
        except BrokenProcessPool as err:
            items = window[0][0] if window else None
            where = ""
            if items:
                first = items[0][0]
                where = f" while processing {first.source or first.id}" + (
                    f" or one of the {len(items) - 1} document(s) after it in its batch"
                    if len(items) > 1 else "")
            raise Interrupted("a worker process died (killed or out of memory)" + where
                              + "; the run stopped") from err


def _batches(tasks: Iterable[tuple[Document, Any]]) -> Iterator[list[tuple[Document, Any]]]:
    """Consecutive (document, task) pairs grouped by ``BATCH_DOCS`` and ``BATCH_CHARS``."""
    batch: list = []
    chars = 0
    for item in tasks:
        size = len(item[0].text)
        if batch and (len(batch) >= BATCH_DOCS or chars + size > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += size
    if batch:
        yield batch


def _results(items: list, outcomes: list, fail_fast: bool, errors: list[BadInput]):
    for (doc, _), outcome in zip(items, outcomes):
        if _record(doc, outcome, fail_fast, errors):
            yield doc, outcome[1]


def _tasks(inputs, prepare, fail_fast, errors, fatal, max_chars, progress, skip_ids, on_skip):
    from geoincidents.errors import InputError

    for doc in read_documents(inputs, skip_bad=not fail_fast, bad=errors):
        if progress is not None:
            progress.step()
        if doc.id in skip_ids:
            if on_skip is not None:
                on_skip(doc)
            continue
        try:
            if max_chars is not None and len(doc.text) > max_chars:
                raise InputError(f"{doc.source or doc.id}: {len(doc.text):,} characters, over "
                                 f"the limit of {max_chars:,} per document (--max-chars)")
            task = prepare(doc) if prepare is not None else doc
        except fatal:
            raise
        except GeoIncidentsError as err:
            if fail_fast:
                raise
            errors.append(BadInput(doc.source or doc.id, str(err), doc.id))
            continue
        yield doc, task


def _attempt(work, task) -> tuple[str, Any]:
    """("ok", result) or ("error", message, is_expected) — exceptions do not cross processes
    reliably, so they travel as messages."""
    try:
        return ("ok", work(task))
    except GeoIncidentsError as err:
        return ("error", str(err), True)
    except Exception as err:  # noqa: BLE001 - one odd article must not end a long batch
        log.debug("document failed", exc_info=True)
        return ("error", f"unexpected {type(err).__name__}: {err}", False)


def _attempt_batch(work, tasks: list) -> list[tuple]:
    """The outcomes of a batch of tasks, in order: all at once through ``work.many`` when the
    work has a batch form; one by one when it has not, or when the batch fails (so that the
    failing document is reported alone, with its own error, and the rest still succeed)."""
    many = getattr(work, "many", None)
    if many is not None and len(tasks) > 1:
        try:
            results = many(tasks)
        except Exception:  # noqa: BLE001 - redone one by one below, each failure on its own
            log.debug("a batch of %d failed; retrying its documents one by one", len(tasks),
                      exc_info=True)
        else:
            if len(results) == len(tasks):
                return [("ok", r) for r in results]
            log.debug("a batch of %d gave %d results; retrying one by one", len(tasks),
                      len(results))
    return [_attempt(work, task) for task in tasks]


def _record(doc: Document, outcome, fail_fast: bool, errors: list[BadInput]) -> bool:
    if outcome[0] == "ok":
        return True
    if fail_fast:
        raise GeoIncidentsError(f"{doc.source or doc.id}: {outcome[1]}")
    errors.append(BadInput(doc.source or doc.id, outcome[1], doc.id))
    return False


def _drain(window: deque, fail_fast: bool, errors: list[BadInput]):
    items, future = window.popleft()
    yield from _results(items, future.result(), fail_fast, errors)


_STOP: list[BaseException] = []  # a signal that asked the run to stop (see request_stop)


def request_stop(reason: BaseException) -> None:
    """Ask a running batch to stop: :func:`check_stop` raises ``reason`` at the next document.

    The CLI's signal handlers raise at once too; this catches the case where that exception
    lands in a finaliser (garbage collection), where Python reports and ignores it."""
    _STOP.append(reason)


def check_stop() -> None:
    """Raise the reason a stop was requested for, if it was."""
    if _STOP:
        raise _STOP[0]


DASK_CONNECT_TIMEOUT = "10s"


def _on_dask(address: str, make_work, tasks, jobs: int, fail_fast: bool,
             errors: list[BadInput]):
    """Run batches of tasks on a Dask cluster (dask.distributed), results in input order.

    Each worker builds the work once (cached per worker process) and runs whole batches, so
    the spaCy model and the gazetteer load once per worker, not per document.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise GeoIncidentsError("--dask needs dask.distributed (pip install "
                                "'geoincidents[dask]')") from err
    if not log.isEnabledFor(logging.INFO):
        # distributed logs every connection at INFO on its own handlers: keep stderr readable.
        logging.getLogger("distributed").setLevel(logging.WARNING)
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1,
                                   processes=True, dashboard_address=":0")
            client = Client(cluster)
        else:
            client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as err:
        if cluster is not None:
            cluster.close()
        raise GeoIncidentsError(f"cannot reach the Dask scheduler at {address}: "
                                f"{err}") from err
    try:
        window: deque = deque()
        for items in _batches(tasks):
            window.append((items, client.submit(_dask_batch, make_work, [t for _, t in items],
                                                pure=False)))
            while len(window) > 2 * max(jobs, 1):
                yield from _dask_drain(window, fail_fast, errors)
        while window:
            yield from _dask_drain(window, fail_fast, errors)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_drain(window: deque, fail_fast: bool, errors: list[BadInput]):
    items, future = window.popleft()
    try:
        outcomes = future.result()
    except Exception as err:  # noqa: BLE001 - a lost worker or a killed batch, reported as such
        raise Interrupted(f"a Dask task failed ({type(err).__name__}: {err}); "
                                f"the run stopped at {items[0][0].source or items[0][0].id}") \
            from err
    yield from _results(items, outcomes, fail_fast, errors)


_DASK_WORK: dict = {}


def _dask_batch(make_work, tasks: list) -> list:
    """Runs on a Dask worker: the work is built once per worker process and reused."""
    key = repr(make_work)
    if key not in _DASK_WORK:
        _DASK_WORK[key] = make_work()
    return _attempt_batch(_DASK_WORK[key], tasks)


_WORK: Callable | None = None


def _init_worker(make_work) -> None:
    global _WORK
    _WORK = make_work()


def _run_in_worker(tasks: list) -> list[tuple]:
    return _attempt_batch(_WORK, tasks)


def default_jobs(inputs: Iterable[str]) -> int:
    """All cores for a batch (a folder, a feed, several files); one for a single article,
    where starting workers would cost more than it saves."""
    import os

    items = list(inputs)
    single = len(items) == 1 and items[0] != "-" and Path(items[0]).is_file() \
        and Path(items[0]).suffix.lower() not in (".jsonl", ".ndjson")
    return 1 if single else max(1, os.cpu_count() or 1)


def done_ids(path: str | Path) -> tuple[frozenset[str], list]:
    """For ``--resume``: the document ids already in an output, and its records to carry over
    (JSON Lines ``{"id", ...}`` lines, or the features of a GeoJSON FeatureCollection)."""
    from geoincidents.errors import InputError

    path = Path(path)
    if not path.exists():
        return frozenset(), []
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() in (".geojson", ".json"):
            features = json.loads(text)["features"] if text.strip() else []
            return frozenset(f["properties"]["doc_id"] for f in features), features
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        return frozenset(str(r["id"]) for r in records), records
    except (ValueError, KeyError, TypeError) as err:
        raise InputError(f"--resume: cannot read the earlier output {path} ({err})") from None


def write_errors(errors: list[BadInput], path: str | Path) -> None:
    """The failures as JSON Lines ``{"source", "id", "error"}`` (written atomically)."""
    from geoincidents.fileio import atomic_write

    with atomic_write(path) as fh:
        for item in errors:
            fh.write(json.dumps({"source": item.source, "id": item.doc_id, "error": item.error},
                                ensure_ascii=False) + "\n")
