"""The parameters of a build that travel together: :class:`BuildOptions`."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ValidationError

PAPERS = ("A3", "A4")


@dataclass(frozen=True)
class BuildOptions:
    """Parameters of a build that travel together.

    Parameters
    ----------
    eps_m
        DBSCAN neighbourhood distance in metres (1 to 10,000).
    min_assets
        Smallest number of locations that form a cluster.
    min_agencies
        Distinct agencies a cluster needs to count as a co-location.
    method
        ``"dbscan"`` (default) or ``"hdbscan"``.
    sweep_eps_m
        Distances for the sensitivity sweep shown in the atlas and notebooks.
    savings_target_gbp
        The partnership's savings target over ``target_years``.
    target_years
        Length of the savings target period, years.
    space_standard_m2_per_fte
        Office space standard; ``None`` uses the scoring default.
    offline
        Write self-contained HTML maps that make no network request.
    paper
        ``"A3"`` or ``"A4"`` for the PDF maps.
    benchmarks
        A TOML file overriding rows of the shipped benchmark table (typical floor
        areas, costs; see ``kentassets benchmarks template``); it wins over the
        manifest's ``benchmarks``. ``None``: the manifest's, else the shipped table.
    reach
        Run the service reach stage (``--no-reach``, or ``reach = false`` in the
        manifest, skip it).
    reach_distance
        ``"straight"`` or ``"network"`` (along the base map's roads); ``None``:
        the manifest's ``reach_distance``, else straight.
    reach_services
        Uses measured; ``None``: the manifest's, else library, health,
        customer_service and police.
    reach_thresholds_m
        Distances the reach shares count within; ``None``: the manifest's, else
        1, 2 and 5 km.
    reach_options_m
        The distance the options (which sites to keep) cover (2,000 m).
    reach_options_budget_s
        Seconds the options may spend proving their sites optimal, per worker
        process (120 s); rows the time did not reach keep the best sites found
        and say ``time_limit`` in ``solve_status``. A county needs a fraction
        of a second; all of England about 2 minutes.

    Raises
    ------
    ValidationError
        When a value is out of its range (the message states the range): the
        clustering values as :class:`~kentassets.ClusterParams`, the space
        standard as :class:`~kentassets.ScoringParams`, ``paper``, a negative
        savings target or ``target_years`` below 1.

    Examples
    --------
    >>> import kentassets as ka
    >>> options = ka.BuildOptions(eps_m=500, paper="A4")
    >>> options.eps_m, options.min_agencies
    (500.0, 2)
    >>> analysis = ka.analyse(ka.sample_estate(), ka.load_districts(), options=options)
    >>> analysis.params["eps_m"]
    500.0
    >>> ka.BuildOptions(paper="A5")
    Traceback (most recent call last):
    ...
    kentassets.errors.ValidationError: paper='A5': choose one of A3, A4.
    """

    eps_m: float = 250.0
    min_assets: int = 2
    min_agencies: int = 2
    method: str = "dbscan"
    sweep_eps_m: tuple[float, ...] = (50.0, 100.0, 250.0, 500.0, 1000.0)
    savings_target_gbp: float = 10_000_000.0
    target_years: int = 4
    space_standard_m2_per_fte: float | None = None
    offline: bool = False
    paper: str = "A3"
    benchmarks: str | None = None
    reach: bool = True
    reach_distance: str | None = None
    reach_services: tuple[str, ...] | None = None
    reach_thresholds_m: tuple[float, ...] | None = None
    reach_options_m: float = 2000.0
    reach_options_budget_s: float = 120.0

    def __post_init__(self) -> None:
        from ..colocation import ClusterParams
        from ..opportunities import ScoringParams

        if not 1.0 <= float(self.eps_m) <= 10_000.0:
            raise ValidationError(
                f"eps_m={self.eps_m}: the co-location distance must be between 1 and "
                "10,000 metres (250 is the default)."
            )
        # The stage parameters check their own ranges, with messages that state them.
        ClusterParams(
            eps_m=self.eps_m,
            min_assets=self.min_assets,
            min_agencies=self.min_agencies,
            method=self.method,
        )
        for eps in self.sweep_eps_m:
            ClusterParams(eps_m=eps)
        if self.space_standard_m2_per_fte is not None:
            ScoringParams(space_standard_m2_per_fte=self.space_standard_m2_per_fte)
        if self.paper not in PAPERS:
            raise ValidationError(f"paper={self.paper!r}: choose one of {', '.join(PAPERS)}.")
        if not self.savings_target_gbp > 0 or not 1 <= self.target_years <= 50:
            raise ValidationError(
                "savings_target_gbp must be above 0 and target_years between 1 and 50 "
                f"(got {self.savings_target_gbp}, {self.target_years})."
            )
        if self.reach_distance not in (None, "straight", "network"):
            raise ValidationError(f"reach_distance={self.reach_distance!r}: choose straight "
                                  "or network.")
        if not 1.0 <= float(self.reach_options_m) <= 100_000.0:
            raise ValidationError(f"reach_options_m={self.reach_options_m}: give a distance "
                                  "between 1 and 100,000 metres (2,000 is the default).")
        if not 0.0 <= float(self.reach_options_budget_s) <= 86_400.0:
            raise ValidationError(f"reach_options_budget_s={self.reach_options_budget_s}: give "
                                  "between 0 and 86,400 seconds (120 is the default).")
        if self.reach_services is not None:
            object.__setattr__(self, "reach_services", tuple(self.reach_services))
        if self.reach_thresholds_m is not None:
            object.__setattr__(self, "reach_thresholds_m",
                               tuple(float(t) for t in self.reach_thresholds_m))
        # Store numbers as floats whatever the caller passed (eps_m=500 -> 500.0).
        object.__setattr__(self, "eps_m", float(self.eps_m))
        object.__setattr__(self, "savings_target_gbp", float(self.savings_target_gbp))
        object.__setattr__(self, "sweep_eps_m", tuple(float(e) for e in self.sweep_eps_m))

