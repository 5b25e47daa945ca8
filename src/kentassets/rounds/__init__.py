"""Rounds of the programme: the same estate built again, months apart.

The stage's modules, each pure (``io/builds`` and ``io/decisions`` read and
write the files; ``pipeline/`` composes):

* ``ids``: co-location ids that survive a data refresh (:func:`carry_ids`,
  :func:`relabel`, :func:`link_colocations`) and the id register.
* ``matching``: pair assets across rounds (own id, reference, UPRN, place + name).
* ``decisions``: workshop decisions: checked, applied to the shortlist, progress,
  the template's rows.
* ``changes``: what changed between two builds (assets and co-locations added,
  removed, moved, changed).
* ``programme``: a build's round: ids carried, decisions applied, changes (used
  by :func:`kentassets.pipeline.analyse`).

The names of ``ids`` are re-exported here (``kentassets.rounds`` was that module).
"""

from __future__ import annotations

from .ids import *  # noqa: F403  (the names of ids, as kentassets.rounds had them)
from .ids import __all__ as __all__
