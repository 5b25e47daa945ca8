"""What the sample estate is made of: its agencies, their uses and wording, and its files.

The tables here are the estate's definition: the fixed seed, size and dates,
the physical and cost profile of each canonical use (:data:`USE_PROFILES`), and
for each agency (:data:`SAMPLE_AGENCIES`) its share of the assets, id format,
area, raw use/tenure/status wording and the name of its register file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from ..schema import KENT_AND_MEDWAY

#: Default seed of the sample estate (the demo's seed).
SAMPLE_SEED: Final = 20261125
#: Default number of assets.
SAMPLE_N_ASSETS: Final = 2400
#: The date the synthetic registers claim to describe.
SAMPLE_DATA_DATE: Final = date(2026, 10, 31)
#: Fixed creation/modification time written into spreadsheet metadata and zip entries.
SAMPLE_TIMESTAMP: Final = datetime(2026, 10, 31, 9, 0, 0)
#: Words every output made from the estate must carry.
SYNTHETIC_LABEL: Final = "synthetic sample data"

MIN_ASSETS: Final = 300
MAX_ASSETS: Final = 200_000


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


TENURE_ORDER: Final = ("freehold", "leasehold", "licence", "other", "unknown")
STATUS_ORDER: Final = ("occupied", "part_vacant", "vacant", "surplus")
STATUS_SHARES: Final = (0.81, 0.08, 0.055, 0.055)
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


FILES: Final[dict[str, str]] = {
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
