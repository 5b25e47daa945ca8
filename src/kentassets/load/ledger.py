"""The ledger's vocabulary (reason and warning codes) and the per-row bookkeeping
(:class:`Context`: status, reason, message, columns and warnings) that every
step of normalisation writes to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeAlias

import numpy as np
import pandas as pd

from ..errors import where
from ..schema import (
    EXCLUDED,
    LEDGER_AGENCY,
    LEDGER_ASSET_ID,
    LEDGER_COLUMNS,
    LEDGER_FIELDS,
    LEDGER_FILE,
    LEDGER_MESSAGE,
    LEDGER_REASON,
    LEDGER_ROW,
    LEDGER_SHEET,
    LEDGER_STATUS,
    LEDGER_WARNINGS,
    LOADED,
    REJECTED,
)
from .vectors import constant_text, fill, put, spread

logger = logging.getLogger(__name__)

#: Reason codes of excluded and rejected rows (stable; documented in the ledger).
REASON_NO_LOCATION = "no_location"
REASON_POSTCODE_INVALID = "postcode_invalid"
REASON_POSTCODE_NOT_FOUND = "postcode_not_found"
REASON_COORDINATES_INVALID = "coordinates_invalid"
REASON_OUTSIDE_GB = "outside_great_britain"
REASON_DUPLICATE_ID = "duplicate_asset_id"
REASON_OUTSIDE_STUDY_AREA = "outside_study_area"
REASON_CLOSED = "closed"
#: Every reason code the ledger uses, with what it means.
REASONS: dict[str, str] = {
    REASON_NO_LOCATION: "no coordinates, grid reference, geometry or postcode",
    REASON_POSTCODE_INVALID: "the only location is text that is not a UK postcode",
    REASON_POSTCODE_NOT_FOUND: "the only location is a postcode not in the directory",
    REASON_COORDINATES_INVALID: "coordinates are not numbers and nothing else locates the row",
    REASON_OUTSIDE_GB: "the location lies outside Great Britain",
    REASON_DUPLICATE_ID: "the asset id repeats an earlier row of the same agency",
    REASON_OUTSIDE_STUDY_AREA: "the asset lies outside the study area's districts",
    REASON_CLOSED: "the source marks the record as closed",
}

# Warning codes on loaded rows.
WARN_POSTCODE = "location_from_postcode"
WARN_SWAPPED = "coordinates_swapped"
WARN_NUMBER = "number_unreadable"
WARN_DATE = "date_unreadable"
WARN_FALLBACK = "coordinates_unusable"
#: Register-level warnings (once per register, on its first ledger row and in the
#: column mapping): a column that looks like a field but was not used, and
#: status or tenure words that match no category.
WARN_COLUMN_NOT_USED = "column_not_used"
WARN_CATEGORY = "category_unrecognised"
#: A message: fixed text, one text per row, or a function of the row mask that
#: builds the text for the masked rows only.
Message: TypeAlias = "str | pd.Series | Callable[[pd.Series], pd.Series]"
#: Row statuses in the order of :attr:`Context.state`'s codes ("": not yet decided).
_STATUSES: tuple[str, ...] = ("", LOADED, EXCLUDED, REJECTED)


class Context:
    """Per-row status, reason, message, columns and warnings while normalising.

    Messages may be given as a function of the row mask, so that text is built
    only for the rows it applies to.
    """

    def __init__(self, shown: str, sheet: str | None, rows: pd.Series, n: int) -> None:
        self.shown = shown
        self.sheet = sheet
        self.rows = rows
        index = rows.index
        blank = constant_text("", index, "str")  # shared: pandas copies on write
        # Status as small integer codes (positions in _STATUSES): cheap to test.
        self.state = np.zeros(len(index), dtype=np.int8)
        self.reason = blank.copy(deep=False)
        self.message = blank.copy(deep=False)
        self.columns = blank.copy(deep=False)
        self.warnings = blank.copy(deep=False)
        #: Register-level warnings: (code, column, message), in the order found.
        self.register_notes: list[tuple[str, str, str]] = []

    def open(self) -> pd.Series:
        """Rows not yet loaded, excluded or rejected."""
        return pd.Series(self.state == 0, index=self.rows.index)

    def has(self, status: str) -> pd.Series:
        """Rows with ``status``."""
        return pd.Series(self.state == _STATUSES.index(status), index=self.rows.index)

    def reopen(self, mask: pd.Series) -> None:
        """Make the ``mask`` rows open again (their reasons are overwritten next)."""
        self.state[mask.to_numpy(dtype=bool)] = 0

    def load_open(self) -> None:
        """Mark every open row loaded."""
        self.state[self.state == 0] = _STATUSES.index(LOADED)

    @property
    def status(self) -> pd.Series:
        """Status per row as text ("" while open)."""
        table = np.array(_STATUSES, dtype=object)
        return spread(self.state.astype(np.int64), table, self.rows.index, "str")

    @staticmethod
    def _text(value: Message, mask: pd.Series) -> pd.Series:
        if callable(value):
            out = value(mask)
        elif isinstance(value, pd.Series):
            out = value[mask]
        else:
            out = pd.Series(value, index=mask.index[mask.to_numpy()])
        return out.astype("str")

    def set_status(
        self,
        mask: pd.Series,
        status: str,
        reason: str,
        message: Message,
        columns: Message,
    ) -> None:
        mask = (mask & self.open()).fillna(False).astype(bool)
        if not mask.any():
            return
        self.state[mask.to_numpy(dtype=bool)] = _STATUSES.index(status)
        self.reason = fill(self.reason, mask, reason)
        self.message = put(self.message, mask, self._text(message, mask))
        self.columns = put(self.columns, mask, self._text(columns, mask))

    def warn(self, mask: pd.Series, message: Message) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        text = self._text(message, mask)
        current = self.warnings[mask]
        earlier = (current != "").fillna(False).astype(bool)
        if earlier.any():  # join only where the row already has a warning
            text = text.mask(earlier, current[earlier] + "; " + text[earlier])
        self.warnings = put(self.warnings, mask, text)

    def warn_values(
        self, code: str, bad: pd.Series, values: pd.Series, column: str, what: str
    ) -> None:
        if not bad.any():
            return
        self.warn(
            bad,
            lambda m: f"{code}: {column} '"
            + values[m].astype("str").fillna("").str.slice(0, 40)
            + f"' {what}",
        )
        rows = self.rows[bad].tolist()
        examples = ", ".join(repr(v[:40]) for v in values[bad].astype(str).unique()[:3])
        # The ledger carries this for every row; the log is for debugging only.
        logger.info(
            "%s: %d value(s) not readable (%s); read as missing.",
            where(self.shown, sheet=self.sheet, rows=rows, column=column),
            len(rows),
            examples,
        )

    def warn_register(self, code: str, column: str, message: str) -> None:
        """A warning about the whole register (a column, not a row): said once,
        on the register's first ledger row."""
        self.register_notes.append((code, column, f"{code}: {message}"))

    def ledger(self, agency: str, asset_ids: pd.Series) -> pd.DataFrame:
        index = self.rows.index
        if self.register_notes and len(index):
            first = pd.Series(False, index=index)
            first.iloc[0] = True
            self.warn(first, "; ".join(note for _, _, note in self.register_notes))
        return pd.DataFrame(
            {
                LEDGER_FILE: constant_text(self.shown, index, "str"),
                LEDGER_SHEET: constant_text(self.sheet, index, "str"),
                LEDGER_ROW: self.rows.astype("Int64"),
                LEDGER_AGENCY: constant_text(agency, index, "str"),
                LEDGER_ASSET_ID: asset_ids.astype("str"),
                LEDGER_STATUS: self.status,
                LEDGER_REASON: self.reason,
                LEDGER_MESSAGE: self.message,
                LEDGER_COLUMNS: self.columns,
                LEDGER_WARNINGS: self.warnings,
            },
            index=index,
        )[list(LEDGER_FIELDS)]
