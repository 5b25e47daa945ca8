"""The clustering parameters (:class:`ClusterParams`), checked when created."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Final

import numpy as np

from ..errors import ValidationError

METHODS: Final = ("dbscan", "hdbscan")
EPS_RANGE_M: Final = (1.0, 10_000.0)
MIN_ASSETS_RANGE: Final = (1, 10_000)
MIN_AGENCIES_RANGE: Final = (1, 100)
HULL_BUFFER_RANGE_M: Final = (0.0, 100.0)


def _check_number(name: str, value: Any, low: float, high: float, *, integer: bool) -> None:
    kind = "a whole number" if integer else "a number"
    ok = isinstance(value, int | np.integer) if integer else isinstance(
        value, int | float | np.integer | np.floating
    )
    if isinstance(value, bool) or not ok:
        raise ValidationError(
            f"{name} must be {kind} between {low:g} and {high:g}, got {value!r}"
        )
    if not (math.isfinite(float(value)) and low <= float(value) <= high):
        raise ValidationError(
            f"{name} must be between {low:g} and {high:g}, got {value!r}. "
            f"Choose a value in that range."
        )


@dataclass(frozen=True)
class ClusterParams:
    """Parameters of :func:`find_colocations`, checked when created.

    Parameters
    ----------
    eps_m
        Neighbourhood distance in metres, 1 to 10,000 (British National Grid).
    min_assets
        DBSCAN ``min_samples`` counted in locations (a shared site counts once),
        the location itself included, 1 to 10,000.
    min_agencies
        Distinct agencies a cluster needs to be a co-location, 1 to 100.
    method
        ``"dbscan"`` (default, exact grid DBSCAN) or ``"hdbscan"`` (scikit-learn's
        HDBSCAN with ``min_cluster_size=max(2, min_assets)`` and
        ``cluster_selection_epsilon=eps_m``, for estates of very uneven density).
    hull_buffer_m
        Buffer around each cluster's convex hull, metres, 0 to 100, so that a
        pair or a single shared site still has an area.

    Raises
    ------
    ValidationError
        When a value is outside its range; the message states the range.

    Examples
    --------
    >>> ClusterParams(eps_m=100).eps_m
    100.0

    One set of parameters can drive several runs:

    >>> import kentassets as ka
    >>> estate = ka.sample_estate()
    >>> params = ka.ClusterParams(eps_m=500, min_agencies=3)
    >>> result = ka.find_colocations(estate.assets, params=params)
    >>> result.params == params, bool(result.clusters["n_agencies"].min() >= 1)
    (True, True)
    >>> ka.ClusterParams(method="kmeans")
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: method must be one of 'dbscan', 'hdbscan', got 'kmeans'
    """

    eps_m: float = 250.0
    min_assets: int = 2
    min_agencies: int = 2
    method: str = "dbscan"
    hull_buffer_m: float = 10.0

    def __post_init__(self) -> None:
        _check_number("eps_m", self.eps_m, *EPS_RANGE_M, integer=False)
        _check_number("min_assets", self.min_assets, *MIN_ASSETS_RANGE, integer=True)
        _check_number("min_agencies", self.min_agencies, *MIN_AGENCIES_RANGE, integer=True)
        _check_number("hull_buffer_m", self.hull_buffer_m, *HULL_BUFFER_RANGE_M, integer=False)
        if self.method not in METHODS:
            raise ValidationError(
                f"method must be one of {', '.join(map(repr, METHODS))}, got {self.method!r}"
            )
        object.__setattr__(self, "eps_m", float(self.eps_m))
        object.__setattr__(self, "hull_buffer_m", float(self.hull_buffer_m))
        object.__setattr__(self, "min_assets", int(self.min_assets))
        object.__setattr__(self, "min_agencies", int(self.min_agencies))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a plain dict (for traceability in outputs)."""
        return asdict(self)
