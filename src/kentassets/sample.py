"""The synthetic sample Kent estate: seeded raw agency registers plus a manifest.

``kentassets demo`` runs on this estate. It is **synthetic sample data**: the
agencies are real bodies (and one clearly fictional voluntary-sector network),
but every asset, name, address, floor area, staff number, cost, tenure and
status is invented. Only the locations are real: each asset stands at (or a
few metres from) the centroid of a real Kent or Medway postcode from the ONS
Postcode Directory (Open Government Licence), chosen so that assets cluster in
town centres as real public estates do. Each of the 13 districts gets several
multi-agency "hubs" (civic quarters, health campuses, high streets) whose
assets lie within about 150 m of each other, so that co-locations at a 250 m
search radius occur in every district.

Each agency's register has its own real-life shape:

====================================  ==================================================
Agency                                File
====================================  ==================================================
Kent County Council                   CSV, cp1252, CRLF, BNG eastings/northings,
                                      money as ``"£12,345"``
Kent Police                           XLSX, title rows above the header (row 4),
                                      latitude/longitude
Kent Fire and Rescue Service          GeoJSON points (EPSG:4326) with properties
Kent Community Health NHS FT          CSV (UTF-8 with BOM), postcodes only
Medway Council                        CSV with OS grid references (8 and 10 figures)
Maidstone Borough Council             ODS in the Transparency Code land and assets shape
Canterbury City Council               semicolon-delimited CSV, eastings/northings
Swale Borough Council                 headerless CSV (column names in the manifest)
Folkestone & Hythe District Council   XLSX, sheet "Property", eastings/northings
Kent Voluntary Action Network         CSV, postcodes only, multi-line address cells
(fictional)
====================================  ==================================================

Planted defects
---------------
So that the load ledger has something true to say, the generator plants these
defects (listed with their fixed asset ids in :data:`SAMPLE_DEFECTS`, whatever
the seed):

* Kent County Council ``KCC10412``: blank easting/northing, valid postcode
  (should load from the postcode, with a warning).
* Kent County Council ``KCC10877``: blank easting/northing and blank postcode
  (should be rejected: no location).
* Kent County Council ``KCC20551``: ``TBC`` in the GIA column (should load with
  the area missing and a warning).
* Kent County Council ``KCC31007``: asset id used twice for two different
  properties (first loads, second rejected as a duplicate).
* Kent County Council ``KCC47220``: an out-of-county investment property in
  Manchester (should be excluded: outside the study area).
* Kent Police ``KP-0317`` and ``KP-0542``: latitude and longitude swapped
  (should load, swap detected and fixed, with a warning).
* Kent Police ``KP-0733``: blank latitude/longitude, valid postcode (should
  load from the postcode).
* Kent Community Health NHS FT ``KCHFT-0419``: a well-formed postcode that does
  not exist (should be rejected: postcode not found).
* Kent Community Health NHS FT ``KCHFT-0650``: a London postcode (should be
  excluded: outside the study area).
* Kent Community Health NHS FT ``KCHFT-0288``: postcode in lower case without
  its space (should load: normalisation only).
* Canterbury City Council ``CCC0213``: ``#REF!`` in the easting column, valid
  postcode (should load from the postcode, with a warning).
* Medway Council ``MC20316``: a garbled grid reference, valid postcode (should
  load from the postcode, with a warning).
* Folkestone & Hythe District Council ``FHDC-0127``: ``TBC`` in the FTE column
  (should load with staff missing and a warning).
* Kent Fire and Rescue Service ``KFRS-044``: null geometry, valid postcode
  (should load from the postcode).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
...     manifest = write_sample_estate(Path(tmp) / "estate")
...     manifest.name
'manifest.toml'
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import numbers
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from .errors import OutputError, ValidationError
from .io.postcodes import PC_DISTRICT, PC_EASTING, PC_NORTHING, PostcodeDirectory
from .schema import KENT_AND_MEDWAY

if TYPE_CHECKING:  # pragma: no cover - the loader imports lazily, at call time
    from .load import LoadResult

logger = logging.getLogger(__name__)

#: Default seed of the sample estate (the demo's seed).
SAMPLE_SEED: Final = 20261125
#: Default number of assets.
SAMPLE_N_ASSETS: Final = 2400
#: The date the synthetic registers claim to describe.
SAMPLE_DATA_DATE: Final = date(2026, 10, 31)
#: Fixed creation/modification time written into spreadsheet metadata and zip entries.
SAMPLE_TIMESTAMP: Final = datetime(2026, 10, 31, 9, 0, 0)
#: Name of the manifest file written by :func:`write_sample_estate`.
MANIFEST_NAME: Final = "manifest.toml"
#: Name of the README written beside the registers.
README_NAME: Final = "README.txt"
#: Line in the README that marks a folder as written by :func:`write_sample_estate`.
README_MARKER: Final = "Written by kentassets.sample.write_sample_estate"
#: Words every output made from the estate must carry.
SYNTHETIC_LABEL: Final = "synthetic sample data"

_MIN_ASSETS: Final = 300
_MAX_ASSETS: Final = 200_000

# Column names of the generated ("truth") frames.
COL_ASSET_ID: Final = "asset_id"
COL_AGENCY: Final = "agency"
COL_NAME: Final = "name"
COL_STREET: Final = "street"
COL_TOWN: Final = "town"
COL_POSTCODE: Final = "postcode"
COL_UPRN: Final = "uprn"
COL_USE: Final = "use"
COL_USE_RAW: Final = "use_raw"
COL_TENURE: Final = "tenure"
COL_TENURE_RAW: Final = "tenure_raw"
COL_LEASE_END: Final = "lease_end"
COL_GIA_M2: Final = "gia_m2"
COL_STAFF_FTE: Final = "staff_fte"
COL_COST_GBP: Final = "annual_cost_gbp"
COL_STATUS: Final = "status"
COL_STATUS_RAW: Final = "status_raw"
COL_EASTING: Final = "easting"
COL_NORTHING: Final = "northing"
COL_LATITUDE: Final = "latitude"
COL_LONGITUDE: Final = "longitude"
COL_DISTRICT: Final = "district_code"
COL_HUB: Final = "hub_id"
COL_DEFECT: Final = "defect"


class SampleEstateError(OutputError):
    """The sample estate cannot be written into the folder given."""


# --- towns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    """A town centre: name, district, approximate centre (BNG metres) and weight.

    The weight sets the share of multi-agency hubs and near-town assets.
    """

    name: str
    district_code: str
    easting_m: float
    northing_m: float
    weight: float


#: Town centres of Kent and Medway (approximate BNG centre points).
TOWN_CENTRES: Final[tuple[Town, ...]] = (
    Town("Ashford", "E07000105", 601_000, 142_800, 3.0),
    Town("Tenterden", "E07000105", 588_400, 133_400, 1.0),
    Town("Canterbury", "E07000106", 615_000, 157_900, 3.0),
    Town("Herne Bay", "E07000106", 617_600, 168_200, 1.5),
    Town("Whitstable", "E07000106", 610_800, 166_500, 1.5),
    Town("Dartford", "E07000107", 554_200, 174_100, 3.0),
    Town("Swanscombe", "E07000107", 560_500, 174_200, 1.0),
    Town("Dover", "E07000108", 631_900, 141_500, 2.5),
    Town("Deal", "E07000108", 637_600, 152_700, 1.5),
    Town("Sandwich", "E07000108", 633_100, 158_200, 0.7),
    Town("Gravesend", "E07000109", 564_700, 174_200, 3.0),
    Town("Northfleet", "E07000109", 561_800, 173_800, 1.0),
    Town("Maidstone", "E07000110", 576_000, 155_700, 4.0),
    Town("Staplehurst", "E07000110", 578_600, 143_300, 0.5),
    Town("Sevenoaks", "E07000111", 553_000, 155_300, 2.0),
    Town("Swanley", "E07000111", 551_300, 168_600, 1.5),
    Town("Edenbridge", "E07000111", 544_600, 146_000, 0.8),
    Town("Folkestone", "E07000112", 622_800, 135_900, 3.0),
    Town("Hythe", "E07000112", 616_200, 134_700, 1.2),
    Town("New Romney", "E07000112", 606_400, 124_800, 0.6),
    Town("Sittingbourne", "E07000113", 590_600, 163_600, 3.0),
    Town("Sheerness", "E07000113", 591_800, 174_800, 1.5),
    Town("Faversham", "E07000113", 601_500, 161_300, 1.5),
    Town("Margate", "E07000114", 635_300, 170_700, 2.5),
    Town("Ramsgate", "E07000114", 638_200, 165_200, 2.0),
    Town("Broadstairs", "E07000114", 639_600, 168_000, 1.0),
    Town("Tonbridge", "E07000115", 559_100, 146_400, 2.5),
    Town("West Malling", "E07000115", 567_900, 157_800, 1.0),
    Town("Snodland", "E07000115", 570_600, 161_700, 1.0),
    Town("Royal Tunbridge Wells", "E07000116", 558_500, 139_500, 3.0),
    Town("Paddock Wood", "E07000116", 566_900, 145_000, 0.8),
    Town("Cranbrook", "E07000116", 577_500, 136_000, 0.6),
    Town("Chatham", "E06000035", 575_800, 167_700, 3.0),
    Town("Rochester", "E06000035", 574_200, 168_500, 2.0),
    Town("Gillingham", "E06000035", 577_600, 168_400, 2.5),
    Town("Strood", "E06000035", 573_200, 169_300, 1.5),
    Town("Rainham", "E06000035", 581_500, 165_600, 1.0),
)

_STREETS: Final = (
    "High Street", "Station Road", "Church Street", "London Road", "Mill Lane", "Park Road",
    "Victoria Road", "King Street", "Queen Street", "Market Street", "Castle Street",
    "Bank Street", "North Street", "South Street", "West Street", "East Street", "New Road",
    "School Lane", "Chapel Street", "Bridge Street", "Albion Place", "Orchard Way",
    "The Broadway", "Union Street", "Tower Hill", "Priory Road", "Grove Road", "Manor Road",
    "Elm Grove", "Cherry Tree Avenue", "Hop Garden Way", "Oast Lane", "Marsh Road",
    "Harbour Street", "Canal Road", "Forge Lane", "Windmill Hill", "Green Lane",
    "Kingsway", "Abbey Road", "College Road", "Dover Road", "Ashford Road", "Hythe Road",
    "Maidstone Road", "Canterbury Road", "Watling Street", "Pilgrims Way", "Crown Street",
)
_BUILDINGS: Final = (
    "Oak House", "Riverside House", "Albion House", "Beacon House", "Meridian House",
    "Kingsway House", "Invicta Court", "Orchard House", "Weald House", "Medway House",
    "Downs House", "Chalk House", "Harbour House", "Mercury House", "Priory House",
    "Gateway House", "Bridge House", "Castle House", "Marsh House", "Pilgrim House",
)
_HUB_KINDS: Final = ("Civic Quarter", "Health Campus", "Gateway", "Station Quarter",
                     "Town Centre", "Community Campus")


# --- uses --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UseProfile:
    """Physical and cost profile of a canonical use.

    ``gia_median_m2`` and ``gia_sigma`` describe a log-normal floor area;
    ``m2_per_fte`` the floor area per full-time member of staff (``0`` = none);
    ``cost_gbp_per_m2`` the annual running cost; ``p_hub`` the chance an asset of
    this use stands in a town-centre hub rather than scattered.
    """

    gia_median_m2: float
    gia_sigma: float
    m2_per_fte: float
    cost_gbp_per_m2: float
    p_hub: float


USE_PROFILES: Final[dict[str, UseProfile]] = {
    "office": UseProfile(1100, 0.8, 11.0, 185, 0.85),
    "library": UseProfile(450, 0.5, 110.0, 115, 0.8),
    "customer_service": UseProfile(350, 0.5, 30.0, 150, 0.9),
    "depot": UseProfile(900, 0.7, 70.0, 55, 0.15),
    "education": UseProfile(2600, 0.6, 65.0, 75, 0.2),
    "health": UseProfile(700, 0.7, 30.0, 165, 0.7),
    "police": UseProfile(1500, 0.7, 28.0, 140, 0.75),
    "fire": UseProfile(650, 0.4, 35.0, 95, 0.35),
    "community": UseProfile(300, 0.6, 150.0, 70, 0.6),
    "residential": UseProfile(900, 0.5, 45.0, 85, 0.3),
    "land": UseProfile(0, 0.0, 0.0, 0, 0.15),
    "other": UseProfile(400, 0.7, 200.0, 80, 0.5),
}


@dataclass(frozen=True)
class AgencySpec:
    """One agency of the sample estate: name, share of assets, area and vocabulary.

    ``uses`` lists ``(raw use text, canonical use, weight, name noun)``; ``tenures``
    and ``statuses`` map each canonical category to the agency's raw wording.
    ``districts`` is ``None`` for agencies covering all of Kent and Medway.
    """

    name: str
    key: str
    share: float
    id_format: str
    id_digits: int
    uses: tuple[tuple[str, str, float, str], ...]
    tenures: Mapping[str, tuple[str, ...]]
    statuses: Mapping[str, tuple[str, ...]]
    districts: tuple[str, ...] | None = None
    has_uprn: bool = False
    tenure_shares: tuple[float, float, float, float, float] = (0.68, 0.22, 0.05, 0.03, 0.02)


_TENURE_ORDER: Final = ("freehold", "leasehold", "licence", "other", "unknown")
_STATUS_ORDER: Final = ("occupied", "part_vacant", "vacant", "surplus")
_STATUS_SHARES: Final = (0.81, 0.08, 0.055, 0.055)
_PLAIN_STATUSES: Final[Mapping[str, tuple[str, ...]]] = {
    "occupied": ("Occupied",),
    "part_vacant": ("Part vacant",),
    "vacant": ("Vacant",),
    "surplus": ("Surplus",),
}
_PLAIN_TENURES: Final[Mapping[str, tuple[str, ...]]] = {
    "freehold": ("Freehold",),
    "leasehold": ("Leasehold",),
    "licence": ("Licence",),
    "other": ("Other",),
    "unknown": ("",),
}
_KENT_ONLY: Final = tuple(code for code in KENT_AND_MEDWAY if code != "E06000035")

KCC: Final = "Kent County Council"
POLICE: Final = "Kent Police"
FIRE: Final = "Kent Fire and Rescue Service"
NHS: Final = "Kent Community Health NHS Foundation Trust"
MEDWAY: Final = "Medway Council"
MAIDSTONE: Final = "Maidstone Borough Council"
CANTERBURY: Final = "Canterbury City Council"
SWALE: Final = "Swale Borough Council"
FOLKESTONE: Final = "Folkestone & Hythe District Council"
VOLUNTARY: Final = "Kent Voluntary Action Network (fictional)"

#: The agencies of the sample estate, in manifest order.
SAMPLE_AGENCIES: Final[tuple[AgencySpec, ...]] = (
    AgencySpec(
        KCC, "kcc", 0.34, "KCC{:05d}", 5,
        uses=(
            ("Office accommodation", "office", 8, "House"),
            ("Library", "library", 7, "Library"),
            ("Gateway / Customer Service Centre", "customer_service", 2, "Gateway"),
            ("Highways depot", "depot", 3, "Highways Depot"),
            ("Household Waste Recycling Centre", "depot", 1, "Recycling Centre"),
            ("Primary School", "education", 14, "Primary School"),
            ("Secondary School", "education", 4, "School"),
            ("Special School", "education", 1.5, "Special School"),
            ("Adult Education Centre", "education", 1.5, "Adult Education Centre"),
            ("Children\u2019s Centre", "community", 5, "Children\u2019s Centre"),
            ("Youth Centre", "community", 3, "Youth Centre"),
            ("Care Home (Older People)", "residential", 3, "Care Home"),
            ("Farm Land", "land", 2, "Farm"),
            ("Open Space Land and Allotments", "land", 2, "Open Space"),
            ("Country Park", "land", 0.5, "Country Park"),
        ),
        tenures={
            "freehold": ("Freehold", "Freehold", "Freehold - part let"),
            "leasehold": ("Leasehold", "Leasehold - internal repairing"),
            "licence": ("Licence",),
            "other": ("Held in trust",),
            "unknown": ("",),
        },
        statuses={
            "occupied": ("Occupied",),
            "part_vacant": ("Part Vacant",),
            "vacant": ("Vacant",),
            "surplus": ("Surplus",),
        },
        districts=_KENT_ONLY,
        has_uprn=True,
    ),
    AgencySpec(
        POLICE, "police", 0.07, "KP-{:04d}", 4,
        uses=(
            ("Police Station", "police", 10, "Police Station"),
            ("Police Station (custody suite)", "police", 1, "Police Station"),
            ("Police Office", "police", 4, "Police Office"),
            ("Administrative Office", "office", 4, "Police HQ Annexe"),
            ("Police House", "residential", 2, "Police House"),
            ("Vehicle Workshop", "depot", 1, "Vehicle Workshop"),
            ("Training Centre", "education", 0.5, "Training Centre"),
            ("Land", "land", 0.5, "Land"),
        ),
        tenures={
            "freehold": ("Owned freehold",),
            "leasehold": ("Leased",),
            "licence": ("Licence",),
            "other": ("Shared (MOU)",),
            "unknown": ("",),
        },
        statuses={
            "occupied": ("Occupied",),
            "part_vacant": ("Part occupied",),
            "vacant": ("Empty",),
            "surplus": ("Surplus to requirements",),
        },
    ),
    AgencySpec(
        FIRE, "fire", 0.04, "KFRS-{:03d}", 3,
        uses=(
            ("Wholetime fire station", "fire", 4, "Fire Station"),
            ("On-call fire station", "fire", 6, "Fire Station"),
            ("Day-crewed fire station", "fire", 2, "Fire Station"),
            ("Offices", "office", 1.5, "Fire Service Office"),
            ("Training centre", "education", 0.5, "Fire Training Centre"),
            ("Workshops", "depot", 0.7, "Fire Service Workshops"),
            ("Land", "land", 0.3, "Land"),
        ),
        tenures={
            "freehold": ("FH",),
            "leasehold": ("LH",),
            "licence": ("Licence",),
            "other": ("Other",),
            "unknown": ("",),
        },
        statuses={
            "occupied": ("Operational",),
            "part_vacant": ("Part used",),
            "vacant": ("Vacant",),
            "surplus": ("Declared surplus",),
        },
        tenure_shares=(0.85, 0.1, 0.03, 0.01, 0.01),
    ),
    AgencySpec(
        NHS, "nhs", 0.13, "KCHFT-{:04d}", 4,
        uses=(
            ("Health Centre", "health", 8, "Health Centre"),
            ("Community Hospital", "health", 1.5, "Community Hospital"),
            ("Clinic", "health", 7, "Clinic"),
            ("Dental Clinic", "health", 2, "Dental Clinic"),
            ("Admin Base", "office", 5, "Admin Base"),
            ("Office", "office", 3, "Offices"),
            ("Store / Warehouse", "depot", 0.5, "Stores"),
        ),
        tenures={
            "freehold": ("Freehold",),
            "leasehold": ("Leasehold", "Lease (NHSPS)"),
            "licence": ("Licence to occupy",),
            "other": ("Occupancy agreement",),
            "unknown": ("Unknown",),
        },
        statuses={
            "occupied": ("Occupied",),
            "part_vacant": ("Partially occupied",),
            "vacant": ("Vacant",),
            "surplus": ("Surplus",),
        },
        tenure_shares=(0.3, 0.5, 0.12, 0.06, 0.02),
    ),
    AgencySpec(
        MEDWAY, "medway", 0.10, "MC{:05d}", 5,
        uses=(
            ("Office", "office", 5, "House"),
            ("Library", "library", 3, "Library"),
            ("Community Hub", "community", 4, "Community Hub"),
            ("Customer contact centre", "customer_service", 1, "Customer Contact Centre"),
            ("Depot", "depot", 2, "Depot"),
            ("School", "education", 8, "School"),
            ("Children's centre", "community", 3, "Children's Centre"),
            ("Sports centre", "community", 1, "Sports Centre"),
            ("Land", "land", 3, "Land"),
        ),
        tenures=_PLAIN_TENURES,
        statuses=_PLAIN_STATUSES,
        districts=("E06000035",),
        has_uprn=True,
    ),
    AgencySpec(
        MAIDSTONE, "maidstone", 0.06, "MBC-{:04d}", 4,
        uses=(
            ("Council Offices", "office", 2, "House"),
            ("Depot", "depot", 1, "Depot"),
            ("Community Centre", "community", 4, "Community Centre"),
            ("Car Park", "land", 4, "Car Park"),
            ("Public Toilets", "other", 2, "Public Toilets"),
            ("Museum", "community", 0.5, "Museum"),
            ("Allotments", "land", 2, "Allotments"),
            ("Temporary Accommodation", "residential", 2, "Temporary Accommodation"),
            ("Commercial Investment - Retail", "other", 2, "Retail Unit"),
        ),
        tenures=_PLAIN_TENURES,
        statuses=_PLAIN_STATUSES,
        districts=("E07000110",),
        has_uprn=True,
    ),
    AgencySpec(
        CANTERBURY, "canterbury", 0.06, "CCC{:04d}", 4,
        uses=(
            ("Offices", "office", 2, "House"),
            ("Depot", "depot", 1, "Depot"),
            ("Community Centre", "community", 4, "Community Centre"),
            ("Car Park", "land", 4, "Car Park"),
            ("Public Conveniences", "other", 2, "Public Conveniences"),
            ("Leisure Centre", "community", 1, "Leisure Centre"),
            ("Open Space", "land", 2, "Open Space"),
            ("Housing - temporary accommodation", "residential", 2, "Hostel"),
            ("Visitor information centre", "customer_service", 1, "Visitor Centre"),
        ),
        tenures={
            "freehold": ("Freehold", "Freehold - part let"),
            "leasehold": ("Long leasehold", "Lease"),
            "licence": ("Licence",),
            "other": ("Other",),
            "unknown": ("",),
        },
        statuses=_PLAIN_STATUSES,
        districts=("E07000106",),
    ),
    AgencySpec(
        SWALE, "swale", 0.05, "SBC/{:04d}", 4,
        uses=(
            ("Offices", "office", 2, "House"),
            ("Depot", "depot", 1, "Depot"),
            ("Community Hall", "community", 4, "Community Hall"),
            ("Car Park", "land", 4, "Car Park"),
            ("Toilets", "other", 2, "Toilets"),
            ("Allotments", "land", 2, "Allotments"),
            ("Temporary accommodation", "residential", 1, "Temporary Accommodation"),
        ),
        tenures=_PLAIN_TENURES,
        statuses=_PLAIN_STATUSES,
        districts=("E07000113",),
    ),
    AgencySpec(
        FOLKESTONE, "folkestone", 0.05, "FHDC-{:04d}", 4,
        uses=(
            ("Civic offices", "office", 2, "House"),
            ("Depot", "depot", 1, "Depot"),
            ("Community Centre", "community", 4, "Community Centre"),
            ("Car Park", "land", 4, "Car Park"),
            ("Beach huts and foreshore", "land", 1, "Foreshore"),
            ("Public Toilets", "other", 2, "Public Toilets"),
            ("Temporary Accommodation", "residential", 1, "Temporary Accommodation"),
        ),
        tenures=_PLAIN_TENURES,
        statuses=_PLAIN_STATUSES,
        districts=("E07000112",),
    ),
    AgencySpec(
        VOLUNTARY, "voluntary", 0.03, "KVAN-{:03d}", 3,
        uses=(
            ("Community centre", "community", 5, "Community Centre"),
            ("Volunteer centre", "community", 3, "Volunteer Centre"),
            ("Food bank", "community", 2, "Food Bank"),
            ("Youth club", "community", 2, "Youth Club"),
            ("Charity shop", "other", 2, "Charity Shop"),
        ),
        tenures={
            "freehold": ("Owned freehold",),
            "leasehold": ("Leasehold",),  # written as "Leasehold (expires YYYY)"
            "licence": ("Licence",),
            "other": ("Community asset transfer",),
            "unknown": ("",),
        },
        statuses={
            "occupied": ("In use",),
            "part_vacant": ("Part used",),
            "vacant": ("Vacant",),
            "surplus": ("No longer needed",),
        },
        tenure_shares=(0.2, 0.45, 0.25, 0.08, 0.02),
    ),
)


# --- planted defects ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlantedDefect:
    """A defect planted on purpose in the sample registers.

    Attributes
    ----------
    agency
        Agency whose file holds the defect.
    file
        File name inside the sample folder.
    asset_id
        The asset id of the row (fixed, whatever the seed).
    kind
        Short code, for example ``"swapped_lat_lon"``.
    columns
        Source columns involved.
    description
        What is wrong, in words.
    expected_status
        What a correct loader does with the row: ``"loaded"`` (perhaps with a
        warning), ``"excluded"`` or ``"rejected"``. For a duplicated id this is
        the status of the *second* row.
    """

    agency: str
    file: str
    asset_id: str
    kind: str
    columns: tuple[str, ...]
    description: str
    expected_status: str


_FILES: Final[dict[str, str]] = {
    KCC: "kcc_property_register_SYNTHETIC.csv",
    POLICE: "kent_police_estate_SYNTHETIC.xlsx",
    FIRE: "kfrs_premises_SYNTHETIC.geojson",
    NHS: "kchft_estate_SYNTHETIC.csv",
    MEDWAY: "medway_council_assets_SYNTHETIC.csv",
    MAIDSTONE: "maidstone_bc_land_and_assets_SYNTHETIC.ods",
    CANTERBURY: "canterbury_cc_assets_SYNTHETIC.csv",
    SWALE: "swale_bc_assets_SYNTHETIC_headerless.csv",
    FOLKESTONE: "folkestone_hythe_dc_property_SYNTHETIC.xlsx",
    VOLUNTARY: "kvan_premises_SYNTHETIC.csv",
}

#: Every defect planted in the sample registers (same ids whatever the seed).
SAMPLE_DEFECTS: Final[tuple[PlantedDefect, ...]] = (
    PlantedDefect(KCC, _FILES[KCC], "KCC10412", "blank_coordinates_with_postcode",
                  ("Easting", "Northing"),
                  "Easting and Northing blank; the postcode is valid.", "loaded"),
    PlantedDefect(KCC, _FILES[KCC], "KCC10877", "blank_coordinates_no_postcode",
                  ("Easting", "Northing", "Postcode"),
                  "Easting, Northing and Postcode all blank: no way to place it.", "rejected"),
    PlantedDefect(KCC, _FILES[KCC], "KCC20551", "text_in_number_column", ("GIA (sq m)",),
                  "'TBC' in the floor area column.", "loaded"),
    PlantedDefect(KCC, _FILES[KCC], "KCC31007", "duplicate_asset_id", ("Asset Code",),
                  "The same asset code on two different properties.", "rejected"),
    PlantedDefect(KCC, _FILES[KCC], "KCC47220", "outside_study_area",
                  ("Easting", "Northing"),
                  "Out-of-county investment property in Manchester.", "excluded"),
    PlantedDefect(POLICE, _FILES[POLICE], "KP-0317", "swapped_lat_lon",
                  ("Latitude", "Longitude"), "Latitude and longitude swapped.", "loaded"),
    PlantedDefect(POLICE, _FILES[POLICE], "KP-0542", "swapped_lat_lon",
                  ("Latitude", "Longitude"), "Latitude and longitude swapped.", "loaded"),
    PlantedDefect(POLICE, _FILES[POLICE], "KP-0733", "blank_coordinates_with_postcode",
                  ("Latitude", "Longitude"),
                  "Latitude and longitude blank; the postcode is valid.", "loaded"),
    PlantedDefect(NHS, _FILES[NHS], "KCHFT-0419", "postcode_not_found", ("Postcode",),
                  "A well-formed postcode that does not exist.", "rejected"),
    PlantedDefect(NHS, _FILES[NHS], "KCHFT-0650", "outside_study_area", ("Postcode",),
                  "A London postcode: outside Kent and Medway.", "excluded"),
    PlantedDefect(NHS, _FILES[NHS], "KCHFT-0288", "postcode_unnormalised", ("Postcode",),
                  "Postcode in lower case without its space (normalisation only).",
                  "loaded"),
    PlantedDefect(CANTERBURY, _FILES[CANTERBURY], "CCC0213", "garbage_easting",
                  ("Easting",), "'#REF!' in the Easting column; the postcode is valid.",
                  "loaded"),
    PlantedDefect(MEDWAY, _FILES[MEDWAY], "MC20316", "bad_grid_reference",
                  ("Grid Reference",), "A garbled grid reference; the postcode is valid.",
                  "loaded"),
    PlantedDefect(FOLKESTONE, _FILES[FOLKESTONE], "FHDC-0127", "text_in_number_column",
                  ("FTE",), "'TBC' in the FTE column.", "loaded"),
    PlantedDefect(FIRE, _FILES[FIRE], "KFRS-044", "null_geometry", ("geometry",),
                  "Feature with a null geometry; the postcode is valid.", "loaded"),
)

#: A well-formed Kent postcode that is not in the ONS Postcode Directory.
NONEXISTENT_POSTCODE: Final = "CT1 9ZX"
#: Manchester city centre (BNG metres and postcodes) for the out-of-county property.
_MANCHESTER_M: Final = (384_000.0, 398_000.0)
_MANCHESTER_POSTCODES: Final = ("M2 3EH", "M1 1AE", "M2 5DB", "M1 4BT")
_MANCHESTER_CODE: Final = "E08000003"
#: Lambeth (London), for the out-of-area NHS postcode.
_LONDON_CODE: Final = "E09000022"
_LONDON_M: Final = (530_800.0, 179_400.0)
_LONDON_POSTCODES: Final = ("SE1 7EJ", "SE1 7EH", "SE1 7PB")


# --- generation --------------------------------------------------------------------------


@dataclass
class _Places:
    """Candidate postcodes: keys (spaced), BNG coordinates and district codes."""

    postcode: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    district: np.ndarray
    outside: dict[str, tuple[str, float, float]] = field(default_factory=dict)
    by_district: dict[str, np.ndarray] = field(default_factory=dict)
    near_town: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _spaced(keys: pd.Index | pd.Series) -> np.ndarray:
    text = pd.Series(np.asarray(keys, dtype=object)).astype(str)
    return (text.str[:-3] + " " + text.str[-3:]).to_numpy(dtype=object)


def _load_places(postcodes: PostcodeDirectory) -> _Places:
    frame = postcodes.in_districts(list(KENT_AND_MEDWAY)).sort_index()
    if len(frame) == 0:
        raise ValidationError(
            "The postcode directory has no postcodes in Kent and Medway; the sample estate "
            "needs real postcode centroids. Use the packaged ONS Postcode Directory "
            "(postcodes=None) or an ONSPD file that covers Kent."
        )
    places = _Places(
        postcode=_spaced(frame.index),
        easting=frame[PC_EASTING].to_numpy(dtype=float),
        northing=frame[PC_NORTHING].to_numpy(dtype=float),
        district=frame[PC_DISTRICT].astype(str).to_numpy(dtype=object),
    )
    codes = pd.Series(places.district)
    places.by_district = {
        str(code): np.asarray(index, dtype=int)
        for code, index in codes.groupby(codes, sort=True).indices.items()
    }
    for town in TOWN_CENTRES:
        cand = places.by_district.get(town.district_code, np.empty(0, dtype=int))
        dist = np.hypot(places.easting[cand] - town.easting_m,
                        places.northing[cand] - town.northing_m)
        keep = dist < 6_000
        weights = np.exp(-0.5 * (dist[keep] / 1_600.0) ** 2)
        places.near_town[town.name] = (cand[keep], weights / max(weights.sum(), 1e-12))
    wanted = [*_MANCHESTER_POSTCODES, *_LONDON_POSTCODES]
    found = postcodes.lookup(pd.Series(wanted))  # one call: each look-up scans the directory
    for label, candidates, (east, north) in (
        ("manchester", _MANCHESTER_POSTCODES, _MANCHESTER_M),
        ("london", _LONDON_POSTCODES, _LONDON_M),
    ):
        rows = found.iloc[[wanted.index(c) for c in candidates]]
        rows = rows[rows[PC_EASTING].notna()]
        if len(rows):
            places.outside[label] = (wanted[int(rows.index[0])],
                                     float(rows[PC_EASTING].iloc[0]),
                                     float(rows[PC_NORTHING].iloc[0]))
        else:  # a user directory without that area: keep the coordinates, invent nothing
            places.outside[label] = ("", east, north)
    return places


@dataclass
class _Hubs:
    town: list[str] = field(default_factory=list)
    district: list[str] = field(default_factory=list)
    street: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    members: list[np.ndarray] = field(default_factory=list)  # postcode indices within 150 m
    easting: list[float] = field(default_factory=list)
    northing: list[float] = field(default_factory=list)


def _place_hubs(
    places: _Places, rng: np.random.Generator, *, hubs_per_weight: float = 2.5,
    min_separation_m: float = 650.0, hub_radius_m: float = 150.0,
) -> _Hubs:
    """Choose multi-agency hub points near town centres, well apart from each other."""
    hubs = _Hubs()
    for town in TOWN_CENTRES:
        in_district = places.by_district.get(town.district_code, np.empty(0, dtype=int))
        dx = places.easting[in_district] - town.easting_m
        dy = places.northing[in_district] - town.northing_m
        dist = np.hypot(dx, dy)
        near = dist < 2_500
        candidates = in_district[near]
        if len(candidates) == 0:
            logger.warning("No postcodes near %s: no hubs placed there", town.name)
            continue
        weights = np.exp(-0.5 * (dist[near] / 900.0) ** 2)
        order = rng.choice(
            len(candidates), size=min(400, len(candidates)), replace=False,
            p=weights / weights.sum(),
        )
        wanted = max(1, round(hubs_per_weight * town.weight))
        placed = 0
        for pick in order:
            idx = candidates[pick]
            e, n = places.easting[idx], places.northing[idx]
            if hubs.easting and np.min(
                np.hypot(np.asarray(hubs.easting) - e, np.asarray(hubs.northing) - n)
            ) < min_separation_m:
                continue
            local = in_district[
                np.hypot(places.easting[in_district] - e, places.northing[in_district] - n)
                <= hub_radius_m
            ]
            hubs.town.append(town.name)
            hubs.district.append(town.district_code)
            hubs.street.append(str(rng.choice(_STREETS)))
            hubs.kind.append(_HUB_KINDS[0] if placed == 0 else str(rng.choice(_HUB_KINDS[1:])))
            size = float(rng.lognormal(0.0, 0.5))
            hubs.weight.append(size * (2.5 if placed == 0 else 1.0) * (town.weight ** 0.3))
            hubs.members.append(local)
            hubs.easting.append(float(e))
            hubs.northing.append(float(n))
            placed += 1
            if placed >= wanted:
                break
    return hubs


def _split_counts(n_total: int, shares: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``n_total`` in proportion to ``shares``."""
    raw = np.asarray(shares, dtype=float)
    raw = raw / raw.sum() * n_total
    counts = np.floor(raw).astype(int)
    rest = n_total - int(counts.sum())
    for i in np.argsort(-(raw - counts), kind="stable")[:rest]:
        counts[i] += 1
    return [int(c) for c in counts]


