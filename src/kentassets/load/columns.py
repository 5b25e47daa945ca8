"""Recognise a register's columns: known published schemas (:data:`PROFILES`),
generic column names (:data:`ALIASES`), the NHS ODS headerless layout, and the
manifest's explicit mapping (:func:`resolve_columns`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..errors import RegisterFormatError, ValidationError, where
from ..io.manifest import COLUMN_FIELDS
from ..io.postcodes import (
    is_postcode_shaped,
)
from ..schema import (
    ADDRESS,
    ANNUAL_COST_GBP,
    ASSET_ID,
    FM_CONTRACT_END,
    FM_PROVIDER,
    GIA_M2,
    LEASE_END,
    NAME,
    POSTCODE,
    SITE_ID,
    STAFF_FTE,
    STATUS,
    TENURE,
    UPRN,
    USE,
)
from .headers import ADDRESS_PART, HeaderMeaning, header_scale, read_header

CLOSED = "closed"


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())

#: Recognised source column names per field, most specific first (compared
#: lower case with everything but letters and digits removed).
ALIASES: dict[str, tuple[str, ...]] = {
    ASSET_ID: (
        "assetid", "assetcode", "assetref", "assetreference", "assetnumber", "assetno",
        "propertyref", "propertyreference", "propertyid", "propertycode", "propertynumber",
        "uniqueassetid", "organisationcode", "orgcode", "odscode", "stationnumber",
        "stationcode", "reference", "ref", "id",
    ),
    NAME: (
        "propertyname", "assetname", "sitename", "name", "buildingname", "libraryname",
        "stationname", "organisationname", "distinctivename", "premisesname",
    ),
    ADDRESS: (
        "address", "siteaddress", "fulladdress", "propertyaddress", "stationaddress",
        "assetaddress",
    ),
    POSTCODE: (
        "postcode", "postalcode", "postcodeasgiven", "stationpostcode", "sitepostcode",
        "propertypostcode", "pcds", "pcd", "postcodes", "zip",
    ),
    UPRN: ("uprn", "uniquepropertyreferencenumber", "propertyuprn"),
    USE: (
        "primaryuse", "use", "holdingtype", "propertyuse", "assetuse", "assettype",
        "propertytype", "usetype", "classification", "category", "assetcategory",
        "buildingtype", "type",
    ),
    TENURE: ("tenure", "tenuretype", "tenurestatus", "ownership", "tenurecategory"),
    STATUS: (
        "status", "occupancy", "occupancystatus", "occupationstatus", "tenuredetail",
        "statuscode", "operationalstatus",
    ),
    GIA_M2: (
        "giam2", "gia", "grossinternalaream2", "grossinternalarea", "gifa", "flooraream2",
        "floorarea", "internalaream2", "aream2", "areasqm", "sizem2", "giasqft", "areasqft",
    ),
    STAFF_FTE: ("stafffte", "fte", "staff", "headcount", "numberofstaff", "staffnumbers"),
    ANNUAL_COST_GBP: (
        "annualcostgbp", "annualcost", "annualrunningcost", "runningcost", "runningcosts",
        "totalcost", "costpa", "operatingcost", "cost", "annualrent",
    ),
    LEASE_END: (
        "leaseend", "leaseenddate", "leaseexpiry", "leaseexpirydate", "expirydate",
        "leaseexpires",
    ),
    SITE_ID: ("siteid", "siteref", "sitereference", "sitecode", "site"),
    CLOSED: ("closedate", "closeddate", "dateclosed", "yearclosed", "closed"),
    "easting": (
        "easting", "eastings", "stationeasting", "geox", "bnge", "oseast1m", "eastingm",
        "xcoordinate", "x", "gridx", "east",
    ),
    "northing": (
        "northing", "northings", "stationnorthing", "geoy", "bngn", "osnrth1m",
        "northingm", "ycoordinate", "y", "gridy", "north",
    ),
    "latitude": ("latitude", "lat", "wgs84latitude", "latwgs84"),
    "longitude": ("longitude", "lon", "long", "lng", "wgs84longitude", "lonwgs84"),
    "grid_ref": (
        "gridref", "gridreference", "osgridref", "osgridreference", "ngr",
        "nationalgridreference",
    ),
    "geometry": ("wkt", "geometry", "geom", "thegeom", "wktgeometry", "shape"),
}

_ADDRESS_PARTS = re.compile(
    r"^(address(line)?\d|addr\d|street(name)?|street\d|locality|town|posttown|city|"
    r"village|district)$"
)

#: NHS ODS headerless layout (epraccur, etrust and relatives): 27 columns.
ODS_COLUMNS: tuple[str, ...] = (
    "Organisation Code", "Name", "National Grouping", "High Level Health Geography",
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5",
    "Postcode", "Open Date", "Close Date", "Status Code", "Organisation Sub-Type Code",
    "Commissioner", "Join Provider/Purchaser Date", "Left Provider/Purchaser Date",
    "Contact Telephone Number", "Null 1", "Null 2", "Null 3", "Amended Record Indicator",
    "Null 4", "Provider/Purchaser", "Null 5", "Prescribing Setting", "Null 6",
)


@dataclass(frozen=True)
class Profile:
    """A known published schema: how to recognise it and what it implies."""

    name: str
    signature: tuple[str, ...]
    default_use: str | None = None
    columns: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)

#: Known schemas, recognised by their (normalised) column names.
PROFILES: tuple[Profile, ...] = (
    Profile("LGTC land and assets", ("uprn", "assetcode", "geox"),
             columns={"status": ("tenuredetail",)}),
    Profile("LGTC land and assets (2021)", ("uprn", "propertyname", "geox")),
    Profile("NHS ODS organisation file", ("organisationcode", "highlevelhealthgeography"),
             default_use="health",
             columns={ADDRESS: ("addressline1", "addressline2", "addressline3",
                                "addressline4", "addressline5")}),
    Profile("NHS Choices hospitals", ("organisationcode", "organisationtype", "latitude"),
             default_use="health",
             columns={ADDRESS: ("address1", "address2", "address3", "city"),
                      STATUS: ()}),
    Profile("Home Office fire stations", ("stationname", "stationeasting"),
             default_use="fire"),
    Profile("Fire and rescue station list", ("stationname", "stationnumber"),
             default_use="fire"),
    Profile("Libraries Hacked libraries", ("libraryname", "typeoflibrary"),
             default_use="library",
             columns={USE: (), UPRN: ("uniquepropertyreferencenumber",)}),
    Profile("Arts Council England libraries", ("name", "statutory23", "colocated"),
             default_use="library"),
    Profile("OS Open Map buildings (WKT)", ("wkt", "buildingtheme"),
             columns={NAME: ("distinctivename",), ASSET_ID: ("id",)}),
    Profile("Police station list", ("stationname", "custodystatusasgiven"),
             default_use="police"),
)


def is_ods_layout(frame: pd.DataFrame) -> bool:
    if frame.shape[1] not in (26, 27) or len(frame) == 0:
        return False
    sample = frame.head(200)
    code_ok = sample.iloc[:, 0].str.fullmatch(r"[A-Z0-9]{3,6}").fillna(False).mean() > 0.9
    postcode_ok = is_postcode_shaped(sample.iloc[:, 9]).mean() > 0.8
    return bool(code_ok and postcode_ok)


def ods_names(width: int) -> list[str]:
    return list(ODS_COLUMNS[:width])


def _profile_for(keys: set[str]) -> Profile | None:
    for profile in PROFILES:
        if all(s in keys for s in profile.signature):
            return profile
    return None


@dataclass(frozen=True)
class ColumnDoubt:
    """A column that looks like a field but was not used, and why."""

    column: str
    field: str
    reason: str
    #: Report it only where the column's values are mostly numbers.
    numeric: bool = False


@dataclass
class ColumnReading:
    """How a register's columns were read (:func:`read_columns`).

    Attributes
    ----------
    mapping
        Field -> source column (``address``: a list of columns to join).
    profile
        The published schema recognised, or ``None``.
    how
        Field -> how its column was found: ``"manifest"``, ``"schema"`` (the
        published schema's own column), ``"name"`` (a known column name) or
        ``"meaning"`` (the words of the header).
    doubts
        Columns that look like a field but were not used.
    """

    mapping: dict[str, str | list[str]]
    profile: Profile | None
    how: dict[str, str] = field(default_factory=dict)
    doubts: list[ColumnDoubt] = field(default_factory=list)

    def conversion(self, fld: str) -> tuple[float, str]:
        """The scale the values of ``fld``'s column need and its text (``(1.0, "")``:
        none), read from the column's header whichever way it was mapped."""
        col = self.mapping.get(fld)
        if not isinstance(col, str):
            return 1.0, ""
        return header_scale(col, fld)


