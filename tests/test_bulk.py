"""The loader's bulk-work conditions: restored on leaving, freed memory handed back."""

from __future__ import annotations

import gc
import platform

import pyarrow as pa
import pytest

from kentassets.load.bulk import bulk_work, malloc_trim, release_freed_memory


def test_bulk_work_restores_the_collector_and_arrow_pool() -> None:
    pool = pa.default_memory_pool().backend_name
    assert gc.isenabled()
    with bulk_work():
        assert not gc.isenabled()
        assert pa.default_memory_pool().backend_name == "system"
    assert gc.isenabled()
    assert pa.default_memory_pool().backend_name == pool
    with pytest.raises(ValueError), bulk_work():  # also when the work fails
        raise ValueError("bad register")
    assert gc.isenabled() and pa.default_memory_pool().backend_name == pool


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_memory_is_handed_back_on_glibc() -> None:
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()
    assert malloc_trim() is not None
    # 200 MB in small blocks with a few survivors scattered through the heap:
    # free() alone hands nothing back (measured: 222 MB held before and after)
    blocks = [bytearray(2_000) for _ in range(100_000)]
    survivors = blocks[::64]
    held = process.memory_info().rss
    del blocks
    release_freed_memory()
    assert process.memory_info().rss < held - 100_000_000
    assert len(survivors) == 1_563
