"""What ``kaplan serve`` watches: snapshots of the source files and what changed between two."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

Snapshot = dict[Path, tuple[int, int, int]]


def _ignored(name: str) -> bool:
    # Editors' swap, lock and backup files: saving a plan should give one rebuild, not three.
    return name.startswith((".", "#")) or name.endswith("~")


def _walk(path: Path, skip: Path | None) -> Iterator[os.DirEntry[str] | Path]:
    if path.is_file():
        yield path
        return
    stack = [str(path)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if _ignored(entry.name):
                        continue
                    if entry.is_dir(follow_symlinks=False):  # not following: no symlink loops
                        # The output folder inside a watched one would rebuild forever.
                        if skip is None or Path(entry.path).resolve() != skip:
                            stack.append(entry.path)
                    elif entry.is_file():
                        yield entry
        except OSError:  # vanished or unreadable: it simply has no files now
            continue


def snapshot(watch: Sequence[Path], skip: Path | None = None) -> Snapshot:
    """Every file under the watched paths with its (mtime_ns, size, inode)."""
    files: Snapshot = {}
    for root in watch:
        for item in _walk(root, skip):
            try:
                st = item.stat()
            except OSError:
                continue
            path = item if isinstance(item, Path) else Path(item.path)
            files[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return files


def changed_paths(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, modified or removed between two snapshots, sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
