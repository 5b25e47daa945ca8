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
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The library logs; the application (the CLI, a notebook) decides what to show.
logging.getLogger(__name__).addHandler(logging.NullHandler())

#: Public name -> module that defines it.
_EXPORTS: dict[str, str] = {
    # errors
    "KentAssetsError": "errors",
    "RegisterFormatError": "errors",
    "ManifestError": "errors",
    "ValidationError": "errors",
    "CoordinateSystemError": "errors",
    "BoundaryDataError": "errors",
    "OutputError": "errors",
    "BenchmarkError": "errors",
    "DecisionsError": "errors",
    "BuildFolderError": "errors",
    "BasemapError": "errors",
    "DatabaseError": "errors",
    # load
    "LoadResult": "load",
    "read_register": "load",
    "read_manifest": "load",
    "read_database_register": "load",
    "combine_results": "load",
    "assign_sites": "load",
    "PostcodeDirectory": "io.postcodes",
    "parse_manifest": "io.manifest",
    # districts
    "load_districts": "districts",
    "derive_districts": "districts",
    "assign_districts": "districts",
    "download_boundaries": "io.boundaries",
    # co-location
    "ClusterParams": "colocation",
    "ColocationResult": "colocation",
    "find_colocations": "colocation",
    "sweep_eps": "colocation",
    "plot_sweep": "colocation",
    # estimates (issue 14)
    "BenchmarkTable": "benchmarks",
    "read_benchmarks": "io.benchmarks",
    "estimate_assets": "estimates",
    "assign_sectors": "sectors",
    # opportunities
    "ScoringParams": "opportunities",
    "score_opportunities": "opportunities",
    "shortlist": "opportunities",
    "benchmark_agencies": "opportunities",
    "surplus_assets": "opportunities",
    "county_totals": "opportunities",
    # map context (towns, coast, water; an OS base map)
    "MapContext": "context",
    "load_map_context": "io.context",
    "read_basemap": "io.basemap",
    "housing_capacity": "opportunities",
    # the implementation plan
    "PlanParams": "plan",
    "implementation_plan": "plan",
    "plan_trajectory": "plan",
    # rendering
    "district_map": "render.webmap",
    "county_map": "render.webmap",
    "district_pdf": "render.printmap",
    "write_atlas": "render.printmap",
    "agency_styles": "render.style",
    # rounds of the programme
    "compare_builds": "compare",
    "write_changes": "compare",
    "write_decisions_template": "workshop",
    # pipeline
    "BuildOptions": "pipeline",
    "Analysis": "pipeline",
    "BuildReport": "pipeline",
    "analyse": "pipeline",
    "build": "pipeline",
    "demo": "pipeline",
    "write_database": "pipeline",
    "database_tables": "pipeline",
    # sample estate
    "sample_estate": "sample",
    "write_sample_estate": "sample",
    # safety
    "generalise_sensitive": "safety",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kentassets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .benchmarks import BenchmarkTable
    from .colocation import (
        ClusterParams,
        ColocationResult,
        find_colocations,
        plot_sweep,
        sweep_eps,
    )
    from .compare import compare_builds, write_changes
    from .context import MapContext
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
    from .estimates import estimate_assets
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
        read_database_register,
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
    from .pipeline import (
        Analysis,
        BuildOptions,
        BuildReport,
        analyse,
        build,
        database_tables,
        demo,
        write_database,
    )
    from .plan import PlanParams, implementation_plan, plan_trajectory
    from .render.printmap import district_pdf, write_atlas
    from .render.style import agency_styles
    from .render.webmap import county_map, district_map
    from .safety import generalise_sensitive
    from .sample import sample_estate, write_sample_estate
    from .sectors import assign_sectors
    from .workshop import write_decisions_template
