"""The sites of each service: the assets of that use, of every agency, still serving."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schema
from ..errors import ValidationError
from .columns import NOT_SERVING, SERVICE_USES


@dataclass(frozen=True)
class ServiceSites:
    """The sites of one service, as arrays (one entry per asset of that use).

    Attributes
    ----------
    service
        The use served (``library``, ``health``...).
    x, y
        British National Grid coordinates, metres.
    keys
        ``agency:asset_id`` of each site (the options name kept sites by these).
    district
        District code of each site (``""`` when unplaced).
    labels
        The assets' index labels (so a change can name the sites it removes).
    """

    service: str
    x: np.ndarray
    y: np.ndarray
    keys: np.ndarray
    district: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def without(self, drop: np.ndarray) -> ServiceSites:
        """The sites where ``drop`` (a mask) is false."""
        keep = ~np.asarray(drop, dtype=bool)
        return ServiceSites(self.service, self.x[keep], self.y[keep], self.keys[keep],
                            self.district[keep], self.labels[keep])


def check_services(services: Iterable[str] | None, default: Sequence[str]) -> tuple[str, ...]:
    """The services asked for, checked against :data:`SERVICE_USES`.

    Raises
    ------
    ValidationError
        Naming an unknown service and the ones allowed.
    """
    chosen = tuple(default if services is None else services)
    if isinstance(services, str):
        chosen = (services,)
    unknown = [s for s in chosen if s not in SERVICE_USES]
    if unknown or not chosen:
        raise ValidationError(
            f"services={list(chosen)!r}: reach is measured for the public-facing uses; "
            f"choose from {', '.join(SERVICE_USES)}."
        )
    return tuple(dict.fromkeys(chosen))


def _text(assets: pd.DataFrame, col: str) -> pd.Series:
    if col not in assets.columns:
        return pd.Series("", index=assets.index, dtype="string")
    return assets[col].astype("string").fillna("")


def closed_mask(assets: pd.DataFrame, closed: Iterable[tuple[str, str]] | None) -> np.ndarray:
    """Per asset, whether ``(agency, asset_id)`` is among ``closed``.

    Raises
    ------
    ValidationError
        When an entry is not an ``(agency, asset_id)`` pair.
    """
    if closed is None:
        return np.zeros(len(assets), dtype=bool)
    pairs = list(closed)
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 2:
            raise ValidationError(
                f"closed={pair!r}: give (agency, asset_id) pairs, e.g. "
                "closed=[(\"Kent County Council\", \"LIB-014\")]."
            )
    wanted = {f"{a}\x1f{i}" for a, i in pairs}
    keys = _text(assets, schema.AGENCY) + "\x1f" + _text(assets, schema.ASSET_ID)
    return keys.isin(wanted).to_numpy(dtype=bool)


def service_sites(
    assets: gpd.GeoDataFrame,
    services: Sequence[str],
    *,
    closed: Iterable[tuple[str, str]] | None = None,
) -> dict[str, ServiceSites]:
    """The sites of each service: assets of that use, not vacant or surplus, not closed.

    Sites of every agency and every district count: a resident's nearest library
    may be another agency's, or over the district boundary.

    Parameters
    ----------
    assets
        Canonical assets (EPSG:27700).
    services
        Uses to collect (see :func:`check_services`).
    closed
        ``(agency, asset_id)`` pairs treated as closed.

    Returns
    -------
    dict
        Service -> :class:`ServiceSites`, sites in ``agency:asset_id`` order.
    """
    use = _text(assets, schema.USE).to_numpy(dtype=object)
    status = _text(assets, schema.STATUS)
    serving = ~status.isin(NOT_SERVING).to_numpy(dtype=bool) & ~closed_mask(assets, closed)
    geom = assets.geometry
    located = (~geom.isna() & ~geom.is_empty).to_numpy(dtype=bool)
    x = np.full(len(assets), np.nan)
    y = np.full(len(assets), np.nan)
    if located.any():
        x[located] = geom[located].x.to_numpy()
        y[located] = geom[located].y.to_numpy()
    keys = (_text(assets, schema.AGENCY) + ":" + _text(assets, schema.ASSET_ID)).to_numpy(
        dtype=object)
    district = _text(assets, schema.DISTRICT_CODE).to_numpy(dtype=object)
    out = {}
    for service in services:
        rows = np.flatnonzero((use == service) & serving & located & np.isfinite(x))
        rows = rows[np.argsort(keys[rows], kind="stable")]
        out[service] = ServiceSites(service, x[rows], y[rows], keys[rows], district[rows],
                                    assets.index.to_numpy()[rows])
    return out
