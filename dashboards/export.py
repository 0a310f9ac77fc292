"""The CSV export: one tidy row per judgement, safe to open in Excel."""

import csv

from inspections import frameworks as fw

COLUMNS = [
    "la_code",
    "gss_code",
    "authority",
    "framework",
    "inspection_start",
    "inspection_end",
    "published",
    "theme",
    "area",
    "label",
    "grade",
    "grade_as_printed",
    "score_1_4",
    "corrected",
    "needs_review",
    "source_document",
    "page",
]

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe; other values
    as they are. Numbers are left alone so that they stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iso(day):
    return day.isoformat() if day else ""


def judgement_row(j):
    """The CSV row of a judgement, in COLUMNS order. The grade is the one everyone sees: a
    corrected grade when staff corrected it (and then `corrected` is true)."""
    i, a = j.inspection, j.inspection.authority
    return [
        a.la_code,
        a.gss_code,
        a.name,
        j.framework,
        _iso(i.start_date),
        _iso(i.end_date),
        _iso(i.published),
        fw.area(j.framework, j.area).theme or "",
        j.area,
        j.label,
        j.grade,
        j.grade_as_printed,
        j.score,
        "true" if j.is_corrected else "false",
        "true" if j.needs_review else "false",
        j.source_document.file_name if j.source_document else "",
        j.page if j.page is not None else "",
    ]


def write_csv(out, judgements):
    """Write the header and one row per judgement to a text stream, BOM first for Excel."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for j in judgements:
        writer.writerow([neutralise(v) for v in judgement_row(j)])
