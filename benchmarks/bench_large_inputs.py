"""Large registers load within this machine's memory (issue 9; run on demand).

Writes two registers into a temporary folder and loads each with
``kentassets.read_register`` in a fresh child process, reporting wall time and
the child's peak resident memory (``ru_maxrss``):

* a 1,000,000-row CSV register (eastings/northings for most rows, postcodes only
  for some, money and areas written as text, a few blank, hostile and
  out-of-area rows), and
* a register of about 200 MB (wide rows with addresses and notes; cp1252,
  semicolon-delimited, so encoding detection and delimiter sniffing run over
  the whole thing).

For scale, the same files are also read by a plain ``pandas.read_csv`` in a
child process. Each load must account for every row in its ledger.

Usage::

    python benchmarks/bench_large_inputs.py            # 1,000,000 rows and ~200 MB
    python benchmarks/bench_large_inputs.py --rows 100000 --target-mb 20
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
LAD = SHARED / "boundaries" / "lad_may2024_bsc_kent_medway.geojson"
USES = ["Offices", "Library", "Depot", "Community Centre", "Open Space Land and Allottments",
        "School", "Fire Station", "Health Centre"]
TENURES = ["Freehold", "Leasehold", "Freehold - part let", "Licence", "TBC"]


def _kent_postcodes() -> pd.DataFrame:
    from kentassets.io.postcodes import PostcodeDirectory
    from kentassets.schema import DEFAULT_STUDY_AREA

    return PostcodeDirectory().in_districts(DEFAULT_STUDY_AREA)


def _columns(rows: int, postcodes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    pick = rng.integers(0, len(postcodes), rows)
    keys = pd.Series(postcodes.index.to_numpy()[pick])
    spaced = keys.str[:-3] + " " + keys.str[-3:]
    east = postcodes["easting"].to_numpy()[pick] + rng.integers(-40, 40, rows)
    north = postcodes["northing"].to_numpy()[pick] + rng.integers(-40, 40, rows)
    easting = pd.Series(east.astype(np.int64)).astype(str)
    northing = pd.Series(north.astype(np.int64)).astype(str)
    # 10% postcode only, 0.1% blank everywhere, 0.1% outside GB, 0.1% hostile text.
    roll = rng.random(rows)
    postcode_only = roll < 0.10
    easting[postcode_only] = ""
    northing[postcode_only] = ""
    blank = (roll >= 0.10) & (roll < 0.101)
    easting[blank], northing[blank] = "", ""
    spaced[blank] = ""
    outside = (roll >= 0.101) & (roll < 0.102)
    easting[outside], northing[outside] = "900000", "5"
    hostile = (roll >= 0.102) & (roll < 0.103)
    cost = pd.Series(rng.integers(1_000, 500_000, rows)).map("£{:,}".format)
    cost[hostile] = "=cmd|' /C calc'!A0"
    return pd.DataFrame(
        {
            "Asset ID": [f"P{i:07d}" for i in range(rows)],
            "Property Name": "Site " + pd.Series(np.arange(rows) % 5000).astype(str),
            "Primary Use": np.array(USES)[rng.integers(0, len(USES), rows)],
            "Tenure": np.array(TENURES)[rng.integers(0, len(TENURES), rows)],
            "GIA": pd.Series(rng.integers(50, 5000, rows)).map("{:,} m2".format),
            "Annual Cost": cost,
            "Easting": easting,
            "Northing": northing,
            "Postcode": spaced,
        }
    )


def write_million(path: Path, rows: int, postcodes: pd.DataFrame) -> None:
    """The 1,000,000-row register: UTF-8 CSV."""
    _columns(rows, postcodes, np.random.default_rng(1)).to_csv(path, index=False)


def write_wide(path: Path, target_mb: float, postcodes: pd.DataFrame) -> int:
    """A register of about ``target_mb`` MB: cp1252, ';'-delimited, wide text rows."""
    rng = np.random.default_rng(2)
    probe = 20_000
    sample = _wide(_columns(probe, postcodes, rng), rng)
    per_row = len(sample.to_csv(index=False, sep=";").encode("cp1252")) / probe
    rows = int(target_mb * 1e6 / per_row)
    frame = _wide(_columns(rows, postcodes, np.random.default_rng(3)), np.random.default_rng(4))
    frame.to_csv(path, index=False, sep=";", encoding="cp1252")
    return rows


def _wide(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(frame)
    number = pd.Series(rng.integers(1, 400, n)).astype(str)
    return frame.assign(
        **{
            "Address Line 1": number + " High Street",
            "Address Line 2": "Café Quarter, " + frame["Property Name"],
            "Town": np.array(["Maidstone", "Canterbury", "Ashford", "Dover"])[
                rng.integers(0, 4, n)
            ],
            "Notes": "Inspected 2024; roof £12,500 due; access via rear yard – key at "
            + "reception. " + number,
            "Ward": "Ward " + pd.Series(rng.integers(1, 300, n)).astype(str),
        }
    )


# --- measuring in a child process -------------------------------------------------------------

#: Peak resident memory of this process image, MB. Linux's VmHWM starts afresh at
#: exec; ru_maxrss would include the parent's size at fork.
_PEAK = r"""
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

