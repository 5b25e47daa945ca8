"""The sample estate as files and as a loaded result: write it, or load it in one call.

:func:`render_sample_files` turns a generated estate into file contents (the
registers, ``manifest.toml`` and ``README.txt``); :func:`write_sample_estate`
writes them to a folder, refusing folders it did not write;
:func:`sample_estate` writes, reads and caches the estate in memory.
"""

from __future__ import annotations

import functools
import logging
import numbers
import tempfile
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

from ..errors import OutputError, ValidationError
from ..io.outputs import write_bytes_atomic
from ..io.postcodes import PostcodeDirectory
from .agencies import (
    FILES,
    MAX_ASSETS,
    MIN_ASSETS,
    SAMPLE_N_ASSETS,
    SAMPLE_SEED,
)
from .defects import SAMPLE_DEFECTS
from .generate import generate_sample_estate
from .manifest import MANIFEST_NAME, REGISTERS, sample_manifest_text

if TYPE_CHECKING:  # pragma: no cover - the loader imports lazily, at call time
    from ..load import LoadResult

logger = logging.getLogger(__name__)


#: Name of the README written beside the registers.
README_NAME: Final = "README.txt"
#: Line in the README that marks a folder as written by :func:`write_sample_estate`.
README_MARKER: Final = "Written by kentassets.sample.write_sample_estate"


class SampleEstateError(OutputError):
    """The sample estate cannot be written into the folder given."""


def _readme_text(estate: Mapping[str, pd.DataFrame]) -> str:
    lines = [
        "KENT AND MEDWAY PUBLIC ESTATE - SYNTHETIC SAMPLE DATA",
        "=" * 53,
        "",
        README_MARKER + " (kentassets).",
        "Every asset, name, address, floor area, staff number, running cost, tenure and",
        "status in these files is invented. The agencies are named for realism only and",
        "did not supply any of it. Locations are real postcode centroids from the ONS",
        "Postcode Directory (Open Government Licence v3.0; contains OS data (c) Crown",
        "copyright and database right; contains Royal Mail data (c) Royal Mail copyright",
        "and database right; source: Office for National Statistics).",
        "",
        "Anything made from these files is synthetic sample data and must say so.",
        "",
        "Files (rows):",
    ]
    for agency, frame in estate.items():
        lines.append(f"  {FILES[agency]:<48} {len(frame):>5}  {agency}")
    lines += ["  " + MANIFEST_NAME + "  (lists the files above for kentassets)", "",
              "Planted defects (so the load ledger has something true to say):"]
    for d in SAMPLE_DEFECTS:
        if d.agency in estate:
            lines.append(f"  {d.file}: {d.asset_id}: {d.description} "
                         f"(expected: {d.expected_status})")
    return "\n".join(lines) + "\n"


def render_sample_files(estate: Mapping[str, pd.DataFrame]) -> dict[str, bytes]:
    """Turn a generated estate into file contents, without touching the disk.

    Parameters
    ----------
    estate
        Output of :func:`generate_sample_estate`.

    Returns
    -------
    dict of str to bytes
        File name -> content: one register per agency, ``manifest.toml`` and
        ``README.txt``.
    """
    files = {FILES[agency]: REGISTERS[agency].writer(frame)
             for agency, frame in estate.items()}
    files[MANIFEST_NAME] = sample_manifest_text(agencies=list(estate)).encode("utf-8")
    files[README_NAME] = _readme_text(estate).encode("utf-8")
    return files


def sample_file_names() -> tuple[str, ...]:
    """Names of every file :func:`write_sample_estate` writes."""
    return (*FILES.values(), MANIFEST_NAME, README_NAME)


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise SampleEstateError(
            f"{folder}: exists and is not a folder. Give a new or empty folder for the "
            "sample estate."
        )
    if not folder.exists():
        return
    present = sorted(p.name for p in folder.iterdir())
    if not present:
        return
    ours = set(sample_file_names())
    unrelated = [name for name in present if name not in ours]
    readme = folder / README_NAME
    marked = readme.is_file() and README_MARKER in readme.read_text(
        encoding="utf-8", errors="replace")
    if unrelated or not marked:
        shown = ", ".join(unrelated[:5] or present[:5])
        raise SampleEstateError(
            f"{folder}: the folder already holds files that kentassets did not write as a "
            f"sample estate ({shown}). Give a new or empty folder; the sample estate never "
            "overwrites other files."
        )


