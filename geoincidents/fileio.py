"""File helpers shared by the stages: atomic output files that never lose what the user had."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from geoincidents.errors import Interrupted, OutputError

# What stops a run from outside: Ctrl-C, SIGTERM (raised as SystemExit by the CLI), a killed
# worker process.
INTERRUPTIONS = (KeyboardInterrupt, SystemExit, Interrupted)


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, clobber: bool = True,
                 encoding: str | None = "utf-8", newline: str | None = None,
                 commit: Callable[[], bool] | None = None,
                 salvage: Callable[[IO], bool] | None = None) -> Iterator[IO]:
    """Write to a temporary file next to ``path`` and rename it into place on success.

    On any exception the temporary file is removed, so a failed run never leaves a partial
    output; an existing file is replaced atomically (``clobber=False`` refuses instead, also
    when the file appears while the run is writing). ``commit()``, asked at the end, may say
    False: the new file is dropped and ``path`` stays as it was (a run that processed
    nothing). On an interruption (:data:`INTERRUPTIONS`), ``salvage(fh)`` may finish the file
    with what is complete and return True to keep it; the interruption still propagates.
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
            try:
                yield fh
            except INTERRUPTIONS:
                if salvage is None or not salvage(fh):
                    raise
                fh.close()
                _install(tmp, path, clobber)
                raise
        if commit is None or commit():
            _install(tmp, path, clobber)
        else:
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _install(tmp: str, path: Path, clobber: bool) -> None:
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        if clobber:
            os.replace(tmp, path)
        else:
            # link() fails if the name exists: no window in which another run's file is lost.
            os.link(tmp, path)
            os.unlink(tmp)
    except FileExistsError:
        raise OutputError(f"{path} exists (refusing to overwrite)") from None
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror}") from err


def nothing_written(path: str | Path | None) -> str:
    """The end of an error message for a run that wrote nothing: what became of ``path``."""
    if path is not None and Path(path).exists():
        return f"nothing written; existing {path} kept"
    return "nothing written"


class Checkpoints:
    """The ends of the whole documents in a streamed text output, so that an interrupted run
    can keep the documents it finished (``--resume`` then does the rest).

    ``closing`` is what completes the file after the last whole document (the ``]}`` of a
    FeatureCollection). ``allowed`` says whether keeping them loses nothing the user had: the
    output did not exist, or the run carries the earlier output over (``--resume``).
    """

    def __init__(self, fh: IO[str], *, closing: str = "", allowed: bool = True) -> None:
        self.fh, self.closing, self.allowed = fh, closing, allowed
        self.position = fh.tell()
        self.documents = 0

    def mark(self, documents: int = 1) -> None:
        """Everything written so far is whole: ``documents`` more documents of this run (0 for
        the records a resumed run carries over)."""
        self.position = self.fh.tell()
        self.documents += documents

    def salvage(self, fh: IO[str]) -> bool:
        """Cut the file after the last whole document and close its structure."""
        if not self.allowed or self.documents == 0:
            return False
        fh.seek(self.position)
        fh.truncate()
        fh.write(self.closing)
        fh.flush()
        return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
