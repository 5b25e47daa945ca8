"""The executor that renders the districts: the caller's, a process pool, or none."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import Executor

from ..errors import ValidationError


def default_jobs() -> int:
    """The cores this process may use (the default of ``jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def renderers(
    jobs: int | None, executor: Executor | None, *, n_districts: int
) -> Iterator[Executor | None]:
    """The executor that renders the districts: the caller's, a process pool, or none.

    A pool of ``jobs`` processes (default: one per core) is started when more
    than one process and more than one district make it worth it, and shut down
    after. The workers start at once (on Linux they are forked, so they begin
    with every module this process has imported; elsewhere they are spawned),
    and each pays its one-off rendering costs
    (:func:`kentassets.render.jobs.warm_up_renderer`) while this process goes on
    loading the registers: open this before the loading.
    """
    if executor is not None:
        yield executor
        return
    n = default_jobs() if jobs is None else int(jobs)
    if n < 1:
        raise ValidationError(f"jobs={jobs}: give 1 (no worker processes) or more.")
    n = min(n, n_districts)
    if n <= 1:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=n, mp_context=context,
                             initializer=_start_worker) as pool:
        for _ in range(n):  # starts the workers (and their warm-up) now
            pool.submit(int)
        yield pool


#: How much lower the rendering workers' scheduling priority is than the build's.
WORKER_NICENESS = 5


def _start_worker() -> None:
    """A rendering worker's start: a lower priority, then the warm-up.

    The build process keeps the upper hand on a busy core: while the workers
    warm up it is loading the registers, and what it does later (the atlas
    frame, the index, the assembly) is what the build waits on last. The
    workers still get every core the build leaves idle.
    """
    from ..render.jobs import warm_up_renderer

    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)
    warm_up_renderer()
