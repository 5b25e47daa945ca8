"""Frame columns as JSON-ready lists, and the opportunity columns the web pages read.

Values are untrusted: the lists here go into the JSON payload, which the page's
JavaScript inserts as text, never as HTML.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kentassets import schema

# Columns of the opportunities / cluster table used by the web pages.
SAVING = "saving_gbp"
SCORE = "score"
RANK = "rank"
DISTRICT_RANK = "district_rank"
DISTRICT_CODES = "district_codes"
AGENCIES = "agencies"
N_ASSETS = "n_assets"
HORIZON = "horizon"
SHORTLISTED = "shortlisted"
VACANT_GIA = "vacant_gia_m2"
SURPLUS_OFFICE = "surplus_office_m2"

#: Separator between items of a one-line list ("a · b").
DOT = " \u00b7 "
#: How an asset without an agency is named.
NO_AGENCY = "(no agency)"


def codes(values: pd.Series) -> tuple[list[int], list[str]]:
    """Dictionary-encode text: codes (-1 missing) and the lookup list."""
    found, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    return [int(c) for c in found], [str(u) for u in uniques]


def float_list(values: pd.Series, digits: int) -> list[float | None]:
    """Numbers rounded to ``digits`` places; None where missing or not finite."""
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return [None if not math.isfinite(v) else round(float(v), digits) for v in arr]


def str_list(values: pd.Series) -> list[str]:
    """Values as text; missing values as ``""``."""
    return [str(v) for v in values.astype("string").fillna("").to_numpy(dtype=object)]


def agency_list(assets: pd.DataFrame) -> list[str]:
    """Agency names as text; a missing agency is shown as "(no agency)"."""
    return [a or NO_AGENCY for a in str_list(assets[schema.AGENCY])]
