"""The benchmark table: typical floor areas, running costs and space per person, cited.

A :class:`BenchmarkTable` holds one :class:`Benchmark` per ``(use, figure)``:
low / central / high, the unit, the basis (``published``, ``derived``,
``assumption``, ``none`` or ``override``) and the source. The package ships a
table (``kentassets/data/benchmarks.toml``, read by
:func:`kentassets.io.benchmarks.read_benchmarks`); a partnership overrides any
row with its own TOML. This module is pure: it checks and merges tables already
parsed into dicts, and formats them as text or TOML.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

import pandas as pd

from .. import schema
from ..errors import BenchmarkError

__all__ = [
    "BASES",
    "FIGURES",
    "GENERAL_FIGURES",
    "Benchmark",
    "BenchmarkTable",
    "benchmarks_from_mapping",
    "benchmarks_to_toml",
    "format_benchmarks",
]

#: Figures per use, with their units.
FIGURES: Final[dict[str, str]] = {
    "gia_m2": "m2 GIA",
    "cost_per_m2_gbp": "GBP per m2 a year",
    "nia_m2_per_fte": "m2 NIA per FTE",
}
#: Figures of the ``[general]`` section, with their units.
GENERAL_FIGURES: Final[dict[str, str]] = {
    "net_to_gross": "NIA / GIA",
    "storeys": "storeys",
    "shared_service_saving_share": "share",
    "dwellings_per_ha": "dwellings per hectare (net)",
}
#: What a row rests on. ``none`` means no figure: the field stays missing.
BASES: Final = ("published", "derived", "assumption", "override", "none")
GENERAL: Final = "general"
_TEXT_KEYS: Final = ("unit", "basis", "source", "url", "year", "note")
_NUMBER_KEYS: Final = ("low", "central", "high", "value")
#: Upper bounds that catch a slipped decimal point or a wrong unit.
_MAXIMA: Final[dict[str, float]] = {
    "gia_m2": 1_000_000.0,
    "cost_per_m2_gbp": 10_000.0,
    "nia_m2_per_fte": 100.0,
    "net_to_gross": 1.0,
    "storeys": 100.0,
    "shared_service_saving_share": 1.0,
    "dwellings_per_ha": 1_000.0,
}


@dataclass(frozen=True)
class Benchmark:
    """One row of the table: a figure for a use, as low / central / high with its source.

    ``low``, ``central`` and ``high`` are all ``None`` when ``basis`` is ``"none"``.
    """

    use: str
    figure: str
    low: float | None
    central: float | None
    high: float | None
    unit: str
    basis: str
    source: str
    url: str = ""
    year: str = ""
    note: str = ""
    origin: str = "kentassets"

    @property
    def known(self) -> bool:
        """Whether the row holds figures."""
        return self.central is not None


@dataclass(frozen=True)
class BenchmarkTable:
    """The benchmark table in force: rows keyed by ``(use, figure)``.

    Examples
    --------
    >>> from kentassets.io.benchmarks import read_benchmarks
    >>> table = read_benchmarks()
    >>> table.get("office", "cost_per_m2_gbp").central
    467.0
    >>> table.get("land", "gia_m2").known
    False
    >>> table.general("dwellings_per_ha").low
    30.0
    """

    rows: tuple[Benchmark, ...]
    origins: tuple[str, ...] = ("kentassets",)

    def get(self, use: str, figure: str) -> Benchmark | None:
        """The row for ``use`` and ``figure``, or ``None``."""
        for row in self.rows:
            if row.use == use and row.figure == figure:
                return row
        return None

    def general(self, figure: str) -> Benchmark:
        """A row of the ``[general]`` section (it must exist and hold figures)."""
        row = self.get(GENERAL, figure)
        if row is None or not row.known:
            raise BenchmarkError(
                f"benchmark table ({', '.join(self.origins)}): [general.{figure}] has no "
                "figures; give low, central and high (or value) for it"
            )
        return row

    def __iter__(self) -> Iterator[Benchmark]:
        return iter(self.rows)

    def to_frame(self) -> pd.DataFrame:
        """The table as a frame, one row per figure (for CSV outputs and notebooks)."""
        cols = ["use", "figure", "low", "central", "high", "unit", "basis", "source",
                "url", "year", "note", "origin"]
        return pd.DataFrame([[getattr(r, c) for c in cols] for r in self.rows], columns=cols)


def _unit(figure: str) -> str:
    return FIGURES.get(figure) or GENERAL_FIGURES.get(figure, "")


def _number(value: Any, where: str, key: str, figure: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BenchmarkError(f"{where}: {key} must be a number, got {value!r}. Write it "
                             "without quotes or units, e.g. central = 450")
    number = float(value)
    top = _MAXIMA.get(figure, math.inf)
    if not (math.isfinite(number) and 0.0 <= number <= top):
        raise BenchmarkError(f"{where}: {key} = {value!r} is out of range; it must be between "
                             f"0 and {top:g}. Check the unit ({_unit(figure)})")
    return number


def _triple(row: Mapping[str, Any], where: str, figure: str) -> tuple[float, float, float]:
    if "value" in row:
        if any(k in row for k in ("low", "central", "high")):
            raise BenchmarkError(f"{where}: give either value, or low, central and high, "
                                 "not both")
        v = _number(row["value"], where, "value", figure)
        return v, v, v
    given = [k for k in ("low", "central", "high") if k in row]
    if given == ["central"]:
        v = _number(row["central"], where, "central", figure)
        return v, v, v
    if len(given) != 3:
        raise BenchmarkError(f"{where}: has {', '.join(given) or 'no figures'}; give low, "
                             "central and high (or value for all three), or basis = \"none\"")
    low, central, high = (_number(row[k], where, k, figure) for k in ("low", "central", "high"))
    if not low <= central <= high:
        raise BenchmarkError(f"{where}: low {low:g}, central {central:g}, high {high:g} are "
                             "not in order; make low <= central <= high")
    return low, central, high


def _row(use: str, figure: str, raw: Any, origin: str, *, override: bool) -> Benchmark:
    where = f"{origin}, [{use}.{figure}]"
    if not isinstance(raw, Mapping):
        raise BenchmarkError(f"{where}: expected a table of low, central, high and source, "
                             f"got {raw!r}")
    unknown = sorted(set(raw) - set(_TEXT_KEYS) - set(_NUMBER_KEYS))
    if unknown:
        raise BenchmarkError(f"{where}: unknown key(s) {', '.join(unknown)}; known keys: "
                             f"{', '.join((*_NUMBER_KEYS, *_TEXT_KEYS))}")
    basis = str(raw.get("basis", "override" if override else ""))
    if basis not in BASES:
        raise BenchmarkError(f"{where}: basis {basis!r} is not one of {', '.join(BASES)}")
    source = str(raw.get("source", f"override in {origin}" if override else "")).strip()
    if not source:
        raise BenchmarkError(f"{where}: no source. Say where the figure comes from, or "
                             "basis = \"assumption\" with the reasoning in note")
    if basis == "none":
        low = central = high = None
    else:
        low, central, high = _triple(raw, where, figure)
    unit = _unit(figure)
    texts = {k: str(raw.get(k, "")) for k in ("url", "year", "note")}
    return Benchmark(use=use, figure=figure, low=low, central=central, high=high, unit=unit,
                     basis=basis, source=source, origin=origin, **texts)


def _check_use(use: str, origin: str) -> None:
    uses = (*schema.USES, GENERAL)
    if use not in uses:
        raise BenchmarkError(f"{origin}: [{use}] is not a use; the uses are "
                             f"{', '.join(uses)}")


def _check_key(use: str, figure: str, origin: str) -> None:
    figures = GENERAL_FIGURES if use == GENERAL else FIGURES
    if figure not in figures:
        raise BenchmarkError(f"{origin}, [{use}.{figure}]: unknown figure; the figures of "
                             f"[{use}] are {', '.join(figures)}")


def benchmarks_from_mapping(
    data: Mapping[str, Any],
    *,
    origin: str,
    base: BenchmarkTable | None = None,
) -> BenchmarkTable:
    """Check a parsed benchmark TOML and merge it over ``base``.

    Parameters
    ----------
    data
        ``{use: {figure: {low, central, high, source, ...}}}`` as read from TOML.
    origin
        Where it came from (a file name), for messages and the ``origin`` column.
    base
        The table to override; ``None`` makes a complete table from ``data`` alone.

    Returns
    -------
    BenchmarkTable
        ``base`` with the rows of ``data`` replacing its rows of the same key.

    Raises
    ------
    BenchmarkError
        Naming the file and the ``[use.figure]`` key, what is wrong and the fix.

    Examples
    --------
    >>> from kentassets.io.benchmarks import read_benchmarks
    >>> mine = benchmarks_from_mapping(
    ...     {"library": {"cost_per_m2_gbp": {"value": 95, "source": "KCC 2025 budget"}}},
    ...     origin="my.toml", base=read_benchmarks())
    >>> row = mine.get("library", "cost_per_m2_gbp")
    >>> row.low, row.high, row.basis, row.origin
    (95.0, 95.0, 'override', 'my.toml')
    >>> benchmarks_from_mapping({"libary": {}}, origin="my.toml", base=mine)
    Traceback (most recent call last):
    ...
    kentassets.errors.BenchmarkError: my.toml: [libary] is not a use; the uses are ...
    """
    override = base is not None
    new: dict[tuple[str, str], Benchmark] = {}
    for use, figures in data.items():
        _check_use(use, origin)
        if not isinstance(figures, Mapping):
            raise BenchmarkError(f"{origin}: [{use}] must be a table of figures, got "
                                 f"{figures!r}")
        for figure, raw in figures.items():
            _check_key(use, figure, origin)
            new[(use, figure)] = _row(use, figure, raw, origin, override=override)
    rows = [] if base is None else [new.pop((r.use, r.figure), r) for r in base.rows]
    rows.extend(new.values())
    origins = (origin,) if base is None else (*base.origins, origin)
    table = BenchmarkTable(rows=tuple(rows), origins=origins)
    if base is None:
        missing = [f"[{GENERAL}.{f}]" for f in GENERAL_FIGURES if table.get(GENERAL, f) is None]
        if missing:
            raise BenchmarkError(f"{origin}: missing {', '.join(missing)}")
    return table


def with_row(table: BenchmarkTable, row: Benchmark) -> BenchmarkTable:
    """``table`` with ``row`` replacing the row of the same key (or added)."""
    rows = [row if (r.use, r.figure) == (row.use, row.figure) else r for r in table.rows]
    if table.get(row.use, row.figure) is None:
        rows.append(row)
    return replace(table, rows=tuple(rows))


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.4g}" if value < 10 else f"{value:,.0f}"


def format_benchmarks(table: BenchmarkTable) -> str:
    """The table as plain text, for ``kentassets benchmarks show``.

    Examples
    --------
    >>> from kentassets.io.benchmarks import read_benchmarks
    >>> text = format_benchmarks(read_benchmarks())
    >>> "office" in text and "assumption" in text
    True
    """
    lines = [f"Benchmark table in force (from: {', '.join(table.origins)})", ""]
    for row in table.rows:
        lines.append(
            f"{row.use + '.' + row.figure:<42} {_fmt(row.low):>8} {_fmt(row.central):>8} "
            f"{_fmt(row.high):>8}  {row.unit}  [{row.basis}]"
        )
        lines.append(f"    source: {row.source}" + (f" ({row.year})" if row.year else ""))
        if row.note:
            lines.append(f"    note: {row.note}")
    return "\n".join(lines) + "\n"


def _toml_text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def benchmarks_to_toml(table: BenchmarkTable) -> str:
    """The table as TOML, for ``kentassets benchmarks template`` (edit, then pass it back).

    Examples
    --------
    >>> import tomllib
    >>> from kentassets.io.benchmarks import read_benchmarks
    >>> table = read_benchmarks()
    >>> again = benchmarks_from_mapping(tomllib.loads(benchmarks_to_toml(table)),
    ...                                 origin="template.toml")
    >>> [r.central for r in again] == [r.central for r in table]
    True
    """
    out = ["# kentassets benchmark table. Edit the figures and sources, then pass this file",
           "# with --benchmarks PATH or benchmarks = \"PATH\" in the manifest. basis is one of",
           f"# {', '.join(BASES)}; a row with basis = \"none\" gives no figure.", ""]
    for row in table.rows:
        out.append(f"[{row.use}.{row.figure}]")
        if row.known:
            out += [f"low = {row.low!r}", f"central = {row.central!r}", f"high = {row.high!r}"]
        for key in ("basis", "source", "url", "year", "note"):
            text = getattr(row, key)
            if text or key in ("basis", "source"):
                out.append(f"{key} = {_toml_text(text)}")
        out.append("")
    return "\n".join(out)


def shipped_benchmarks() -> BenchmarkTable:
    """The table shipped with kentassets (package data, ``kentassets/data/benchmarks.toml``).

    What a stage uses when it is given no table (``benchmarks=None``); a build
    resolves its table once, in the pipeline (a user's file over this one:
    :func:`kentassets.io.benchmarks.read_benchmarks`), and passes it down.

    Examples
    --------
    >>> shipped_benchmarks().get("library", "gia_m2").basis
    'published'
    """
    import tomllib
    from importlib import resources

    text = resources.files("kentassets").joinpath("data", "benchmarks.toml").read_text("utf-8")
    return benchmarks_from_mapping(tomllib.loads(text), origin="kentassets")
