"""Command-line pieces for rounds of the programme (argument parsing only).

``kentassets build ... --previous OLD_DIR --decisions PATH --lenient``,
``kentassets decisions template MANIFEST_OR_OUT_DIR --out decisions.csv`` and
``kentassets diff OLD_DIR NEW_DIR --out DIR``. :mod:`kentassets.cli` adds these
to its parser and hands these commands here; the work is in
:mod:`kentassets.pipeline.compare`, :mod:`kentassets.pipeline.workshop` and the pipeline.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_build_options", "add_commands", "build_keywords", "run"]

EXIT_OK = 0


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--previous``, ``--decisions`` and ``--lenient`` to ``build`` (and ``demo``)."""
    parser.add_argument(
        "--previous",
        type=Path,
        default=None,
        metavar="OLD_DIR",
        help="the previous round's output folder (may be --out itself): co-locations keep "
        "its ids, and changes.csv/changes.html say what changed since",
    )
    parser.add_argument(
        "--decisions",
        type=Path,
        default=None,
        metavar="PATH",
        help="workshop decisions file (.csv or .xlsx; see `kentassets decisions template`)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="warn about bad rows of the decisions file and ignore them, instead of stopping",
    )


def build_keywords(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords ``--previous``, ``--decisions`` and ``--lenient`` give ``build``."""
    return {"previous": args.previous, "decisions": args.decisions, "lenient": args.lenient}


def add_commands(sub: Any, add_common: Any) -> None:
    """Add ``decisions template`` and ``diff`` to the sub-command parsers."""
    dec = sub.add_parser(
        "decisions",
        help="workshop decisions files",
        description="Write the workshop decisions file for the current co-locations.",
    )
    dsub = dec.add_subparsers(dest="action", required=True, metavar="ACTION")
    template = dsub.add_parser(
        "template",
        help="write a ready-to-fill decisions file listing every current co-location",
        description="List every co-location of an output folder (or of a manifest, analysed "
        "afresh) with its district, place and agencies and the statuses allowed, in a "
        "decisions file to fill in with Excel. Decisions the build carried are filled in.",
    )
    template.add_argument("source", type=Path, metavar="MANIFEST_OR_OUT_DIR",
                          help="an output folder of `kentassets build`, or its manifest")
    template.add_argument("--out", type=Path, default=Path("decisions.csv"), metavar="PATH",
                          help="file to write, .csv or .xlsx (default decisions.csv; an "
                          "existing file is never replaced)")
    add_common(template)

    diff = sub.add_parser(
        "diff",
        help="say what changed between two builds",
        description="Compare two output folders of `kentassets build`: assets added, "
        "removed, moved and changed, and co-locations that appeared, retired, merged or "
        "split, per agency and district. Writes changes.csv and changes.html.",
    )
    diff.add_argument("old", type=Path, metavar="OLD_DIR", help="the previous round's outputs")
    diff.add_argument("new", type=Path, metavar="NEW_DIR", help="the new round's outputs")
    diff.add_argument("--out", type=Path, required=True, metavar="DIR",
                      help="folder for changes.csv and changes.html")
    diff.add_argument("--moved-m", type=float, default=50.0, metavar="M",
                      help="an asset moved when its point moved more than M metres (default 50)")
    add_common(diff)


def run(args: argparse.Namespace) -> int | None:
    """Run ``decisions`` or ``diff``; ``None`` for any other command."""
    if args.command == "decisions":
        from ..pipeline.workshop import write_decisions_template

        path = write_decisions_template(args.source, args.out)
        print(f"Wrote the decisions template {path}: fill in the status column (one of the "
              "statuses listed in the file) and build with --decisions.")
        return EXIT_OK
    if args.command == "diff":
        from ..pipeline.compare import compare_builds, write_changes
        report = compare_builds(args.old, args.new, moved_m=args.moved_m)
        files = write_changes(report, args.out)
        print(f"{report!r}\nWrote {', '.join(str(f) for f in files)}")
        return EXIT_OK
    return None
