"""Workshop files end to end: the decisions template for the current co-locations.

:func:`write_decisions_template` lists every current co-location, with its
district, place and agencies and the statuses allowed, in a file that
facilitators fill in with Excel. The co-locations come from an output folder
(what the maps show) or from a manifest (analysed afresh, nothing rendered).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..errors import BuildFolderError, ManifestError
from ..io.decisions import read_decision_rows
from ..rounds.decisions import (
    Decisions,
    check_decisions,
    decisions_from_opportunities,
    decisions_template,
)

__all__ = ["read_decisions", "write_decisions_template"]


def _from_folder(folder: Path) -> pd.DataFrame:
    from ..io.builds import read_build

    build = read_build(folder)
    return build.colocations


def _from_manifest(manifest: Path) -> pd.DataFrame:
    from ..districts import load_districts
    from ..io.manifest import parse_manifest
    from ..io.postcodes import PostcodeDirectory
    from ..load import read_manifest
    from . import analyse

    spec = parse_manifest(manifest)
    postcodes = PostcodeDirectory(spec.postcodes)
    districts = load_districts(spec.boundaries, codes=spec.study_area, postcodes=postcodes)
    load = read_manifest(manifest, postcodes=postcodes, districts=districts, progress=False)
    analysis = analyse(load, districts, title=spec.title, data_date=spec.data_date,
                       synthetic=spec.synthetic, sensitive_agencies=spec.sensitive_agencies)
    opps = analysis.published_opportunities()
    return pd.DataFrame(opps.drop(columns=opps.geometry.name))


def write_decisions_template(
    source: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """Write a ready-to-fill decisions file (``.csv`` or ``.xlsx``).

    One row per current co-location, in id order: the decision columns (the
    decisions the build carried, when ``source`` is an output folder built
    with decisions; else ``proposed``), then the district, the place, the
    agencies, the estimated saving, whether it is shortlisted and the statuses
    allowed (read-only information the reader ignores). An Excel template has
    a drop-down list of statuses.

    Parameters
    ----------
    source
        An output folder (``kentassets build --out``) or a manifest (``.toml``).
    path
        The file to write: ``decisions.csv`` or ``decisions.xlsx``.
    overwrite
        Replace ``path`` if it exists (it may hold a workshop's decisions, so
        the default is to refuse).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    BuildFolderError
        When ``source`` is a folder that is not a kentassets output.
    ManifestError
        When ``source`` is neither a folder nor a manifest.
    DecisionsError
        When ``path`` exists (and not ``overwrite``) or is not .csv or .xlsx.

    Examples
    --------
    >>> import kentassets as ka
    >>> ka.write_decisions_template("outputs", "decisions.xlsx")  # doctest: +SKIP
    PosixPath('decisions.xlsx')
    """
    from ..io.decisions import write_decisions_template as write

    base = Path(source)
    if base.is_dir():
        opportunities = _from_folder(base)
    elif base.is_file() and base.suffix.lower() == ".toml":
        opportunities = _from_manifest(base)
    elif base.suffix.lower() == ".toml":
        raise ManifestError(f"{source}: manifest not found. Check the path.")
    else:
        raise BuildFolderError(
            f"{source}: neither an output folder nor a manifest (.toml). Give the folder a "
            "`kentassets build` wrote, or the manifest it was built from."
        )
    table = decisions_template(opportunities, decisions_from_opportunities(opportunities))
    return write(table, path, overwrite=overwrite)


def read_decisions(
    path: str | os.PathLike[str],
    *,
    current_ids: Iterable[str],
    register: pd.DataFrame | None = None,
    lenient: bool = False,
) -> Decisions:
    """Read and check a decisions file (:func:`kentassets.rounds.decisions.check_decisions`).

    Parameters
    ----------
    path
        ``decisions.csv`` or ``.xlsx`` (the first sheet).
    current_ids
        This build's co-location ids.
    register
        The id register, so that decisions on retired ids become decisions to review.
    lenient
        Warn about bad rows and ignore them instead of raising.

    Raises
    ------
    DecisionsError
        As :func:`read_decision_rows` and :func:`~kentassets.rounds.decisions.check_decisions`.
    """
    read = read_decision_rows(path)
    return check_decisions(read.rows, current_ids=current_ids, register=register,
                           source=read.source, sheet=read.sheet, lenient=lenient)
