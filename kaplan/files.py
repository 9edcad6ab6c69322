"""Atomic file writes and bounded reads: a reader never sees a half-written output."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path


def _read_umask() -> int:
    # os.umask is the only portable way to read the mask, and it sets one while reading: done once,
    # at import, before kaplan starts any thread that could create a file in between.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _read_umask()


class NotReadable(ValueError):
    """kaplan refused to read a file: not a regular file, or too large. The message says which."""


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    return write_together({path: data})[0]


def read_regular(path: Path, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (``follow=False``: never through a symlink).

    A FIFO, socket or device (``/dev/zero``) is refused without reading it: the file is opened
    non-blocking and checked on the open descriptor, so it cannot be swapped after the check.
    Raises :class:`NotReadable`, or ``OSError`` when the file cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags if follow else flags | os.O_NOFOLLOW)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotReadable("not a regular file (a folder, device, FIFO or socket); kaplan does not read it")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise NotReadable(f"the file is over {_size(limit)}")
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew since the check
        raise NotReadable(f"the file is over {_size(limit)}")
    return data


def _size(limit: int) -> str:
    return f"{limit / 1048576:g} MB" if limit >= 1048576 else f"{limit} bytes"


def write_together(files: Mapping[Path, bytes | str]) -> list[Path]:
    """Write several files so that they are replaced together, in order, or not at all.

    Every file is first written in full to a temporary file beside its target; only when all of them
    are staged are they renamed into place. A failure while staging (a full disk) leaves every target
    as it was and no temporary file behind.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            payload = data.encode("utf-8") if isinstance(data, str) else data
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            # mkstemp makes 0600 files; outputs get what the user's umask gives any new file (077 → 0600).
            os.chmod(tmp, 0o666 & ~UMASK)
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    return [path for _, path in staged]
