"""Progress bars for long steps, in terminals and notebooks, and easy to silence."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(
    iterable: Iterable[T],
    *,
    enabled: bool = True,
    desc: str = "",
    total: int | None = None,
    unit: str = "it",
) -> Iterator[T] | Iterable[T]:
    """Wrap ``iterable`` in a tqdm progress bar, or return it unchanged.

    In Jupyter the bar is a widget when ``ipywidgets`` is installed, else text;
    in a terminal it is text on standard error.

    Parameters
    ----------
    iterable
        What to iterate over.
    enabled
        ``False`` returns ``iterable`` itself (no output at all).
    desc, total, unit
        Passed to tqdm.

    Examples
    --------
    >>> list(progress(range(3), enabled=False))
    [0, 1, 2]
    """
    if not enabled:
        return iterable
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm import tqdm
    return tqdm(iterable, desc=desc, total=total, unit=unit, leave=False)


class Stages:
    """A progress bar over the named stages of a long job.

    Parameters
    ----------
    total
        Number of stages.
    enabled
        ``False`` shows nothing.

    Examples
    --------
    >>> stages = Stages(2, enabled=False)
    >>> stages.start("Loading registers")
    >>> stages.start("Rendering")
    >>> stages.close()
    """

    def __init__(self, total: int, *, enabled: bool = True) -> None:
        self._bar = None
        self._started = False
        if enabled:
            if importlib.util.find_spec("ipywidgets") is not None:
                from tqdm.auto import tqdm
            else:
                from tqdm import tqdm
            self._bar = tqdm(
                total=total, unit="step", leave=False, bar_format="{desc} [{n_fmt}/{total_fmt}]"
            )

    def start(self, name: str) -> None:
        """Mark the previous stage done and show ``name`` as the current one."""
        if self._bar is None:
            return
        if self._started:
            self._bar.update(1)
        self._started = True
        self._bar.set_description_str(name)

    def close(self) -> None:
        """Finish the bar."""
        if self._bar is not None:
            if self._started:
                self._bar.update(1)
            self._bar.close()
