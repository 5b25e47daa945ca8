"""A build's place in the programme: its round, its ids' register, decisions, changes.

:func:`kentassets.analyse` calls these steps when it is given a previous
round or workshop decisions, and always for the id register:

* :func:`kentassets.rounds.carry_round` gives the co-locations the previous
  round's ids;
* :func:`decide` checks the decisions against the ids, carries them into the
  opportunities and sums the progress toward the target;
* :func:`compare_with_previous` says what changed since the previous round.

The result travels as a :class:`Programme` on the
:class:`~kentassets.pipeline.Analysis`. Every function here is pure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import schema
from ..io.builds import BuildData
from .changes import ChangeReport, compare
from .decisions import DecisionRows, Decisions, apply_decisions, check_decisions
from .ids import IdCarry

__all__ = ["Programme", "compare_with_previous", "decide"]

logger = logging.getLogger(__name__)


@dataclass
class Programme:
    """Where a build stands in the programme.

    Parameters
    ----------
    carry
        The ids decided for this round (:class:`kentassets.rounds.IdCarry`):
        the register, the links to the previous round and the round number.
    decisions
        The checked workshop decisions, or ``None`` when none were given.
    changes
        What changed since the previous round, or ``None`` in a first round.
    """

    carry: IdCarry
    decisions: Decisions | None = None
    changes: ChangeReport | None = None

    @property
    def register(self) -> pd.DataFrame:
        """The id register (``colocation_ids.csv``)."""
        return self.carry.register

    @property
    def round_number(self) -> int:
        """This build's round (1 for a first round)."""
        return self.carry.round_number

    @property
    def to_review(self) -> pd.DataFrame:
        """Decisions on ids that were merged or retired (empty when none)."""
        if self.decisions is None:
            return pd.DataFrame(columns=[schema.COLOCATION_ID, "status", "decided_on", "why"])
        return self.decisions.to_review


def decide(
    opportunities: pd.DataFrame,
    carry: IdCarry,
    rows: DecisionRows | None,
    *,
    lenient: bool = False,
) -> tuple[pd.DataFrame, Decisions | None]:
    """Check the decisions against this round's ids and carry them into the opportunities.

    Parameters
    ----------
    opportunities
        The scored opportunities, with this round's ids.
    carry
        This round's ids and register.
    rows
        The decisions file's rows (:func:`kentassets.io.decisions.read_decision_rows`),
        or ``None``.
    lenient
        Warn about bad rows and ignore them instead of raising.

    Returns
    -------
    tuple
        The opportunities with the decision columns and the shortlist re-drawn
        (:func:`kentassets.rounds.decisions.apply_decisions`), and the checked decisions.

    Raises
    ------
    DecisionsError
        As :func:`kentassets.rounds.decisions.check_decisions`.
    """
    decisions = None
    if rows is not None:
        is_col = opportunities[schema.IS_COLOCATION].fillna(False).to_numpy(dtype=bool)
        ids = opportunities.loc[is_col, schema.COLOCATION_ID].astype(str)
        decisions = check_decisions(rows.rows, current_ids=ids, register=carry.register,
                                    source=rows.source, sheet=rows.sheet, lenient=lenient)
        for message in decisions.warnings:
            logger.warning("%s", message)
    return apply_decisions(opportunities, decisions), decisions


def compare_with_previous(
    previous: BuildData,
    assets: pd.DataFrame,
    opportunities: pd.DataFrame,
    params: dict[str, Any],
    totals: dict[str, Any],
) -> ChangeReport:
    """What changed between the previous round and this one (as published).

    Parameters
    ----------
    previous
        The previous round's build.
    assets, opportunities
        This round's published assets and opportunities.
    params, totals
        This round's parameters and totals.
    """
    is_col = opportunities[schema.IS_COLOCATION].fillna(False).to_numpy(dtype=bool)
    table = pd.DataFrame(opportunities[is_col])
    if "geometry" in table.columns:
        table = table.drop(columns="geometry")
    current = BuildData(Path("this round"), assets, table, params, totals)
    return compare(previous, current)
