"""Writing outputs safely: atomic files, an atomic output folder, guarded CSV.

* Every file is written to a temporary name in the same folder and renamed into
  place, so a reader never sees half a file.
* A build writes into a temporary folder beside the output folder and swaps it
  in only when everything succeeded (:func:`atomic_output_dir`). A failed or
  interrupted build leaves the previous output folder as it was.
* kentassets only ever replaces or deletes a folder that carries its marker
  file, i.e. a folder it created itself.
* CSV files are guarded against formula injection (:func:`kentassets.safety.guard_csv_frame`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ..errors import OutputError
from ..safety import guard_csv_frame

logger = logging.getLogger(__name__)

_DRIVERS = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "ESRI Shapefile",
    ".fgb": "FlatGeobuf",
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: File that marks a folder as written by kentassets (and so safe to replace).
MARKER = ".kentassets-output"
_TMP_PREFIX = ".kentassets-tmp-"


@contextlib.contextmanager
def _temporary_sibling(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary file path beside ``path``; remove it if still there on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    # mkstemp makes private files; outputs get the usual permissions.
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, then rename)."""
    target = Path(path)
    with _temporary_sibling(target) as tmp:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], *, index: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV (with BOM, for Excel), guarded and atomic.

    Text cells that a spreadsheet would run as a formula are made inert; numbers
    stay numbers.

    Parameters
    ----------
    frame
        Table to write. A geometry column is written as WKT.
    path
        Destination file.
    index
        Write the index as the first column.
    """
    out = pd.DataFrame(frame).copy()
    for col in out.columns:
        if isinstance(out[col].dtype, gpd.array.GeometryDtype):
            out[col] = gpd.GeoSeries(out[col]).to_wkt()
    out = guard_csv_frame(out)
    text = out.to_csv(index=index, lineterminator="\n")
    return write_bytes_atomic(path, ("\ufeff" + text).encode("utf-8"))


def write_json(data: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` as indented, key-sorted JSON, atomically."""
    return write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def write_vector(
    frame: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    driver: str | None = None,
    timestamp: dt.datetime | dt.date | None = None,
) -> Path:
    """Write a GeoDataFrame with pyogrio (GeoPackage, GeoJSON...), atomically.

    Parameters
    ----------
    frame
        Data to write.
    path
        Destination; the driver follows the suffix unless given.
    layer
        Layer name (GeoPackage).
    driver
        OGR driver name, e.g. ``"GPKG"`` or ``"GeoJSON"``.
    timestamp
        Modification time recorded inside a GeoPackage; give one (e.g. the data
        date) for byte-identical files from run to run.
    """
    target = Path(path)
    driver = driver or _DRIVERS.get(target.suffix.lower())
    if driver is None:
        raise OutputError(
            f"{target}: unknown vector format; use one of {', '.join(sorted(_DRIVERS))}."
        )
    out = frame.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        dtype = out[col].dtype
        nullable = isinstance(dtype, pd.StringDtype | pd.BooleanDtype)
        if nullable or pd.api.types.is_object_dtype(dtype):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        elif isinstance(dtype, pd.Int64Dtype):
            out[col] = out[col].astype("float64")
    with _temporary_sibling(target, suffix=target.suffix) as tmp:
        tmp.unlink()  # OGR wants to create the file itself
        with _gdal_current_date(timestamp):
            out.to_file(
                tmp, layer=layer or target.stem, driver=driver, engine="pyogrio", index=False
            )
        os.replace(tmp, target)
    return target


@contextlib.contextmanager
def _gdal_current_date(timestamp: dt.datetime | dt.date | None) -> Iterator[None]:
    """Set GDAL's OGR_CURRENT_DATE (the GeoPackage change date) for one write."""
    if timestamp is None:
        yield
        return
    import pyogrio

    if not isinstance(timestamp, dt.datetime):
        timestamp = dt.datetime(timestamp.year, timestamp.month, timestamp.day)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options(
        {"OGR_CURRENT_DATE": timestamp.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    )
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def _is_ours(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def check_output_dir(
    out_dir: Path, *, inputs: Iterable[Path] = (), allow_inputs: bool = False
) -> None:
    """Refuse output folders that would put user files at risk.

    Raises
    ------
    OutputError
        If ``out_dir`` is a file, holds files kentassets did not create, or
        holds (or is inside the folder of) the input registers.
    """
    out = out_dir.resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out_dir}: is a file, not a folder. Choose a folder for the outputs.")
    if not allow_inputs:
        for item in inputs:
            source = Path(item).resolve()
            if out == source.parent or out in source.parents:
                raise OutputError(
                    f"{out_dir}: holds the input register {item}. Write outputs to a "
                    "separate folder (for example --out outputs), so that an input can "
                    "never be overwritten."
                )
    if out.is_dir() and any(out.iterdir()) and not _is_ours(out):
        raise OutputError(
            f"{out_dir}: the folder exists and holds files kentassets did not create. "
            "Choose an empty or new folder; kentassets never deletes files it did not write."
        )


@contextlib.contextmanager
def atomic_output_dir(
    out_dir: str | os.PathLike[str],
    *,
    inputs: Iterable[Path] = (),
    allow_inputs: bool = False,
) -> Iterator[Path]:
    """Build an output folder atomically.

    Yields a temporary folder beside ``out_dir``. When the ``with`` block
    finishes without an exception the temporary folder replaces ``out_dir``
    (whose previous content, written by kentassets, is removed). When it fails,
    the temporary folder is removed and ``out_dir`` is untouched.

    Parameters
    ----------
    out_dir
        The final output folder.
    inputs
        Input files; the output folder may not hold them.
    allow_inputs
        Allow an output folder that holds input files.

    Raises
    ------
    OutputError
        If the folder is not safe to write (see :func:`check_output_dir`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_output_dir(root / "out") as tmp:
    ...     _ = (tmp / "a.txt").write_text("hello")
    >>> (root / "out" / "a.txt").read_text()
    'hello'
    """
    final = Path(out_dir)
    check_output_dir(final, inputs=inputs, allow_inputs=allow_inputs)
    parent = final.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{final.name}-", dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    (tmp / MARKER).write_text(
        "This folder was written by kentassets; a new build replaces it.\n", encoding="utf-8"
    )
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_in(tmp, final.resolve())


def _swap_in(tmp: Path, final: Path) -> None:
    old: Path | None = None
    if final.exists():
        if any(final.iterdir()) and not _is_ours(final):  # re-checked: it may have changed
            shutil.rmtree(tmp, ignore_errors=True)
            raise OutputError(
                f"{final}: files appeared that kentassets did not create; not replacing it."
            )
        old = final.with_name(f"{_TMP_PREFIX}{final.name}-old-{os.getpid()}")
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_stale_temporaries(parent: Path, *, older_than_s: float = 3600.0) -> None:
    """Remove temporary folders left by killed builds (only ours, only old ones)."""
    now = time.time()
    for item in parent.glob(f"{_TMP_PREFIX}*"):
        try:
            if item.is_dir() and _is_ours(item) and now - item.stat().st_mtime > older_than_s:
                shutil.rmtree(item, ignore_errors=True)
        except OSError:  # pragma: no cover - a race with another process
            continue