_CHILD_LOAD = _PEAK + r"""
import json, sys, time
started = time.perf_counter()
import geopandas as gpd
from pathlib import Path
from kentassets.io.postcodes import PostcodeDirectory
from kentassets.load import read_register
from kentassets.schema import DEFAULT_STUDY_AREA
lad = Path(sys.argv[2])
if lad.is_file():
    districts = gpd.read_file(lad).rename(
        columns={"LAD24CD": "district_code", "LAD24NM": "district_name"}
    )[["district_code", "district_name", "geometry"]].to_crs(27700)
else:
    from kentassets.districts import load_districts
    districts = load_districts(codes=DEFAULT_STUDY_AREA)
directory = PostcodeDirectory()
ready = time.perf_counter()
result = read_register(sys.argv[1], agency="Bench", districts=districts, postcodes=directory)
done = time.perf_counter()
status = result.ledger["status"].value_counts().to_dict()
print(json.dumps({
    "load_s": done - ready, "child_s": done - started, "rows": len(result.ledger),
    "status": {k: int(v) for k, v in status.items()}, "assets": len(result.assets),
    "peak_rss_mb": peak_mb(),
}))
"""

_CHILD_PANDAS = _PEAK + r"""
import json, sys, time
import pandas as pd
started = time.perf_counter()
frame = pd.read_csv(sys.argv[1], sep=None if sys.argv[2] == "sniff" else ",", dtype=str,
                    keep_default_na=False, encoding=sys.argv[3],
                    engine="python" if sys.argv[2] == "sniff" else "c")
done = time.perf_counter()
print(json.dumps({"load_s": done - started, "rows": len(frame),
                  "peak_rss_mb": peak_mb()}))
"""


def _child(code: str, *args: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-4000:])
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall_s"] = time.perf_counter() - started
    return out


def measure(path: Path, expected_rows: int, *, encoding: str, sep: str) -> dict:
    """Load ``path`` with read_register and with pandas, each in a fresh process."""
    ours = _child(_CHILD_LOAD, str(path), str(LAD))
    accounted = sum(ours["status"].values())
    assert accounted == ours["rows"] == expected_rows, (accounted, ours["rows"], expected_rows)
    assert ours["assets"] == ours["status"].get("loaded", 0)
    plain = _child(_CHILD_PANDAS, str(path), "comma" if sep == "," else "sniff", encoding)
    return {"ours": ours, "pandas": plain}


def _report(title: str, path: Path, rows: int, figures: dict) -> None:
    ours, plain = figures["ours"], figures["pandas"]
    size = path.stat().st_size / 1e6
    print(f"\n{title}: {rows:,} rows, {size:,.0f} MB")
    print(f"  read_register: {ours['load_s']:7.1f} s  (child process {ours['wall_s']:.1f} s), "
          f"peak RSS {ours['peak_rss_mb']:,.0f} MB")
    print(f"  ledger: {ours['status']}  -> {sum(ours['status'].values()):,} rows accounted")
    print(f"  pandas.read_csv (text only, for scale): {plain['load_s']:7.1f} s, "
          f"peak RSS {plain['peak_rss_mb']:,.0f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--target-mb", type=float, default=200.0)
    args = parser.parse_args(argv)
    total_ram = _total_ram_gb()
    print(f"machine: {_cpus()} CPUs, {total_ram:.0f} GB RAM; Python {sys.version.split()[0]}")
    postcodes = _kent_postcodes()
    with tempfile.TemporaryDirectory() as tmp:
        million = Path(tmp) / "register_1m.csv"
        write_million(million, args.rows, postcodes)
        figures = measure(million, args.rows, encoding="utf-8", sep=",")
        _report("1,000,000-row register" if args.rows == 1_000_000 else "register", million,
                args.rows, figures)
        million.unlink()

        wide = Path(tmp) / "register_wide.csv"
        rows = write_wide(wide, args.target_mb, postcodes)
        figures = measure(wide, rows, encoding="cp1252", sep=";")
        _report(f"~{args.target_mb:,.0f} MB register (cp1252, ';')", wide, rows, figures)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _total_ram_gb() -> float:
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3


if __name__ == "__main__":
    main()
