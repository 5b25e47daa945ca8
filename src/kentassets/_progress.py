"""Progress output for long steps: bars in terminals and notebooks, plain lines in logs.

When standard error is not a terminal (a CI log, a scheduled job's log file),
nested tqdm bars interleave into one garbled line; there each stage and each
long loop writes one plain line instead (``[2/4] Loading registers``).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeVar

T = TypeVar("T")


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    kernel = get() if callable(get) else None
    return kernel is not None and "IPKernelApp" in getattr(kernel, "config", {})


def interactive(stream: IO[str] | None = None) -> bool:
    """Whether progress bars can be drawn: a terminal or a Jupyter kernel.

    Examples
    --------
    >>> import io
    >>> interactive(io.StringIO())
    False
    """
    target = sys.stderr if stream is None else stream
    isatty = getattr(target, "isatty", None)
    return bool(callable(isatty) and isatty()) or _in_notebook()


def _tqdm() -> Any:
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm


def _lines(iterable: Iterable[T], desc: str, total: int | None, unit: str,
           stream: IO[str]) -> Iterator[T]:
    if desc:
        count = total if total is not None else getattr(iterable, "__len__", lambda: None)()
        plural = "" if count == 1 or unit.endswith("s") else "s"
        size = f" ({count:,} {unit}{plural})" if count is not None else ""
        print(f"{desc}{size}", file=stream, flush=True)
    yield from iterable


def progress(
    iterable: Iterable[T],
    *,
    enabled: bool = True,
    desc: str = "",
    total: int | None = None,
    unit: str = "it",
    stream: IO[str] | None = None,
) -> Iterator[T] | Iterable[T]:
    """Wrap ``iterable`` in a tqdm progress bar, a one-line message, or nothing.

    In Jupyter the bar is a widget when ``ipywidgets`` is installed, else text;
    in a terminal it is text on standard error; elsewhere (a log file) one plain
    line with ``desc`` and the count is written when the loop starts.

    Parameters
    ----------
    iterable
        What to iterate over.
    enabled
        ``False`` returns ``iterable`` itself (no output at all).
    desc, total, unit
        Passed to tqdm.
    stream
        Where to write; standard error by default.

    Examples
    --------
    >>> list(progress(range(3), enabled=False))
    [0, 1, 2]
    >>> import io
    >>> log = io.StringIO()
    >>> list(progress(range(3), desc="Reading", unit="file", stream=log))
    [0, 1, 2]
    >>> log.getvalue()
    'Reading (3 files)\\n'
    """
    if not enabled:
        return iterable
    target = sys.stderr if stream is None else stream
    if not interactive(target):
        return _lines(iterable, desc, total, unit, target)
    return _tqdm()(iterable, desc=desc, total=total, unit=unit, leave=False, file=target)


class Stages:
    """Progress over the named stages of a long job: a bar, or one line per stage.

    Parameters
    ----------
    total
        Number of stages.
    enabled
        ``False`` shows nothing.
    stream
        Where to write; standard error by default. When it is not a terminal
        (nor a notebook), each stage is one plain line ``[i/total] name``.

    Examples
    --------
    >>> stages = Stages(2, enabled=False)
    >>> stages.start("Loading registers")
    >>> stages.close()
    >>> import io
    >>> log = io.StringIO()
    >>> stages = Stages(2, stream=log)
    >>> stages.start("Loading registers")
    >>> stages.start("Rendering")
    >>> stages.close()
    >>> print(log.getvalue(), end="")
    [1/2] Loading registers
    [2/2] Rendering
    [done] 2 stages
    """

    def __init__(self, total: int, *, enabled: bool = True, stream: IO[str] | None = None
                 ) -> None:
        self._bar = None
        self._started = False
        self._total = total
        self._done = 0
        self._stream = sys.stderr if stream is None else stream
        self._enabled = enabled
        self._plain = enabled and not interactive(self._stream)
        if enabled and not self._plain:
            self._bar = _tqdm()(
                total=total, unit="step", leave=False, bar_format="{desc} [{n_fmt}/{total_fmt}]",
                file=self._stream,
            )

    def start(self, name: str) -> None:
        """Mark the previous stage done and show ``name`` as the current one."""
        if self._plain:
            self._done += 1
            print(f"[{self._done}/{self._total}] {name}", file=self._stream, flush=True)
            return
        if self._bar is None:
            return
        if self._started:
            self._bar.update(1)
        self._started = True
        self._bar.set_description_str(name)

    def close(self) -> None:
        """Finish the bar (or write the closing line)."""
        if self._plain:
            if self._done:
                print(f"[done] {self._done} stages", file=self._stream, flush=True)
            self._plain = False
            return
        if self._bar is not None:
            if self._started:
                self._bar.update(1)
            self._bar.close()
