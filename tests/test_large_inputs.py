"""Malformed huge registers fail early, with a clear message, without reading them (issue 9).

The files are sparse (``truncate`` past the end), so 2 GB costs no disk. Each is
read in a child process whose address space is limited to 1 GiB, half the file:
reading the file into memory would fail there with a ``MemoryError`` (or worse)
instead of the expected :class:`~kentassets.errors.RegisterFormatError`. The child
also reports its peak resident memory (``VmHWM``, else ``ru_maxrss``), which must
stay small.
The 1,000,000-row and 200 MB loads that must succeed are in
``benchmarks/bench_large_inputs.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GB = 1024**3
MB = 1024**2
#: Address-space limit of the child, bytes: half the 2 GB file.
ADDRESS_LIMIT = 1 * GB
#: Peak resident memory the child may reach, MB (Python + geopandas is ~150 MB).
PEAK_RSS_LIMIT_MB = 512

HEADER = b"Asset ID,Name,Easting,Northing,Postcode\r\n"
ROWS = b"".join(
    b"A%06d,Library %d,%d,%d,ME14 1XQ\r\n" % (i, i, 575_000 + i % 900, 155_000 + i % 700)
    for i in range(20_000)
)

_CHILD = r"""
import json, resource, sys, time

def peak_mb():
    # VmHWM starts afresh at exec; ru_maxrss would include pytest's size at fork.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

limit = int(sys.argv[3])
try:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
except (ValueError, OSError):  # not supported here: the RSS check still applies
    pass
started = time.perf_counter()
from kentassets.errors import KentAssetsError
outcome = {"error": None, "message": ""}
try:
    if sys.argv[2] == "default":
        import geopandas as gpd
        from shapely.geometry import box
        from kentassets import read_register
        kent = gpd.GeoDataFrame(
            {"district_code": ["E07000110"], "district_name": ["Maidstone"]},
            geometry=[box(570000, 140000, 590000, 170000)], crs="EPSG:27700")
        read_register(sys.argv[1], agency="Kent County Council", districts=kent,
                      study_area=["E07000110"])
    else:
        from kentassets.io.registers import read_register_file
        read_register_file(sys.argv[1], max_file_mb=float(sys.argv[2]))
    outcome["error"] = "none"
except KentAssetsError as exc:
    outcome = {"error": type(exc).__name__, "message": str(exc)}
except BaseException as exc:  # reported, not raised: the test names it
    outcome = {"error": "escaped " + type(exc).__name__, "message": repr(exc)[:500]}
outcome["peak_rss_mb"] = peak_mb()
outcome["seconds"] = time.perf_counter() - started
print(json.dumps(outcome))
"""


def _sparse(path: Path, head: bytes, size: int) -> Path:
    """A file of ``size`` bytes: ``head``, then zeros that take no disk."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    assert path.stat().st_size == size
    return path


def _read_in_child(path: Path, max_file_mb: str = "default") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), max_file_mb, str(ADDRESS_LIMIT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["peak_rss_mb"] < PEAK_RSS_LIMIT_MB, outcome
    return outcome


CASES = {
    # name: (file name, head, size, max_file_mb, words the message must hold)
    "2 GB of zeros": ("register.csv", b"", 2 * GB, "default", ("MB limit", "max_file_mb")),
    "2 GB: CSV header then zeros": (
        "register.csv", HEADER, 2 * GB, "default", ("MB limit", "split it")),
    "2 GB of zeros, size limit raised": (
        "register.csv", b"", 2 * GB, "4096", ("not text", "Export the register")),
    "2 GB: header then zeros, size limit raised": (
        "register.csv", HEADER, 2 * GB, "4096", ("not text", "Export the register")),
    "2 GB: 20,000 good rows then zeros, size limit raised": (
        "register.csv", HEADER + ROWS, 2 * GB, "4096",
        (f"zero byte at byte {len(HEADER + ROWS):,},", "Copy or export the register again")),
    # Under the default 1 GB limit, so only the content can stop it early.
    "900 MB: 20,000 good rows then zeros": (
        "register.csv", HEADER + ROWS, 900 * MB, "default",
        (f"zero byte at byte {len(HEADER + ROWS):,},", "truncated or damaged")),
    "2 GB of zeros named .xlsx, size limit raised": (
        "register.xlsx", b"", 2 * GB, "4096", ("XLSX workbook", "save it again")),
    "2 GB: GeoJSON start then zeros, size limit raised": (
        "register.geojson", b'{"type": "FeatureCollection", "features": [', 2 * GB, "4096",
        ("cannot be read as a GIS file",)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_huge_file_fails_early(case: str, tmp_path: Path) -> None:
    name, head, size, max_file_mb, words = CASES[case]
    folder = tmp_path / "huge registers"
    folder.mkdir()
    path = _sparse(folder / name, head, size)
    outcome = _read_in_child(path, max_file_mb)
    assert outcome["error"] == "RegisterFormatError", outcome
    message = outcome["message"]
    assert message.startswith(str(path)), message  # names the file first
    for word in words:
        assert word in message, (word, message)


def test_zero_tail_is_found_beyond_the_first_block(tmp_path: Path) -> None:
    """In process, small: zeros after the 256 KB sample are found by the scan
    (regression: a 900 MB file like this took 24 s and 2.9 GB before failing on
    a 943-million-character cell)."""
    from kentassets.errors import RegisterFormatError
    from kentassets.io.registers import read_register_file

    path = _sparse(tmp_path / "cut short.csv", HEADER + ROWS, len(HEADER + ROWS) + 4 * MB)
    with pytest.raises(RegisterFormatError, match=r"cut short\.csv: the file holds a binary zero"):
        read_register_file(path)
    # With the encoding given, the scan does not look for zeros; the read still
    # fails cleanly (the zeros form one over-long cell).
    with pytest.raises(RegisterFormatError, match=r"cut short\.csv"):
        read_register_file(path, encoding="utf-8")
