"""What ``kaplan serve`` watches, told by the operating system's file notifications (``watchfiles``).

The watched paths (the plans and templates folders, ``kaplan.yaml``) are not handed to the OS watcher
as they are: a file is watched through its folder, since an editor that saves by writing a new file
and renaming it over the old one leaves a watch on the file itself watching nothing; a path not there
yet is watched through its folder too, so that creating it counts. :class:`SourceFilter` then keeps
only what the old snapshot loop saw: files at or under a watched path, none of editors' swap, lock or
backup files, nothing in the output folder and nothing reached through a symlink that leads out.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # watchfiles is imported only once a preview starts watching
    from watchfiles import Change

# A save is a burst of events a few ms apart (write, close, rename, the editor's backup): a quiet
# STEP_MS ends the burst. DEBOUNCE_MS caps how long a stream of events (a git checkout) is gathered
# before one rebuild starts; whatever comes later makes one more. Both set the save-to-reload latency
# (bench/serve.py), with watchfiles' default debounce of 1600 ms it could take seconds.
STEP_MS = 30
DEBOUNCE_MS = 300


def is_ignored(name: str) -> bool:
    """True for editors' swap, lock and backup files: saving a plan should give one rebuild, not three."""
    return name.startswith((".", "#")) or name.endswith("~")


def watch_roots(watch: Sequence[Path]) -> list[Path]:
    """The folders to watch with their subfolders so that every path of ``watch`` is seen, none twice.

    A folder stands for itself; a file, or a path not there yet, for the folder holding it (a path
    whose folder is missing too is left out).
    """
    folders = set()
    for path in watch:
        absolute = Path(os.path.abspath(path))
        if absolute.is_dir():
            folders.add(absolute)
        elif absolute.parent.is_dir():
            folders.add(absolute.parent)
    return sorted(f for f in folders if not any(f != o and f.is_relative_to(o) for o in folders))


class SourceFilter:
    """``watch_filter`` for ``watchfiles``: True for a change to a source of the site."""

    def __init__(self, watch: Sequence[Path], skip: Path | None = None) -> None:
        self.watch = [(Path(os.path.abspath(p)), Path(p).resolve()) for p in watch]
        self.skip = skip.resolve() if skip is not None else None

    def __call__(self, change: Change, path: str) -> bool:
        changed = Path(path)
        # The folder resolved, not the file: a deleted file resolves to nothing.
        real = changed.parent.resolve() / changed.name
        if self.skip is not None and real.is_relative_to(self.skip):
            return False  # the output folder: the rebuild's own writes would start another one
        return any(self._under(changed, real, watched, real_watched) for watched, real_watched in self.watch)

    @staticmethod
    def _under(changed: Path, real: Path, watched: Path, real_watched: Path) -> bool:
        if changed == watched:
            return True
        if not changed.is_relative_to(watched):
            return False
        if any(is_ignored(part) for part in changed.relative_to(watched).parts):
            return False
        # The OS watcher follows symlinked folders; a change it finds through one out of here is not ours.
        return real.is_relative_to(real_watched)


def watch_changes(
    watch: Sequence[Path], skip: Path | None, stop: threading.Event, ready: Callable[[], None]
) -> Iterator[list[Path]]:
    """Each batch of changed sources (sorted paths) until ``stop`` is set.

    ``ready()`` is called once the OS watches every folder, and again now and then: a change made
    after its first call is seen. Changes made while the caller handles a batch come in the next.
    """
    import watchfiles  # here, not at the top: only ``kaplan serve`` needs it

    roots = watch_roots(watch)
    if not roots:
        ready()
        stop.wait()
        return
    batches = watchfiles.watch(
        *roots,
        watch_filter=SourceFilter(watch, skip),
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        # An empty batch every STEP_MS while nothing changes: the first one says the watches are in place.
        rust_timeout=STEP_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    )
    for changes in batches:
        ready()
        if changes:
            yield sorted({Path(p) for _, p in changes})
