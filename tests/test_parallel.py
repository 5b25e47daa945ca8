"""Districts rendered as jobs: the same bytes serially, on a process pool and on dask."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

import kentassets as ka
from kentassets.pipeline import Published
from kentassets.render import printmap, webmap
from kentassets.render.jobs import (
    DistrictJob,
    district_jobs,
    render_district,
    render_districts,
)
from kentassets.render.print.write import figure_pdf_bytes

MAIDSTONE = "E07000110"


@pytest.fixture(scope="module")
def published() -> Published:
    estate = ka.sample_estate()
    return Published(ka.analyse(estate, ka.load_districts(), synthetic=True))


def _jobs(published: Published, codes: list[str]) -> list[DistrictJob]:
    a = published.analysis
    return list(district_jobs(published.assets, a.districts, published.opportunities,
                              codes=codes, offline=True, params_note="eps 250 m",
                              settings=replace(published.settings, paper="A4")))


def test_a_job_carries_only_its_district(published: Published) -> None:
    (job,) = _jobs(published, [MAIDSTONE])
    assets = published.assets
    mine = (assets["district_code"] == MAIDSTONE).sum()
    assert mine <= len(job.assets) < len(assets)  # its own, plus members elsewhere
    assert set(job.assets["district_code"]) >= {MAIDSTONE}
    assert job.districts is published.analysis.districts  # small; shared in-process
    assert set(job.print_common.colocations["district_code"]) <= {MAIDSTONE}


def test_a_job_renders_what_the_whole_estate_renders(published: Published) -> None:
    """The job's slice gives the same HTML and PDF bytes as the whole estate does."""
    a = published.analysis
    (job,) = _jobs(published, [MAIDSTONE])
    out = render_district(job)
    whole_map = webmap.district_map(published.assets, a.districts, published.opportunities,
                                    district_code=MAIDSTONE, offline=True,
                                    settings=published.settings)
    assert out.html == webmap.map_html(whole_map)
    fig = printmap.district_pdf(published.assets, a.districts, published.opportunities,
                                district_code=MAIDSTONE, paper="A4", params_note="eps 250 m",
                                settings=published.settings)
    assert out.pdf == figure_pdf_bytes(fig)
    assert out.name == "Maidstone"


def test_jobs_on_a_process_pool_match_serial(published: Published) -> None:
    codes = published.analysis.district_codes()[:3]
    jobs = _jobs(published, codes)
    serial = list(render_districts(jobs))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        pooled = list(render_districts(jobs, executor=pool))
        windowed = list(render_districts(iter(jobs), executor=pool, in_flight=1))
    assert [o.code for o in pooled] == codes
    assert pooled == serial
    assert windowed == serial


class _Recorder(Executor):
    """Runs nothing: records the order of submission and answers with the job's code."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        (job,) = args
        self.submitted.append(job.code)
        future: Future[str] = Future()
        future.set_result(job.code)
        return future


def test_largest_districts_start_first_results_come_in_job_order(
        published: Published) -> None:
    codes = published.analysis.district_codes()
    jobs = _jobs(published, codes)
    recorder = _Recorder()
    results = list(render_districts(jobs, executor=recorder))
    assert results == codes  # collected in job order
    sizes = {job.code: len(job.assets) for job in jobs}
    assert [sizes[c] for c in recorder.submitted] == sorted(sizes.values(), reverse=True)
    assert recorder.submitted != codes  # the sample's districts are not in size order
    windowed = _Recorder()
    assert list(render_districts(iter(jobs), executor=windowed, in_flight=4)) == codes
    first = sorted(codes[:4], key=lambda c: -sizes[c])
    assert windowed.submitted == [*first, *codes[4:]]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_build_identical_whatever_runs_it(tmp_path: Path) -> None:
    """A whole build: serial, two worker processes, and a dask.distributed cluster."""
    distributed = pytest.importorskip("dask.distributed")
    estate = ka.sample_estate()
    ka.build(estate, tmp_path / "serial", progress=False, jobs=1)
    ka.build(estate, tmp_path / "jobs2", progress=False, jobs=2)
    # Process workers with one thread each: matplotlib's settings are per process.
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        ka.build(estate, tmp_path / "dask", progress=False, executor=client.get_executor())
    serial = _files(tmp_path / "serial")
    assert len(serial) > 20
    for other in ("jobs2", "dask"):
        files = _files(tmp_path / other)
        assert sorted(files) == sorted(serial)
        assert [n for n in serial if files[n] != serial[n]] == [], other


def test_builds_collect_garbage_less_often_and_restore_the_thresholds() -> None:
    import gc

    from kentassets._gc import BUILD_GC_THRESHOLDS, fewer_collections

    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == BUILD_GC_THRESHOLDS
        with fewer_collections():  # nested: still the build's
            pass
        assert gc.get_threshold() == BUILD_GC_THRESHOLDS
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a page failed")
    assert gc.get_threshold() == before
