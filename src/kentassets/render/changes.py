"""The "what changed" page: one self-contained HTML file, readable offline.

:func:`changes_html` returns the page as a string; it makes no network
request (no scripts, fonts or images from elsewhere). Every value from the
inputs is escaped with :func:`kentassets.safety.escape_html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..rounds.changes import ASSET_CHANGES, COLOCATION_CHANGES, ChangeReport
from ..safety import escape_html, is_missing
from ._format import format_number

__all__ = ["changes_html", "html_table"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:1.5rem auto;
max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.4}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #c8c8c8;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:600;background:#f7f7f7}p.note{color:#444;font-size:.9rem}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
"""

_LABELS = {
    "added": "added", "removed": "removed", "moved": "moved", "changed": "changed",
    "unchanged": "unchanged", "appeared": "appeared", "retired": "retired", "merged": "merged",
    "split": "split",
}


def html_table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str]],
    *,
    numeric: Sequence[str] = (),
    total_row: bool = False,
) -> str:
    """An escaped HTML table of ``frame``'s ``columns`` (``(column, heading)`` pairs).

    Examples
    --------
    >>> html_table(pd.DataFrame({"a": ["<b>"]}), [("a", "A")])
    '<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>'
    """
    head = "".join(f"<th>{escape_html(h)}</th>" for _, h in columns)
    body = []
    for i, rec in enumerate(frame.to_dict("records")):
        cells = []
        for col, _ in columns:
            value = rec.get(col)
            if col in numeric:
                cells.append(f'<td class="n">{format_number(value)}</td>')
            else:
                cells.append(f"<td>{'' if is_missing(value) else escape_html(value)}</td>")
        last = total_row and i == len(frame) - 1
        body.append(("<tr class=\"total\">" if last else "<tr>") + "".join(cells) + "</tr>")
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _summary(report: ChangeReport) -> str:
    assets, colocations = report.summary()
    return (f"<p><b>Assets:</b> {escape_html(assets)}<br><b>Co-locations:</b> "
            f"{escape_html(colocations)}</p>")


def _section(report: ChangeReport, level: str, change: str) -> str:
    rows = report.table[(report.table["level"] == level) & (report.table["change"] == change)]
    if rows.empty:
        return ""
    if level == "colocation":
        columns = [("old_id", "Previous id"), ("new_id", "New id"), ("district_name", "District"),
                   ("name", "Place"), ("agency", "Agencies"), ("detail", "What changed")]
        title = f"Co-locations {_LABELS[change]} ({len(rows):,})"
    else:
        columns = [("agency", "Agency"), ("district_name", "District"), ("old_id", "Previous id"),
                   ("new_id", "New id"), ("name", "Name"), ("matched_by", "Matched by"),
                   ("detail", "What changed")]
        title = f"Assets {_LABELS[change]} ({len(rows):,})"
    table = html_table(rows, columns)
    opened = " open" if level == "colocation" or len(rows) <= 30 else ""
    return f"<details{opened}><summary>{escape_html(title)}</summary>{table}</details>"


def changes_html(report: ChangeReport, *, title: str = "What changed") -> str:
    """The change report as a self-contained HTML page.

    Parameters
    ----------
    report
        From :func:`kentassets.rounds.changes.compare`.
    title
        Page heading; the two builds' labels follow it.

    Returns
    -------
    str
        The page: the summary, the per-district counts, the co-location changes,
        the asset changes (unchanged assets are counted, not listed) and the
        fields that were not compared.
    """
    districts = report.districts
    count_cols = [c for c in districts.columns if c != "district"]
    district_table = html_table(
        districts, [("district", "District"), *[(c, c) for c in count_cols]],
        numeric=count_cols, total_row=True,
    )
    sections = [_section(report, "colocation", c) for c in COLOCATION_CHANGES
                if c != "unchanged"]
    sections += [_section(report, "asset", c) for c in ASSET_CHANGES if c != "unchanged"]
    skipped = ""
    if len(report.not_compared):
        skipped = ("<h2>Not compared</h2>" + html_table(
            report.not_compared, [("agency", "Agency"), ("field", "Field"), ("why", "Why")]))
    p: dict[str, Any] = report.params
    rules = (
        f"<p class=\"note\">Assets are paired within each agency by the agency's own id, then "
        f"the reference in the id, then the UPRN, then the same place (postcode, or within "
        f"{p.get('place_m', 0):g} m) with a similar name; ids made up from a file's row numbers "
        f"never decide a match. A paired asset counts as moved beyond {p.get('moved_m', 0):g} m. "
        f"Co-locations are paired by their members (Jaccard overlap at least "
        f"{p.get('min_jaccard', 0):g}, or the larger part of a merge or split).</p>"
    )
    heading = f"{title}: {report.old_label} \u2192 {report.new_label}"
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>{escape_html(heading)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape_html(heading)}</h1>{_summary(report)}"
        f"<h2>Per district</h2>{district_table}"
        f"<h2>Changes</h2>{''.join(sections) or '<p>No changes.</p>'}{skipped}{rules}"
        "</body></html>\n"
    )
