"""The county index page: overview map, districts, totals, load summary, parameters.

:func:`index_html` returns the page as a string; the pipeline writes it as
``index.html``. Every value from the inputs is escaped with
:func:`kentassets.safety.escape_html`; the county map is embedded as an
``<iframe srcdoc>`` so the page stays one self-contained file.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Unpack

import geopandas as gpd
import pandas as pd

from kentassets import schema
from kentassets._version import __version__
from kentassets.render import style
from kentassets.render._format import finite_number, format_date, format_money, format_number
from kentassets.render._ranges import ESTIMATE_FOOTNOTE, compact_money, totals_range_text
from kentassets.render.programme import decisions_html, progress_html, review_html
from kentassets.render.settings import (
    CountyContent,
    OutputKeywords,
    OutputSettings,
    resolve_output,
)
from kentassets.render.web.county import county_map, district_summary
from kentassets.render.web.libraries import index_css, index_script
from kentassets.render.web.links import safe_relative_href
from kentassets.render.web.page import map_html
from kentassets.render.web.plan import plan_anchor, plan_html
from kentassets.render.web.reach import county_reach_table_html
from kentassets.render.web.values import DOT
from kentassets.safety import escape_html, is_missing

if TYPE_CHECKING:
    from kentassets.reference.context import MapContext

__all__ = ["index_html"]

log = logging.getLogger(__name__)

_DASH = "\u2013"

_LOAD_COLUMNS: dict[str, str] = {
    "agency": "Agency",
    "rows": "Rows read",
    "loaded": "Loaded",
    "excluded": "Excluded",
    "rejected": "Rejected",
    "top_reasons": "Main reasons",
}
_NUMERIC_LOAD = ("rows", "loaded", "excluded", "rejected")
#: Names under which county_totals may give the savings target.
_TARGET_KEYS = ("target_gbp", "savings_target_gbp")
_OTHER_LABELS: dict[str, str] = {
    "n_colocations": "Co-locations",
    "n_shortlisted": "Shortlisted co-locations",
    "n_districts": "Districts",
    "annual_saving_short_gbp": "Saving a year from short-term opportunities",
    "n_short": "Shortlisted, short term (fit into buildings already held)",
    "n_medium": "Shortlisted, medium term (a lease ends within a few years)",
    "n_long": "Shortlisted, long term (needs new or remodelled space)",
    "n_unknown": "Shortlisted, horizon unknown (no lease or space data)",
    "n_zero_saving": "Shortlisted with no saving the data supports (each says why)",
    "saving_given_share": "Share of the saving resting on given figures",
}
_TOTAL_LABELS: dict[str, str] = {
    "annual_saving_gbp": "Estimated saving a year",
    "target_gbp": "Savings target",
    "target_years": "Target period",
    "saving_over_target_period_gbp": "Saving over the target period",
    "share_of_target": "Share of target",
}


_missing = is_missing
_num = format_number


def _money(value: Any) -> str:
    return format_money(value, missing="\u2013")


_float = finite_number


_date_text = format_date


def _num_cell(value: Any, *, money: bool = False) -> str:
    number = _float(value)
    sort = "" if number is None else f' data-sort="{number:.6g}"'
    text = _money(value) if money else _num(value)
    return f'<td class="num"{sort}>{text}</td>'


def _first(totals: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in totals:
            return totals[key]
    return None


def _label(key: str) -> str:
    if key in _OTHER_LABELS:
        return _OTHER_LABELS[key]
    text = key.replace("_gbp", "").replace("_", " ")
    return text[:1].upper() + text[1:]


def _value(key: str, value: Any) -> str:
    if isinstance(value, bool) or _float(value) is None:
        return escape_html(value)
    if key.endswith("_gbp"):
        return _money(value)
    if key.startswith("share_") or key.endswith("_share"):
        return f"{_float(value):.0%}"
    number = _float(value)
    return _num(value, 0 if number is not None and number.is_integer() else 2)


def _totals_section(totals: Mapping[str, Any]) -> str:
    saving = _float(totals.get("annual_saving_gbp"))
    target = _float(_first(totals, *_TARGET_KEYS))
    years = _float(totals.get("target_years"))
    over = _float(totals.get("saving_over_target_period_gbp"))
    if over is None and saving is not None and years is not None:
        over = saving * years
    share = _float(totals.get("share_of_target"))
    if share is None and over is not None and target:
        share = over / target
    cards: list[str] = []

    def card(label: str, value: str, extra: str = "") -> None:
        cards.append(
            f'<div class="kent-stat"><div class="kent-label">{escape_html(label)}</div>'
            f'<div class="kent-value">{value}</div>{extra}</div>'
        )

    low = _float(totals.get("annual_saving_low_gbp"))
    high = _float(totals.get("annual_saving_high_gbp"))
    ranged = low is not None and high is not None and low != high
    card(_TOTAL_LABELS["annual_saving_gbp"],
         escape_html(f"\u2248 {compact_money(low)}\u2013{compact_money(high)}") if ranged
         else _money(saving),
         f'<div class="kent-label">central {escape_html(compact_money(saving))}</div>'
         if ranged else "")
    if target is not None:
        period = f" over {_num(years)} years" if years is not None else ""
        card(_TOTAL_LABELS["target_gbp"] + period, _money(target))
    if over is not None:
        card(_TOTAL_LABELS["saving_over_target_period_gbp"], _money(over))
    if share is not None:
        width = max(0.0, min(share, 1.0)) * 100
        card(
            _TOTAL_LABELS["share_of_target"],
            f"{share:.0%}",
            f'<div class="kent-progress" role="img" aria-label="{share:.0%} of target">'
            f'<span style="width:{width:.1f}%"></span></div>',
        )
    others = [
        f"<tr><th>{escape_html(_label(str(key)))}</th><td>{_value(str(key), value)}</td></tr>"
        for key, value in totals.items()
        if key not in _TOTAL_LABELS
        and key not in _TARGET_KEYS
        and not isinstance(value, Mapping | list | tuple)
    ]
    extra = f'<table class="kent-small">{"".join(others)}</table>' if others else ""
    note = (f'<p class="kent-note">{escape_html(totals_range_text(totals))}. '
            f'{escape_html(ESTIMATE_FOOTNOTE)}</p>' if ranged else "")
    return f'<div class="kent-cards">{"".join(cards)}</div>{note}{extra}'


def _map_links(code: str, files: Mapping[str, str]) -> list[str]:
    """Links to a district's maps; a link that could leave the output folder is logged."""
    links = []
    for kind, label in (("html", "interactive map"), ("pdf", "PDF")):
        href = safe_relative_href(files.get(kind))
        if href:
            links.append(f'<a href="{escape_html(href)}">{label}</a>')
        elif files.get(kind):
            log.warning(
                "district %s: %s link %r is not a relative path inside the output "
                "folder; not linked",
                code,
                kind,
                files.get(kind),
            )
    return links


