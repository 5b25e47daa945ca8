"""The whole job in one call: load, place, cluster, score, render, write.

:func:`analyse` is pure (frames in, an :class:`Analysis` out); :func:`write_outputs`
writes an :class:`Analysis` into a folder; :func:`build` and :func:`demo` compose
them with the readers and the atomic output folder. The CLI calls these.

One module per concern: :mod:`~kentassets.pipeline.options` (:class:`BuildOptions`),
:mod:`~kentassets.pipeline.analysis` (:class:`Analysis`, :func:`analyse`),
:mod:`~kentassets.pipeline.report` (:class:`BuildReport`),
:mod:`~kentassets.pipeline.write` (:func:`write_outputs`),
:mod:`~kentassets.pipeline.pool` (the processes that render the districts),
:mod:`~kentassets.pipeline.database` (:func:`database_tables`, :func:`write_database`:
a build's tables in PostgreSQL/PostGIS) and
:mod:`~kentassets.pipeline.run` (:func:`build`, :func:`demo`).
"""

from __future__ import annotations

from .analysis import Analysis, analyse
from .database import (
    DatabaseReport,
    database_output,
    database_tables,
    write_database,
)
from .inputs import BuildInputs
from .options import PAPERS, BuildOptions
from .pool import default_jobs
from .pool import renderers as renderers
from .report import BuildReport
from .run import build, demo
from .run import round_inputs as round_inputs
from .write import Published as Published
from .write import district_file_stem, write_outputs

__all__ = [
    "PAPERS",
    "Analysis",
    "BuildInputs",
    "BuildOptions",
    "BuildReport",
    "DatabaseReport",
    "analyse",
    "build",
    "database_output",
    "database_tables",
    "default_jobs",
    "demo",
    "district_file_stem",
    "write_database",
    "write_outputs",
]
