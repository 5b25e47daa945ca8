"""kentassets: pool public agencies' property registers and find co-location opportunities.

The public API, one stage of the data flow at a time::

    import kentassets as ka

    result = ka.read_manifest("manifest.toml")          # load: assets + ledger
    districts = ka.load_districts()                      # districts
    colocs = ka.find_colocations(result.assets)          # co-location
    assets = colocs.label_assets(result.assets)          # adds colocation_id
    opps = ka.score_opportunities(colocs, assets)        # opportunities
    ka.district_map(assets, districts, opps, district_code="E07000110")

``ka.sample_estate()`` gives a ready-loaded synthetic estate (cached) to try
every step on; the docstring examples use it.

Names are imported on first use, so ``import kentassets`` stays quick and the
renderers' heavy dependencies (folium, matplotlib) load only when needed.

The public API is listed once, as the ``if TYPE_CHECKING:`` imports at the end of
this file: type checkers and IDEs read them, and at run time :func:`_exports`
reads the same statements to know which module defines each name. Modules that
moved into the stage packages keep their old import paths through
:mod:`kentassets._compat`.
"""

from __future__ import annotations

import ast
import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _compat
from ._version import __version__

# The library logs; the application (the CLI, a notebook) decides what to show.
logging.getLogger(__name__).addHandler(logging.NullHandler())
_compat.install()


def _exports() -> dict[str, str]:
    """Public name -> module that defines it, read from the ``TYPE_CHECKING`` block."""
    tree = ast.parse(Path(__file__).read_text("utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    return {alias.asname or alias.name: "." * node.level + (node.module or "")
            for node in block.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}


_EXPORTS: dict[str, str] = _exports()
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kentassets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])



# The public API (the only list of it: see the module docstring), sorted by module.
if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .colocation import (
        ClusterParams,
        ColocationResult,
        find_colocations,
        plot_sweep,
        sweep_eps,
    )
    from .districts import assign_districts, derive_districts, load_districts
    from .errors import (
        BasemapError,
        BenchmarkError,
        BoundaryDataError,
        BuildFolderError,
        CoordinateSystemError,
        DatabaseError,
        DecisionsError,
        KentAssetsError,
        ManifestError,
        OutputError,
        RegisterFormatError,
        ValidationError,
    )
    from .io.basemap import read_basemap
    from .io.benchmarks import read_benchmarks
    from .io.boundaries import download_boundaries
    from .io.context import load_map_context
    from .io.manifest import parse_manifest
    from .io.postcodes import PostcodeDirectory
    from .load import (
        LoadResult,
        assign_sites,
        combine_results,
        describe_mapping,
        read_database_register,
        read_demand,
        read_manifest,
        read_register,
    )
    from .opportunities import (
        ScoringParams,
        benchmark_agencies,
        county_totals,
        housing_capacity,
        score_opportunities,
        shortlist,
        surplus_assets,
    )
    from .opportunities.estimates import estimate_assets
    from .opportunities.sectors import assign_sectors
    from .pipeline import (
        Analysis,
        BuildInputs,
        BuildOptions,
        BuildReport,
        analyse,
        build,
        database_tables,
        demo,
        write_database,
    )
    from .pipeline.compare import compare_builds, write_changes
    from .pipeline.maps import county_map, district_map, district_pdf, write_atlas
    from .pipeline.workshop import write_decisions_template
    from .plan import PlanParams, implementation_plan, plan_trajectory
    from .reach import default_demand, reach_change, reach_options, service_reach
    from .reference.benchmarks import BenchmarkTable
    from .reference.context import MapContext
    from .render.style import agency_styles
    from .safety import generalise_sensitive
    from .sample import sample_estate, write_sample_estate
