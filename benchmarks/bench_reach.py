"""Benchmark the service reach stage: the demo with and without it, and its parts.

Runs ``kentassets demo`` as a user does (a fresh process each time, boundaries
cached by a first, untimed run), with reach (the default) and with
``--no-reach``, in turns, ``--repeat`` times each; prints the median wall and
CPU times, their ratio (the target: at most 1.3) and whether every run with
reach wrote the same bytes. Then, in this process, times the stage's parts on
the sample estate: the default demand, the reach model and table, every
co-location's effect (through the scoring) and the options.

Usage::

    python benchmarks/bench_reach.py --repeat 3
    python benchmarks/bench_reach.py --parts-only
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def run_demo(out: Path, *, reach: bool) -> tuple[float, float]:
    """One ``kentassets demo`` in a new process: (wall seconds, CPU seconds)."""
    command = [sys.executable, "-m", "kentassets", "demo", "--out", str(out), "--quiet"]
    if not reach:
        command.append("--no-reach")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cpu, wall = _children_cpu_s(), time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - wall, _children_cpu_s() - cpu


def bench_demo(repeat: int) -> None:
    times: dict[str, list[tuple[float, float]]] = {"with reach": [], "--no-reach": []}
    digests: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="kentassets-bench-reach-") as tmp:
        run_demo(Path(tmp) / "warm-up", reach=True)
        for i in range(repeat):
            for name in times:
                out = Path(tmp) / f"{i}-{name.strip('-').replace(' ', '-')}"
                times[name].append(run_demo(out, reach=name == "with reach"))
                if name == "with reach":
                    digests.add(_digest(out))
    print(f"kentassets demo, boundaries cached, {os.cpu_count()} cores, {repeat} run(s) each, "
          "medians (every run in brackets):")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        every = ", ".join(f"{w:.1f}" for w, _ in runs)
        print(f"  {name:12s} wall {wall:6.1f} s  cpu {cpu:6.1f} s   [{every}]")
    ratio = (statistics.median(w for w, _ in times["with reach"])
             / statistics.median(w for w, _ in times["--no-reach"]))
    print(f"  with reach takes {ratio:.2f} of the time without (target: at most 1.3)")
    print("  outputs byte-identical across runs:", "yes" if len(digests) == 1 else "NO")


def bench_parts() -> None:
    import kentassets as ka
    from kentassets.reach import reach_model
    from kentassets.reach.options import reach_options_table
    from kentassets.reach.table import reach_table

    estate = ka.sample_estate()
    colocs = ka.find_colocations(estate.assets)
    assets = colocs.label_assets(estate.assets)
    codes = list(estate.manifest.study_area)
    steps: list[tuple[str, float]] = []
    t = time.perf_counter()
    demand = ka.default_demand(study_area=codes)
    steps.append((f"default demand ({len(demand):,} postcodes)", time.perf_counter() - t))
    t = time.perf_counter()
    model = reach_model(assets, demand)
    table = reach_table(model, codes=codes, names={}, thresholds_m=model.thresholds_m)
    steps.append((f"reach model and table ({len(table)} rows)", time.perf_counter() - t))
    t = time.perf_counter()
    ka.score_opportunities(colocs, assets, as_of_date=estate.manifest.data_date)
    plain = time.perf_counter() - t
    t = time.perf_counter()
    ka.score_opportunities(colocs, assets, as_of_date=estate.manifest.data_date, reach=model)
    steps.append(("co-location effects (scoring with reach minus without)",
                  time.perf_counter() - t - plain))
    t = time.perf_counter()
    options = reach_options_table(model, codes=codes, threshold_m=2000.0)
    steps.append((f"options ({len(options)} rows)", time.perf_counter() - t))
    print(f"reach stage on the sample estate ({len(assets):,} assets), one run each:")
    for name, seconds in steps:
        print(f"  {name:58s} {seconds:6.2f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant")
    parser.add_argument("--parts-only", action="store_true",
                        help="only time the stage's parts in this process")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SRC))
    if not args.parts_only:
        bench_demo(args.repeat)
    bench_parts()


if __name__ == "__main__":
    main()
