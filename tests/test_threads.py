"""A build on a thread pool writes the same bytes as a serial build (issue 21).

matplotlib's settings and caches belong to the process; the renderers draw under
one lock (``kentassets.render.print.layout.DRAWING``), so threads are correct if
not parallel.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import kentassets as ka
from kentassets.render.print.layout import DRAWING, rc


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_a_thread_pool_build_writes_the_serial_bytes(tmp_path: Path) -> None:
    ka.demo(tmp_path / "serial", progress=False, n_assets=600, jobs=1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        ka.demo(tmp_path / "threads", progress=False, n_assets=600, executor=pool)
    serial, threads = _files(tmp_path / "serial"), _files(tmp_path / "threads")
    assert sorted(threads) == sorted(serial)
    assert [name for name in serial if serial[name] != threads[name]] == []


def test_print_settings_are_held_by_one_thread_at_a_time() -> None:
    inside = threading.Event()
    entered: list[str] = []

    def other() -> None:
        with rc():
            entered.append("other")

    with rc():
        thread = threading.Thread(target=other)
        thread.start()
        inside.wait(0.2)  # the other thread is blocked on the lock meanwhile
        assert entered == []
        with DRAWING:  # re-entrant in the thread that holds it
            pass
    thread.join()
    assert entered == ["other"]