def _districts_section(
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    district_files: Mapping[str, Mapping[str, str]],
    assets: gpd.GeoDataFrame | None,
    planned: Collection[str] = frozenset(),
) -> str:
    summary = district_summary(districts, opportunities)
    counts: pd.Series | None = None
    if assets is not None and schema.DISTRICT_CODE in assets.columns:
        counts = assets[schema.DISTRICT_CODE].astype("string").value_counts()
    summary = summary.sort_values(schema.DISTRICT_NAME, key=lambda s: s.str.lower())
    head = ["District", "Code"]
    if counts is not None:
        head.append("Assets")
    head += ["Co-locations", "Shortlisted", "Shortlist saving a year", "Maps"]
    numeric = {"Assets", "Co-locations", "Shortlisted", "Shortlist saving a year"}
    rows: list[str] = []
    for _, row in summary.iterrows():
        code = str(row[schema.DISTRICT_CODE])
        files = district_files.get(code, {})
        links = _map_links(code, files)
        if code in planned:
            links.append(f'<a href="#{plan_anchor(code)}">plan</a>')
        name = escape_html(row[schema.DISTRICT_NAME])
        html_href = safe_relative_href(files.get("html"))
        if html_href:
            name = f'<a href="{escape_html(html_href)}">{name}</a>'
        cells = [f"<td>{name}</td>", f"<td>{escape_html(code)}</td>"]
        if counts is not None:
            cells.append(_num_cell(counts.get(code, 0)))
        cells += [
            _num_cell(row["n_colocations"]),
            _num_cell(row["n_shortlisted"]),
            _num_cell(row["saving_gbp"], money=True),
            f"<td>{DOT.join(links) if links else _DASH}</td>",
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    foot = ['<td colspan="2">Total</td>']
    if counts is not None:
        total_assets = sum(counts.get(str(c), 0) for c in summary[schema.DISTRICT_CODE])
        foot.append(f'<td class="num">{_num(total_assets)}</td>')
    foot += [
        f'<td class="num">{_num(summary["n_colocations"].sum())}</td>',
        f'<td class="num">{_num(summary["n_shortlisted"].sum())}</td>',
        f'<td class="num">{_money(summary["saving_gbp"].sum(min_count=1))}</td>',
        "<td></td>",
    ]
    header = "".join(f'<th class="num">{h}</th>' if h in numeric else f"<th>{h}</th>" for h in head)
    return (
        f'<table class="kent-sortable"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody><tfoot><tr>{''.join(foot)}</tr></tfoot></table>"
    )


def _reach_section(service_reach: pd.DataFrame | None) -> str:
    """The county table of service reach, or nothing when reach did not run."""
    table = county_reach_table_html(service_reach)
    if not table:
        return ""
    return ('<section aria-labelledby="h-reach">\n<h2 id="h-reach">Service reach, county</h2>\n'
            "<p>How far people live from the nearest site of each public-facing service "
            "today: the share within each distance, the mean distance, and the distance "
            f"nine in ten people live within.</p>\n{table}\n</section>")


def _load_section(load_summary: pd.DataFrame | None, ledger_href: str | None) -> str:
    link = ""
    href = safe_relative_href(ledger_href)
    if href:
        link = (
            f"<p>Every input row, with the reason for any exclusion or rejection: "
            f'<a href="{escape_html(href)}">{escape_html(href)}</a>.</p>'
        )
    if load_summary is None or not len(load_summary):
        return link + "<p>No load summary.</p>"
    columns = [c for c in _LOAD_COLUMNS if c in load_summary.columns]
    columns += [c for c in load_summary.columns if c not in _LOAD_COLUMNS]
    numeric = {
        c for c in columns if c in _NUMERIC_LOAD or pd.api.types.is_numeric_dtype(load_summary[c])
    }
    agencies = (
        load_summary["agency"].astype(str).str.strip().str.lower()
        if "agency" in load_summary.columns
        else pd.Series([], dtype=str)
    )
    has_total_row = bool(agencies.isin(["all", "total", "all agencies"]).any())
    head = "".join(
        f'<th class="num">{escape_html(_LOAD_COLUMNS.get(str(c), _label(str(c))))}</th>'
        if c in numeric
        else f"<th>{escape_html(_LOAD_COLUMNS.get(str(c), _label(str(c))))}</th>"
        for c in columns
    )
    body = []
    for k, (_, row) in enumerate(load_summary.iterrows()):
        cells = []
        for c in columns:
            value = row[c]
            if c in numeric:
                cells.append(f'<td class="num">{_num(value)}</td>')
            elif isinstance(value, list | tuple):
                cells.append(f"<td>{escape_html('; '.join(str(v) for v in value))}</td>")
            else:
                cells.append(f"<td>{escape_html(value)}</td>")
        total_row = has_total_row and agencies.iloc[k] in ("all", "total", "all agencies")
        row_class = ' class="kent-total-row"' if total_row else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    foot = [] if has_total_row else _load_totals(load_summary, columns, numeric)
    return (
        link
        + f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
        + (f"<tfoot><tr>{''.join(foot)}</tr></tfoot>" if foot else "")
        + "</table>"
    )


def _load_totals(
    load_summary: pd.DataFrame, columns: list[Any], numeric: Collection[Any]
) -> list[str]:
    """Total row cells: sums of the numeric columns, "Total" in the first."""
    foot = []
    for i, c in enumerate(columns):
        if c in numeric:
            total = pd.to_numeric(load_summary[c], errors="coerce").sum()
            foot.append(f'<td class="num">{_num(total)}</td>')
        else:
            foot.append("<td>Total</td>" if i == 0 else "<td></td>")
    return foot


def _flatten(params: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in params.items():
        name = f"{prefix}{key}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out += _flatten(dataclasses.asdict(value), name + ".")
        elif isinstance(value, Mapping):
            out += _flatten(value, name + ".")
        else:
            out.append((name, value))
    return out


def _params_section(params: Mapping[str, Any]) -> str:
    if not params:
        return "<p>No parameters recorded.</p>"
    rows = []
    for key, value in _flatten(params):
        if isinstance(value, list | tuple | set | frozenset):
            text = ", ".join(str(v) for v in value)
        else:
            text = "(not set)" if _missing(value) else str(value)
        rows.append(f"<tr><th>{escape_html(key)}</th><td>{escape_html(text)}</td></tr>")
    return f"<table><tbody>{''.join(rows)}</tbody></table>"


def index_html(
    *,
    districts: gpd.GeoDataFrame,
    opportunities: gpd.GeoDataFrame,
    settings: OutputSettings | None = None,
    content: CountyContent | None = None,
    district_files: Mapping[str, Mapping[str, str]],
    offline: bool = False,
    shade_by: str = "n_colocations",
    ledger_href: str | None = "load_ledger.csv",
    assets: gpd.GeoDataFrame | None = None,
    context: MapContext | None = None,
    **keywords: Unpack[OutputKeywords],
) -> str:
    """Return the county overview page as HTML.

    Parameters
    ----------
    districts
        District boundaries (``district_code``, ``district_name``, geometry).
    opportunities
        The scored cluster table.
    settings, content, **keywords
        What every output prints (:class:`~kentassets.render.settings.OutputSettings`)
        and the county tables (:class:`~kentassets.render.settings.CountyContent`),
        built once by the pipeline; or, as before, any of their fields as a
        keyword (``title=``, ``synthetic=``, ...), which replaces the record's value.
    district_files
        District code -> ``{"html": relpath, "pdf": relpath}``. Links that are
        not relative paths inside the output folder are dropped.
    offline
        Draw no tiles on the county map: no network requests.
    shade_by
        ``"n_colocations"`` or ``"saving_gbp"`` for the county map.
    ledger_href
        Relative link to the load ledger CSV, or None.
    assets
        Optional assets frame: adds an asset count per district.
    context
        The map context of the county map, already read
        (``kentassets.io.context.study_context``; ``None`` draws none).

    Returns
    -------
    str
        A complete HTML document.

    Raises
    ------
    ValidationError
        If ``shade_by`` is not allowed.
    """
    s, c = resolve_output(settings, content, keywords, where="index_html")
    title, data_date, synthetic = s.title or "", s.data_date, s.synthetic
    load_summary, totals, params = c.load_summary, c.totals or {}, c.params or {}
    decisions_to_review, plan, service_reach = c.decisions_to_review, c.plan, c.service_reach
    source = s.boundary_source or districts.attrs.get("boundary_source")
    m = county_map(
        districts,
        opportunities,
        shade_by=shade_by,
        offline=offline,
        settings=replace(s, title=title, boundary_source=source),
        district_files=district_files,
        context=context,
        service_reach=service_reach,
    )
    header = _page_header(
        title=title,
        data_date=data_date,
        n_districts=len(districts),
        synthetic=synthetic,
        derived=source == "derived",
    )
    body = f"""
<main>
{header}
<section aria-labelledby="h-totals">
<h2 id="h-totals">County totals against the savings target</h2>
{_totals_section(totals)}
</section>
{progress_html(totals.get("progress"))}
{decisions_html(opportunities)}
{review_html(decisions_to_review)}
<section aria-labelledby="h-map">
<h2 id="h-map">County map</h2>
<iframe class="kent-map" title="County map of co-location opportunities"
 srcdoc="{escape_html(map_html(m))}" allowfullscreen></iframe>
<p class="kent-print-only kent-small">The interactive county map is not printed; open this
page in a browser to use it, or see each district's PDF map.</p>
</section>
<section aria-labelledby="h-districts">
<h2 id="h-districts">Districts</h2>
{_districts_section(districts, opportunities, district_files, assets, _planned(plan))}
</section>
{plan_html(plan)}
{_reach_section(service_reach)}
<section aria-labelledby="h-load">
<h2 id="h-load">Data loaded, per agency</h2>
{_load_section(load_summary, ledger_href)}
</section>
<section aria-labelledby="h-params">
<h2 id="h-params">Parameters used</h2>
{_params_section(params)}
</section>
<footer>
<p>{escape_html(style.attribution(s.attribution_year))}</p>
<p>Made with kentassets {escape_html(__version__)}.</p>
</footer>
</main>"""
    return _document(title, body)


def _planned(plan: pd.DataFrame | None) -> set[str]:
    """District codes with a section in the plan."""
    if plan is None:
        return set()
    return set(plan.loc[plan["row_type"] == "district total", schema.DISTRICT_CODE].astype(str))


def _page_header(
    *,
    title: str,
    data_date: date | datetime | str | None,
    n_districts: int,
    synthetic: bool,
    derived: bool,
) -> str:
    """The page's heading, date and district count, badges and boundary note."""
    sub = []
    if data_date is not None:
        sub.append("Data as at " + escape_html(_date_text(data_date)))
    sub.append(f"{n_districts} districts")
    badges = ""
    if synthetic:
        badges += f'<span class="kent-badge">{escape_html(style.SYNTHETIC_NOTE)}</span>'
    note = ""
    if derived:
        text = style.DERIVED_BOUNDARY_NOTE
        note = f'<p class="kent-note">{escape_html(text[0].upper() + text[1:])}.</p>'
    return f"""<header class="kent-head">
<h1>{escape_html(title)}</h1>
<p class="kent-sub">{DOT.join(sub)}</p>
{badges}{note}
</header>"""


def _document(title: str, body: str) -> str:
    """The complete HTML document round ``body``, with the inlined CSS and script."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape_html(title)}</title>\n"
        f"<style>{index_css()}</style>\n</head>\n<body>{body}\n"
        f"<script>{index_script()}</script>\n</body>\n</html>\n"
    )
