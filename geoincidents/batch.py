"""Running a stage over many documents: one bad document is reported and skipped, not fatal.

A batch over a folder or feed of thousands of articles must not stop at the first broken file
(or at a bug that one odd article triggers): each failure is recorded as a :class:`BadInput`
with where it came from, the others are processed, and the caller reports the failures at the
end (stderr, and ``--errors FILE`` as JSON Lines) and exits non-zero.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from geoincidents.documents import BadInput, Document, read_documents
from geoincidents.errors import GeoIncidentsError

log = logging.getLogger(__name__)
T = TypeVar("T")
# A news article is rarely over 100 kB; a "document" of several megabytes is a dump or a
# mistake, and at ~40k words/s it would run for minutes. Longer ones are refused, by name.
DEFAULT_MAX_CHARS = 2_000_000


def process(inputs: Iterable[str], func: Callable[[Document], T], *, fail_fast: bool = False,
            errors: list[BadInput], fatal: tuple[type[BaseException], ...] = (),
            max_chars: int | None = DEFAULT_MAX_CHARS, progress=None) \
        -> Iterator[tuple[Document, T]]:
    """``(document, func(document))`` for every readable document, in input order.

    Unreadable inputs, malformed lines and documents whose processing fails are appended to
    ``errors`` and skipped; with ``fail_fast`` the first one is raised instead. Exceptions of a
    ``fatal`` type (a usage error such as a contradictory date) always propagate.
    """
    from geoincidents.errors import InputError

    for doc in read_documents(inputs, skip_bad=not fail_fast, bad=errors):
        if progress is not None:
            progress.step()
        try:
            if max_chars is not None and len(doc.text) > max_chars:
                raise InputError(f"{doc.source or doc.id}: {len(doc.text):,} characters, over "
                                 f"the limit of {max_chars:,} per document (--max-chars)")
            result = func(doc)
        except fatal:
            raise
        except GeoIncidentsError as err:
            if fail_fast:
                raise
            errors.append(BadInput(doc.source or doc.id, str(err), doc.id))
            continue
        except Exception as err:  # noqa: BLE001 - one odd article must not end a long batch
            if fail_fast:
                raise
            log.debug("document %s failed", doc.id, exc_info=True)
            errors.append(BadInput(doc.source or doc.id,
                                   f"unexpected {type(err).__name__}: {err}", doc.id))
            continue
        yield doc, result


def write_errors(errors: list[BadInput], path: str | Path) -> None:
    """The failures as JSON Lines ``{"source", "id", "error"}`` (written atomically)."""
    from geoincidents.fileio import atomic_write

    with atomic_write(path) as fh:
        for item in errors:
            fh.write(json.dumps({"source": item.source, "id": item.doc_id, "error": item.error},
                                ensure_ascii=False) + "\n")