def _nearest_town(easting: np.ndarray, northing: np.ndarray, district: np.ndarray) -> np.ndarray:
    """Name of the nearest town centre in the same district as each point."""
    te = np.array([t.easting_m for t in TOWN_CENTRES])
    tn = np.array([t.northing_m for t in TOWN_CENTRES])
    td = np.array([t.district_code for t in TOWN_CENTRES], dtype=object)
    dist = np.hypot(easting[:, None] - te[None, :], northing[:, None] - tn[None, :])
    dist = np.where(district[:, None] == td[None, :], dist, dist + 1e7)
    names = np.array([t.name for t in TOWN_CENTRES], dtype=object)
    return names[np.argmin(dist, axis=1)]


def _agency_locations(
    spec: AgencySpec, canon_use: np.ndarray, places: _Places, hubs: _Hubs,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (postcode index, hub id or -1) for each asset of an agency."""
    n = len(canon_use)
    allowed = set(spec.districts or KENT_AND_MEDWAY)
    hub_ok = np.array([d in allowed for d in hubs.district])
    hub_ids = np.flatnonzero(hub_ok)
    hub_w = np.asarray(hubs.weight)[hub_ids]
    pc_ok = np.concatenate([places.by_district[code] for code in sorted(allowed)
                            if code in places.by_district])
    towns = [t for t in TOWN_CENTRES if t.district_code in allowed]
    town_w = np.array([t.weight for t in towns])
    near_town = [places.near_town[town.name] for town in towns]
    p_hub = np.array([USE_PROFILES[u].p_hub for u in canon_use])
    in_hub = (rng.random(n) < p_hub) & (len(hub_ids) > 0)
    near = ~in_hub & (rng.random(n) < 0.55) & (len(towns) > 0)
    rural = ~in_hub & ~near
    pc_index = np.empty(n, dtype=int)
    hub_of = np.full(n, -1, dtype=int)
    # in a hub: a postcode within the hub's radius
    rows = np.flatnonzero(in_hub)
    hub_of[rows] = rng.choice(hub_ids, size=len(rows), p=hub_w / hub_w.sum())
    offsets = rng.random(len(rows))
    for row, hub, offset in zip(rows, hub_of[rows], offsets, strict=True):
        members = hubs.members[hub]
        pc_index[row] = members[int(offset * len(members))]
    # near a town centre, weighted by distance from it
    rows = np.flatnonzero(near)
    town_of = rng.choice(len(towns), size=len(rows), p=town_w / town_w.sum())
    for k, (cand, weights) in enumerate(near_town):
        mine = rows[town_of == k]
        pc_index[mine] = rng.choice(cand, size=len(mine), p=weights)
    # anywhere in the agency's area (villages, rural sites)
    rows = np.flatnonzero(rural)
    pc_index[rows] = rng.choice(pc_ok, size=len(rows))
    return pc_index, hub_of


def _agency_ids(spec: AgencySpec, n: int, rng: np.random.Generator) -> np.ndarray:
    reserved = {d.asset_id for d in SAMPLE_DEFECTS if d.agency == spec.name}
    low, high = 10 ** (spec.id_digits - 2), 10**spec.id_digits
    if spec.id_digits <= 3:
        low = 1
    pool = rng.choice(np.arange(low, high), size=min(high - low, n + len(reserved) + 5),
                      replace=False)
    ids = [spec.id_format.format(int(v)) for v in pool]
    ids = [i for i in ids if i not in reserved][:n]
    return np.array(ids, dtype=object)


def _generate_agency(
    spec: AgencySpec, n: int, places: _Places, hubs: _Hubs, rng: np.random.Generator
) -> pd.DataFrame:
    """One agency's ``n`` assets as a canonical-column frame.

    The steps draw from ``rng`` in a fixed order (uses, locations, addresses, sizes,
    statuses, tenures, names, UPRNs, ids): reordering them changes the estate.
    """
    use_w = np.array([u[2] for u in spec.uses])
    use_pick = rng.choice(len(spec.uses), size=n, p=use_w / use_w.sum())
    use_raw = np.array([spec.uses[k][0] for k in use_pick], dtype=object)
    canon = np.array([spec.uses[k][1] for k in use_pick], dtype=object)
    noun = np.array([spec.uses[k][3] for k in use_pick], dtype=object)
    pc_index, hub_of = _agency_locations(spec, canon, places, hubs, rng)
    easting, northing, town, street, number = _addresses(pc_index, hub_of, places, hubs, rng)
    gia, fte, cost = _sizes(canon, use_raw, rng)
    status, fte, cost = _statuses(canon, fte, cost, rng)
    tenure, tenure_raw, status_raw, lease_end = _tenures(spec, status, rng)
    names = _asset_names(town, noun, street, rng)
    uprn = (
        np.array([f"9{int(v):011d}" for v in rng.integers(1, 10**11, size=n)], dtype=object)
        if spec.has_uprn else np.full(n, "", dtype=object)
    )
    return pd.DataFrame(
        {
            COL_ASSET_ID: _agency_ids(spec, n, rng),
            COL_AGENCY: spec.name,
            COL_NAME: names,
            COL_STREET: [f"{num} {s}" for num, s in zip(number, street, strict=True)],
            COL_TOWN: town,
            COL_POSTCODE: places.postcode[pc_index],
            COL_UPRN: uprn,
            COL_USE_RAW: use_raw,
            COL_USE: canon,
            COL_TENURE_RAW: tenure_raw,
            COL_TENURE: tenure,
            COL_LEASE_END: lease_end.to_numpy(),
            COL_GIA_M2: np.where(gia > 0, gia, np.nan),
            COL_STAFF_FTE: np.where(canon == "land", np.nan, fte),
            COL_COST_GBP: cost,
            COL_STATUS_RAW: status_raw,
            COL_STATUS: status,
            COL_EASTING: easting,
            COL_NORTHING: northing,
            COL_DISTRICT: places.district[pc_index],
            COL_HUB: hub_of,
            COL_DEFECT: "",
        }
    )


def _addresses(
    pc_index: np.ndarray, hub_of: np.ndarray, places: _Places, hubs: _Hubs,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Easting, northing (postcode centroid plus a few metres), town, street and number."""
    n = len(pc_index)
    jitter = np.clip(rng.normal(0.0, 8.0, size=(n, 2)), -20, 20)
    easting = np.round(places.easting[pc_index] + jitter[:, 0])
    northing = np.round(places.northing[pc_index] + jitter[:, 1])
    town = _nearest_town(easting, northing, places.district[pc_index])
    hub_street = np.array([hubs.street[h] if h >= 0 else "" for h in hub_of], dtype=object)
    street = np.array(rng.choice(_STREETS, size=n), dtype=object)
    use_hub_street = (hub_of >= 0) & (rng.random(n) < 0.6)
    street = np.where(use_hub_street, hub_street, street)
    number = rng.integers(1, 180, size=n)
    return easting, northing, town, street, number


def _sizes(
    canon: np.ndarray, use_raw: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Floor area (m²), staff (FTE) and annual cost (£) of each asset, from its use."""
    n = len(canon)
    gia = np.zeros(n)
    fte = np.zeros(n)
    cost = np.zeros(n)
    for i, use in enumerate(canon):
        prof = USE_PROFILES[use]
        if prof.gia_median_m2 > 0:
            gia[i] = round(prof.gia_median_m2 * rng.lognormal(0.0, prof.gia_sigma), -1)
            gia[i] = max(gia[i], 40.0)
            if use == "office":
                density = max(6.0, prof.m2_per_fte * rng.lognormal(0.0, 0.35))
                fte[i] = gia[i] / density
            elif prof.m2_per_fte > 0:
                fte[i] = gia[i] / prof.m2_per_fte * rng.lognormal(0.0, 0.3)
            cost[i] = gia[i] * prof.cost_gbp_per_m2 * rng.lognormal(0.0, 0.2)
        else:
            cost[i] = rng.uniform(200, 4_000)
    if "Police Station (custody suite)" in use_raw:
        custody = use_raw == "Police Station (custody suite)"
        gia[custody] = np.round(gia[custody] * 1.8, -1)
    return gia, fte, cost


def _statuses(
    canon: np.ndarray, fte: np.ndarray, cost: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canonical status of each asset, and staff and cost adjusted to it (rounded)."""
    n = len(canon)
    status_idx = rng.choice(len(_STATUS_ORDER), size=n, p=_STATUS_SHARES)
    land = canon == "land"
    status_idx[land & (rng.random(n) < 0.12)] = 3  # more surplus land
    status = np.array([_STATUS_ORDER[k] for k in status_idx], dtype=object)
    fte = np.where(status == "part_vacant", fte * 0.55, fte)
    fte = np.where(np.isin(status, ["vacant", "surplus"]), 0.0, fte)
    cost = np.where(np.isin(status, ["vacant", "surplus"]), cost * 0.45, cost)
    return status, np.round(fte * 2) / 2, np.round(cost, -1)


def _tenures(
    spec: AgencySpec, status: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    """Canonical tenure, the agency's tenure and status wording, and lease end dates."""
    n = len(status)
    tenure_idx = rng.choice(len(_TENURE_ORDER), size=n, p=np.asarray(spec.tenure_shares))
    tenure = np.array([_TENURE_ORDER[k] for k in tenure_idx], dtype=object)
    tenure_raw = np.array(
        [str(rng.choice(spec.tenures[t])) for t in tenure], dtype=object
    )
    status_raw = np.array([str(rng.choice(spec.statuses[s])) for s in status], dtype=object)
    # lease ends: a quarter within 1-3 years of the data date, the rest later
    soon = rng.random(n) < 0.28
    days = np.where(soon, rng.integers(90, 3 * 365, size=n), rng.integers(3 * 365, 40 * 365,
                                                                            size=n))
    lease_end = pd.Series(pd.Timestamp(SAMPLE_DATA_DATE) + pd.to_timedelta(days, unit="D"))
    lease_end = lease_end.dt.to_period("M").dt.end_time.dt.normalize()
    lease_end = lease_end.where(pd.Series(tenure == "leasehold"))
    if spec.name == VOLUNTARY:
        years = lease_end.dt.year
        tenure_raw = np.where(
            tenure == "leasehold",
            [f"Leasehold (expires {int(y)})" if not pd.isna(y) else "" for y in years],
            tenure_raw,
        )
    return tenure, tenure_raw, status_raw, lease_end


def _asset_names(
    town: np.ndarray, noun: np.ndarray, street: np.ndarray, rng: np.random.Generator
) -> list[str]:
    """Names: the first of a use in a town takes the town's name, the rest a street's."""
    n = len(town)
    place_key = pd.Series(town.astype(str)) + "|" + pd.Series(noun.astype(str))
    first = ~place_key.duplicated().to_numpy()
    building = np.array(rng.choice(_BUILDINGS, size=n), dtype=object)
    names = []
    for i in range(n):
        if noun[i] == "House":
            names.append(f"{building[i]}, {town[i]}")
        elif noun[i] in ("Land", "Farm", "Open Space", "Allotments", "Car Park", "Foreshore"):
            names.append(f"{street[i]} {noun[i]}, {town[i]}")
        elif first[i]:
            names.append(f"{town[i]} {noun[i]}")
        else:
            names.append(f"{street[i]} {noun[i]}")
    return names


def _plant_defects(
    frames: dict[str, pd.DataFrame], places: _Places, rng: np.random.Generator
) -> None:
    """Give chosen rows the defect ids and, where needed, new locations (in place)."""
    for agency, frame in list(frames.items()):
        defects = [d for d in SAMPLE_DEFECTS if d.agency == agency]
        if not defects:
            continue
        scattered = np.flatnonzero(frame[COL_HUB].to_numpy() < 0)
        pool = scattered if len(scattered) >= len(defects) + 1 else np.arange(len(frame))
        rows = rng.choice(pool, size=len(defects) + 1, replace=False)
        for defect, row in zip(defects, rows, strict=False):
            frame.loc[row, COL_ASSET_ID] = defect.asset_id
            frame.loc[row, COL_DEFECT] = defect.kind
            if defect.kind == "outside_study_area":
                label = "manchester" if agency == KCC else "london"
                postcode, east, north = places.outside[label]
                frame.loc[row, [COL_POSTCODE, COL_EASTING, COL_NORTHING]] = [
                    postcode, east + 7.0, north - 4.0]
                frame.loc[row, COL_TOWN] = label.title()
                frame.loc[row, COL_DISTRICT] = (
                    _MANCHESTER_CODE if label == "manchester" else _LONDON_CODE
                )
                if agency == KCC:
                    frame.loc[row, [COL_USE_RAW, COL_USE]] = ["Commercial investment", "other"]
                    frame.loc[row, COL_NAME] = "Investment property (out of county)"
                else:
                    frame.loc[row, [COL_USE_RAW, COL_USE]] = ["Office", "office"]
                    frame.loc[row, COL_NAME] = "London Liaison Office"
            elif defect.kind == "postcode_not_found":
                frame.loc[row, COL_POSTCODE] = NONEXISTENT_POSTCODE
            elif defect.kind == "duplicate_asset_id":
                twin = rows[-1]
                frame.loc[twin, COL_ASSET_ID] = defect.asset_id
                frame.loc[twin, COL_DEFECT] = "duplicate_asset_id_second"
        frames[agency] = frame.sort_values(
            [COL_ASSET_ID, COL_DEFECT], kind="stable", ignore_index=True
        )


def generate_sample_estate(
    *, seed: int = SAMPLE_SEED, n_assets: int = SAMPLE_N_ASSETS,
    postcodes: PostcodeDirectory | None = None,
) -> dict[str, pd.DataFrame]:
    """Generate the synthetic estate as one clean frame per agency (no files).

    Parameters
    ----------
    seed
        Seed of the numpy random generator; the same seed (and postcode
        directory) gives the same estate.
    n_assets
        Total number of asset rows over all agencies, 300 to 200,000.
    postcodes
        Postcode directory that supplies real centroids; ``None`` loads the
        packaged ONS Postcode Directory (a few seconds).

    Returns
    -------
    dict of str to pandas.DataFrame
        Agency name -> one row per asset, sorted by asset id, with the true
        values: ``asset_id``, ``agency``, ``name``, ``street``, ``town``,
        ``postcode``, ``uprn``, ``use_raw``, ``use``, ``tenure_raw``, ``tenure``,
        ``lease_end``, ``gia_m2``, ``staff_fte``, ``annual_cost_gbp``,
        ``status_raw``, ``status``, ``easting``, ``northing`` (BNG metres),
        ``district_code``, ``hub_id`` (-1 when not in a hub) and ``defect``
        (kind of planted defect, or ``""``). The file writers introduce the
        defects' format-level damage.

    Raises
    ------
    ValidationError
        If ``n_assets`` is out of range or the directory has no Kent postcodes.

    Examples
    --------
    >>> estate = generate_sample_estate(n_assets=300)  # doctest: +SKIP
    >>> sorted(estate)[:2]  # doctest: +SKIP
    ['Canterbury City Council', 'Folkestone & Hythe District Council']
    """
    if not _MIN_ASSETS <= n_assets <= _MAX_ASSETS:
        raise ValidationError(
            f"n_assets must be between {_MIN_ASSETS} and {_MAX_ASSETS:,}; got {n_assets}."
        )
    rng = np.random.default_rng(seed)
    directory = postcodes if postcodes is not None else PostcodeDirectory()
    places = _load_places(directory)
    hubs = _place_hubs(places, rng)
    logger.info("Sample estate: %d hubs in %d towns", len(hubs.town), len(set(hubs.town)))
    counts = _split_counts(n_assets, [a.share for a in SAMPLE_AGENCIES])
    frames: dict[str, pd.DataFrame] = {}
    for spec, count in zip(SAMPLE_AGENCIES, counts, strict=True):
        frames[spec.name] = _generate_agency(spec, count, places, hubs, rng)
    _plant_defects(frames, places, rng)
    return frames


# --- coordinates -----------------------------------------------------------------------------


def grid_reference(easting_m: float, northing_m: float, *, digits: int = 10) -> str:
    """Format a BNG coordinate as an OS grid reference with two letters.

    Parameters
    ----------
    easting_m, northing_m
        British National Grid coordinates, metres.
    digits
        Total number of figures: 6, 8 or 10.

    Returns
    -------
    str
        For example ``"TQ 75840 55630"``.

    Examples
    --------
    >>> grid_reference(575840, 155630)
    'TQ 75840 55630'
    >>> grid_reference(575840, 155630, digits=8)
    'TQ 7584 5563'
    """
    if digits not in (6, 8, 10):
        raise ValidationError(f"digits must be 6, 8 or 10; got {digits}.")
    e100k, n100k = int(easting_m // 100_000), int(northing_m // 100_000)
    l1 = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    l2 = (19 - n100k) * 5 % 25 + e100k % 5
    l1 += l1 > 7
    l2 += l2 > 7
    half = digits // 2
    e = int(easting_m % 100_000) // 10 ** (5 - half)
    n = int(northing_m % 100_000) // 10 ** (5 - half)
    return f"{chr(65 + l1)}{chr(65 + l2)} {e:0{half}d} {n:0{half}d}"


def _to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(easting, northing)
    return np.round(np.asarray(lat), 6), np.round(np.asarray(lon), 6)


# --- writers -------------------------------------------------------------------------------


def _money(values: pd.Series) -> list[str]:
    return [f"\u00a3{v:,.0f}" if not pd.isna(v) else "" for v in values]


def _num(values: pd.Series, fmt: str = "{:g}") -> list[str]:
    return [fmt.format(v) if not pd.isna(v) else "" for v in values]


def _dates(values: pd.Series, fmt: str) -> list[str]:
    return [v.strftime(fmt) if not pd.isna(v) else "" for v in values]


def _csv_bytes(
    header: Sequence[str] | None, rows: Sequence[Sequence[Any]], *, encoding: str,
    delimiter: str = ",", lineterminator: str = "\r\n",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _defect(frame: pd.DataFrame, kind: str) -> pd.Series:
    return frame[COL_DEFECT] == kind


def write_kcc_csv(frame: pd.DataFrame) -> bytes:
    """Kent County Council: cp1252 CSV, CRLF, BNG eastings/northings, money as "£12,345".

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    east = _num(frame[COL_EASTING], "{:.0f}")
    north = _num(frame[COL_NORTHING], "{:.0f}")
    postcode = frame[COL_POSTCODE].tolist()
    gia = _num(frame[COL_GIA_M2], "{:.0f}")
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind in ("blank_coordinates_with_postcode", "blank_coordinates_no_postcode"):
            east[i] = north[i] = ""
        if kind == "blank_coordinates_no_postcode":
            postcode[i] = ""
        if kind == "text_in_number_column":
            gia[i] = "TBC"
    rows = zip(
        frame[COL_UPRN], frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET],
        ["" for _ in range(len(frame))], frame[COL_TOWN], postcode, frame[COL_USE_RAW],
        frame[COL_TENURE_RAW], _dates(frame[COL_LEASE_END], "%d/%m/%Y"), gia,
        _num(frame[COL_STAFF_FTE]), _money(frame[COL_COST_GBP]), frame[COL_STATUS_RAW],
        east, north, strict=True,
    )
    return _csv_bytes(KCC_HEADER, list(rows), encoding="cp1252")


KCC_HEADER: Final = (
    "UPRN", "Asset Code", "Property Name", "Address Line 1", "Address Line 2", "Town",
    "Postcode", "Primary Use", "Tenure Type", "Lease Expiry", "GIA (sq m)", "FTE",
    "Annual Running Cost", "Occupancy", "Easting", "Northing",
)
POLICE_HEADER: Final = (
    "Site ID", "Site Name", "Address", "Post Code", "Site Type", "Ownership",
    "Lease End Date", "Floor Area m2", "Staff (FTE)", "Running Costs (\u00a3)", "Status",
    "Latitude", "Longitude",
)
POLICE_SHEET: Final = "Estate"
POLICE_HEADER_ROW: Final = 4


def _fixed_zip(content: bytes) -> bytes:
    """Rewrite a zip (XLSX/ODS) with fixed entry times and fixed document dates."""
    stamp = SAMPLE_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%S")
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                text = data.decode("utf-8")
                text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?",
                              stamp + "Z" if info.filename.startswith("docProps") else stamp,
                              text)
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=SAMPLE_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def _xlsx_bytes(
    sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
    title_rows: Sequence[str] = (), title: str,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.properties.creator = "kentassets (synthetic sample data)"
    book.properties.title = title
    book.properties.created = SAMPLE_TIMESTAMP
    book.properties.modified = SAMPLE_TIMESTAMP
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for text in title_rows:
        ws.append([text] if text else [])
    if title_rows:
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append(list(header))
    for cell in ws[len(title_rows) + 1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([None if (isinstance(v, float) and np.isnan(v)) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def write_police_xlsx(frame: pd.DataFrame) -> bytes:
    """Kent Police: XLSX, title rows above the header (row 4), latitude/longitude.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The workbook's content (fixed metadata timestamps).
    """
    lat, lon = _to_wgs84(frame[COL_EASTING].to_numpy(), frame[COL_NORTHING].to_numpy())
    lat_out: list[Any] = lat.tolist()
    lon_out: list[Any] = lon.tolist()
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "swapped_lat_lon":
            lat_out[i], lon_out[i] = lon_out[i], lat_out[i]
        elif kind == "blank_coordinates_with_postcode":
            lat_out[i] = lon_out[i] = None
    address = frame[COL_STREET] + ", " + frame[COL_TOWN]
    rows = [
        [_py(v) for v in row]
        for row in zip(
            frame[COL_ASSET_ID], frame[COL_NAME], address, frame[COL_POSTCODE],
            frame[COL_USE_RAW], frame[COL_TENURE_RAW], frame[COL_LEASE_END],
            frame[COL_GIA_M2], frame[COL_STAFF_FTE], frame[COL_COST_GBP],
            frame[COL_STATUS_RAW], lat_out, lon_out, strict=True,
        )
    ]
    title = "Kent Police estate register \u2013 SYNTHETIC SAMPLE DATA (not real)"
    return _xlsx_bytes(
        POLICE_SHEET, POLICE_HEADER, rows, title=title,
        title_rows=(title, f"Extract date: {SAMPLE_DATA_DATE:%d/%m/%Y}", ""),
    )


FOLKESTONE_HEADER: Final = (
    "Property Ref", "Property Name", "Street", "Town", "Postcode", "Property Use", "Tenure",
    "Lease End", "GIA", "FTE", "Annual Cost", "Occupancy Status", "Easting", "Northing",
)
FOLKESTONE_SHEET: Final = "Property"


def write_folkestone_xlsx(frame: pd.DataFrame) -> bytes:
    """Folkestone & Hythe DC: XLSX sheet "Property", eastings/northings as decimals.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The workbook's content.
    """
    fte: list[Any] = [_py(v) for v in frame[COL_STAFF_FTE]]
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "text_in_number_column":
            fte[i] = "TBC"
    rows = [
        [_py(v) for v in row]
        for row in zip(
            frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET], frame[COL_TOWN],
            frame[COL_POSTCODE], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
            frame[COL_LEASE_END], frame[COL_GIA_M2], fte, frame[COL_COST_GBP],
            frame[COL_STATUS_RAW], frame[COL_EASTING] + 0.4, frame[COL_NORTHING] - 0.3,
            strict=True,
        )
    ]
    return _xlsx_bytes(FOLKESTONE_SHEET, FOLKESTONE_HEADER, rows,
                       title="Folkestone & Hythe DC property - SYNTHETIC SAMPLE DATA")


def write_fire_geojson(frame: pd.DataFrame) -> bytes:
    """Kent Fire and Rescue Service: GeoJSON FeatureCollection of EPSG:4326 points.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        UTF-8 GeoJSON.
    """
    lat, lon = _to_wgs84(frame[COL_EASTING].to_numpy(), frame[COL_NORTHING].to_numpy())
    features = []
    for i, row in enumerate(frame.itertuples(index=False)):
        rec = row._asdict()
        geometry = (
            None if rec[COL_DEFECT] == "null_geometry"
            else {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]}
        )
        lease = rec[COL_LEASE_END]
        features.append({
            "type": "Feature",
            "properties": {
                "premises_ref": rec[COL_ASSET_ID],
                "premises_name": rec[COL_NAME],
                "street": rec[COL_STREET],
                "town": rec[COL_TOWN],
                "postcode": rec[COL_POSTCODE],
                "premises_type": rec[COL_USE_RAW],
                "tenure": rec[COL_TENURE_RAW],
                "lease_end": None if pd.isna(lease) else lease.strftime("%Y-%m-%d"),
                "gross_internal_area_sqm": _py(rec[COL_GIA_M2]),
                "establishment_fte": _py(rec[COL_STAFF_FTE]),
                "annual_cost": _py(rec[COL_COST_GBP]),
                "status": rec[COL_STATUS_RAW],
            },
            "geometry": geometry,
        })
    collection = {
        "type": "FeatureCollection",
        "name": "KFRS premises - synthetic sample data",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


NHS_HEADER: Final = (
    "Property Code", "Property", "Address", "Postcode", "Property Type", "Tenure",
    "Lease Expiry Date", "GIA m\u00b2", "WTE", "Revenue Cost \u00a3", "Occupancy Status",
)


def write_nhs_csv(frame: pd.DataFrame) -> bytes:
    """Kent Community Health NHS FT: UTF-8 (with BOM) CSV, postcodes only.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    postcode = frame[COL_POSTCODE].tolist()
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "postcode_unnormalised":
            postcode[i] = postcode[i].replace(" ", "").lower()
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET] + ", " + frame[COL_TOWN],
        postcode, frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        _dates(frame[COL_LEASE_END], "%d/%m/%Y"), _num(frame[COL_GIA_M2], "{:.0f}"),
        _num(frame[COL_STAFF_FTE]), _num(frame[COL_COST_GBP], "{:.2f}"),
        frame[COL_STATUS_RAW], strict=True,
    )
    return _csv_bytes(NHS_HEADER, list(rows), encoding="utf-8-sig")


MEDWAY_HEADER: Final = (
    "Ref", "Asset Name", "Address", "Postcode", "UPRN", "Asset Type", "Tenure", "Lease End",
    "Area (sqm)", "Staff", "Cost per annum", "Occupancy", "Grid Reference",
)


def write_medway_csv(frame: pd.DataFrame) -> bytes:
    """Medway Council: UTF-8 CSV with OS grid references (8 and 10 figures).

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    refs = []
    for i, (e, n, kind) in enumerate(
        zip(frame[COL_EASTING], frame[COL_NORTHING], frame[COL_DEFECT], strict=True)
    ):
        if kind == "bad_grid_reference":
            refs.append("TQ 7X4 68l")
        elif i % 7 == 3:
            refs.append(grid_reference(e, n, digits=8))
        elif i % 5 == 1:
            refs.append(grid_reference(e, n).replace(" ", ""))
        else:
            refs.append(grid_reference(e, n))
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET] + ", " + frame[COL_TOWN],
        frame[COL_POSTCODE], frame[COL_UPRN], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        _dates(frame[COL_LEASE_END], "%d-%b-%Y"), _num(frame[COL_GIA_M2], "{:.0f}"),
        _num(frame[COL_STAFF_FTE]), _num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], refs, strict=True,
    )
    return _csv_bytes(MEDWAY_HEADER, list(rows), encoding="utf-8", lineterminator="\n")


_ODS_NS: Final = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def _ods_cell(value: Any) -> str:
    from xml.sax.saxutils import escape, quoteattr

    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return "<table:table-cell/>"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = f"{float(value):g}"
        return (f'<table:table-cell office:value-type="float" office:value="{number}">'
                f"<text:p>{number}</text:p></table:table-cell>")
    text = str(value)
    return (f'<table:table-cell office:value-type="string" office:string-value='
            f"{quoteattr(text)}><text:p>{escape(text)}</text:p></table:table-cell>")


def _ods_bytes(sheet: str, table: pd.DataFrame, *, title: str) -> bytes:
    """A minimal, deterministic OpenDocument spreadsheet (one sheet, header on row 1).

    Written by hand because odfpy keeps namespaces in module state, so its output
    depends on what was written before in the same process.
    """
    from xml.sax.saxutils import escape, quoteattr

    rows = ["<table:table-row>" + "".join(_ods_cell(str(c)) for c in table.columns)
            + "</table:table-row>"]
    for record in table.itertuples(index=False):
        rows.append("<table:table-row>" + "".join(_ods_cell(_py(v)) for v in record)
                    + "</table:table-row>")
    content = (
        f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {_ODS_NS} "
        'office:version="1.2"><office:body><office:spreadsheet>'
        f"<table:table table:name={quoteattr(sheet)}>" + "".join(rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    stamp = SAMPLE_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%S")
    meta = (
        f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta {_ODS_NS} "
        f'office:version="1.2"><office:meta><dc:title>{escape(title)}</dc:title>'
        "<meta:generator>kentassets (synthetic sample data)</meta:generator>"
        f"<meta:creation-date>{stamp}</meta:creation-date><dc:date>{stamp}</dc:date>"
        "</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, method in (
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
            ("meta.xml", meta, zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ):
            info = zipfile.ZipInfo(name, date_time=SAMPLE_TIMESTAMP.timetuple()[:6])
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8"))
    return out.getvalue()


MAIDSTONE_HEADER: Final = (
    "Organisation", "OrganisationLabel", "UPRN", "AssetCode", "PropertyName",
    "PropertyAddress", "PostCode", "GeoX", "GeoY", "HoldingType", "TenureType",
    "LeaseEnd", "GIA", "FTE", "RunningCost", "OccupancyStatus",
)
MAIDSTONE_SHEET: Final = "Land and Assets"


def write_maidstone_ods(frame: pd.DataFrame) -> bytes:
    """Maidstone BC: ODS in the Local Government Transparency Code land and assets shape.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The spreadsheet's content (fixed metadata timestamps).
    """
    table = pd.DataFrame(
        {
            "Organisation": "E07000110",
            "OrganisationLabel": MAIDSTONE,
            "UPRN": frame[COL_UPRN].to_numpy(),
            "AssetCode": frame[COL_ASSET_ID].to_numpy(),
            "PropertyName": frame[COL_NAME].to_numpy(),
            "PropertyAddress": (frame[COL_STREET] + ", " + frame[COL_TOWN]).to_numpy(),
            "PostCode": frame[COL_POSTCODE].to_numpy(),
            "GeoX": frame[COL_EASTING].to_numpy(),
            "GeoY": frame[COL_NORTHING].to_numpy(),
            "HoldingType": frame[COL_USE_RAW].to_numpy(),
            "TenureType": frame[COL_TENURE_RAW].to_numpy(),
            "LeaseEnd": _dates(frame[COL_LEASE_END], "%Y-%m-%d"),
            "GIA": frame[COL_GIA_M2].to_numpy(),
            "FTE": frame[COL_STAFF_FTE].to_numpy(),
            "RunningCost": frame[COL_COST_GBP].to_numpy(),
            "OccupancyStatus": frame[COL_STATUS_RAW].to_numpy(),
        },
        columns=list(MAIDSTONE_HEADER),
    )
    return _ods_bytes(MAIDSTONE_SHEET, table,
                      title="Maidstone BC land and assets - SYNTHETIC SAMPLE DATA")


CANTERBURY_HEADER: Final = (
    "Asset No", "Name", "Street", "Town", "Postcode", "Use", "Tenure", "Lease end",
    "Floor area", "FTE", "Annual cost", "Status", "Easting", "Northing",
)


def write_canterbury_csv(frame: pd.DataFrame) -> bytes:
    """Canterbury CC: semicolon-delimited UTF-8 CSV with eastings/northings.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    east = _num(frame[COL_EASTING], "{:.0f}")
    for i, kind in enumerate(frame[COL_DEFECT]):
        if kind == "garbage_easting":
            east[i] = "#REF!"
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET], frame[COL_TOWN],
        frame[COL_POSTCODE], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        _dates(frame[COL_LEASE_END], "%d/%m/%Y"), _num(frame[COL_GIA_M2], "{:.0f}"),
        _num(frame[COL_STAFF_FTE]), _num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], east, _num(frame[COL_NORTHING], "{:.0f}"), strict=True,
    )
    return _csv_bytes(CANTERBURY_HEADER, list(rows), encoding="utf-8", delimiter=";")