def write_sample_estate(
    folder: str | PathLike[str], *, seed: int = SAMPLE_SEED,
    n_assets: int = SAMPLE_N_ASSETS, postcodes: PostcodeDirectory | None = None,
) -> Path:
    """Write the synthetic sample Kent estate (agency registers + manifest) to a folder.

    The folder is created if needed. It may be empty, or hold a sample estate
    written earlier by this function (which is then replaced); anything else
    is refused, so no user file is ever overwritten.

    Parameters
    ----------
    folder
        Folder to write into.
    seed
        Random seed; the same seed gives byte-identical files.
    n_assets
        Total number of asset rows over all agencies (300 to 200,000).
    postcodes
        Postcode directory supplying real centroids; ``None`` uses the packaged
        ONS Postcode Directory.

    Returns
    -------
    pathlib.Path
        The manifest (``folder/manifest.toml``).

    Raises
    ------
    SampleEstateError
        If the folder holds files this function did not write.
    ValidationError
        If ``n_assets`` is out of range.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
    ...     write_sample_estate(Path(tmp) / "estate").name
    'manifest.toml'
    """
    folder = Path(folder)
    _check_folder(folder)
    estate = generate_sample_estate(seed=seed, n_assets=n_assets, postcodes=postcodes)
    files = render_sample_files(estate)
    for name, content in files.items():  # io makes the folder
        write_bytes_atomic(folder / name, content)
    logger.info("Wrote the synthetic sample estate (%d assets, %d agencies) to %s",
                sum(len(f) for f in estate.values()), len(estate), folder)
    return folder / MANIFEST_NAME


def sample_estate(*, n_assets: int = 600, seed: int = SAMPLE_SEED) -> LoadResult:
    """Load the synthetic sample estate: assets, ledger and manifest, in one call.

    Writes the estate with :func:`write_sample_estate` into a temporary folder,
    reads it with :func:`kentassets.read_manifest` (no progress bar) and
    removes the folder again: the result holds everything in memory and never
    needs the files afterwards (``result.manifest`` still names the removed
    files, for the record).

    The result is **cached** per ``(n_assets, seed)`` for the life of the
    Python process, so docstring examples, tests and notebook cells pay for
    the load (a few seconds) only once. Every call with the same arguments
    returns the *same* object: copy the frames before changing them, e.g.
    ``assets = sample_estate().assets.copy()``.

    Parameters
    ----------
    n_assets
        Total number of asset rows over all agencies, 300 to 200,000. The
        default 600 is small enough for quick examples and still gives
        co-locations in every district; ``kentassets demo`` uses 2,400.
    seed
        Seed of the sample estate; the same seed gives the same estate.

    Returns
    -------
    kentassets.LoadResult
        ``assets`` (EPSG:27700), ``ledger`` (one row per register row, planted
        defects included) and ``manifest`` (title, data date, ``synthetic``).

    Raises
    ------
    ValidationError
        If ``n_assets`` or ``seed`` is not a whole number, or ``n_assets`` is
        outside 300 to 200,000.

    Examples
    --------
    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> estate is ka.sample_estate()  # cached: loaded once per process
    True
    >>> len(estate.assets) > 500, estate.manifest.synthetic
    (True, True)
    >>> sorted(estate.ledger["status"].unique())
    ['excluded', 'loaded', 'rejected']
    """
    for name, value in (("n_assets", n_assets), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValidationError(f"{name} must be a whole number; got {value!r}.")
    if not MIN_ASSETS <= n_assets <= MAX_ASSETS:
        raise ValidationError(
            f"n_assets must be between {MIN_ASSETS} and {MAX_ASSETS:,}; got {n_assets}."
        )
    return _load_sample_estate(int(n_assets), int(seed))


@functools.cache
def _load_sample_estate(n_assets: int, seed: int) -> LoadResult:
    """Write, read and remove the sample estate; cached so keywords and defaults share a key."""
    from ..load import read_manifest

    with tempfile.TemporaryDirectory(prefix="kentassets-sample-") as tmp:
        manifest = write_sample_estate(Path(tmp) / "estate", seed=seed, n_assets=n_assets)
        return read_manifest(manifest, progress=False)
