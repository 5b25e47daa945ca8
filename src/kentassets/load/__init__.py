"""Turn agencies' registers into canonical assets, with a ledger for every row.

:func:`read_register` reads one file (through :mod:`kentassets.io.registers`),
recognises its columns, parses numbers, dates and free-text categories, places
each row (eastings/northings, latitude/longitude, OS grid reference, the file's
geometry, or the postcode centroid, in that order of preference), assigns its
district and returns a :class:`LoadResult`: the loaded assets and a ledger that
says, for every data row, whether it was ``loaded``, ``excluded`` or
``rejected`` and why. :func:`read_manifest` does the same for every register in a
manifest and :func:`combine_results` joins results. :func:`assign_sites` gives
records that describe one building a shared ``site_id``.

Everything after reading is vectorised: pandas string methods and numpy over
whole columns, and Python only over the *distinct* values of free-text columns.

The loader's steps live in the modules of this package, in the order they run:

========================  ==========================================================
:mod:`.read`              entry points: :func:`read_register`, :func:`read_manifest`,
                          :func:`read_database_register` (PostgreSQL/PostGIS)
:mod:`.normalise`         :func:`normalise_register`, the steps in order
:mod:`.columns`           recognise columns and published schemas
:mod:`.headers`           read a header by meaning (words, order, units)
:mod:`.checks`            register-level warnings: unused look-alike columns, unknown words
:mod:`.mapping`           the column mapping table (what was read) and its description
:mod:`.values`            parse numbers, dates and text
:mod:`.categories`        free text to use, tenure and status categories
:mod:`.locate`            coordinates, grid references, geometry, postcodes to points
:mod:`.place`             place located rows in districts
:mod:`.assets`            the canonical asset frame of the loaded rows
:mod:`.sites`             site matching (``site_id``)
:mod:`.ledger`            reason and warning codes, per-row ledger bookkeeping
:mod:`.result`            :class:`LoadResult` and :func:`combine_results`
:mod:`.vectors`           Arrow and numpy column building blocks
:mod:`.bulk`              garbage collector and Arrow allocator settings for bulk work
========================  ==========================================================
"""

from __future__ import annotations

from .categories import categorise, categorise_use
from .columns import (
    ALIASES,
    ODS_COLUMNS,
    PROFILES,
    ColumnDoubt,
    ColumnReading,
    read_columns,
    resolve_columns,
)
from .demand import DEMAND_REASONS, DemandLoad, normalise_demand, read_demand
from .headers import HeaderMeaning, header_words, read_header
from .ledger import (
    REASON_CLOSED,
    REASON_COORDINATES_INVALID,
    REASON_DUPLICATE_ID,
    REASON_NO_LOCATION,
    REASON_OUTSIDE_GB,
    REASON_OUTSIDE_STUDY_AREA,
    REASON_POSTCODE_INVALID,
    REASON_POSTCODE_NOT_FOUND,
    REASONS,
    WARN_CATEGORY,
    WARN_COLUMN_NOT_USED,
    WARN_DATE,
    WARN_FALLBACK,
    WARN_NUMBER,
    WARN_POSTCODE,
    WARN_SWAPPED,
    Message,
)
from .locate import parse_grid_references
from .mapping import describe_mapping
from .normalise import normalise_register
from .read import read_database_register, read_manifest, read_register
from .result import LoadResult, combine_results
from .sites import SITE_DISTANCE_M, assign_sites
from .values import parse_dates, parse_numbers
from .vectors import Factorized

__all__ = [
    "ALIASES",
    "DEMAND_REASONS",
    "ODS_COLUMNS",
    "PROFILES",
    "REASONS",
    "REASON_CLOSED",
    "REASON_COORDINATES_INVALID",
    "REASON_DUPLICATE_ID",
    "REASON_NO_LOCATION",
    "REASON_OUTSIDE_GB",
    "REASON_OUTSIDE_STUDY_AREA",
    "REASON_POSTCODE_INVALID",
    "REASON_POSTCODE_NOT_FOUND",
    "SITE_DISTANCE_M",
    "WARN_CATEGORY",
    "WARN_COLUMN_NOT_USED",
    "WARN_DATE",
    "WARN_FALLBACK",
    "WARN_NUMBER",
    "WARN_POSTCODE",
    "WARN_SWAPPED",
    "ColumnDoubt",
    "ColumnReading",
    "DemandLoad",
    "Factorized",
    "HeaderMeaning",
    "LoadResult",
    "Message",
    "assign_sites",
    "categorise",
    "categorise_use",
    "combine_results",
    "describe_mapping",
    "header_words",
    "normalise_demand",
    "normalise_register",
    "parse_dates",
    "parse_grid_references",
    "parse_numbers",
    "read_columns",
    "read_database_register",
    "read_demand",
    "read_header",
    "read_manifest",
    "read_register",
    "resolve_columns",
]