def resolve_columns(
    source_columns: Sequence[str],
    explicit: Mapping[str, str | Sequence[str]] | None = None,
    *,
    shown: str = "register",
    sheet: str | None = None,
) -> tuple[dict[str, str | list[str]], Profile | None]:
    """Decide which source column feeds which field.

    The explicit mapping wins; other fields are recognised from the column
    names (known published schemas first, then known names, then the words of
    the header: see :func:`read_columns` for the whole reading).

    Parameters
    ----------
    source_columns
        Column names of the file.
    explicit
        Field -> source column(s) from the manifest.
    shown, sheet
        For messages.

    Returns
    -------
    tuple
        ``(mapping, profile)``: field -> column (``address`` may be a list), and
        the recognised published schema or ``None``.

    Raises
    ------
    ValidationError
        If ``explicit`` names an unknown field.
    RegisterFormatError
        If ``explicit`` names a column that is not in the file.

    Examples
    --------
    >>> mapping, profile = resolve_columns(["UPRN", "AssetCode", "GeoX", "GeoY", "PostCode"])
    >>> mapping["asset_id"], mapping["easting"], profile.name
    ('AssetCode', 'GeoX', 'LGTC land and assets')
    """
    reading = read_columns(source_columns, explicit, shown=shown, sheet=sheet)
    return reading.mapping, reading.profile


