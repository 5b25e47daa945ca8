"""Benchmark ``kentassets demo`` with the boundaries cached: serial and parallel.

Runs the command as a user does (a fresh Python process each time, imports
included) into temporary folders:

* once first, to fill the boundary cache (not timed);
* then ``--jobs 1`` and ``--jobs N`` (default: one per core) in turns,
  ``--repeat`` times each, and reports the median wall time and the CPU time of
  the process and its workers, and the ratio of the two wall times;
* with ``--baseline-src PATH``, also the code of another checkout (its ``src``
  folder, e.g. ``git archive <commit> src | tar -x -C /tmp/base``), in the
  same turns: the "as it stood" figure measured in the same conditions;
* checks that every run wrote the same bytes (the baseline excepted).

``--fonts`` instead measures what saving a district page costs per PDF file
with TrueType (Type 42) fonts, the package's "Kentassets Sans" as used and
matplotlib's DejaVu Sans as before, and with no text at all (CPU seconds,
median of three, over the 13 Kent pages). Type 3 fonts are not measured:
matplotlib 3.11's Type 3 writer fails on some of these pages ("bytes must be
in range(0, 256)").

Usage::

    python benchmarks/bench_demo.py --repeat 3
    python benchmarks/bench_demo.py --repeat 3 --baseline-src /tmp/base/src
    python benchmarks/bench_demo.py --fonts
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
from typing import Any

SRC = Path(__file__).resolve().parents[1] / "src"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def run_demo(out: Path, *, src: Path, jobs: int | None) -> tuple[float, float]:
    """One ``kentassets demo`` in a new process: (wall seconds, CPU seconds)."""
    command = [sys.executable, "-m", "kentassets", "demo", "--out", str(out), "--quiet"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "PYTHONPATH": str(src)}
    cpu, wall = _children_cpu_s(), time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - wall, _children_cpu_s() - cpu


def bench(args: argparse.Namespace) -> None:
    jobs = args.jobs or len(os.sched_getaffinity(0))
    variants: dict[str, tuple[Path, int | None]] = {
        "--jobs 1": (SRC, 1),
        f"--jobs {jobs}": (SRC, jobs),
    }
    if args.baseline_src is not None:
        variants["baseline (as it stood)"] = (args.baseline_src, None)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    digests: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="kentassets-bench-demo-") as tmp:
        run_demo(Path(tmp) / "warm-up", src=SRC, jobs=None)  # fills the boundary cache
        for i in range(args.repeat):
            for name, (src, n) in variants.items():
                out = Path(tmp) / f"{i}-{n}-{src.parent.name}"
                times[name].append(run_demo(out, src=src, jobs=n))
                if src == SRC:
                    digests.add(_digest(out))
    print(f"kentassets demo, boundaries cached, {os.cpu_count()} cores, "
          f"{args.repeat} run(s) each, medians (every run in brackets):")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        every = ", ".join(f"{w:.1f}" for w, _ in runs)
        print(f"  {name:24s} wall {wall:6.1f} s  cpu {cpu:6.1f} s   [{every}]")
    serial = statistics.median(w for w, _ in times["--jobs 1"])
    parallel = statistics.median(w for w, _ in times[f"--jobs {jobs}"])
    print(f"  --jobs {jobs} takes {parallel / serial:.2f} of the --jobs 1 time")
    if args.baseline_src is not None:
        base = statistics.median(w for w, _ in times["baseline (as it stood)"])
        print(f"  --jobs {jobs} takes {parallel / base:.2f} of the baseline's time")
    print("  outputs byte-identical across runs and jobs:", "yes" if len(digests) == 1 else "NO")


def fonts() -> None:
    """CPU seconds to save each Kent district page as a one-page PDF, by font."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.text import Text

    import kentassets as ka
    from kentassets.render import printmap
    from kentassets.render.print import layout
    from kentassets.render.print.write import figure_pdf_bytes

    estate = ka.sample_estate(n_assets=2400)
    analysis = ka.analyse(estate, ka.load_districts())
    assets, opps = analysis.published_assets(), analysis.published_opportunities()

    def pages(family: list[str]) -> list[Any]:
        old = layout._RC["font.family"]
        layout._RC["font.family"] = family
        try:
            return [printmap.district_pdf(assets, analysis.districts, opps, district_code=code)
                    for code in analysis.district_codes()]
        finally:
            layout._RC["font.family"] = old

    def per_pdf(figures: list[Any], fonttype: int) -> float:
        old = layout._RC["pdf.fonttype"]
        layout._RC["pdf.fonttype"] = fonttype
        try:
            start = time.process_time()
            for fig in figures:
                figure_pdf_bytes(fig)
            return (time.process_time() - start) / len(figures)
        finally:
            layout._RC["pdf.fonttype"] = old

    ours, dejavu = pages(list(layout.PRINT_FONT_FAMILIES)), pages(["DejaVu Sans"])
    results: dict[str, list[float]] = {
        "Type 42, Kentassets Sans (as used)": [],
        "Type 42, DejaVu Sans (before)": [],
    }
    for _ in range(3):
        results["Type 42, Kentassets Sans (as used)"].append(per_pdf(ours, 42))
        results["Type 42, DejaVu Sans (before)"].append(per_pdf(dejavu, 42))
    for fig in ours:
        for text in fig.findobj(Text):
            text.set_visible(False)
    results["no text at all"] = [per_pdf(ours, 42) for _ in range(3)]
    print(f"Saving one district page as a PDF, CPU seconds per file ({len(ours)} pages):")
    for name, values in results.items():
        print(f"  {name:36s} {statistics.median(values):.3f}   "
              f"[{', '.join(f'{v:.3f}' for v in values)}]")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each variant")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes of the parallel runs (default: one per core)")
    parser.add_argument("--baseline-src", type=Path, default=None,
                        help="src folder of another checkout, measured in the same turns")
    parser.add_argument("--fonts", action="store_true", help="measure the PDF font cost")
    args = parser.parse_args(argv)
    if args.fonts:
        fonts()
    else:
        bench(args)


if __name__ == "__main__":
    main()
