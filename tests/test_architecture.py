"""The house rules that a test can check (issue 21): the import contract of
``pyproject.toml`` ([tool.importlinter]), the size of the top level, and the
public API, including every old import path of a module that moved."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kentassets
from kentassets import _compat

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(kentassets.__file__).resolve().parent

#: Every (module, names) that src, tests, examples, notebooks, benchmarks, docs and the
#: README imported before the stage packages (issue 21); each must import still.
PUBLIC_BEFORE: dict[str, tuple[str, ...]] = {
    "kentassets": ("__version__", "districts", "load_districts", "pipeline", "sample", "schema"),
    "kentassets._gc": ("BUILD_GC_THRESHOLDS", "fewer_collections"),
    "kentassets._progress": ("Stages", "progress"),
    "kentassets.benchmarks": (
        "BASES",
        "FIGURES",
        "benchmarks_from_mapping",
        "benchmarks_to_toml",
        "format_benchmarks",
    ),
    "kentassets.changes": ("compare",),
    "kentassets.cli": ("EXIT_ERROR", "EXIT_OK", "EXIT_REJECTED", "main"),
    "kentassets.colocation": (
        "CLUSTER_COLUMNS",
        "ClusterParams",
        "ColocationResult",
        "find_colocations",
        "grid_dbscan",
        "plot_sweep",
        "sweep_eps",
    ),
    "kentassets.compare": ("compare_builds", "write_changes"),
    "kentassets.context": (
        "KIND",
        "MapContext",
        "PLACE_NAME",
        "PLACE_RANK",
        "ROAD_CLASS",
        "apply_place_overrides",
        "clip_context",
        "combine_context",
        "max_rank_for_scale",
        "places_frame",
        "select_places",
        "simplify_context",
    ),
    "kentassets.decisions": (
        "Decisions",
        "apply_decisions",
        "check_decisions",
        "decisions_template",
        "parse_date",
        "progress",
    ),
    "kentassets.districts": (
        "DERIVED_BOUNDARY_NOTE",
        "assign_districts",
        "derive_districts",
        "load_districts",
    ),
    "kentassets.errors": (
        "BasemapError",
        "BenchmarkError",
        "BoundaryDataError",
        "BuildFolderError",
        "CoordinateSystemError",
        "DecisionsError",
        "KentAssetsError",
        "ManifestError",
        "OutputError",
        "RegisterFormatError",
        "ValidationError",
    ),
    "kentassets.estimates": (
        "ESTIMATE_COLUMNS",
        "SOURCES",
        "complete_assets",
        "estimate_assets",
        "given_share",
    ),
    "kentassets.io": ("boundaries",),
    "kentassets.io.authorities": ("district_name", "district_names"),
    "kentassets.io.basemap": ("detect_product", "layer_key", "read_basemap"),
    "kentassets.io.benchmarks": (
        "default_benchmarks",
        "read_benchmarks",
        "write_benchmarks_template",
    ),
    "kentassets.io.boundaries": ("read_boundaries",),
    "kentassets.io.builds": ("BuildData", "read_build"),
    "kentassets.io.context": (
        "CONTEXT_FILES",
        "context_data_size",
        "load_map_context",
        "read_context",
        "read_place_overrides",
        "read_places",
        "study_context",
    ),
    "kentassets.io.decisions": ("read_decisions", "write_decisions_template"),
    "kentassets.io.manifest": ("Manifest", "parse_manifest"),
    "kentassets.io.outputs": (
        "MARKER",
        "atomic_output_dir",
        "write_csv",
        "write_text_atomic",
        "write_vector",
    ),
    "kentassets.io.postcodes": ("PC_DISTRICT", "PC_EASTING", "PC_NORTHING", "PostcodeDirectory"),
    "kentassets.io.registers": ("read_register_file",),
    "kentassets.load": (
        "LoadResult",
        "assign_sites",
        "combine_results",
        "parse_dates",
        "parse_grid_references",
        "parse_numbers",
        "read",
        "read_manifest",
        "read_register",
        "resolve_columns",
    ),
    "kentassets.load.bulk": ("release_freed_memory",),
    "kentassets.matching": ("generated_ids", "match_assets"),
    "kentassets.opportunities": (
        "OPPORTUNITY_COLUMNS",
        "ScoringParams",
        "benchmark_agencies",
        "county_totals",
        "housing_capacity",
        "parameters_table",
        "score_opportunities",
        "shortlist",
        "surplus_assets",
    ),
    "kentassets.pipeline": ("BuildOptions", "build", "write_outputs"),
    "kentassets.render": ("jobs", "printmap", "style", "webmap"),
    "kentassets.render._format": ("finite_number", "format_date", "format_money", "format_number"),
    "kentassets.render._ranges": (
        "ESTIMATE_FOOTNOTE",
        "compact_money",
        "is_estimated",
        "saving_text",
        "score_parts",
        "totals_range_text",
    ),
    "kentassets.render.changes": ("changes_html",),
    "kentassets.render.index": ("index_html",),
    "kentassets.render.jobs": (
        "DistrictJob",
        "district_jobs",
        "render_district",
        "render_districts",
    ),
    "kentassets.render.placement": ("estimate_text_size", "place_labels"),
    "kentassets.render.print": ("layout",),
    "kentassets.render.print.context": ("NAME_GID", "ROADS"),
    "kentassets.render.print.fonts": (
        "PRINT_FONT_FAMILIES",
        "PRINT_FONT_FILES",
        "register_print_fonts",
    ),
    "kentassets.render.print.write": ("figure_pdf_bytes",),
    "kentassets.render.printmap": ("district_pdf",),
    "kentassets.render.programme": (
        "decision_text",
        "decisions_html",
        "progress_html",
        "review_html",
    ),
    "kentassets.render.web": ("furniture", "layers", "libraries"),
    "kentassets.render.web.cards": ("colocation_card", "district_card", "members_by_colocation"),
    "kentassets.render.web.context": ("context_payload",),
    "kentassets.render.web.county": ("county_map", "district_summary"),
    "kentassets.render.web.district": ("CLUSTER_THRESHOLD", "district_map"),
    "kentassets.render.web.geometry": (
        "bounds_latlon",
        "feature_collection",
        "geojson_geometries",
        "label_point",
        "to_wgs84_geometry",
        "top_centres",
    ),
    "kentassets.render.web.index": ("index_html",),
    "kentassets.render.web.libraries": ("index_css", "index_script"),
    "kentassets.render.web.links": ("safe_relative_href",),
    "kentassets.render.web.page": ("map_html", "map_page"),
    "kentassets.render.web.sensitive": (
        "SENSITIVE_GRID_M",
        "published_hulls",
        "published_points",
        "sensitive_label",
        "sensitive_mask",
    ),
    "kentassets.render.web.values": (
        "AGENCIES",
        "DISTRICT_CODES",
        "DISTRICT_RANK",
        "DOT",
        "HORIZON",
        "N_ASSETS",
        "RANK",
        "SAVING",
        "SCORE",
        "SHORTLISTED",
        "SURPLUS_OFFICE",
        "VACANT_GIA",
        "agency_list",
        "codes",
        "float_list",
        "str_list",
    ),
    "kentassets.render.webmap": ("map_html",),
    "kentassets.rounds": (
        "carry_ids",
        "carry_round",
        "first_register",
        "link_colocations",
        "relabel",
    ),
    "kentassets.safety": (
        "escape_html",
        "generalise_sensitive",
        "guard_csv_cell",
        "guard_csv_frame",
        "is_missing",
        "json_for_script",
        "safe_filename",
    ),
    "kentassets.sample": (
        "MANIFEST_NAME",
        "README_NAME",
        "SAMPLE_DEFECTS",
        "SampleEstateError",
        "generate_sample_estate",
        "grid_reference",
        "write_sample_estate",
    ),
    "kentassets.schema": (
        "ASSET_COLUMNS",
        "CRS",
        "CRS_WGS84",
        "DEFAULT_STUDY_AREA",
        "DISTRICT_CODE",
        "DISTRICT_METHOD",
        "DISTRICT_METHODS",
        "DISTRICT_NAME",
        "GB_BOUNDS_M",
        "KENT_AND_MEDWAY",
        "LEDGER_FIELDS",
        "STATUSES",
        "TENURES",
        "USES",
    ),
    "kentassets.sectors": ("SECTORS", "assign_sectors", "default_sector"),
}


def _lint_imports() -> Path:
    exe = Path(sys.executable).with_name("lint-imports")
    if importlib.util.find_spec("importlinter") is None or not exe.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    return exe


def test_import_contract_is_kept() -> None:
    """`lint-imports`: the layers, no stage imports a renderer, io imports no stage."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    run = subprocess.run([str(_lint_imports()), "--no-cache"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_top_level_holds_at_most_ten_modules() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 10, top


