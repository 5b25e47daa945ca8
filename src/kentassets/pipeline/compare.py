"""Comparing two builds end to end: read both folders, compare, write the report.

This is to :mod:`kentassets.rounds.changes` what :mod:`kentassets.pipeline` is to the
analysis: it composes the reader (:func:`kentassets.io.builds.read_build`),
the pure comparison (:func:`kentassets.rounds.changes.compare`), the page
(:func:`kentassets.render.changes.changes_html`) and the atomic writers.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..io.builds import BuildData, read_build
from ..rounds.changes import MOVED_M, ChangeReport, compare
from ..rounds.ids import MIN_JACCARD
from ..rounds.matching import PLACE_M

__all__ = ["compare_builds", "write_changes"]

#: File names written by :func:`write_changes`.
CHANGES_CSV = "changes.csv"
CHANGES_HTML = "changes.html"


def compare_builds(
    old: str | os.PathLike[str] | BuildData,
    new: str | os.PathLike[str] | BuildData,
    *,
    moved_m: float = MOVED_M,
    place_m: float = PLACE_M,
    min_jaccard: float = MIN_JACCARD,
) -> ChangeReport:
    """Compare two kentassets output folders: what changed between two rounds.

    Parameters
    ----------
    old, new
        The previous and the new output folder (or builds already read with
        :func:`kentassets.io.builds.read_build`).
    moved_m, place_m, min_jaccard
        As :func:`kentassets.rounds.changes.compare`.

    Returns
    -------
    kentassets.rounds.changes.ChangeReport
        Assets and co-locations added, removed, moved, changed, merged or
        split, per agency and district; ``write_changes(report, folder)``
        writes it.

    Raises
    ------
    BuildFolderError
        When a folder is not a kentassets output (one line, naming it).

    Examples
    --------
    Needs two output folders, so it is not run as a test:

    >>> import kentassets as ka
    >>> report = ka.compare_builds("outputs-2025-10", "outputs-2026-01")  # doctest: +SKIP
    >>> report.counts("asset")  # doctest: +SKIP
    {'added': 12, 'removed': 3, 'moved': 4, 'changed': 20, 'unchanged': 2361}
    """
    old_build = old if isinstance(old, BuildData) else read_build(old)
    new_build = new if isinstance(new, BuildData) else read_build(new)
    return compare(old_build, new_build, moved_m=moved_m, place_m=place_m,
                   min_jaccard=min_jaccard)


def write_changes(report: ChangeReport, folder: str | os.PathLike[str]) -> list[Path]:
    """Write ``changes.csv`` and ``changes.html`` into ``folder`` (atomically each).

    The CSV is guarded against formula injection; the page is self-contained
    and escaped. A new or empty folder is marked as a kentassets output; in a
    folder of someone else's files, ``changes.csv`` and ``changes.html`` are
    written only if they are not there already.

    Returns
    -------
    list of pathlib.Path
        The two files written.

    Raises
    ------
    OutputError
        When ``folder`` is a file, or holds a ``changes.csv`` or
        ``changes.html`` that kentassets did not write.
    """
    from ..errors import OutputError
    from ..io.outputs import MARKER, write_csv, write_text_atomic
    from ..render.changes import changes_html

    base = Path(folder)
    if base.exists() and not base.is_dir():
        raise OutputError(f"{folder}: is a file, not a folder. Choose a folder for the changes.")
    fresh = not base.exists() or not any(base.iterdir())
    ours = fresh or (base / MARKER).is_file()
    clash = [n for n in (CHANGES_CSV, CHANGES_HTML) if (base / n).exists()]
    if clash and not ours:
        raise OutputError(
            f"{folder}: already holds {' and '.join(clash)}, which kentassets did not write. "
            "Choose another folder for the changes; kentassets never replaces files it did "
            "not write."
        )
    base.mkdir(parents=True, exist_ok=True)
    if fresh:
        write_text_atomic(base / MARKER, "This folder was written by kentassets.\n")
    return [
        write_csv(report.table, base / CHANGES_CSV),
        write_text_atomic(base / CHANGES_HTML, changes_html(report)),
    ]
