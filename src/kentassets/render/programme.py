"""The programme on the outputs: decision statuses, decisions to review, progress.

Small pieces shared by the index page, the district maps and the atlas, so
that each renderer adds one line where it shows them. Every value from the
inputs is escaped (:func:`kentassets.safety.escape_html`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from ..safety import escape_html, is_missing
from ._format import format_money

__all__ = [
    "STAGE_LABELS",
    "STATUS_LABELS",
    "decision_text",
    "decisions_html",
    "progress_html",
    "progress_lines",
    "progress_pairs",
    "review_html",
    "review_rows",
    "status_label",
]

#: How each decision status is written on the outputs.
STATUS_LABELS: Final = {
    "proposed": "Proposed",
    "pursue": "Pursue",
    "business_case": "Business case",
    "in_delivery": "In delivery",
    "done": "Done",
    "rejected": "Rejected",
    "on_hold": "On hold",
}
#: The stages of :func:`kentassets.rounds.decisions.progress`, as written on the outputs.
STAGE_LABELS: Final = {
    "realised": "Realised (done)",
    "committed": "Committed (business case, in delivery)",
    "pipeline": "Pipeline (pursue, shortlisted proposals)",
}


def status_label(status: Any) -> str:
    """The status as people write it (``business_case`` -> ``Business case``).

    Examples
    --------
    >>> status_label("business_case"), status_label(None)
    ('Business case', '')
    """
    if is_missing(status):
        return ""
    return STATUS_LABELS.get(str(status), str(status))


def _stage_cells(stage: Mapping[str, Any], years: int) -> tuple[str, str, str, str, str]:
    """Co-locations, a year, the estimate mark, over the period, share of target."""
    annual = float(stage.get("annual_gbp", 0.0))
    estimated = float(stage.get("estimated_gbp", 0.0))
    mark = "" if estimated <= 0 else (" (estimate)" if estimated >= annual else
                                      f" (of which {format_money(estimated)} estimated)")
    return (
        f"{int(stage.get('n', 0)):,}",
        format_money(annual),
        mark,
        format_money(stage.get("over_period_gbp", annual * years)),
        f"{100 * float(stage.get('share_of_target', 0.0)):.1f}%",
    )


def progress_lines(progress: Mapping[str, Any]) -> list[str]:
    """Progress toward the target as plain lines, for the PDF atlas cover.

    Examples
    --------
    >>> stage = {"n": 1, "annual_gbp": 100.0, "over_period_gbp": 400.0,
    ...          "share_of_target": 0.5, "estimated_gbp": 100.0}
    >>> progress_lines({"savings_target_gbp": 800.0, "target_years": 4,
    ...                 "realised": stage})[1]
    'Realised (done): 1 co-locations, £100 a year (estimate), £400 over 4 years, 50.0% of target'
    """
    years = int(progress.get("target_years", 4))
    lines = [f"Progress toward the {format_money(progress.get('savings_target_gbp'))} "
             f"target over {years} years"]
    for key, label in STAGE_LABELS.items():
        if key in progress:
            n, annual, mark, period, share = _stage_cells(progress[key], years)
            lines.append(f"{label}: {n} co-locations, {annual} a year{mark}, {period} over "
                         f"{years} years, {share} of target")
    return lines


def progress_html(progress: Mapping[str, Any] | None) -> str:
    """Progress toward the target as an HTML section ('' without progress figures).

    Examples
    --------
    >>> "Committed" in progress_html({"savings_target_gbp": 1e7, "target_years": 4,
    ...     "committed": {"n": 2, "annual_gbp": 5e4, "over_period_gbp": 2e5,
    ...                   "share_of_target": 0.02, "estimated_gbp": 5e4}})
    True
    """
    if not progress:
        return ""
    years = int(progress.get("target_years", 4))
    rows = []
    for key, label in STAGE_LABELS.items():
        if key not in progress:
            continue
        n, annual, mark, period, share = _stage_cells(progress[key], years)
        cells = (n, annual + mark, period, share)
        rows.append(f"<tr><th scope=\"row\">{escape_html(label)}</th>"
                    + "".join(f"<td class=\"num\">{escape_html(c)}</td>" for c in cells)
                    + "</tr>")
    target = format_money(progress.get("savings_target_gbp"))
    return (
        f"<section class=\"progress\"><h2>Progress toward the {escape_html(target)} target"
        f"</h2><table><thead><tr><th>Stage</th><th>Co-locations</th><th>A year</th>"
        f"<th>Over {years} years</th><th>Share of target</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table><p class=\"note\">Realised figures are the savings the decisions "
        "file records for completed co-locations; everything marked estimate is the model's "
        "estimated saving, counted as if it ran for the whole period (an upper bound).</p>"
        "</section>"
    )


def review_rows(to_review: pd.DataFrame | None) -> list[list[str]]:
    """Decisions to review as rows of text: id, status, decided on, what to do."""
    if to_review is None or len(to_review) == 0:
        return []
    return [
        [str(r.get("colocation_id", "")), status_label(r.get("status")),
         "" if is_missing(r.get("decided_on")) else str(r.get("decided_on")),
         "" if is_missing(r.get("why")) else str(r.get("why"))]
        for r in to_review.to_dict("records")
    ]


def review_html(to_review: pd.DataFrame | None) -> str:
    """The "decisions to review" table as an HTML section ('' when there is none).

    Examples
    --------
    >>> review = pd.DataFrame({"colocation_id": ["MAI-07"], "status": ["pursue"],
    ...     "decided_on": [None], "why": ["MAI-07 was merged into <MAI-02>"]})
    >>> "&lt;MAI-02&gt;" in review_html(review)
    True
    """
    rows = review_rows(to_review)
    if not rows:
        return ""
    body = "".join("<tr>" + "".join(f"<td>{escape_html(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (
        "<section class=\"review\"><h2>Decisions to review</h2><p>These decisions are on "
        "co-locations that were merged or are no longer co-locations in this round. They are "
        "kept here until the workshop moves or closes them.</p><table><thead><tr><th>Id</th>"
        "<th>Status</th><th>Decided on</th><th>What to do</th></tr></thead><tbody>"
        + body + "</tbody></table></section>"
    )


def decision_text(row: Mapping[str, Any]) -> str:
    """A co-location's decision in words, e.g. ``Business case (lead: Kent Police,
    decided 2026-11-20)``; '' when the row carries no decision columns.

    Examples
    --------
    >>> decision_text({"decision_status": "pursue", "decision_lead_agency": "KCC"})
    'Pursue (lead: KCC)'
    >>> decision_text({})
    ''
    """
    from ..rounds.decisions import DECISION_DATE, DECISION_LEAD, DECISION_NOTE, DECISION_STATUS

    status = row.get(DECISION_STATUS)
    if is_missing(status):
        return ""
    extra = []
    if not is_missing(row.get(DECISION_LEAD)):
        extra.append(f"lead: {row.get(DECISION_LEAD)}")
    if not is_missing(row.get(DECISION_DATE)):
        extra.append(f"decided {row.get(DECISION_DATE)}")
    if not is_missing(row.get(DECISION_NOTE)):
        extra.append(str(row.get(DECISION_NOTE)))
    return status_label(status) + (f" ({'; '.join(extra)})" if extra else "")


def decisions_html(opportunities: pd.DataFrame) -> str:
    """The co-locations with a workshop decision, as an HTML section ('' when none).

    One row per co-location whose status is not ``proposed``: id, district,
    place, status, lead agency, date and estimated saving; and the number of
    co-locations per status.
    """
    from ..rounds.decisions import DECISION_DATE, DECISION_LEAD, DECISION_STATUS

    if DECISION_STATUS not in opportunities.columns:
        return ""
    is_col = opportunities["is_colocation"].fillna(False).to_numpy(dtype=bool)
    opps = opportunities[is_col]
    counts = opps[DECISION_STATUS].fillna("proposed").value_counts()
    summary = "; ".join(f"{escape_html(status_label(s))}: {int(counts[s])}"
                        for s in STATUS_LABELS if s in counts.index)
    decided = opps[opps[DECISION_STATUS].fillna("proposed") != "proposed"]
    rows = []
    for rec in decided.sort_values("colocation_id").to_dict("records"):
        cells = [rec.get("colocation_id"), rec.get("district_name"), rec.get("largest_name"),
                 status_label(rec.get(DECISION_STATUS)), rec.get(DECISION_LEAD),
                 rec.get(DECISION_DATE)]
        rows.append("<tr>" + "".join(f"<td>{escape_html(c)}</td>" for c in cells)
                    + f"<td class=\"num\">{escape_html(format_money(rec.get('saving_gbp')))}"
                    + "</td></tr>")
    table = (
        "<table><thead><tr><th>Id</th><th>District</th><th>Place</th><th>Status</th>"
        "<th>Lead agency</th><th>Decided on</th><th>Estimated saving a year</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>" if rows else
        "<p>No decisions recorded yet: every co-location is proposed.</p>"
    )
    return (f"<section class=\"decisions\"><h2>Workshop decisions</h2><p>{summary}</p>{table}"
            "</section>")


def progress_pairs(progress: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Progress as (label, value) pairs for a narrow column such as the atlas cover.

    Examples
    --------
    >>> progress_pairs({"target_years": 4, "pipeline": {"n": 3, "annual_gbp": 5e4,
    ...     "share_of_target": 0.02, "estimated_gbp": 5e4}})
    [('Pipeline (pursue, shortlisted proposals): 3', '£50,000 a year (est.), 2.0%')]
    """
    if not progress:
        return []
    years = int(progress.get("target_years", 4))
    pairs = []
    for key, label in STAGE_LABELS.items():
        if key in progress:
            n, annual, mark, _, share = _stage_cells(progress[key], years)
            est = " (est.)" if mark == " (estimate)" else (" (part est.)" if mark else "")
            pairs.append((f"{label}: {n}", f"{annual} a year{est}, {share}"))
    return pairs