@pytest.mark.parametrize("module", sorted(PUBLIC_BEFORE))
def test_public_names_still_import(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC_BEFORE[module] if not hasattr(imported, name)
               and importlib.util.find_spec(f"{module}.{name}") is None]
    assert not missing, f"{module}: {missing}"


def test_every_name_of_the_package_api_imports() -> None:
    assert kentassets.__all__
    for name in kentassets.__all__:
        assert getattr(kentassets, name) is not None, name


@pytest.mark.parametrize(("old", "new"), sorted(_compat.MOVED.items()))
def test_old_module_path_is_the_moved_module(old: str, new: str) -> None:
    moved = importlib.import_module(old)
    assert moved is importlib.import_module(new)
    assert moved.__name__ == new
    assert moved.__spec__ is not None and moved.__spec__.name == new


def test_moved_names_resolve() -> None:
    for path, new in _compat.MOVED_NAMES.items():
        module, name = path.rsplit(".", 1)
        assert getattr(importlib.import_module(module), name) is getattr(
            importlib.import_module(new), name)
    with pytest.raises(AttributeError):
        _compat.moved_name("kentassets.io.decisions", "no_such_name")


def test_command_line_runs_as_a_module() -> None:
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    for module in ("kentassets", "kentassets.cli"):
        run = subprocess.run([sys.executable, "-m", module, "--version"], env=env,
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("kentassets ")
    from kentassets.cli import main

    assert callable(main)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package
        return False


def test_no_module_imports_another_modules_private_names() -> None:
    """A name another module needs is public in its module, or lives in a package's
    private ``_module.py`` (importing such a module is fine; its names are public)."""
    import ast

    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = package.split(".")
            if node.level:
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                name = alias.name
                if (target.startswith("kentassets") and name.startswith("_")
                        and not name.startswith("__") and target != module
                        and not _is_module(f"{target}.{name}")):
                    found.append(f"{module}: from {target} import {name}")
    assert found == []


def _imports_of(path: Path) -> set[str]:
    """The kentassets modules a module imports (any depth of the file), as dotted names."""
    import ast

    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("kentassets.")} - {module}


def test_no_import_cycles() -> None:
    """As ``house_metrics.py`` counts them: a package imported by its own modules is one."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: _imports_of(p) & set(modules) for m, p in modules.items()}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
