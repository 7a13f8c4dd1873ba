"""``-o FILE`` for ``hub brief`` and ``hub export``: written atomically.

The text goes to a temporary file beside the target, is flushed to disk, and replaces the
target with one ``os.replace``: at every moment the target is either the old file or the
complete new one, never half written.  When the run fails or is interrupted before the
end, the temporary file is removed and the target is left as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from hubcli.errors import HubError
from hubcli.i18n import Message


def check_target(path: str | Path) -> None:
    """Fail before any work when ``path`` cannot be written (a directory, or a folder that
    does not exist or is not writable)."""
    target = Path(path).expanduser()
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise HubError("output_write_failed", path=str(path), reason=Message("output_is_a_directory"))
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise HubError("output_write_failed", path=str(path),
                       reason=Message("output_no_such_directory", {"path": str(parent)}))


@contextmanager
def atomic_open(path: str | Path) -> Iterator[TextIO]:
    """A text handle whose content becomes ``path`` only when the ``with`` block ends
    without an exception; raises :class:`HubError` when the file cannot be written."""
    target = Path(path).expanduser()
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _failed(target, exc) from exc
    done = False
    try:
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            _copy_mode(tmp, target)
            os.replace(tmp, target)
        except OSError as exc:  # the disk is full, the folder went away, ...
            raise _failed(target, exc) from exc
        done = True
    finally:
        if not done:  # failed or interrupted: the target stays as it was
            try:
                os.unlink(tmp)
            except OSError:
                pass


def atomic_write(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path) as handle:
        handle.write(text)


def _copy_mode(tmp: str, target: Path) -> None:
    """The new file keeps the old one's permissions, or gets the usual ones (mkstemp makes 0600)."""
    if target.exists():
        try:
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        except OSError:
            pass
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)


def _failed(target: Path, exc: OSError) -> HubError:
    return HubError("output_write_failed", path=str(target), reason=exc.strerror or str(exc))
