"""The plan's parameters, in one record: :class:`PlanParams`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..errors import ValidationError

__all__ = ["PlanParams"]

_HORIZON_YEARS: Mapping[str, int] = MappingProxyType({"short": 1, "medium": 3, "long": 5})


@dataclass(frozen=True)
class PlanParams:
    """When a project without dates of its own completes, and how far the plan looks.

    Parameters
    ----------
    horizon_years
        Years from the data date (or from the decision's ``start``, where given)
        within which a project of each horizon completes: ``short`` within year 1,
        ``medium`` within year 3, ``long`` within year 5. A project of another
        horizon (``unknown``) with no ``complete_by`` is unscheduled. Each value
        1 to 20.
    max_plan_years
        The plan shows at most this many years (1 to 50); it shows at least the
        target period and runs on past it until every scheduled saving counts.

    Raises
    ------
    ValidationError
        When a value is out of its range (the message states it).

    Examples
    --------
    >>> PlanParams().horizon_years["medium"]
    3
    >>> PlanParams(horizon_years={"short": 0})
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: horizon_years['short']=0: ...between 1 and 20 years...
    """

    horizon_years: Mapping[str, int] = field(default_factory=lambda: _HORIZON_YEARS)
    max_plan_years: int = 15

    def __post_init__(self) -> None:
        for name, years in self.horizon_years.items():
            if not isinstance(years, int) or not 1 <= years <= 20:
                raise ValidationError(
                    f"horizon_years[{name!r}]={years!r}: a horizon completes between 1 and 20 "
                    "years after the data date (short 1, medium 3, long 5 by default)."
                )
        if not isinstance(self.max_plan_years, int) or not 1 <= self.max_plan_years <= 50:
            raise ValidationError(
                f"max_plan_years={self.max_plan_years!r}: the plan shows between 1 and 50 years "
                "(15 by default)."
            )
        object.__setattr__(self, "horizon_years",
                           MappingProxyType(dict(self.horizon_years)))

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain values (for ``parameters.json``)."""
        return {"plan_horizon_years": dict(self.horizon_years),
                "plan_max_years": self.max_plan_years}
