"""Reading input documents: text files, directories, standard input and JSON Lines feeds.

* a text file is one document, its id the file stem;
* a directory is its ``*.txt`` files, sorted by name;
* ``-`` is standard input, one document with id ``stdin``;
* a ``.jsonl`` file has one ``{"id", "text", "published"?}`` object per line (other keys are kept
  in ``extra``; the evaluation corpora are valid input).

Text is decoded as UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured). Bytes that are not
UTF-8 are replaced with U+FFFD and a warning names the file once: a feed with one bad byte is
still worth reading. A file with NUL bytes is binary and an error.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoincidents.errors import InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Document:
    """One input text."""

    id: str
    text: str
    published: dt.date | None = None
    source: str = ""  # file name (and line) it came from
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BadInput:
    """An input or document that failed: where it came from and why."""

    source: str
    error: str
    doc_id: str | None = None


def decode(data: bytes, name: str) -> str:
    """Bytes -> text (see the module docstring for the rules)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(f"{name}: invalid UTF-16 ({err.reason})") from None
    if b"\x00" in data:
        raise InputError(f"{name}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("%s: not valid UTF-8; undecodable bytes replaced with U+FFFD", name)
        return data.decode("utf-8-sig", errors="replace")


def parse_published(value: Any, where: str) -> dt.date | None:
    """A publication date from ISO text ("2025-09-12", "2025-09-12T08:00:00Z") or None."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: 'published' must be a date string, got {value!r}")
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InputError(f"{where}: 'published' {value!r} is not a YYYY-MM-DD date") from None


def read_documents(inputs: Iterable[str], *, skip_bad: bool = False,
                   bad: list[BadInput] | None = None) -> Iterator[Document]:
    """Yield the documents of every input in order.

    With ``skip_bad`` a malformed JSONL line or unreadable file is appended to ``bad`` and
    skipped; otherwise it raises :class:`InputError` naming the file and line.
    """
    for item in inputs:
        try:
            if item == "-":
                yield Document("stdin", decode(sys.stdin.buffer.read(), "<stdin>"),
                               source="<stdin>")
                continue
            path = Path(item)
            if path.is_dir():
                files = sorted(p for p in path.iterdir() if p.suffix == ".txt" and p.is_file())
                for p in files:
                    yield from _guard(lambda p=p: [_text_document(p)], str(p), skip_bad, bad)
            elif path.suffix.lower() in (".jsonl", ".ndjson"):
                yield from _jsonl(path, skip_bad, bad)
            elif path.exists():
                yield from _guard(lambda path=path: [_text_document(path)], str(path),
                                  skip_bad, bad)
            else:
                raise InputError(f"{item}: no such file or directory")
        except InputError as err:
            if not skip_bad:
                raise
            if bad is not None:
                bad.append(BadInput(item, str(err)))


def _guard(read, source: str, skip_bad: bool, bad: list[BadInput] | None) -> Iterator[Document]:
    try:
        docs = read()
    except InputError as err:
        if not skip_bad:
            raise
        if bad is not None:
            bad.append(BadInput(source, str(err)))
        return
    yield from docs


def _text_document(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror}") from None
    return Document(path.stem, decode(data, str(path)), source=str(path))


def _jsonl(path: Path, skip_bad: bool, bad: list[BadInput] | None) -> Iterator[Document]:
    try:
        fh = open(path, "rb")
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror}") from None
    with fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = f"{path} line {line_no}"
            try:
                yield _jsonl_document(raw, where)
            except InputError as err:
                if not skip_bad:
                    raise
                if bad is not None:
                    bad.append(BadInput(where, str(err)))


def _jsonl_document(raw: bytes, where: str) -> Document:
    try:
        obj = json.loads(decode(raw, where))
    except json.JSONDecodeError as err:
        raise InputError(f"{where}: not valid JSON ({err.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply for a document") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: missing 'text' string")
    doc_id = obj.get("id", "")
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or doc_id == "":
        raise InputError(f"{where}: missing 'id' (a string or number)")
    extra = {k: v for k, v in obj.items() if k not in ("id", "text", "published")}
    return Document(str(doc_id), text, parse_published(obj.get("published"), where), where, extra)