def read_columns(
    source_columns: Sequence[str],
    explicit: Mapping[str, str | Sequence[str]] | None = None,
    *,
    shown: str = "register",
    sheet: str | None = None,
) -> ColumnReading:
    """Read a register's columns: which feeds which field, how each was found,
    and the columns that look like a field but were not used.

    In order: the manifest's mapping; a recognised published schema's own
    columns; known column names (:data:`ALIASES`); then the words of each
    remaining header (:func:`kentassets.load.headers.read_header`). Among
    several headers for one field the surest is taken; two equally sure are
    not guessed (both are reported). A ``Site ID``-like column is the asset id
    where nothing else is.

    Parameters and raised errors are those of :func:`resolve_columns`.

    Examples
    --------
    >>> reading = read_columns(["Site ID", "Net Internal Area", "Running Cost (£k)"])
    >>> reading.mapping["asset_id"], reading.how["asset_id"], reading.conversion("annual_cost_gbp")
    ('Site ID', 'meaning', (1000.0, '£k → £ (× 1,000)'))
    >>> [(d.column, d.field) for d in reading.doubts]  # not gross: reported, not guessed
    [('Net Internal Area', 'gia_m2')]
    """
    explicit = dict(explicit or {})
    by_key: dict[str, str] = {}
    for col in source_columns:
        by_key.setdefault(_key(col), str(col))
    mapping = _explicit_columns(source_columns, explicit, by_key, shown=shown, sheet=sheet)
    how = {fld: "manifest" for fld in mapping}
    profile = _profile_for(set(by_key))
    recognition = _Recognition(mapping, explicit, by_key, how=how)
    recognition.run(source_columns, profile)
    for fld, col, pair in _drop_lone_halves(mapping, explicit, shown=shown, sheet=sheet):
        recognition.doubts.append(ColumnDoubt(
            col, fld, f"it is one half of a coordinate pair and no {pair} column was found; "
            f"map both (with {pair} = \"...\")"))
    explicit_blank = {k for k, v in explicit.items() if v == ""}
    for k in explicit_blank:
        mapping.pop(k, None)
    for k in list(how):
        if k not in mapping:
            del how[k]
    return ColumnReading(mapping, profile, how, recognition.doubts)


