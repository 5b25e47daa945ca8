"""Conditions for building large frames quickly: the cyclic garbage collector
paused and Arrow allocating from the C library's allocator.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many geometries.

    Each shapely geometry is a tracked Python object: building a million of them
    triggers hundreds of collections that walk every object alive, and so does
    every later allocation while they are young, which costs several times the
    building itself. Nothing built here forms cycles. The collector's state is
    restored on leaving (also when it was already paused by the caller).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _system_arrow_memory() -> Iterator[None]:
    """Let Arrow allocate from the C library's allocator while loading.

    A register of a million rows makes many short-lived Arrow buffers of tens
    of megabytes. Arrow's default pool (mimalloc or jemalloc) hands freed pages
    back to the operating system within milliseconds, so each new buffer is
    faulted in afresh; the C allocator keeps and reuses them. Measured on a
    1,000,000-row register: 1.30 s with mimalloc, 1.13 s with the system pool
    (the first call 1.87 s and 1.22 s). The pool in use before is restored on
    leaving, unless something else changed it meanwhile.
    """
    import pyarrow as pa

    before = pa.default_memory_pool()
    if before.backend_name == "system":
        yield
        return
    ours = pa.system_memory_pool()
    pa.set_memory_pool(ours)
    try:
        yield
    finally:
        if pa.default_memory_pool().backend_name == ours.backend_name:
            pa.set_memory_pool(before)


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Conditions for building large frames quickly (see :func:`_gc_paused` and
    :func:`_system_arrow_memory`); everything is restored on leaving."""
    with _gc_paused(), _system_arrow_memory():
        yield
