"""PostgreSQL/PostGIS: a register read from a table, a view or a query, and a build's
tables written back into a schema.

The reader returns the same :class:`~kentassets.io.registers.RawTable` the file
readers return (every cell as text, a row number per row, the geometry in
EPSG:27700), so recognising columns, locating rows and the ledger are shared
with files. A database row's "row" is its position in the result (1 = the first
row returned; a table is read in primary-key order where it has one).

Connections are made by libpq itself (through psycopg 3), so a URL
(``postgresql://kent@db.example/estate``), a ``key=value`` connection string, a
service name and the usual settings (``PGHOST``, ``PGUSER``, ``PGPASSWORD``, a
``~/.pgpass`` file, ``PGSERVICE``) all work as they do for ``psql``. A password
never appears in a message: every connection string shown is masked
(:func:`mask_conninfo`), and a driver's message is masked before it is carried
into a :class:`~kentassets.errors.DatabaseError`.

Identifiers are always quoted (``psycopg.sql.Identifier`` and SQLAlchemy's
quoting); a user's ``query`` is run as given, alone (a server-side cursor takes
one ``SELECT``), in a ``READ ONLY`` transaction. Writing uses geopandas'
``to_postgis`` (SQLAlchemy and GeoAlchemy2), every table in one transaction.

The drivers are the optional extra ``kentassets[postgis]``; they are imported
only when a database is used.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..errors import CoordinateSystemError, DatabaseError, ValidationError
from ..schema import CRS
from .registers import RawTable

logger = logging.getLogger(__name__)

#: What to install for database registers and ``--to-database``.
INSTALL_HINT = "pip install 'kentassets[postgis]'"
#: Schema the build's tables go to when none is named.
DEFAULT_SCHEMA = "kentassets"
#: Seconds libpq waits for a server unless the connection string or
#: ``PGCONNECT_TIMEOUT`` says otherwise.
CONNECT_TIMEOUT_S = 15
_MASK = "***"
_URL_PASSWORD = re.compile(r"(?P<head>postgres(?:ql)?://[^:@/?#\s'\"]*):[^\s'\"]*@", re.I)
_KEY_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s&'\"]*)", re.I)
_CURSOR = "kentassets_register"


@dataclass(frozen=True, repr=False)
class Database:
    """A PostgreSQL database: a libpq connection string or URL, shown masked.

    Parameters
    ----------
    conninfo
        A URL (``postgresql://user@host:5432/dbname``) or a ``key=value``
        connection string, passed to libpq as given (which also reads
        ``PGPASSWORD``, ``~/.pgpass`` and the other ``PG*`` settings). Never
        printed: :attr:`shown` masks its password.
    env
        The environment variable it was read from, if any.

    Examples
    --------
    >>> db = Database("postgresql://kent:s3cret@db.example/estate")
    >>> db
    Database('postgresql://kent:***@db.example/estate')
    >>> str(db)
    'postgresql://kent:***@db.example/estate'
    """

    conninfo: str = field(repr=False)
    env: str | None = None

    @property
    def shown(self) -> str:
        """The connection string with its password masked."""
        return mask_conninfo(self.conninfo)

    def mask(self, text: str) -> str:
        """``text`` (a driver's message) with this database's password masked."""
        return mask_conninfo(text, secrets=_passwords(self.conninfo))

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"Database({self.shown!r})"


@dataclass(frozen=True)
class DatabaseOutput:
    """Where a build's tables are written: a database and a schema.

    Parameters
    ----------
    database
        The database.
    schema
        The schema the tables go to (default ``kentassets``).
    create_schema
        Create the schema when it is missing; otherwise a missing schema is an error.

    Examples
    --------
    >>> target = DatabaseOutput(Database("postgresql://kent:pw@h/estate"), schema="estate")
    >>> target.database, target.schema
    (Database('postgresql://kent:***@h/estate'), 'estate')
    """

    database: Database
    schema: str = DEFAULT_SCHEMA
    create_schema: bool = False


def database_from(
    database: str | Database | None = None,
    *,
    env: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Database:
    """The :class:`Database` named by a connection string or an environment variable.

    Parameters
    ----------
    database
        A URL or ``key=value`` connection string (or a :class:`Database`).
    env
        The name of an environment variable holding the connection string
        (keeps a password out of the manifest and the shell history).
    environ
        The environment to read ``env`` from (default ``os.environ``).

    Returns
    -------
    Database

    Raises
    ------
    ValidationError
        If neither or both are given, or the variable is not set.

    Examples
    --------
    >>> database_from(env="KA_DB", environ={"KA_DB": "postgresql://kent:pw@h/estate"})
    Database('postgresql://kent:***@h/estate')
    """
    if isinstance(database, Database):
        return database
    if (database is None) == (env is None):
        raise ValidationError(
            "give the database as a connection string (database = \"postgresql://...\") or "
            "the name of an environment variable holding one (database_env = \"NAME\"), "
            "not both"
        )
    if env is not None:
        value = (os.environ if environ is None else environ).get(env, "")
        if not value.strip():
            raise ValidationError(
                f"the environment variable {env} is not set: set it to the database's "
                "connection string, e.g. postgresql://user@host/dbname"
            )
        return Database(value.strip(), env=env)
    assert database is not None
    if not database.strip():
        raise ValidationError("the database connection string is empty")
    return Database(database.strip())


def mask_conninfo(text: str, *, secrets: Sequence[str] = ()) -> str:
    """``text`` with every password in a connection string or URL masked as ``***``.

    Parameters
    ----------
    text
        A URL, a ``key=value`` connection string, or any message that may hold one.
    secrets
        Passwords to mask wherever they appear (e.g. in a driver's message).

    Returns
    -------
    str

    Examples
    --------
    >>> mask_conninfo("postgresql://kent:s3cret@db/estate?sslmode=require")
    'postgresql://kent:***@db/estate?sslmode=require'
    >>> mask_conninfo("host=db dbname=estate password='s3 cret' user=kent")
    'host=db dbname=estate password=*** user=kent'
    >>> mask_conninfo("postgresql:///estate?password=s3cret&host=/tmp")
    'postgresql:///estate?password=***&host=/tmp'
    >>> mask_conninfo("failed for s3cret", secrets=["s3cret"])
    'failed for ***'
    """
    masked = _URL_PASSWORD.sub(lambda m: f"{m['head']}:{_MASK}@", text)
    masked = _KEY_PASSWORD.sub(lambda m: f"{m['head']}{_MASK}", masked)
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        masked = masked.replace(secret, _MASK)
    return masked


def _passwords(conninfo: str) -> list[str]:
    """Every form of the password a message could carry: as given, URL-encoded, PGPASSWORD."""
    found = [os.environ.get("PGPASSWORD", "")]
    try:
        from psycopg.conninfo import conninfo_to_dict

        found.append(str(conninfo_to_dict(conninfo).get("password") or ""))
    except Exception:  # noqa: S110 - no driver or not parseable: the patterns still mask
        pass
    return [form for p in found if p for form in (p, quote(p, safe=""))]


def _driver() -> Any:
    """psycopg 3, or a :class:`DatabaseError` saying how to install it."""
    try:
        import psycopg
    except ImportError as exc:
        raise DatabaseError(
            f"reading or writing a PostgreSQL database needs psycopg 3: {INSTALL_HINT}"
        ) from exc
    return psycopg


@contextmanager
def connect(db: Database, *, read_only: bool = True) -> Iterator[Any]:
    """A psycopg connection to ``db`` in one transaction (committed on success).

    Parameters
    ----------
    db
        The database.
    read_only
        Open a ``READ ONLY`` transaction (reading registers and checking schemas).

    Yields
    ------
    psycopg.Connection

    Raises
    ------
    DatabaseError
        If the drivers are missing or the server refuses the connection (the
        message names the database, password masked).
    """
    psycopg = _driver()
    try:
        conn = psycopg.connect(db.conninfo, **_connect_options(db.conninfo))
    except psycopg.Error as exc:
        raise DatabaseError(
            f"{db.shown}: cannot connect ({_driver_message(db, exc)}). Check the host, port, "
            "database name and user, that the server is running, and the password (use "
            "PGPASSWORD or a ~/.pgpass file rather than writing it in the manifest)."
        ) from None
    try:
        conn.read_only = read_only
        with conn.transaction():
            yield conn
    finally:
        conn.close()


def _connect_options(conninfo: str) -> dict[str, Any]:
    """Defaults libpq lacks: a connect timeout and an application name, unless given."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        given = conninfo_to_dict(conninfo)
    except Exception:
        return {}  # libpq will say what is wrong with it when connecting
    options: dict[str, Any] = {}
    if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
        options["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in given and not os.environ.get("PGAPPNAME"):
        options["application_name"] = "kentassets"
    return options


def _driver_message(db: Database, exc: BaseException) -> str:
    """A driver's message on one line, masked: the server's primary message where
    there is one (without the statement it quotes), else the driver's text."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = " ".join(str(primary or exc).split())
    return db.mask(text)[:400]


# --- reading -------------------------------------------------------------------------


def read_database_table(
    db: Database,
    *,
    table: str | None = None,
    query: str | None = None,
    crs: str | None = None,
    geometry_column: str | None = None,
    display_name: str | None = None,
) -> RawTable:
    """Read a table, a view or a query's result into a :class:`RawTable`.

    Parameters
    ----------
    db
        The database.
    table
        ``schema.table`` or ``table`` (a view too); matched exactly, else
        ignoring case (unquoted names are lower case in PostgreSQL).
    query
        A ``SELECT`` run as given, read-only. Give ``table`` or ``query``.
    crs
        CRS of geometry whose SRID is 0 (unknown).
    geometry_column
        Which geometry column locates the rows when there are several
        (default: the first).
    display_name
        How the register is named in messages (default: the table, or "query").

    Returns
    -------
    RawTable
        Text cells, ``rows`` 1..n (the position in the result), the geometry in
        EPSG:27700 (``None`` without a geometry column), ``format="database"``.

    Raises
    ------
    DatabaseError
        If the connection fails, the table does not exist or the query fails.
    CoordinateSystemError
        If geometry has no SRID and no ``crs`` is given, or cannot be transformed.
    """
    if (table is None) == (query is None):
        raise ValidationError("give a table (schema.table) or a query, not both")
    shown = display_name or table or "query"
    with connect(db, read_only=True) as conn:
        if table is not None:
            statement = _table_select(conn, db, table)
        else:
            statement = _query_statement(query or "", shown)
        names, type_oids, records = _fetch(conn, db, statement, shown)
        geometry_oids = _geometry_oids(conn)
    logger.info("%s from %s: %d rows", shown, db.shown, len(records))
    return _raw_table(names, type_oids, records, geometry_oids,
                      crs=crs, geometry_column=geometry_column, shown=shown)


def _table_select(conn: Any, db: Database, table: str) -> Any:
    """``SELECT * FROM "schema"."table"``, in primary-key order where there is one."""
    from psycopg import sql

    schema_name, relation = _find_relation(conn, db, table)
    source = sql.SQL("SELECT * FROM {}.{}").format(
        sql.Identifier(schema_name), sql.Identifier(relation)
    )
    key = _primary_key(conn, schema_name, relation)
    if key:
        source = sql.SQL("{} ORDER BY {}").format(
            source, sql.SQL(", ").join(sql.Identifier(k) for k in key)
        )
    return source


def _find_relation(conn: Any, db: Database, table: str) -> tuple[str, str]:
    """The schema and name of ``table`` as the catalogue spells them."""
    parts = table.split(".")
    if len(parts) > 2 or not all(p.strip() for p in parts):
        raise DatabaseError(
            f'table "{table}": write it as schema.table or table (for example estate.sites)'
        )
    wanted_schema = parts[0].strip() if len(parts) == 2 else None
    name = parts[-1].strip()
    rows = conn.execute(
        "SELECT n.nspname, c.relname, pg_table_is_visible(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND lower(c.relname) = lower(%s) "
        "AND (%s::text IS NULL OR lower(n.nspname) = lower(%s))",
        (name, wanted_schema, wanted_schema),
    ).fetchall()
    visible = [r for r in rows if wanted_schema is not None or r[2]]
    exact = [r for r in visible if r[1] == name and (wanted_schema in (None, r[0]))]
    found = exact or visible
    if len(found) == 1:
        return str(found[0][0]), str(found[0][1])
    if not found and rows:
        listed = ", ".join(f'"{r[0]}.{r[1]}"' for r in rows)
        raise DatabaseError(
            f'{db.shown}: table "{table}" is not on the search path; the database has '
            f"{listed}. Name the schema: table = {listed.split(', ')[0]}."
        )
    if not found:
        raise DatabaseError(
            f'{db.shown}: table or view "{table}" does not exist (or this user may not see '
            "it). Check the name as schema.table, and the user's rights."
        )
    listed = ", ".join(f'"{r[0]}.{r[1]}"' for r in found)
    raise DatabaseError(
        f'{db.shown}: "{table}" could mean {listed}. Write the name exactly as in the database.'
    )


def _primary_key(conn: Any, schema_name: str, relation: str) -> list[str]:
    """The primary key's columns in order (none for a view)."""
    rows = conn.execute(
        "SELECT a.attname FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
        "WHERE i.indisprimary AND n.nspname = %s AND c.relname = %s ORDER BY k.position",
        (schema_name, relation),
    ).fetchall()
    return [str(r[0]) for r in rows]


def _query_statement(query: str, shown: str) -> Any:
    """The user's query as given (a trailing semicolon dropped), as one statement."""
    from psycopg import sql

    text = query.strip().rstrip(";").strip()
    if not text:
        raise DatabaseError(f"{shown}: the query is empty. Give a SELECT statement.")
    return sql.SQL(text)  # the user's own SQL, run as given in a read-only transaction


def _fetch(
    conn: Any, db: Database, statement: Any, shown: str
) -> tuple[list[str], list[int], list[tuple[Any, ...]]]:
    """Column names, type OIDs and every record, through a server-side cursor.

    A server-side cursor (``DECLARE ... CURSOR FOR``) takes exactly one
    ``SELECT`` (or ``VALUES``): a query cannot smuggle in a second statement.
    """
    import psycopg

    try:
        with conn.cursor(name=_CURSOR) as cursor:
            cursor.itersize = 20_000
            cursor.execute(statement)
            description = cursor.description or []
            records = cursor.fetchall()
    except psycopg.Error as exc:
        raise DatabaseError(
            f"{shown} in {db.shown}: the database refused the read "
            f"({_driver_message(db, exc)}). Check the SQL, the table's name and the user's "
            "rights; a query must be one SELECT."
        ) from None
    names = [str(d.name) for d in description]
    return names, [int(d.type_code) for d in description], records


def _geometry_oids(conn: Any) -> set[int]:
    """The type OIDs of PostGIS ``geometry`` and ``geography`` (none without PostGIS)."""
    rows = conn.execute(
        "SELECT oid FROM pg_type WHERE typname IN ('geometry', 'geography')"
    ).fetchall()
    return {int(r[0]) for r in rows}


def _raw_table(
    names: list[str],
    type_oids: list[int],
    records: list[tuple[Any, ...]],
    geometry_oids: set[int],
    *,
    crs: str | None,
    geometry_column: str | None,
    shown: str,
) -> RawTable:
    """The records as text columns, the geometry column set apart in EPSG:27700."""
    unique = _unique_names(names)
    geo_positions = [i for i, oid in enumerate(type_oids) if oid in geometry_oids]
    chosen = next((i for i in geo_positions if names[i] == geometry_column), None)
    if chosen is None and geo_positions:
        chosen = geo_positions[0]
    columns: dict[str, Any] = {}
    for position, name in enumerate(unique):
        if position in geo_positions:
            continue
        columns[name] = pd.Series(
            [_value_text(r[position]) for r in records], dtype="string"
        )
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(records)))
    geometry = None
    if chosen is not None:
        geometry = _geometry(
            [r[chosen] for r in records], crs=crs, shown=shown, column=names[chosen]
        )
    return RawTable(
        frame=frame,
        rows=np.arange(1, len(records) + 1, dtype=np.int64),
        path=None,
        geometry=geometry,
        original_names=tuple(n for i, n in enumerate(names) if i not in geo_positions),
        format="database",
    )


def _unique_names(names: Sequence[str]) -> list[str]:
    """A query may repeat a column name: ``name``, ``name (2)``."""
    out: list[str] = []
    for name in names:
        text, number = name, 2
        while text.lower() in {o.lower() for o in out}:
            text, number = f"{name} ({number})", number + 1
        out.append(text)
    return out


def _value_text(value: Any) -> str | None:
    """A database value as the text a spreadsheet cell would hold (``None`` for NULL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not np.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    text = str(value)
    return text if text.strip() else None


def _geometry(values: list[Any], *, crs: str | None, shown: str, column: str) -> Any:
    """PostGIS values (hex EWKB) as a GeoSeries in EPSG:27700, each SRID transformed."""
    import geopandas as gpd
    import shapely

    shapes = shapely.from_wkb(np.array(values, dtype=object))
    srids = shapely.get_srid(shapes)
    out = gpd.GeoSeries([None] * len(values), crs=CRS)
    present = ~shapely.is_missing(shapes)
    for srid in sorted(set(srids[present].tolist())):
        mask = present & (srids == srid)
        source = f"EPSG:{srid}" if srid else crs
        if source is None:
            raise CoordinateSystemError(
                f'{shown}, column "{column}": the geometry has no SRID (0). Set it in the '
                "database (ST_SetSRID) or give crs in the manifest (for example "
                'crs = "EPSG:27700").'
            )
        try:
            part = gpd.GeoSeries(shapely.set_srid(shapes[mask], 0), crs=source).to_crs(CRS)
        except Exception as exc:
            raise CoordinateSystemError(
                f'{shown}, column "{column}": cannot transform SRID {srid} to {CRS} ({exc}). '
                "Transform it in the query (ST_Transform(geom, 27700))."
            ) from None
        out[mask] = part.to_numpy()
    return out


# --- writing -------------------------------------------------------------------------


def check_schema(db: Database, schema: str, *, create: bool = False) -> None:
    """Fail early, before a build, when ``db`` cannot be reached or ``schema`` is missing.

    Parameters
    ----------
    db
        The database.
    schema
        The schema the tables go to.
    create
        The schema will be created when missing: only the connection is checked.

    Raises
    ------
    DatabaseError
        If the connection fails, or the schema does not exist and ``create`` is false.
    """
    _writer()
    with connect(db, read_only=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
        ).fetchone()
    if not exists and not create:
        raise DatabaseError(_missing_schema(db, schema))


def _missing_schema(db: Database, schema: str) -> str:
    return (
        f'{db.shown}: schema "{schema}" does not exist. Create it (CREATE SCHEMA "{schema}"), '
        "name another with --db-schema (schema in the manifest's [output]), or let "
        "kentassets create it with --create-schema (create_schema = true)."
    )


def _writer() -> tuple[Any, Any]:
    """SQLAlchemy and GeoAlchemy2 (what geopandas' ``to_postgis`` needs), or how to get them."""
    _driver()
    try:
        import geoalchemy2
        import sqlalchemy
    except ImportError as exc:
        raise DatabaseError(
            f"writing to PostgreSQL needs SQLAlchemy and GeoAlchemy2: {INSTALL_HINT}"
        ) from exc
    return sqlalchemy, geoalchemy2


def write_database_tables(
    tables: Mapping[str, pd.DataFrame],
    db: Database,
    *,
    schema: str = DEFAULT_SCHEMA,
    create_schema: bool = False,
) -> dict[str, int]:
    """Replace ``tables`` in ``schema``, all in one transaction.

    Each table is dropped and written again inside the transaction, so readers
    see the previous tables until it commits, and a failure part-way leaves
    them as they were. A GeoDataFrame is written with its geometry in its CRS
    (EPSG:27700 for a build) and a spatial (GiST) index.

    Parameters
    ----------
    tables
        Table name -> frame, in writing order.
    db
        The database.
    schema
        The schema (must exist unless ``create_schema``).
    create_schema
        Create the schema when it is missing.

    Returns
    -------
    dict of str to int
        Table name -> rows written.

    Raises
    ------
    DatabaseError
        If the connection, the schema or any write fails; nothing is changed then.
    """
    sqlalchemy, _ = _writer()
    engine = sqlalchemy.create_engine(
        "postgresql+psycopg://",
        creator=lambda: _raw_connection(db),
        poolclass=sqlalchemy.pool.NullPool,
        hide_parameters=True,  # data rows never land in logs or messages
    )
    try:
        with engine.begin() as conn:
            _prepare_schema(conn, db, schema, create=create_schema)
            counts = {name: _replace_table(conn, name, frame, schema) for name, frame in
                      tables.items()}
    except DatabaseError:
        raise
    except Exception as exc:
        cause = getattr(exc, "orig", None) or exc
        raise DatabaseError(
            f"{db.shown}, schema \"{schema}\": writing the tables failed, and nothing was "
            f"changed ({_driver_message(db, cause)}). Check the user may create tables in "
            "the schema, and that no view depends on the tables."
        ) from None
    finally:
        engine.dispose()
    logger.info("Wrote %d tables to %s, schema %s", len(counts), db.shown, schema)
    return counts


def _raw_connection(db: Database) -> Any:
    """A psycopg connection for SQLAlchemy's pool (errors masked)."""
    psycopg = _driver()
    try:
        return psycopg.connect(db.conninfo, **_connect_options(db.conninfo))
    except psycopg.Error as exc:
        raise DatabaseError(
            f"{db.shown}: cannot connect ({_driver_message(db, exc)}). Check the host, port, "
            "database name, user and password."
        ) from None


def _prepare_schema(conn: Any, db: Database, schema: str, *, create: bool) -> None:
    from sqlalchemy import text
    from sqlalchemy.schema import CreateSchema

    exists = conn.execute(
        text("SELECT 1 FROM pg_namespace WHERE nspname = :name"), {"name": schema}
    ).first()
    if exists:
        return
    if not create:
        raise DatabaseError(_missing_schema(db, schema))
    conn.execute(CreateSchema(schema))


def _replace_table(conn: Any, name: str, frame: pd.DataFrame, schema: str) -> int:
    """Drop ``schema.name`` if it exists and write ``frame`` in its place."""
    import geopandas as gpd
    from sqlalchemy import MetaData, Table
    from sqlalchemy.schema import DropTable

    conn.execute(DropTable(Table(name, MetaData(), schema=schema), if_exists=True))
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        pd.DataFrame(frame).to_sql(name, conn, schema=schema, if_exists="fail", index=False)
    elif frame.geometry.notna().any():
        if frame.crs is not None and not frame.crs.equals(CRS):
            frame = frame.to_crs(CRS)
        frame.to_postgis(name, conn, schema=schema, if_exists="fail", index=False)
    else:  # no geometry to infer a type from (no co-locations): a generic geometry column
        _empty_geometry_table(conn, name, frame, schema)
    return len(frame)


def _empty_geometry_table(conn: Any, name: str, frame: Any, schema: str) -> None:
    """A table whose geometry column is all NULL (or has no rows), typed
    ``geometry(Geometry, 27700)`` with its spatial index, like the others."""
    from geoalchemy2 import Geometry

    column = frame.geometry.name
    plain = pd.DataFrame(frame).assign(**{column: pd.Series(None, index=frame.index,
                                                            dtype=object)})
    srid = CRS.split(":")[-1]
    plain.to_sql(name, conn, schema=schema, if_exists="fail", index=False,
                 dtype={column: Geometry(geometry_type="GEOMETRY", srid=int(srid))})