def _explicit_columns(
    source_columns: Sequence[str],
    explicit: Mapping[str, str | Sequence[str]],
    by_key: Mapping[str, str],
    *,
    shown: str,
    sheet: str | None,
) -> dict[str, str | list[str]]:
    """The manifest's mapping checked against the file: each named column as
    written, else by its normalised name; unknown fields and missing columns
    are errors."""
    unknown = sorted(set(explicit) - set(COLUMN_FIELDS))
    if unknown:
        raise ValidationError(
            f"{shown}: unknown field(s) in the column mapping: {', '.join(unknown)}. "
            f"Allowed fields: {', '.join(COLUMN_FIELDS)}."
        )
    present = {str(c) for c in source_columns}
    missing: list[str] = []
    mapping: dict[str, str | list[str]] = {}
    for fld, value in explicit.items():
        wanted = [value] if isinstance(value, str) else list(value)
        found = []
        for name in wanted:
            if name in present:
                found.append(name)
            elif _key(name) in by_key:
                found.append(by_key[_key(name)])
            else:
                missing.append(f'{fld} = "{name}"')
        if found:
            mapping[fld] = found if fld == ADDRESS else found[0]
    if missing:
        listed = ", ".join(f'"{c}"' for c in source_columns[:40])
        raise RegisterFormatError(
            f"{where(shown, sheet=sheet)}: the column mapping names column(s) not in the "
            f"file: {'; '.join(missing)}. The file's columns are {listed}. Correct the "
            "names in [register.columns]."
        )
    return mapping

#: The order in which fields take their column by generic name.
_RECOGNITION_ORDER = (
    ASSET_ID, UPRN, POSTCODE, "easting", "northing", "latitude", "longitude", "grid_ref",
    "geometry", NAME, USE, TENURE, STATUS, GIA_M2, STAFF_FTE, ANNUAL_COST_GBP, LEASE_END,
    SITE_ID, CLOSED,
)
#: Fields the words of a header may give, in the order they are decided.
_MEANING_ORDER = (
    ASSET_ID, UPRN, POSTCODE, "easting", "northing", "latitude", "longitude", "grid_ref",
    NAME, USE, TENURE, STATUS, GIA_M2, STAFF_FTE, ANNUAL_COST_GBP, LEASE_END, FM_PROVIDER,
    FM_CONTRACT_END, SITE_ID, ADDRESS,
)


