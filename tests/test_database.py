"""Registers in PostgreSQL/PostGIS and a build's tables written back, against a real
server started in a temporary folder (tests/postgis_server.py); skipped with the
reason where the server binaries, PostGIS or the drivers are absent. No mock database.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

import kentassets as ka
from kentassets.cli import main
from kentassets.errors import DatabaseError, ManifestError
from kentassets.io.database import Database, database_from, mask_conninfo
from kentassets.io.manifest import parse_manifest
from kentassets.pipeline import database_tables, write_database
from postgis_server import PostgisServer, missing_reason, start_postgis

PASSWORD = "Kent-Estate-s3cret!"
MAIDSTONE = "E07000110"


@pytest.fixture(scope="session")
def postgis() -> Iterator[PostgisServer]:
    """A PostgreSQL server with PostGIS for the session, with estate tables to read."""
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    server = start_postgis(password=PASSWORD)
    try:
        server.execute(*_ESTATE_SQL)
        yield server
    finally:
        server.stop()


# Kent Police's sites in WGS 84 (SRID 4326), one without geometry but with a
# postcode, one with neither; a view over them; a council table without geometry.
_ESTATE_SQL = (
    "CREATE SCHEMA estate",
    "CREATE TABLE estate.police_sites (ref text PRIMARY KEY, name text, "
    "postcode text, geom geometry(Point, 4326))",
    "INSERT INTO estate.police_sites VALUES "
    "('P3', 'Maidstone Police Station', NULL, ST_SetSRID(ST_MakePoint(0.5227, 51.2720), 4326)),"
    "('P1', 'Palace Avenue Office', 'ME14 1XQ', NULL),"
    "('P2', 'Lost Record', NULL, NULL)",
    "CREATE VIEW estate.police_view AS SELECT ref, name, geom FROM "
    "estate.police_sites WHERE geom IS NOT NULL",
    "CREATE TABLE estate.council (ref text, name text, easting text, northing text, "
    "postcode text)",
    "INSERT INTO estate.council VALUES "
    "('C1', 'Hall', '575900', '155800', NULL),"
    "('C2', 'Depot', NULL, NULL, 'ME14 1XQ'),"
    "('C3', 'Shed', 'abc', '155800', NULL),"
    "('C4', 'Hut', NULL, NULL, NULL)",
    "CREATE SEQUENCE estate.counter",
)


@pytest.fixture(scope="session")
def maidstone() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"district_code": [MAIDSTONE], "district_name": ["Maidstone"]},
        geometry=[box(560000, 140000, 590000, 170000)], crs="EPSG:27700",
    )


# --- masking and the manifest (no server needed) ------------------------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("postgresql://kent:pw1234@db/estate", "postgresql://kent:***@db/estate"),
        ("postgres://kent:p%40ss:w@db:5433/estate?sslmode=require",
         "postgres://kent:***@db:5433/estate?sslmode=require"),
        ("postgresql://kent@db/estate", "postgresql://kent@db/estate"),
        ("host=db password=pw1234 dbname=estate", "host=db password=*** dbname=estate"),
        ("host=db password = 'a b c' user=kent", "host=db password = *** user=kent"),
        ("postgresql:///estate?host=/tmp&password=pw1234", "postgresql:///estate?host=/tmp&password=***"),
    ],
)
def test_mask_conninfo(given: str, shown: str) -> None:
    assert mask_conninfo(given) == shown
    assert "pw1234" not in repr(Database(given)) and "pw1234" not in str(Database(given))


def test_database_masks_driver_messages_with_its_password() -> None:
    db = Database("host=db user=kent password=pw1234")
    assert db.mask("FATAL: role kent with pw1234 refused") == "FATAL: role kent with *** refused"


def test_database_from_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KA_TEST_DB", "postgresql://kent:pw1234@db/estate")
    db = database_from(env="KA_TEST_DB")
    assert db.conninfo.endswith("@db/estate") and db.env == "KA_TEST_DB"
    monkeypatch.delenv("KA_TEST_DB")
    with pytest.raises(ka.ValidationError, match="KA_TEST_DB is not set"):
        database_from(env="KA_TEST_DB")


@pytest.mark.parametrize("module", ["psycopg", "sqlalchemy"])
def test_missing_drivers_name_the_extra(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from kentassets.io.database import check_schema

    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(DatabaseError, match=r"pip install 'kentassets\[postgis\]'"):
        check_schema(Database("postgresql://kent@db/estate"), "kentassets")


def _manifest(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "manifest.toml"
    path.write_text(textwrap.dedent(body))
    return path


def test_manifest_database_register_and_output(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KA_TEST_DB", "postgresql://kent:pw1234@db/estate")
    spec = parse_manifest(_manifest(tmp_path, """
        [[register]]
        database_env = "KA_TEST_DB"
        table = "estate.police_sites"
        agency = "Kent Police"

        [[register]]
        database = "postgresql://kent@db/estate"
        query = "SELECT * FROM estate.council"
        agency = "KCC"

        [output]
        database_env = "KA_TEST_DB"
        schema = "estate_build"
        create_schema = true
    """))
    police, council = spec.registers
    assert police.path is None and police.table == "estate.police_sites"
    assert police.source_name == "estate.police_sites"
    assert council.query == "SELECT * FROM estate.council"
    assert council.source_name == "query (KCC)"
    assert spec.output is not None and spec.output.schema == "estate_build"
    assert spec.output.create_schema is True
    assert "pw1234" not in repr(spec)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('database = "postgresql://db/e"\ntable = "a.b"\nquery = "SELECT 1"',
         "exactly one of table"),
        ('database = "postgresql://db/e"', "exactly one of table"),
        ('table = "a.b"', "database (database = "),
        ('path = "a.csv"\ndatabase = "postgresql://db/e"\ntable = "a.b"', "not both"),
        ('database_env = "KA_UNSET_VARIABLE"\ntable = "a.b"', "KA_UNSET_VARIABLE is not set"),
        ('database = "postgresql://db/e"\ntable = "a.b"\nsheet = "x"', "sheet applies to files"),
        ('database = "postgresql://db/e"\ndatabase_env = "X"\ntable = "a.b"', "not both"),
    ],
)
def test_manifest_database_register_errors(tmp_path: Path, body: str, expected: str) -> None:
    (tmp_path / "a.csv").write_text("Name,Postcode\nHall,ME14 1XQ\n")
    path = _manifest(tmp_path, f'[[register]]\nagency = "KCC"\n{body}\n')
    with pytest.raises(ManifestError, match="register 1: ") as info:
        parse_manifest(path)
    assert expected in str(info.value)


def test_manifest_output_errors(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("Name,Postcode\nHall,ME14 1XQ\n")
    path = _manifest(tmp_path, """
        [[register]]
        path = "a.csv"
        agency = "KCC"
        [output]
        schema = "x"
        tables = "all"
    """)
    with pytest.raises(ManifestError) as info:
        parse_manifest(path)
    message = str(info.value)
    assert "output: unknown key(s) 'tables'" in message
    assert "output: database (database = " in message


# --- reading --------------------------------------------------------------------------


def test_read_table_transforms_geometry_and_uses_postcodes(
    postgis: PostgisServer, maidstone: gpd.GeoDataFrame
) -> None:
    result = ka.read_database_register(postgis.url, table="estate.police_sites",
                                       agency="Kent Police", districts=maidstone)
    ledger = result.ledger.set_index("asset_id")
    # Rows are numbered in primary-key order (P1, P2, P3), not insertion order.
    assert ledger["row"].to_dict() == {"P1": 1, "P2": 2, "P3": 3}
    assert ledger.loc["P2", "status"] == "rejected" and ledger.loc["P2", "reason"] == "no_location"
    assert set(ledger["file"]) == {"estate.police_sites"}
    assets = result.assets.set_index("asset_id")
    assert assets.crs.to_epsg() == 27700
    assert assets.loc["P3", "location_method"] == "geometry"
    point = assets.loc["P3", "geometry"]  # 0.5227 E, 51.2720 N in British National Grid
    assert abs(point.x - 576069) < 2 and abs(point.y - 155561) < 2
    assert assets.loc["P1", "location_method"] == "postcode"
    assert assets.loc["P3", "name"] == "Maidstone Police Station"


def test_read_view(postgis: PostgisServer, maidstone: gpd.GeoDataFrame) -> None:
    result = ka.read_database_register(postgis.url, table="estate.police_view",
                                       agency="Kent Police", districts=maidstone)
    assert result.assets["asset_id"].tolist() == ["P3"]
    assert result.assets.geometry.iloc[0].distance(Point(576069.25, 155561.31)) < 1


def test_read_query_ledger_matches_the_same_rows_in_a_file(
    postgis: PostgisServer, maidstone: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    from_db = ka.read_database_register(
        postgis.url, query="SELECT ref, name, easting, northing, postcode FROM estate.council "
        "ORDER BY ref;", agency="KCC", districts=maidstone)
    csv = tmp_path / "council.csv"
    csv.write_text("ref,name,easting,northing,postcode\nC1,Hall,575900,155800,\n"
                   "C2,Depot,,,ME14 1XQ\nC3,Shed,abc,155800,\nC4,Hut,,,\n")
    from_file = ka.read_register(csv, agency="KCC", districts=maidstone)
    columns = ["asset_id", "status", "reason", "message", "warnings"]
    pd.testing.assert_frame_equal(from_db.ledger[columns], from_file.ledger[columns])
    assert from_db.ledger["row"].tolist() == [1, 2, 3, 4]  # the position in the result
    assert set(from_db.ledger["file"]) == {"query (KCC)"}
    assert from_db.assets["location_method"].tolist() == ["easting_northing", "postcode"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT 1 AS a; DROP TABLE estate.council", "multiple commands"),
        ("WITH gone AS (DELETE FROM estate.council RETURNING *) SELECT * FROM gone",
         "data-modifying"),
        ("SELECT * FROM estate.no_such_table", 'relation "estate.no_such_table" does not exist'),
        ("SELECT nextval('estate.counter') AS ref", "read-only transaction"),
    ],
)
def test_query_is_read_only_and_alone(postgis: PostgisServer, query: str, expected: str) -> None:
    with pytest.raises(DatabaseError, match="refused the read") as info:
        ka.read_database_register(postgis.url, query=query, agency="KCC")
    assert expected in str(info.value) and PASSWORD not in str(info.value)
    assert postgis.execute("SELECT count(*) FROM estate.council") == [(4,)]


def test_read_table_errors_name_the_table(postgis: PostgisServer) -> None:
    with pytest.raises(DatabaseError, match=r'"estate\.nope" does not exist') as info:
        ka.read_database_register(postgis.url, table="estate.nope", agency="KCC")
    assert "postgresql://kent:***@127.0.0.1" in str(info.value)
    with pytest.raises(DatabaseError, match=r'not on the search path.*"estate\.council"'):
        ka.read_database_register(postgis.url, table="council", agency="KCC")


def test_libpq_settings_give_the_password(
    postgis: PostgisServer, maidstone: gpd.GeoDataFrame, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    result = ka.read_database_register(postgis.url_without_password, table="estate.council",
                                       agency="KCC", districts=maidstone)
    assert len(result.ledger) == 4
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{postgis.port}:estate:kent:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", str(postgis.port))
    result = ka.read_database_register("dbname=estate user=kent", table="estate.council",
                                       agency="KCC", districts=maidstone)
    assert len(result.ledger) == 4


# --- writing --------------------------------------------------------------------------


def _tables(n: int) -> dict[str, pd.DataFrame]:
    points = gpd.GeoDataFrame({"asset_id": [f"A{i}" for i in range(n)], "gia_m2": range(n)},
                              geometry=[Point(575000 + i, 155000) for i in range(n)],
                              crs="EPSG:27700")
    return {"assets": points, "load_ledger": pd.DataFrame({"row": range(n)})}


def _count(server: PostgisServer, table: str) -> int:
    return int(server.execute(f"SELECT count(*) FROM {table}")[0][0])  # type: ignore[arg-type]


def test_write_replace_and_spatial_indexes(postgis: PostgisServer) -> None:
    report = write_database(_tables(3), postgis.url, schema="written", create_schema=True)
    assert report.tables == {"assets": 3, "load_ledger": 3}
    assert PASSWORD not in str(report) and "kent:***@" in str(report)
    assert postgis.execute("SELECT srid, type FROM geometry_columns WHERE "
                           "f_table_schema = 'written'") == [(27700, "POINT")]
    indexes = postgis.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'written'")
    assert any("USING gist (geometry)" in str(row[0]) for row in indexes)
    write_database(_tables(5), postgis.url, schema="written")
    assert _count(postgis, "written.assets") == 5 and _count(postgis, "written.load_ledger") == 5


def test_write_tables_without_geometry_values_and_in_other_systems(
    postgis: PostgisServer
) -> None:
    empty = gpd.GeoDataFrame({"colocation_id": pd.Series([], dtype="string")},
                             geometry=gpd.GeoSeries([], crs="EPSG:27700"))
    wgs84 = gpd.GeoDataFrame({"a": ["x"]}, geometry=[Point(0.5227, 51.2720)], crs="EPSG:4326")
    write_database({"colocations": empty, "wgs84": wgs84}, postgis.url, schema="odd",
                   create_schema=True)
    kinds = postgis.execute("SELECT f_table_name, type, srid FROM geometry_columns "
                            "WHERE f_table_schema = 'odd' ORDER BY 1")
    assert kinds == [("colocations", "GEOMETRY", 27700), ("wgs84", "POINT", 27700)]
    indexes = postgis.execute("SELECT tablename FROM pg_indexes WHERE schemaname = 'odd' "
                              "AND indexdef LIKE '%USING gist%' ORDER BY 1")
    assert indexes == [("colocations",), ("wgs84",)]
    x, y = postgis.execute("SELECT ST_X(geometry), ST_Y(geometry) FROM odd.wgs84")[0]
    assert abs(float(x) - 576069) < 2 and abs(float(y) - 155561) < 2  # type: ignore[arg-type]


def test_failed_write_leaves_the_previous_tables(postgis: PostgisServer) -> None:
    write_database(_tables(3), postgis.url, schema="failing", create_schema=True)
    broken = {**_tables(7), "extra": pd.DataFrame({"ok": [1]}),
              "opportunities": pd.DataFrame({"bad": [{"not": "storable"}]})}
    with pytest.raises(DatabaseError, match="nothing was changed") as info:
        write_database(broken, postgis.url, schema="failing")
    assert PASSWORD not in str(info.value) and info.value.__cause__ is None
    assert _count(postgis, "failing.assets") == 3  # the previous table, as it was
    assert postgis.execute("SELECT to_regclass('failing.extra')") == [(None,)]


def test_unknown_schema_is_an_error_unless_created(postgis: PostgisServer) -> None:
    with pytest.raises(DatabaseError, match='schema "nowhere" does not exist'):
        write_database(_tables(1), postgis.url, schema="nowhere")
    assert postgis.execute("SELECT to_regnamespace('nowhere')") == [(None,)]


def test_database_tables_of_an_analysis(postgis: PostgisServer) -> None:
    analysis = ka.analyse(ka.sample_estate(), ka.load_districts(), synthetic=True)
    tables = database_tables(analysis)
    assert list(tables)[:5] == ["assets", "colocations", "opportunities", "load_ledger",
                                "column_mapping"]
    # and the tables of the stages that ran (reach, plan)
    assert set(list(tables)[5:]) <= {"service_reach", "reach_options", "implementation_plan"}
    report = write_database(analysis, postgis.url, schema="sample", create_schema=True)
    assert report.tables["assets"] == len(analysis.assets)
    kinds = dict(postgis.execute("SELECT f_table_name, type FROM geometry_columns "
                                 "WHERE f_table_schema = 'sample' AND srid = 27700"))
    assert kinds == {"assets": "POINT", "colocations": "POLYGON", "opportunities": "POLYGON"}


def test_database_tables_include_later_stages() -> None:
    analysis = ka.analyse(ka.sample_estate(), ka.load_districts(), synthetic=True)
    reach = pd.DataFrame({"district_code": ["county"], "service": ["gp"]})
    analysis.service_reach = reach  # type: ignore[attr-defined]
    assert database_tables(analysis)["service_reach"] is reach


# --- the CLI: one-line errors (exit 2), the password never shown --------------------


def _db_manifest(tmp_path: Path, url: str, table: str = "estate.council") -> Path:
    return _manifest(tmp_path, f"""
        title = "Database test"
        study_area = ["{MAIDSTONE}"]
        [[register]]
        database = "{url}"
        table = "{table}"
        agency = "Kent County Council"
        [[register]]
        database = "{url}"
        query = "SELECT ref, name, postcode, geom FROM estate.police_sites"
        agency = "Kent Police"
    """)


def _assert_no_password(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text


def test_cli_validate_reads_database_registers(
    postgis: PostgisServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture
) -> None:
    manifest = _db_manifest(tmp_path, postgis.url)
    ledger = tmp_path / "ledger.csv"
    with caplog.at_level(logging.DEBUG):
        assert main(["validate", str(manifest), "--ledger", str(ledger), "-q", "-v"]) == 0
    out, err = capsys.readouterr()
    assert "Kent Police" in out
    _assert_no_password(out, err, caplog.text, ledger.read_text())
    frame = pd.read_csv(ledger)
    assert set(frame["file"]) == {"estate.council", "query (Kent Police)"}


@pytest.mark.parametrize(
    ("table", "port_offset", "expected"),
    [
        ("estate.missing_table", 0, 'table or view "estate.missing_table" does not exist'),
        ("estate.council", 1, "cannot connect"),
    ],
)
def test_cli_database_errors_are_one_line(
    postgis: PostgisServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    table: str, port_offset: int, expected: str
) -> None:
    url = postgis.url.replace(f":{postgis.port}/", f":{_closed_port()}/") if port_offset \
        else postgis.url
    manifest = _db_manifest(tmp_path, url, table)
    for verbose in ([], ["-v"]):
        code = main(["validate", str(manifest), "--ledger", str(tmp_path / "l.csv"), "-q",
                     *verbose])
        out, err = capsys.readouterr()
        assert code == 2
        _assert_no_password(out, err)
        line = err.strip().splitlines()[-1]
        assert line.startswith("kentassets: error: ") and expected in line
        assert "kent:***@127.0.0.1" in line


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again on return: nothing listens


def test_cli_unknown_schema_fails_before_the_build(
    postgis: PostgisServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = _db_manifest(tmp_path, postgis.url)
    out_dir = tmp_path / "out"
    code = main(["build", str(manifest), "--out", str(out_dir), "-q", "--to-database",
                 postgis.url, "--db-schema", "no_such_schema"])
    out, err = capsys.readouterr()
    assert code == 2 and not out_dir.exists()
    assert 'schema "no_such_schema" does not exist' in err and len(err.strip().splitlines()) == 1
    _assert_no_password(out, err)
    assert main(["build", str(manifest), "--out", str(out_dir), "--db-schema", "x"]) == 2
    assert "--db-schema and --create-schema need --to-database" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_build_writes_and_replaces_the_tables(
    postgis: PostgisServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture
) -> None:
    manifest = _db_manifest(tmp_path, postgis.url)
    with manifest.open("a") as handle:  # the [output] table, its schema created
        handle.write(f'[output]\ndatabase = "{postgis.url}"\nschema = "kent_build"\n'
                     "create_schema = true\n")
    out_dir = tmp_path / "out"
    with caplog.at_level(logging.DEBUG):
        code = main(["build", str(manifest), "--out", str(out_dir), "-q", "--jobs", "1",
                     "--offline"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert " tables to postgresql://kent:***@127.0.0.1" in out
    names = {str(r[0]) for r in postgis.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'kent_build'")}
    # The core tables, and every other table the build wrote as a file (reach, mapping).
    optional = {"column_mapping", "service_reach", "reach_options", "implementation_plan"}
    as_files = {name for name in optional if (out_dir / f"{name}.csv").is_file()}
    assert names == {"assets", "colocations", "opportunities", "load_ledger", *as_files}
    written = [p for p in out_dir.rglob("*") if p.is_file()]
    _assert_no_password(out, err, caplog.text,
                        *(p.read_bytes().decode("latin-1") for p in written))
    ledger_rows = len(pd.read_csv(out_dir / "load_ledger.csv"))
    assert _count(postgis, "kent_build.load_ledger") == ledger_rows == 7
    # A second build with --to-database replaces the tables in another schema's place.
    postgis.execute("DELETE FROM estate.council WHERE ref = 'C4'")
    code = main(["build", str(manifest), "--out", str(out_dir), "-q", "--jobs", "1",
                 "--offline", "--to-database", postgis.url, "--db-schema", "kent_build"])
    assert code == 0
    assert _count(postgis, "kent_build.load_ledger") == 6
    # A write that fails (a user's view depends on a table) changes neither the tables
    # nor the output folder.
    postgis.execute("CREATE VIEW kent_build.mine AS SELECT * FROM kent_build.assets")
    postgis.execute("INSERT INTO estate.council VALUES ('C4', 'Hut', NULL, NULL, NULL)")
    before = (out_dir / "load_ledger.csv").read_bytes()
    capsys.readouterr()
    code = main(["build", str(manifest), "--out", str(out_dir), "-q", "--jobs", "1",
                 "--offline", "-v"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "writing the tables failed, and nothing was changed" in err.splitlines()[-1]
    _assert_no_password(out, err)
    assert (out_dir / "load_ledger.csv").read_bytes() == before
    assert _count(postgis, "kent_build.load_ledger") == 6
    postgis.execute("DROP VIEW kent_build.mine")
