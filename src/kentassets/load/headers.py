"""Read a register's column headers by meaning: the words of a header and their
order, not an exact spelling.

A header is first reduced to words (:func:`header_words`): case, punctuation,
camel case and snake case dropped; ``£`` read as ``gbp``, ``(£k)`` and
``£'000`` as ``gbpk``; ``pa``, ``per annum`` and ``yearly`` as ``annual``; area
units (``m2``, ``m²``, ``sq m``, ``sqm``, ``sq ft``, ``ft²``) as ``sqm`` or
``sqft``; ``No.``, ``No. of`` and ``Number of`` as ``number``. Then ordered
rules (:func:`read_header`) say which field the words give, how sure they are
(``rank``: lower is surer, used to choose between two columns for one field),
the unit conversion the values need (``scale``), or why a header that looks
like a field is *not* taken (``doubt``): ``Net Internal Area`` is not gross,
``Rent`` may be paid or received, ``Area`` alone gives no unit.

Recognition runs once per header (cached), never per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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

#: Square feet to square metres.
SQFT_TO_M2 = 0.09290304
#: A field that takes several columns joined (address lines, street, town).
ADDRESS_PART = "address_part"


@dataclass(frozen=True)
class HeaderMeaning:
    """What a header says.

    Attributes
    ----------
    field
        The field the header gives (``None``: none), or the one it looks like
        when ``doubt`` is set. :data:`ADDRESS_PART` for a part of the address.
    rank
        Among several columns for one field the lowest rank is taken; a tie is
        not guessed.
    scale
        Multiply the values by this (square feet to m², £k to £).
    unit
        The conversion as text, for the mapping report (``""``: none).
    doubt
        Set when the header looks like ``field`` but is not taken: why, said to
        the user.
    numeric_doubt
        Report the doubt only where the column's values are mostly numbers
        (``Area`` of text such as "North Kent" is not a floor area).
    """

    field: str | None = None
    rank: int = 0
    scale: float = 1.0
    unit: str = ""
    doubt: str = ""
    numeric_doubt: bool = False

    @property
    def taken(self) -> bool:
        """True when the header gives its field without doubt."""
        return self.field is not None and not self.doubt


#: Nothing: a header that is not one of the fields (later rules are not tried).
NOTHING = HeaderMeaning()

_SUBSTITUTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"£\s*(?:k\b|'?000'?s?|thousands?\b)|\bgbp\s*k\b|\bgbp\s*'?000s?", " gbpk "),
        (r"£\s*(?:m|mn|millions?)\b", " gbpm "),
        (r"£|\bgbp\b|\bpounds?\b|\bsterling\b", " gbp "),
        (r"\bper\s+(?:annum|year|yr)\b|\bp\.?a\b\.?|\ba\s+year\b|\byearly\b|\bannually\b"
         r"|/\s*(?:yr|year|annum)\b", " annual "),
        (r"\bsq\.?\s*f(?:ee|oo)?t\b\.?|\bsquare\s+f(?:ee|oo)t\b|\bft\s*(?:2|\^2)|\bsqft\b",
         " sqft "),
        (r"\bsq\.?\s*m(?:etres?|eters?|trs?)?\b\.?|\bsquare\s+met(?:re|er)s?\b"
         r"|\bm\s*(?:2|\^2)(?![0-9])|\bsqm\b|\bmetres?\s+squared\b|\bm\s*sq\b", " sqm "),
        (r"\bhectares?\b|\bha\b", " hectare "),
        (r"\bacres?\b", " acre "),
        (r"\bnumber\s+of\b|\bno\b\.?\s*of\b|\bno\b\.?|\bnum\b|\bnbr\b|#", " number "),
        (r"%|\bper\s*cent\b|\bpercentage\b", " percent "),
        (r"\bco-?\s?ord(?:inate)?s?\b", " coordinate "),
        (r"\be-?mail\b", " email "),
        (r"\bpost-?\s?code\b", " postcode "),
        (r"&", " and "),
    )
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DIGITS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    [
        "the", "of", "in", "at", "for", "a", "an", "to", "on", "is", "if", "and", "or", "as",
        "given", "known", "applicable", "approx", "approximate", "approximately", "est",
        "estimated", "where"
    ]
)


@lru_cache(maxsize=8192)
def header_words(header: str) -> tuple[str, ...]:
    """The words of a header, with units and counts in one spelling each.

    Examples
    --------
    >>> header_words("Annual Running Costs (£k)")
    ('annual', 'running', 'costs', 'gbpk')
    >>> header_words("No. of FTE Staff")
    ('number', 'fte', 'staff')
    >>> header_words("GIFA (sq m)"), header_words("Floor area sq. ft.")
    (('gifa', 'sqm'), ('floor', 'area', 'sqft'))
    >>> header_words("Running Cost £pa"), header_words("OccupancyStatus")
    (('running', 'cost', 'gbp', 'annual'), ('occupancy', 'status'))
    """
    text = unicodedata.normalize("NFKC", str(header))
    text = _CAMEL.sub(" ", text).lower().replace("_", " ")
    for pattern, replacement in _SUBSTITUTIONS:
        text = pattern.sub(replacement, text)
    text = _DIGITS.sub(" ", text)
    return tuple(w for w in _WORD.findall(text) if w not in _STOPWORDS)


def _seq(words: tuple[str, ...], *wanted: str) -> bool:
    """``wanted`` appear in ``words`` one after the other."""
    n = len(wanted)
    return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


# --- vocabulary -------------------------------------------------------------------
#: Words naming the asset itself, by how surely they name one asset (rank).
_THINGS: dict[str, int] = {
    **dict.fromkeys(
        [
            "asset", "property", "premises", "establishment", "station", "facility",
            "library", "school", "office", "depot", "clinic", "surgery", "practice",
            "hospital", "centre",
        ],
        0,
    ),
    "site": 1,
    **dict.fromkeys(["building", "location", "unit", "holding", "record"], 2),
}
_ID_WORDS = frozenset([
    "id", "ref", "reference", "code", "number", "key", "identifier", "uid", "urn"
])
_ID_FILLER = frozenset([
    "unique", "internal", "system", "our", "register", "database", "local", "agency", "ods"
])
_END_WORDS = frozenset(
    [
        "end", "ends", "ending", "expiry", "expires", "expire", "expiration", "termination",
        "terminates"
    ]
)
_LEASE_WORDS = frozenset([
    "lease", "leases", "leasehold", "tenancy", "licence", "license", "term", "rental"
])
_COST_WORDS = frozenset(["cost", "costs", "expenditure", "spend", "opex", "outgoings"])
_COST_PARTS = frozenset(
    [
        "energy", "utilities", "utility", "rates", "cleaning", "maintenance", "repairs", "repair",
        "security", "insurance", "service", "charge", "water", "gas", "electricity", "catering",
        "waste", "fm"
    ]
)
_STAFF_WORDS = frozenset([
    "staff", "fte", "ftes", "wte", "headcount", "employees", "workforce", "personnel"
])
_STATUS_WORDS = frozenset(["status", "occupancy", "occupation", "vacancy"])
_FLAG_WORDS = frozenset(["vacant", "occupied", "void", "voids", "empty"])
_COORD_FILLER = frozenset(
    [
        "coordinate", "bng", "osgb", "osgb36", "27700", "epsg", "british", "national", "grid", "os",
        "geo", "map", "location", "m", "metres", "metre", "meters", "wgs", "84", "decimal",
        "degrees", "dd", "deg", "etrs89", "4326", "ref", "value", "point", "centroid", "site",
        "property", "station", "building", "asset", "premises"
    ]
)
_UNIT_WORDS = frozenset({"sqm", "sqft"})


def _scale_money(w: frozenset[str]) -> tuple[float, str]:
    if "gbpk" in w:
        return 1000.0, "£k → £ (× 1,000)"
    if "gbpm" in w:
        return 1_000_000.0, "£m → £ (× 1,000,000)"
    return 1.0, ""


def _scale_area(w: frozenset[str]) -> tuple[float, str]:
    if "sqft" in w:
        return SQFT_TO_M2, "sq ft → m² (× 0.092903)"
    return 1.0, ("m²" if "sqm" in w else "")


def header_scale(header: str, fld: str) -> tuple[float, str]:
    """The factor a column's values need for ``fld`` (square feet to m² for
    ``gia_m2``; £k or £m to pounds for ``annual_cost_gbp``) and its text.

    Examples
    --------
    >>> header_scale("Running cost (£000)", "annual_cost_gbp")
    (1000.0, '£k → £ (× 1,000)')
    """
    w = frozenset(header_words(header))
    if fld == GIA_M2:
        return _scale_area(w)
    if fld == ANNUAL_COST_GBP:
        return _scale_money(w)
    return 1.0, ""


# --- the rules, in order -----------------------------------------------------------
Rule = Callable[[tuple[str, ...], frozenset[str]], "HeaderMeaning | None"]


def _uprn(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if "uprn" in w or _seq(t, "unique", "property", "reference") or _seq(
        t, "unique", "property", "ref"
    ):
        return HeaderMeaning(UPRN)
    return None


def _postcode(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if w & {"postcode", "postcodes", "pcode", "pcds", "zip"} or _seq(t, "postal", "code"):
        if w & {"district", "sector", "area"} and "postcode" in w and len(w) == 2:
            return NOTHING  # part of a postcode, not the postcode
        return HeaderMeaning(POSTCODE)
    return None


def _grid_ref(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if "ngr" in w or "gridref" in w or ("grid" in w and w & {"ref", "reference"}):
        return HeaderMeaning("grid_ref")
    return None


def _fm(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    fm = "fm" in w or _seq(t, "facilities", "management") or _seq(t, "facility", "management") \
        or _seq(t, "facilities", "managed")
    if not fm:
        return None
    if w & _END_WORDS:
        return HeaderMeaning(FM_CONTRACT_END)
    if w & {"provider", "contractor", "supplier", "company", "partner", "operator", "firm"}:
        return HeaderMeaning(FM_PROVIDER)
    if w & _COST_WORDS:
        return HeaderMeaning(ANNUAL_COST_GBP, doubt="facilities management is one part of "
                             "the running cost, not all of it")
    if "contract" in w and not w & {"start", "date", "value", "type", "length", "term"}:
        return HeaderMeaning(FM_PROVIDER, doubt="it may name the provider or the contract")
    return NOTHING


def _lease_end(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if not w & _END_WORDS:
        return None
    if w & _LEASE_WORDS:
        return HeaderMeaning(LEASE_END)
    if "contract" in w:
        return HeaderMeaning(LEASE_END, doubt="a contract end date may be a lease's or a "
                             "facilities management contract's (fm_contract_end)")
    if w <= {"expiry", "expires", "expiration", "date"}:
        return HeaderMeaning(LEASE_END, rank=1)
    if w <= {"end", "date"}:
        return HeaderMeaning(LEASE_END, doubt="an end date of what is not said")
    return NOTHING


def _coordinates(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    for words, fld in (
        ({"latitude", "lat"}, "latitude"),
        ({"longitude", "long", "lon", "lng"}, "longitude"),
        ({"easting", "eastings", "east"}, "easting"),
        ({"northing", "northings", "north"}, "northing"),
        ({"x"}, "easting"),
        ({"y"}, "northing"),
    ):
        if w & words and not (w - words - _COORD_FILLER - {"x", "y"}):
            return HeaderMeaning(fld)
    return None


def _staff(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if not w & _STAFF_WORDS:
        return None
    if w & {"hours", "cost", "costs", "gbp", "gbpk", "parking", "car", "spaces", "space",
            "room", "rooms", "per", "ratio", "salary", "salaries", "pay", "toilet", "toilets",
            "kitchen", "entrance", "contact", "name", "email", "phone", "telephone", "percent"}:
        return NOTHING
    if w & {"cleaning", "portering", "catering", "security", "domestic", "agency", "bank",
            "volunteer", "volunteers", "clinical", "medical", "nursing", "teaching"}:
        return HeaderMeaning(STAFF_FTE, doubt="it counts one group of staff, not all the "
                             "staff based there")
    return HeaderMeaning(STAFF_FTE, rank=0 if w & {"fte", "ftes", "wte"} else 1)


def _area(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    gross = bool(w & {"gifa", "gia"}) or {"gross", "internal"} <= w
    floor = "floorspace" in w or ("floor" in w and bool(w & {"area", "space"}))
    if not (gross or floor or w & {"area", "size", "nia", "gea"}):
        return None
    scale, unit = _scale_area(w)
    if "nia" in w or ("net" in w and w & {"internal", "lettable", "area", "floor"}):
        return HeaderMeaning(GIA_M2, scale=scale, unit=unit,
                             doubt="net internal area is not the gross internal area")
    if "gea" in w or {"gross", "external"} <= w:
        return HeaderMeaning(GIA_M2, scale=scale, unit=unit,
                             doubt="gross external area is not the gross internal area")
    if w & {"hectare", "acre", "land", "plot", "curtilage", "per", "percent"} or (
        "site" in w and not (gross or floor)
    ):
        return NOTHING  # land area, or a ratio: not a floor area
    if gross:
        return HeaderMeaning(GIA_M2, rank=0, scale=scale, unit=unit)
    plain = {"floor", "area", "space", "floorspace", "size", "total", "gross", "building",
             "property", "premises", "asset", "internal"} | _UNIT_WORDS
    if floor:
        if w - plain:
            return HeaderMeaning(GIA_M2, scale=scale, unit=unit,
                                 doubt="a part of the floor area is not the gross internal area")
        return HeaderMeaning(GIA_M2, rank=1, scale=scale, unit=unit)
    if w - plain:
        return NOTHING  # "Service Area", "Area Team"
    if w & _UNIT_WORDS:
        return HeaderMeaning(GIA_M2, rank=2, scale=scale, unit=unit)
    return HeaderMeaning(GIA_M2, numeric_doubt=True,
                         doubt="it gives no unit and does not say gross internal area")


def _cost(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    scale, unit = _scale_money(w)
    rent = bool(w & {"rent", "rental", "rents"})
    if not (w & _COST_WORDS or rent or ("running" in w and w & {"gbp", "gbpk", "annual"})):
        return None
    if "per" in w or w & _UNIT_WORDS or "percent" in w:
        return NOTHING  # a rate such as cost per m², not a total
    if w & {"capital", "capex", "backlog", "disposal", "purchase", "acquisition", "build",
            "construction", "project", "budget", "income", "received", "receivable", "review",
            "centre", "code"}:
        return NOTHING
    if w & _COST_PARTS:
        return HeaderMeaning(ANNUAL_COST_GBP, scale=scale, unit=unit,
                             doubt="it looks like one part of the running cost, not all of it")
    if rent and not w & _COST_WORDS:
        return HeaderMeaning(ANNUAL_COST_GBP, scale=scale, unit=unit,
                             doubt="rent may be paid or received; it is not the whole running "
                             "cost")
    surer = w & {"running", "operating", "occupancy", "premises", "property", "annual",
                 "revenue", "total", "occupation"}
    return HeaderMeaning(ANNUAL_COST_GBP, rank=0 if surer else 1, scale=scale, unit=unit)


def _status(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if not w & (_STATUS_WORDS | _FLAG_WORDS):
        return None
    if w & {"tenure", "ownership"}:
        return None  # a tenure rule reads it
    if w & {"percent", "rate", "ratio", "utilisation", "level", "number", "area", "sqm", "sqft",
            "listed", "planning", "heritage", "lease", "disposal", "condition", "epc", "energy",
            "record", "data", "survey", "contract", "legal", "title", "dda", "asbestos", "fire",
            "flood", "conservation", "registration", "approval", "date", "since", "cost",
            "custody", "ofsted", "cqc", "rating", "inspection", "compliance", "payment"}:
        return NOTHING
    if not w & _STATUS_WORDS:
        return HeaderMeaning(STATUS, doubt="a yes/no flag reads 'Yes' as occupied; map it only "
                             "if it holds words such as Occupied or Vacant")
    return HeaderMeaning(STATUS, rank=0 if w & {"occupancy", "occupation", "vacancy"} else 1)


def _tenure(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    interest = "interest" in w and bool(w & {"council", "legal", "property", "authority",
                                             "our", "title", "landlord"})
    if not (w & {"tenure", "ownership", "freehold", "leasehold"} or interest
            or {"owned", "leased"} <= w):
        if ("lease" in w and w & {"type", "category"}) and len(w) == 2:
            return HeaderMeaning(TENURE, rank=1)
        return None
    if w & {"date", "start", "cost", "gbp", "percent", "number", "name", "share"}:
        return NOTHING
    return HeaderMeaning(TENURE)


_KIND_WORDS = frozenset(["type", "category", "classification", "class", "function", "purpose"])


def _use(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if w & {"use", "uses", "usage"}:
        if w & {"class", "planning", "date", "end", "start", "area", "sqm", "sqft", "percent",
                "change", "proposed", "future", "former", "previous", "alternative", "hours"}:
            return NOTHING
        return HeaderMeaning(USE, rank=0)
    if w & _KIND_WORDS:
        if w - _KIND_WORDS - set(_THINGS) - {"main", "primary", "service", "sub"} or "sub" in w:
            return NOTHING  # "Heating Type", "Sub Type", "Organisation Type"
        return HeaderMeaning(USE, rank=1)
    return None


_NOT_ADDRESS = frozenset(
    [
        "email", "web", "website", "url", "ip", "mac", "invoice", "billing", "correspondence",
        "contact", "landlord", "tenant", "owner", "agent", "registered"
    ]
)
_ADDRESS_PART_WORDS = frozenset(
    ["street", "road", "thoroughfare", "locality", "town", "city", "village", "posttown", "post"]
)


def _address(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if w & {"address", "addr", "addresses"}:
        if w & _NOT_ADDRESS:
            return NOTHING
        if "line" in w or any(word.isdigit() for word in t):
            return HeaderMeaning(ADDRESS_PART)
        return HeaderMeaning(ADDRESS, rank=min((_THINGS.get(x, 3) for x in w), default=3))
    if w & _ADDRESS_PART_WORDS and w <= _ADDRESS_PART_WORDS | {"name", "number", "1", "2"}:
        return HeaderMeaning(ADDRESS_PART)
    if w in ({"house", "number"}, {"street", "number"}, {"house", "name"}):
        return HeaderMeaning(ADDRESS_PART)
    return None


_NOT_ASSET_NAME = frozenset(
    [
        "trust", "organisation", "org", "landlord", "tenant", "contact", "owner", "manager", "ward",
        "district", "authority", "parish", "street", "road", "provider", "company", "contractor",
        "supplier", "agent", "occupier", "user", "council", "department", "service", "team", "file",
        "sheet", "layer", "icb", "ccg", "parent", "region", "county", "town", "city", "fm", "file",
        "staff", "person"
    ]
)


def _name(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if "name" not in w:
        return None
    rest = w - {"name", "full", "common", "official", "display"}
    if rest & _NOT_ASSET_NAME or rest - set(_THINGS):
        return NOTHING
    return HeaderMeaning(NAME, rank=min((_THINGS[x] for x in rest), default=3))


_NOT_ASSET_ID = frozenset(
    [
        "telephone", "phone", "tel", "fax", "mobile", "contact", "ward", "district", "la", "lad",
        "lsoa", "msoa", "oa", "authority", "council", "ons", "gss", "parish", "ccg", "icb", "trust",
        "organisation", "org", "parent", "commissioner", "provider", "cost", "centre", "center",
        "budget", "account", "ledger", "invoice", "order", "purchase", "lease", "tenancy",
        "licence", "title", "land", "registry", "planning", "application", "company", "charity",
        "vat", "epc", "certificate", "dec", "sap", "job", "project", "contract", "fm", "tenant",
        "landlord", "customer", "employee", "staff", "version", "row", "line", "sheet", "file",
        "floor", "room", "level", "house", "street"
    ]
)


def _asset_id(t: tuple[str, ...], w: frozenset[str]) -> HeaderMeaning | None:
    if not w & _ID_WORDS:
        return None
    rest = w - _ID_WORDS - _ID_FILLER
    if rest & _NOT_ASSET_ID or rest - set(_THINGS):
        return NOTHING
    if rest == {"site"}:
        return HeaderMeaning(SITE_ID)  # the asset id too where the register has no other
    return HeaderMeaning(ASSET_ID, rank=min((_THINGS[x] for x in rest), default=3))


_RULES: tuple[Rule, ...] = (
    _uprn, _postcode, _grid_ref, _fm, _lease_end, _coordinates, _staff, _area, _cost,
    _status, _tenure, _use, _address, _name, _asset_id,
)


@lru_cache(maxsize=8192)
def read_header(header: str) -> HeaderMeaning:
    """What a column header means (once per header; cached).

    Parameters
    ----------
    header
        The column name as written in the register.

    Returns
    -------
    HeaderMeaning
        The field it gives (or looks like, with the doubt), its rank among
        columns for that field, and the unit conversion its values need.

    Examples
    --------
    >>> read_header("GIFA (sq ft)").field, round(read_header("GIFA (sq ft)").scale, 6)
    ('gia_m2', 0.092903)
    >>> read_header("Annual Running Costs (£k)").scale
    1000.0
    >>> read_header("Premises Code").field, read_header("Post Code").field
    ('asset_id', 'postcode')
    >>> read_header("Net Internal Area").doubt
    'net internal area is not the gross internal area'
    >>> read_header("Contact Telephone Number").field is None
    True
    """
    t = header_words(header)
    w = frozenset(t)
    if not t:
        return NOTHING
    for rule in _RULES:
        meaning = rule(t, w)
        if meaning is not None:
            return meaning
    return NOTHING