@dataclass
class _Recognition:
    """Fields not mapped explicitly take columns by name, then by meaning, each
    column once: ``mapping`` and ``how`` grow in place; ``explicit`` learns the
    fields a recognised schema lacks (as ``""``); ``doubts`` gathers the columns
    that look like a field but were not used."""

    mapping: dict[str, str | list[str]]
    explicit: dict[str, str | Sequence[str]]
    by_key: Mapping[str, str]
    how: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    doubts: list[ColumnDoubt] = field(default_factory=list)

    def run(self, source_columns: Sequence[str], profile: Profile | None) -> None:
        self.used = {c for v in self.mapping.values() for c in as_list(v)}
        if profile is not None:
            self.profile_columns(profile)
        for fld in _RECOGNITION_ORDER:
            self.take(fld, ALIASES[fld])
        readings = {str(c): read_header(str(c)) for c in source_columns}
        if ADDRESS not in self.mapping and ADDRESS not in self.explicit:
            self.address(source_columns, readings)
        self.by_meaning(readings)
        self.site_as_asset_id()
        self.report_doubts(readings)

    def open(self, fld: str) -> bool:
        """``fld`` is neither mapped nor decided by the manifest or the schema."""
        return fld not in self.mapping and fld not in self.explicit

    def put(self, fld: str, col: str | list[str], how: str) -> None:
        self.mapping[fld] = col
        self.how[fld] = how
        self.used.update(as_list(col))

    def take(self, fld: str, candidates: Sequence[str], how: str = "name") -> None:
        """Give ``fld`` the first unused column among the ``candidates`` (keys)."""
        if not self.open(fld):
            return
        for alias in candidates:
            col = self.by_key.get(alias)
            if col is not None and col not in self.used:
                self.put(fld, col, how)
                return

    def profile_columns(self, profile: Profile) -> None:
        """The columns a published schema names for its fields."""
        mapping, explicit, by_key, used = self.mapping, self.explicit, self.by_key, self.used
        for fld, aliases in profile.columns.items():
            if fld in explicit:
                continue
            if not aliases:
                mapping.pop(fld, None)
                explicit[fld] = ""  # recognised as "not in this schema"
                continue
            if fld == ADDRESS:
                cols = [by_key[a] for a in aliases if a in by_key and by_key[a] not in used]
                if cols:
                    self.put(ADDRESS, cols, "schema")
            else:
                self.take(fld, aliases, how="schema")

    def address(self, source_columns: Sequence[str], readings: Mapping[str, HeaderMeaning]) -> None:
        """One address column (a known name, else the surest by meaning), then
        address parts (lines, street, town...), joined in the file's order."""
        by_key, used = self.by_key, self.used
        single = next(
            (by_key[a] for a in ALIASES[ADDRESS] if a in by_key and by_key[a] not in used), None
        )
        how = "name"
        if single is None:
            single = self.surest(ADDRESS, readings)
            how = "meaning"
        parts = [
            str(c)
            for c in source_columns
            if str(c) not in used and str(c) != single
            and (_ADDRESS_PARTS.match(_key(c)) or readings[str(c)].field == ADDRESS_PART)
        ]
        cols = ([single] if single else []) + parts
        if cols:
            self.put(ADDRESS, cols, how if single else "meaning")

    def candidates(self, fld: str, readings: Mapping[str, HeaderMeaning]) -> list[tuple[int, str]]:
        """Unused columns whose header gives ``fld``, with their ranks."""
        return [
            (m.rank, col) for col, m in readings.items()
            if m.taken and m.field == fld and col not in self.used
        ]

    def surest(self, fld: str, readings: Mapping[str, HeaderMeaning]) -> str | None:
        """The one surest unused column for ``fld``; a tie is reported, not guessed."""
        found = self.candidates(fld, readings)
        if not found:
            return None
        best = min(rank for rank, _ in found)
        top = [col for rank, col in found if rank == best]
        if len(top) == 1:
            return top[0]
        for col in top:
            others = ", ".join(f"'{c}'" for c in top if c != col)
            self.doubts.append(ColumnDoubt(
                col, fld, f"{others} could give {fld} as well; neither is guessed"))
            self.used.add(col)  # reported once
        return None

    def by_meaning(self, readings: Mapping[str, HeaderMeaning]) -> None:
        """Open fields take the surest column whose header's words give them; the
        other columns for a field already given are second candidates."""
        for fld in _MEANING_ORDER:
            if fld in self.explicit:
                continue
            if fld not in self.mapping:
                col = self.surest(fld, readings)
                if col is not None:
                    self.put(fld, col, "meaning")
            if fld in self.mapping and self.how.get(fld) != "manifest":
                given = column_label(self.mapping[fld])
                for _, col in self.candidates(fld, readings):
                    self.doubts.append(ColumnDoubt(
                        col, fld, f"{fld} is read from '{given}'; this is a second candidate"))
                    self.used.add(col)

    def site_as_asset_id(self) -> None:
        """A ``Site ID``-like column is the asset id where the register has no other
        (a bare ``Site`` column stays the site reference)."""
        col = self.mapping.get(SITE_ID)
        if (
            self.open(ASSET_ID) and isinstance(col, str) and SITE_ID not in self.explicit
            and read_header(col).field == SITE_ID
        ):
            del self.mapping[SITE_ID]
            self.how.pop(SITE_ID, None)
            self.put(ASSET_ID, col, "meaning")

    def report_doubts(self, readings: Mapping[str, HeaderMeaning]) -> None:
        """Unused columns that look like a field nothing else gives."""
        for col, m in readings.items():
            if m.doubt and m.field is not None and col not in self.used and self.open(m.field):
                self.doubts.append(ColumnDoubt(col, m.field, m.doubt, m.numeric_doubt))


def _drop_lone_halves(
    mapping: dict[str, str | list[str]],
    explicit: Mapping[str, str | Sequence[str]],
    *,
    shown: str,
    sheet: str | None,
) -> list[tuple[str, str, str]]:
    """A lone half of a coordinate pair is no use: leave it in extra (an error
    when the manifest mapped it). Returns the halves left, as ``(field, column,
    missing field)``."""
    dropped: list[tuple[str, str, str]] = []
    for a, b in (("easting", "northing"), ("latitude", "longitude")):
        if (a in mapping) != (b in mapping):
            if a in explicit or b in explicit:
                have = a if a in mapping else b
                raise RegisterFormatError(
                    f"{where(shown, sheet=sheet)}: {have} is mapped but {b if have == a else a}"
                    " is not. Map both columns of the coordinate pair."
                )
            have = a if a in mapping else b
            dropped.append((have, column_label(mapping.pop(have)), b if have == a else a))
    return dropped


def as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def used_columns(mapping: Mapping[str, str | list[str]]) -> set[str]:
    return {c for v in mapping.values() for c in as_list(v)}


def column_label(value: str | Sequence[str]) -> str:
    return value if isinstance(value, str) else " + ".join(value)