#: Swale's file has no header: these are the names the manifest gives its columns.
SWALE_NAMES: Final = (
    "Ref", "Description", "Address", "Postcode", "Category", "Tenure", "Lease End", "Area",
    "FTE", "Cost", "Status", "X", "Y",
)


def write_swale_csv(frame: pd.DataFrame) -> bytes:
    """Swale BC: headerless CSV (names in the manifest), X/Y in metres with decimals.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], frame[COL_STREET] + ", " + frame[COL_TOWN],
        frame[COL_POSTCODE], frame[COL_USE_RAW], frame[COL_TENURE_RAW],
        _dates(frame[COL_LEASE_END], "%Y-%m-%d"), _num(frame[COL_GIA_M2], "{:.0f}"),
        _num(frame[COL_STAFF_FTE]), _num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], _num(frame[COL_EASTING] + 0.25, "{:.2f}"),
        _num(frame[COL_NORTHING] + 0.5, "{:.2f}"), strict=True,
    )
    return _csv_bytes(None, list(rows), encoding="utf-8")


VOLUNTARY_HEADER: Final = (
    "Premises ID", "Premises", "Address", "Postcode", "What it is used for", "Tenure",
    "Size (m2)", "Paid staff (FTE)", "Yearly running cost", "Status",
)


def write_voluntary_csv(frame: pd.DataFrame) -> bytes:
    """Kent Voluntary Action Network (fictional): CSV, postcodes only, multi-line addresses.

    Parameters
    ----------
    frame
        The agency's frame from :func:`generate_sample_estate`.

    Returns
    -------
    bytes
        The file's content.
    """
    address = frame[COL_STREET] + "\n" + frame[COL_TOWN]
    rows = zip(
        frame[COL_ASSET_ID], frame[COL_NAME], address, frame[COL_POSTCODE],
        frame[COL_USE_RAW], frame[COL_TENURE_RAW], _num(frame[COL_GIA_M2], "{:.0f}"),
        _num(frame[COL_STAFF_FTE]), _num(frame[COL_COST_GBP], "{:.0f}"),
        frame[COL_STATUS_RAW], strict=True,
    )
    return _csv_bytes(VOLUNTARY_HEADER, list(rows), encoding="utf-8")


# --- manifest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Register:
    writer: Callable[[pd.DataFrame], bytes]
    options: tuple[tuple[str, Any], ...]
    columns: tuple[tuple[str, str | tuple[str, ...]], ...]
    comment: str
    notes: tuple[str, ...] = ()


_REGISTERS: Final[dict[str, _Register]] = {
    KCC: _Register(
        write_kcc_csv,
        (("crs", "EPSG:27700"), ("encoding", "cp1252"), ("delimiter", ",")),
        (("asset_id", "Asset Code"), ("name", "Property Name"),
         ("address", ("Address Line 1", "Address Line 2", "Town")), ("postcode", "Postcode"),
         ("uprn", "UPRN"), ("use", "Primary Use"), ("tenure", "Tenure Type"),
         ("gia_m2", "GIA (sq m)"), ("staff_fte", "FTE"),
         ("annual_cost_gbp", "Annual Running Cost"), ("status", "Occupancy"),
         ("lease_end", "Lease Expiry"), ("easting", "Easting"), ("northing", "Northing")),
        "CSV exported from a property system: cp1252, CRLF, BNG, money as \"\u00a312,345\".",
    ),
    POLICE: _Register(
        write_police_xlsx,
        (("crs", "EPSG:4326"), ("sheet", POLICE_SHEET), ("header_row", POLICE_HEADER_ROW)),
        (("asset_id", "Site ID"), ("name", "Site Name"), ("address", "Address"),
         ("postcode", "Post Code"), ("use", "Site Type"), ("tenure", "Ownership"),
         ("gia_m2", "Floor Area m2"), ("staff_fte", "Staff (FTE)"),
         ("annual_cost_gbp", "Running Costs (\u00a3)"), ("status", "Status"),
         ("lease_end", "Lease End Date"), ("latitude", "Latitude"),
         ("longitude", "Longitude")),
        "XLSX with three title rows above the header; latitude/longitude.",
        (
            "# A police estate is often treated as sensitive: uncomment the next line to",
            "# publish its assets generalised to 1 km squares, without names or addresses.",
            "# sensitive = true",
        ),
    ),
    FIRE: _Register(
        write_fire_geojson,
        (),
        (("asset_id", "premises_ref"), ("name", "premises_name"),
         ("address", ("street", "town")), ("postcode", "postcode"),
         ("use", "premises_type"), ("tenure", "tenure"),
         ("gia_m2", "gross_internal_area_sqm"), ("staff_fte", "establishment_fte"),
         ("annual_cost_gbp", "annual_cost"), ("status", "status"),
         ("lease_end", "lease_end")),
        "GeoJSON points (EPSG:4326); the location is the file's own geometry.",
    ),
    NHS: _Register(
        write_nhs_csv,
        (("encoding", "utf-8-sig"),),
        (("asset_id", "Property Code"), ("name", "Property"), ("address", "Address"),
         ("postcode", "Postcode"), ("use", "Property Type"), ("tenure", "Tenure"),
         ("gia_m2", "GIA m\u00b2"), ("staff_fte", "WTE"),
         ("annual_cost_gbp", "Revenue Cost \u00a3"), ("status", "Occupancy Status"),
         ("lease_end", "Lease Expiry Date")),
        "CSV (UTF-8 with BOM) with postcodes only: placed at postcode centroids.",
    ),
    MEDWAY: _Register(
        write_medway_csv,
        (),
        (("asset_id", "Ref"), ("name", "Asset Name"), ("address", "Address"),
         ("postcode", "Postcode"), ("uprn", "UPRN"), ("use", "Asset Type"),
         ("tenure", "Tenure"), ("gia_m2", "Area (sqm)"), ("staff_fte", "Staff"),
         ("annual_cost_gbp", "Cost per annum"), ("status", "Occupancy"),
         ("lease_end", "Lease End"), ("grid_ref", "Grid Reference")),
        "CSV with OS grid references (\"TQ 75840 67730\", 8 and 10 figures).",
    ),
    MAIDSTONE: _Register(
        write_maidstone_ods,
        (("crs", "EPSG:27700"), ("sheet", MAIDSTONE_SHEET)),
        (("asset_id", "AssetCode"), ("name", "PropertyName"),
         ("address", "PropertyAddress"), ("postcode", "PostCode"), ("uprn", "UPRN"),
         ("use", "HoldingType"), ("tenure", "TenureType"), ("gia_m2", "GIA"),
         ("staff_fte", "FTE"), ("annual_cost_gbp", "RunningCost"),
         ("status", "OccupancyStatus"), ("lease_end", "LeaseEnd"), ("easting", "GeoX"),
         ("northing", "GeoY")),
        "ODS in the Local Government Transparency Code land and assets shape.",
    ),
    CANTERBURY: _Register(
        write_canterbury_csv,
        (("crs", "EPSG:27700"), ("delimiter", ";")),
        (("asset_id", "Asset No"), ("name", "Name"), ("address", ("Street", "Town")),
         ("postcode", "Postcode"), ("use", "Use"), ("tenure", "Tenure"),
         ("gia_m2", "Floor area"), ("staff_fte", "FTE"), ("annual_cost_gbp", "Annual cost"),
         ("status", "Status"), ("lease_end", "Lease end"), ("easting", "Easting"),
         ("northing", "Northing")),
        "Semicolon-delimited CSV with eastings/northings.",
    ),
    SWALE: _Register(
        write_swale_csv,
        (("crs", "EPSG:27700"), ("names", SWALE_NAMES)),
        (("asset_id", "Ref"), ("name", "Description"), ("address", "Address"),
         ("postcode", "Postcode"), ("use", "Category"), ("tenure", "Tenure"),
         ("gia_m2", "Area"), ("staff_fte", "FTE"), ("annual_cost_gbp", "Cost"),
         ("status", "Status"), ("lease_end", "Lease End"), ("easting", "X"),
         ("northing", "Y")),
        "Headerless CSV: the column names are given here.",
    ),
    FOLKESTONE: _Register(
        write_folkestone_xlsx,
        (("crs", "EPSG:27700"), ("sheet", FOLKESTONE_SHEET)),
        (("asset_id", "Property Ref"), ("name", "Property Name"),
         ("address", ("Street", "Town")), ("postcode", "Postcode"), ("use", "Property Use"),
         ("tenure", "Tenure"), ("gia_m2", "GIA"), ("staff_fte", "FTE"),
         ("annual_cost_gbp", "Annual Cost"), ("status", "Occupancy Status"),
         ("lease_end", "Lease End"), ("easting", "Easting"), ("northing", "Northing")),
        "XLSX, header on row 1, eastings/northings with decimals.",
    ),
    VOLUNTARY: _Register(
        write_voluntary_csv,
        (),
        (("asset_id", "Premises ID"), ("name", "Premises"), ("address", "Address"),
         ("postcode", "Postcode"), ("use", "What it is used for"), ("tenure", "Tenure"),
         ("gia_m2", "Size (m2)"), ("staff_fte", "Paid staff (FTE)"),
         ("annual_cost_gbp", "Yearly running cost"), ("status", "Status")),
        "A fictional voluntary-sector network: CSV, postcodes only, multi-line addresses.",
    ),
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def sample_manifest_text(*, agencies: Sequence[str] | None = None) -> str:
    """Return the TOML manifest of the sample estate.

    Parameters
    ----------
    agencies
        Agencies to list, in order; ``None`` lists all of :data:`SAMPLE_AGENCIES`.

    Returns
    -------
    str
        The manifest, in the documented format, with ``synthetic = true``.

    Examples
    --------
    >>> import tomllib
    >>> manifest = tomllib.loads(sample_manifest_text())
    >>> manifest["synthetic"], len(manifest["register"])
    (True, 10)
    """
    names = list(agencies) if agencies is not None else [a.name for a in SAMPLE_AGENCIES]
    lines = [
        "# Kent and Medway public estate: SYNTHETIC SAMPLE DATA.",
        "# Written by kentassets.sample.write_sample_estate. Every asset, name, address,",
        "# area, staff number, cost, tenure and status is invented; only the postcode",
        "# centroids are real (ONS Postcode Directory, Open Government Licence).",
        "",
        f"title = {_toml_value('Kent and Medway public estate (' + SYNTHETIC_LABEL + ')')}",
        f"data_date = {SAMPLE_DATA_DATE.isoformat()}",
        "synthetic = true",
    ]
    for agency in names:
        reg = _REGISTERS[agency]
        lines += ["", "# " + reg.comment, "[[register]]",
                  f"path = {_toml_value(_FILES[agency])}",
                  f"agency = {_toml_value(agency)}"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in reg.options]
        lines += list(reg.notes)
        lines += ["", "[register.columns]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in reg.columns]
    return "\n".join(lines) + "\n"


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
        lines.append(f"  {_FILES[agency]:<48} {len(frame):>5}  {agency}")
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
    files = {_FILES[agency]: _REGISTERS[agency].writer(frame)
             for agency, frame in estate.items()}
    files[MANIFEST_NAME] = sample_manifest_text(agencies=list(estate)).encode("utf-8")
    files[README_NAME] = _readme_text(estate).encode("utf-8")
    return files


def sample_file_names() -> tuple[str, ...]:
    """Names of every file :func:`write_sample_estate` writes."""
    return (*_FILES.values(), MANIFEST_NAME, README_NAME)


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
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        tmp = folder / f".{name}.part"
        tmp.write_bytes(content)
        tmp.replace(folder / name)
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
    if not _MIN_ASSETS <= n_assets <= _MAX_ASSETS:
        raise ValidationError(
            f"n_assets must be between {_MIN_ASSETS} and {_MAX_ASSETS:,}; got {n_assets}."
        )
    return _load_sample_estate(int(n_assets), int(seed))


@functools.cache
def _load_sample_estate(n_assets: int, seed: int) -> LoadResult:
    """Write, read and remove the sample estate; cached so keywords and defaults share a key."""
    from .load import read_manifest

    with tempfile.TemporaryDirectory(prefix="kentassets-sample-") as tmp:
        manifest = write_sample_estate(Path(tmp) / "estate", seed=seed, n_assets=n_assets)
        return read_manifest(manifest, progress=False)
