"""What a build wrote and the summary the CLI prints: :class:`BuildReport`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import schema
from .analysis import Analysis

if TYPE_CHECKING:
    from .database import DatabaseReport


@dataclass
class BuildReport:
    """What a build wrote, and the analysis behind it.

    Returned by :func:`build` and :func:`demo`; ``str(report)`` is the summary
    the CLI prints.

    Parameters
    ----------
    out_dir
        The output folder.
    files
        Every file written, inside ``out_dir``.
    analysis
        The :class:`Analysis` the files were made from.
    database
        What was written to a database (``to_database``), else ``None``.

    Examples
    --------
    >>> from pathlib import Path
    >>> import kentassets as ka
    >>> analysis = ka.analyse(ka.sample_estate(), ka.load_districts())
    >>> report = ka.BuildReport(out_dir=Path("outputs"), files=[], analysis=analysis)
    >>> str(report).splitlines()[0]
    'Wrote 0 files to outputs'
    >>> "co-locations at 250 m" in str(report)
    True
    """

    out_dir: Path
    files: list[Path]
    analysis: Analysis
    database: DatabaseReport | None = None

    def __str__(self) -> str:
        a = self.analysis
        ledger = a.ledger[schema.LEDGER_STATUS].value_counts()
        n_coloc = int(a.opportunities.get(schema.IS_COLOCATION, pd.Series(dtype=bool)).sum())
        lines = [
            f"Wrote {len(self.files)} files to {self.out_dir}",
            f"  rows: {len(a.ledger)} read, {int(ledger.get(schema.LOADED, 0))} loaded, "
            f"{int(ledger.get(schema.EXCLUDED, 0))} excluded, "
            f"{int(ledger.get(schema.REJECTED, 0))} rejected (see load_ledger.csv)",
            f"  co-locations at {a.params.get('eps_m'):g} m: {n_coloc}",
            *_round_lines(a, self.out_dir),
            *([f"  {self.database}"] if self.database is not None else []),
            f"  open {self.out_dir / 'index.html'} in a web browser; "
            f"print {self.out_dir / 'atlas.pdf'} for workshops",
        ]
        return "\n".join(lines)


def _round_lines(analysis: Analysis, out_dir: Path) -> list[str]:
    """The summary lines about the round: ids kept, decisions to review, changes."""
    programme = analysis.programme
    if programme is None or programme.round_number == 1:
        return []
    lines = [f"  round {programme.round_number}: {programme.carry.share_kept():.0%} of the "
             f"previous round's co-location ids kept; what changed: {out_dir / 'changes.html'}"]
    if len(programme.to_review):
        lines.append(f"  {len(programme.to_review)} decisions to review (ids merged or "
                     "retired): see index.html")
    return lines

