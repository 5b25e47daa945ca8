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

The package's modules are the generator's steps, in the order they run:

====================  ===============================================================
:mod:`.agencies`      the agencies, their uses and wording, file names, seed and dates
:mod:`.columns`       column names of the generated ("truth") frames
:mod:`.places`        real Kent postcodes, town centres and multi-agency hubs
:mod:`.generate`      :func:`generate_sample_estate`: draw each agency's assets
:mod:`.defects`       :data:`SAMPLE_DEFECTS` and planting them
:mod:`.formats`       shared value and file formats (CSV, XLSX, ODS, grid references)
:mod:`.writers`       each agency's register file in its own format
:mod:`.manifest`      the TOML manifest that says how to read each register
:mod:`.estate`        :func:`write_sample_estate`, :func:`sample_estate`, the README
====================  ===============================================================

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

from .agencies import (
    CANTERBURY,
    FIRE,
    FOLKESTONE,
    KCC,
    MAIDSTONE,
    MEDWAY,
    NHS,
    POLICE,
    SAMPLE_AGENCIES,
    SAMPLE_DATA_DATE,
    SAMPLE_N_ASSETS,
    SAMPLE_SEED,
    SAMPLE_TIMESTAMP,
    SWALE,
    SYNTHETIC_LABEL,
    USE_PROFILES,
    VOLUNTARY,
    AgencySpec,
    UseProfile,
)
from .agencies import FILES as FILES  # tests read the file names as sample.FILES
from .columns import (
    COL_AGENCY,
    COL_ASSET_ID,
    COL_COST_GBP,
    COL_DEFECT,
    COL_DISTRICT,
    COL_EASTING,
    COL_GIA_M2,
    COL_HUB,
    COL_LATITUDE,
    COL_LEASE_END,
    COL_LONGITUDE,
    COL_NAME,
    COL_NORTHING,
    COL_POSTCODE,
    COL_STAFF_FTE,
    COL_STATUS,
    COL_STATUS_RAW,
    COL_STREET,
    COL_TENURE,
    COL_TENURE_RAW,
    COL_TOWN,
    COL_UPRN,
    COL_USE,
    COL_USE_RAW,
)
from .defects import (
    NONEXISTENT_POSTCODE,
    SAMPLE_DEFECTS,
    PlantedDefect,
)
from .estate import (
    README_MARKER,
    README_NAME,
    SampleEstateError,
    render_sample_files,
    sample_estate,
    sample_file_names,
    write_sample_estate,
)
from .formats import grid_reference
from .generate import generate_sample_estate
from .manifest import (
    MANIFEST_NAME,
    sample_manifest_text,
)
from .places import (
    TOWN_CENTRES,
    Town,
)
from .writers import (
    CANTERBURY_HEADER,
    FOLKESTONE_HEADER,
    FOLKESTONE_SHEET,
    KCC_HEADER,
    MAIDSTONE_HEADER,
    MAIDSTONE_SHEET,
    MEDWAY_HEADER,
    NHS_HEADER,
    POLICE_HEADER,
    POLICE_HEADER_ROW,
    POLICE_SHEET,
    SWALE_NAMES,
    VOLUNTARY_HEADER,
    write_canterbury_csv,
    write_fire_geojson,
    write_folkestone_xlsx,
    write_kcc_csv,
    write_maidstone_ods,
    write_medway_csv,
    write_nhs_csv,
    write_police_xlsx,
    write_swale_csv,
    write_voluntary_csv,
)

__all__ = [
    "CANTERBURY",
    "CANTERBURY_HEADER",
    "COL_AGENCY",
    "COL_ASSET_ID",
    "COL_COST_GBP",
    "COL_DEFECT",
    "COL_DISTRICT",
    "COL_EASTING",
    "COL_GIA_M2",
    "COL_HUB",
    "COL_LATITUDE",
    "COL_LEASE_END",
    "COL_LONGITUDE",
    "COL_NAME",
    "COL_NORTHING",
    "COL_POSTCODE",
    "COL_STAFF_FTE",
    "COL_STATUS",
    "COL_STATUS_RAW",
    "COL_STREET",
    "COL_TENURE",
    "COL_TENURE_RAW",
    "COL_TOWN",
    "COL_UPRN",
    "COL_USE",
    "COL_USE_RAW",
    "FIRE",
    "FOLKESTONE",
    "FOLKESTONE_HEADER",
    "FOLKESTONE_SHEET",
    "KCC",
    "KCC_HEADER",
    "MAIDSTONE",
    "MAIDSTONE_HEADER",
    "MAIDSTONE_SHEET",
    "MANIFEST_NAME",
    "MEDWAY",
    "MEDWAY_HEADER",
    "NHS",
    "NHS_HEADER",
    "NONEXISTENT_POSTCODE",
    "POLICE",
    "POLICE_HEADER",
    "POLICE_HEADER_ROW",
    "POLICE_SHEET",
    "README_MARKER",
    "README_NAME",
    "SAMPLE_AGENCIES",
    "SAMPLE_DATA_DATE",
    "SAMPLE_DEFECTS",
    "SAMPLE_N_ASSETS",
    "SAMPLE_SEED",
    "SAMPLE_TIMESTAMP",
    "SWALE",
    "SWALE_NAMES",
    "SYNTHETIC_LABEL",
    "TOWN_CENTRES",
    "USE_PROFILES",
    "VOLUNTARY",
    "VOLUNTARY_HEADER",
    "AgencySpec",
    "PlantedDefect",
    "SampleEstateError",
    "Town",
    "UseProfile",
    "generate_sample_estate",
    "grid_reference",
    "render_sample_files",
    "sample_estate",
    "sample_file_names",
    "sample_manifest_text",
    "write_canterbury_csv",
    "write_fire_geojson",
    "write_folkestone_xlsx",
    "write_kcc_csv",
    "write_maidstone_ods",
    "write_medway_csv",
    "write_nhs_csv",
    "write_police_xlsx",
    "write_sample_estate",
    "write_swale_csv",
    "write_voluntary_csv",
]
