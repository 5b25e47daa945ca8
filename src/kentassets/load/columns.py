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

_CLOSED = "closed"


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
    _CLOSED: ("closedate", "closeddate", "dateclosed", "yearclosed", "closed"),
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
class _Profile:
    """A known published schema: how to recognise it and what it implies."""

    name: str
    signature: tuple[str, ...]
    default_use: str | None = None
    columns: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)

#: Known schemas, recognised by their (normalised) column names.
PROFILES: tuple[_Profile, ...] = (
    _Profile("LGTC land and assets", ("uprn", "assetcode", "geox"),
             columns={"status": ("tenuredetail",)}),
    _Profile("LGTC land and assets (2021)", ("uprn", "propertyname", "geox")),
    _Profile("NHS ODS organisation file", ("organisationcode", "highlevelhealthgeography"),
             default_use="health",
             columns={ADDRESS: ("addressline1", "addressline2", "addressline3",
                                "addressline4", "addressline5")}),
    _Profile("NHS Choices hospitals", ("organisationcode", "organisationtype", "latitude"),
             default_use="health",
             columns={ADDRESS: ("address1", "address2", "address3", "city"),
                      STATUS: ()}),
    _Profile("Home Office fire stations", ("stationname", "stationeasting"),
             default_use="fire"),
    _Profile("Fire and rescue station list", ("stationname", "stationnumber"),
             default_use="fire"),
    _Profile("Libraries Hacked libraries", ("libraryname", "typeoflibrary"),
             default_use="library",
             columns={USE: (), UPRN: ("uniquepropertyreferencenumber",)}),
    _Profile("Arts Council England libraries", ("name", "statutory23", "colocated"),
             default_use="library"),
    _Profile("OS Open Map buildings (WKT)", ("wkt", "buildingtheme"),
             columns={NAME: ("distinctivename",), ASSET_ID: ("id",)}),
    _Profile("Police station list", ("stationname", "custodystatusasgiven"),
             default_use="police"),
)


def _is_ods_layout(frame: pd.DataFrame) -> bool:
    if frame.shape[1] not in (26, 27) or len(frame) == 0:
        return False
    sample = frame.head(200)
    code_ok = sample.iloc[:, 0].str.fullmatch(r"[A-Z0-9]{3,6}").fillna(False).mean() > 0.9
    postcode_ok = is_postcode_shaped(sample.iloc[:, 9]).mean() > 0.8
    return bool(code_ok and postcode_ok)


def _ods_names(width: int) -> list[str]:
    return list(ODS_COLUMNS[:width])


def _profile_for(keys: set[str]) -> _Profile | None:
    for profile in PROFILES:
        if all(s in keys for s in profile.signature):
            return profile
    return None


def resolve_columns(
    source_columns: Sequence[str],
    explicit: Mapping[str, str | Sequence[str]] | None = None,
    *,
    shown: str = "register",
    sheet: str | None = None,
) -> tuple[dict[str, str | list[str]], _Profile | None]:
    """Decide which source column feeds which field.

    The explicit mapping wins; other fields are recognised from the column
    names (known published schemas first, then generic names).

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
    explicit = dict(explicit or {})
    by_key: dict[str, str] = {}
    for col in source_columns:
        by_key.setdefault(_key(col), str(col))
    mapping = _explicit_columns(source_columns, explicit, by_key, shown=shown, sheet=sheet)
    profile = _profile_for(set(by_key))
    _Recognition(mapping, explicit, by_key).run(source_columns, profile)
    _drop_lone_halves(mapping, explicit, shown=shown, sheet=sheet)
    explicit_blank = {k for k, v in explicit.items() if v == ""}
    for k in explicit_blank:
        mapping.pop(k, None)
    return mapping, profile


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
    SITE_ID, _CLOSED,
)


@dataclass
class _Recognition:
    """Fields not mapped explicitly take columns by name, each column once:
    ``mapping`` grows in place; ``explicit`` learns the fields a recognised
    schema lacks (as ``""``)."""

    mapping: dict[str, str | list[str]]
    explicit: dict[str, str | Sequence[str]]
    by_key: Mapping[str, str]
    used: set[str] = field(default_factory=set)

    def run(self, source_columns: Sequence[str], profile: _Profile | None) -> None:
        self.used = {c for v in self.mapping.values() for c in _as_list(v)}
        if profile is not None:
            self.profile_columns(profile)
        for fld in _RECOGNITION_ORDER:
            self.take(fld, ALIASES[fld])
        if ADDRESS not in self.mapping and ADDRESS not in self.explicit:
            self.address(source_columns)

    def take(self, fld: str, candidates: Sequence[str]) -> None:
        """Give ``fld`` the first unused column among the ``candidates`` (keys)."""
        if fld in self.mapping or fld in self.explicit:
            return
        for alias in candidates:
            col = self.by_key.get(alias)
            if col is not None and col not in self.used:
                self.mapping[fld] = col
                self.used.add(col)
                return

    def profile_columns(self, profile: _Profile) -> None:
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
                    mapping[ADDRESS] = cols
                    used.update(cols)
            else:
                self.take(fld, aliases)

    def address(self, source_columns: Sequence[str]) -> None:
        """One address column, then address parts (lines, street, town...)."""
        by_key, used = self.by_key, self.used
        single = next(
            (by_key[a] for a in ALIASES[ADDRESS] if a in by_key and by_key[a] not in used), None
        )
        parts = [
            str(c)
            for c in source_columns
            if _ADDRESS_PARTS.match(_key(c)) and str(c) not in used and str(c) != single
        ]
        cols = ([single] if single else []) + parts
        if cols:
            self.mapping[ADDRESS] = cols
            used.update(cols)


def _drop_lone_halves(
    mapping: dict[str, str | list[str]],
    explicit: Mapping[str, str | Sequence[str]],
    *,
    shown: str,
    sheet: str | None,
) -> None:
    """A lone half of a coordinate pair is no use: leave it in extra (an error
    when the manifest mapped it)."""
    for a, b in (("easting", "northing"), ("latitude", "longitude")):
        if (a in mapping) != (b in mapping):
            if a in explicit or b in explicit:
                have = a if a in mapping else b
                raise RegisterFormatError(
                    f"{where(shown, sheet=sheet)}: {have} is mapped but {b if have == a else a}"
                    " is not. Map both columns of the coordinate pair."
                )
            mapping.pop(a, None)
            mapping.pop(b, None)


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _used_columns(mapping: Mapping[str, str | list[str]]) -> set[str]:
    return {c for v in mapping.values() for c in _as_list(v)}


def _column_label(value: str | Sequence[str]) -> str:
    return value if isinstance(value, str) else " + ".join(value)


def _is_sqft_name(column: str) -> bool:
    return bool(re.search(r"sq\.? ?f|ft2|ft²|square ?f", column.lower()))
