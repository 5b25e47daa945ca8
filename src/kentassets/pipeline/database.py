"""A build's tables in PostgreSQL/PostGIS: which tables (:func:`database_tables`) and
writing them into a schema in one transaction (:func:`write_database`).

The reading and writing themselves are in :mod:`kentassets.io.database`; this
module composes them with an :class:`~kentassets.pipeline.Analysis`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from .. import schema
from ..io.database import (
    DEFAULT_SCHEMA,
    Database,
    DatabaseOutput,
    check_schema,
    database_from,
    write_database_tables,
)
from .analysis import Analysis

#: Tables other stages add when they ran: table name -> :class:`Analysis` attribute.
OPTIONAL_TABLES = {
    "column_mapping": "column_mapping",
    "service_reach": "service_reach",
    "reach_options": "reach_options",
    "implementation_plan": "plan",
}


def database_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """The tables a build writes to a database, by table name, in writing order.

    ``assets`` (points), ``colocations`` and ``opportunities`` (the co-locations'
    hulls; the latter in rank order, as in ``opportunities.csv``) are the
    published versions, as in the output folder (sensitive agencies
    generalised); ``load_ledger`` is the ledger; ``column_mapping`` (how each
    register's columns were read), ``service_reach``,
    ``reach_options`` and ``implementation_plan`` are added when their stage ran.
    Every geometry is in EPSG:27700. A stage that adds a table adds it here.

    Parameters
    ----------
    analysis
        The result of :func:`~kentassets.pipeline.analyse`.

    Returns
    -------
    dict of str to pandas.DataFrame
        GeoDataFrames where the table has a geometry.

    Examples
    --------
    >>> import kentassets as ka
    >>> analysis = ka.analyse(ka.sample_estate(), ka.load_districts(), synthetic=True)
    >>> tables = database_tables(analysis)
    >>> list(tables)[:4]
    ['assets', 'colocations', 'opportunities', 'load_ledger']
    >>> tables["assets"].crs.to_epsg(), len(tables["load_ledger"]) == len(analysis.ledger)
    (27700, True)
    """
    opportunities = analysis.published_opportunities()
    flag = opportunities[schema.IS_COLOCATION].fillna(False).astype(bool)
    colocations = opportunities[flag]
    ranked = (
        colocations.sort_values(["rank"], na_position="last", kind="stable")
        if "rank" in colocations
        else colocations
    )
    tables: dict[str, pd.DataFrame] = {
        "assets": analysis.published_assets(),
        "colocations": colocations,
        "opportunities": ranked,
        "load_ledger": analysis.ledger,
    }
    for name, attribute in OPTIONAL_TABLES.items():
        frame = getattr(analysis, attribute, None)
        if isinstance(frame, pd.DataFrame):
            tables[name] = frame
    return tables


@dataclass(frozen=True)
class DatabaseReport:
    """What :func:`write_database` wrote: ``str(report)`` is the line the CLI prints.

    Parameters
    ----------
    database
        The database, password masked.
    schema
        The schema written to.
    tables
        Table name -> rows written.
    seconds
        How long the write took (connection and commit included).
    """

    database: str
    schema: str
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        listed = ", ".join(f"{name} ({rows:,})" for name, rows in self.tables.items())
        return (
            f"Wrote {len(self.tables)} tables to {self.database}, schema "
            f'"{self.schema}", in {self.seconds:.1f} s: {listed}'
        )


def database_output(
    database: str | Database | DatabaseOutput,
    *,
    schema: str | None = None,
    create_schema: bool | None = None,
) -> DatabaseOutput:
    """Where to write a build's tables: a database and a schema.

    Parameters
    ----------
    database
        A libpq URL or connection string, a :class:`Database`, or a
        :class:`DatabaseOutput` (whose schema and ``create_schema`` the
        keywords override when given).
    schema
        The schema (default ``kentassets``).
    create_schema
        Create the schema when missing (default: no, a missing schema is an error).

    Returns
    -------
    DatabaseOutput

    Examples
    --------
    >>> database_output("postgresql://kent:pw@gis.example/estate", schema="estate")
    DatabaseOutput(database=Database('postgresql://kent:***@gis.example/estate'), \
schema='estate', create_schema=False)
    """
    if isinstance(database, DatabaseOutput):
        base = database
    else:
        base = DatabaseOutput(database_from(database))
    return DatabaseOutput(
        base.database,
        schema=schema if schema is not None else base.schema,
        create_schema=create_schema if create_schema is not None else base.create_schema,
    )


def check_database_output(target: DatabaseOutput) -> None:
    """Connect and check the schema before a build does any work (fails fast).

    Raises
    ------
    DatabaseError
        If the server cannot be reached or the schema is missing (and may not
        be created).
    """
    check_schema(target.database, target.schema, create=target.create_schema)


def write_database(
    analysis_or_tables: Analysis | Mapping[str, pd.DataFrame],
    database: str | Database | DatabaseOutput,
    *,
    schema: str | None = None,
    create_schema: bool | None = None,
) -> DatabaseReport:
    """Write a build's tables into a PostgreSQL/PostGIS schema, in one transaction.

    Every table (:func:`database_tables`) is replaced inside one transaction: a
    failure part-way leaves the previous tables as they were, and a second
    build replaces them. Geometry is written in EPSG:27700 with a spatial
    (GiST) index. Needs ``pip install 'kentassets[postgis]'``.

    Parameters
    ----------
    analysis_or_tables
        An :class:`Analysis`, or table name -> frame.
    database
        A libpq URL or connection string (``PGPASSWORD``, ``~/.pgpass`` and the
        other ``PG*`` settings apply), a :class:`Database` or a :class:`DatabaseOutput`.
    schema
        The schema (default ``kentassets``). It must exist unless ``create_schema``.
    create_schema
        Create the schema when it is missing.

    Returns
    -------
    DatabaseReport

    Raises
    ------
    DatabaseError
        If the server cannot be reached, the schema is missing or a write fails
        (nothing is changed then); the message masks the password.

    Examples
    --------
    Needs a PostgreSQL server with PostGIS, so not run as a test:

    >>> import kentassets as ka
    >>> report = ka.build("manifest.toml", "outputs")  # doctest: +SKIP
    >>> print(ka.write_database(report.analysis,  # doctest: +SKIP
    ...     "postgresql://kent@gis.example/estate", schema="estate"))
    Wrote 4 tables to postgresql://kent@gis.example/estate, schema "estate", in 2.1 s: ...
    """
    target = database_output(database, schema=schema, create_schema=create_schema)
    tables = (
        database_tables(analysis_or_tables)
        if isinstance(analysis_or_tables, Analysis)
        else dict(analysis_or_tables)
    )
    start = time.perf_counter()
    counts = write_database_tables(
        tables, target.database, schema=target.schema, create_schema=target.create_schema
    )
    return DatabaseReport(
        database=target.database.shown,
        schema=target.schema,
        tables=counts,
        seconds=time.perf_counter() - start,
    )


__all__ = [
    "DEFAULT_SCHEMA",
    "DatabaseReport",
    "check_database_output",
    "database_output",
    "database_tables",
    "write_database",
]
