"""Build every output (maps, PDFs, atlas, tables) for a manifest in one call.

``kentassets.build`` is what ``kentassets build`` runs: it reads the registers
listed in the manifest, finds and scores the co-locations and writes an HTML map
and a PDF per district, the county atlas, ``index.html`` and the CSV/GeoPackage
tables into the output folder (replaced atomically).

Without ``--manifest`` it first writes the synthetic sample estate. Run from the
repository root::

    python examples/build_from_manifest.py --out /tmp/kent-outputs
    python examples/build_from_manifest.py --manifest registers/manifest.toml --out outputs
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import kentassets as ka


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=None,
                        help="your manifest.toml (default: the synthetic sample estate)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: a new temporary folder)")
    parser.add_argument("--n-assets", type=int, default=2400,
                        help="assets in the sample estate when no manifest is given")
    parser.add_argument("--eps-m", type=float, default=250.0,
                        help="co-location distance in metres (default 250)")
    parser.add_argument("--space-standard", type=float, default=None,
                        help="office space standard, m² per FTE (default: 8)")
    parser.add_argument("--offline", action="store_true",
                        help="self-contained HTML maps that make no network request")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    out = args.out or Path(tempfile.mkdtemp(prefix="kentassets-build-")) / "outputs"
    options = ka.BuildOptions(
        eps_m=args.eps_m,
        space_standard_m2_per_fte=args.space_standard,
        offline=args.offline,
    )
    with tempfile.TemporaryDirectory(prefix="kentassets-sample-") as work:
        manifest = args.manifest or ka.write_sample_estate(
            Path(work) / "sample-estate", n_assets=args.n_assets
        )
        try:
            report = ka.build(manifest, out, options=options, progress=not args.quiet)
        except ka.KentAssetsError as error:
            print(f"error: {error}")
            return 2
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
