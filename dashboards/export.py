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


# What a row is read from, in one query of plain values (no model instances), in COLUMNS order
# apart from theme and score, which follow from framework, area and grade.
FIELDS = [
    "inspection__authority__la_code",
    "inspection__authority__gss_code",
    "inspection__authority__name",
    "framework",
    "inspection__start_date",
    "inspection__end_date",
    "inspection__published",
    "area",
    "label",
    "grade",
    "grade_as_printed",
    "is_corrected",
    "needs_review",
    "source_document__file_name",
    "page",
]
THEMES = {(f, a.key): a.theme or "" for f, areas in fw.AREAS.items() for a in areas}


def _iso(day):
    return day.isoformat() if day else ""


def judgement_row(values):
    """The CSV row of one judgement's FIELDS values, in COLUMNS order, free text neutralised. The
    grade is the one everyone sees: a corrected grade when staff corrected it (and then
    `corrected` is true). Framework, theme, area and grade are the database's own choices, and
    dates and numbers are ours, so only the text read from documents needs neutralising."""
    (la_code, gss_code, name, framework, start, end, published, area, label, grade,
     as_printed, corrected, review, file_name, page) = values  # fmt: skip
    return [
        neutralise(la_code),
        neutralise(gss_code),
        neutralise(name),
        framework,
        _iso(start),
        _iso(end),
        _iso(published),
        THEMES[framework, area],
        area,
        neutralise(label),
        grade,
        neutralise(as_printed),
        fw.GRADE_SCORES[grade],
        "true" if corrected else "false",
        "true" if review else "false",
        neutralise(file_name or ""),
        "" if page is None else page,
    ]


def write_csv(out, judgements):
    """Write the header and one row per judgement of a queryset to a text stream, BOM first
    for Excel."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(map(judgement_row, judgements.values_list(*FIELDS).iterator(2000)))
