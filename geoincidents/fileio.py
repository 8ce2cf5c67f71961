"""File helpers shared by the stages: atomic output files."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from geoincidents.errors import OutputError


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, clobber: bool = True,
                 encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """Write to a temporary file next to ``path`` and rename it into place on success.

    On any exception the temporary file is removed, so a failed run never leaves a partial
    output; an existing file is replaced atomically (``clobber=False`` refuses instead).
    """
    path = Path(path)
    if not clobber and path.exists():
        raise OutputError(f"{path} exists (refusing to overwrite)")
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise OutputError(f"cannot write to {directory}: {err.strerror}") from err
    binary = "b" in mode
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding,
                       newline=None if binary else newline) as fh:
            yield fh
        try:
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except OSError as err:
            raise OutputError(f"cannot write {path}: {err.strerror}") from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
