"""The CSV export: one tidy row per judgement, safe to open in Excel."""

import csv
import re

from django.utils.text import slugify

from inspections import frameworks as fw
from inspections.publications import Publication

from .evidence import ofsted_provider_url

COLUMNS = [
    "la_code",
    "gss_code",
    "authority",
    "framework",
    "inspection_start",
    "inspection_end",
    "published",
    "ofsted_published",
    "ofsted_url",
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
    "line",
    "evidence_text",
    "parsed_grade",
    "correction_reason",
    "ofsted_provider_url",
    "newer_report_not_loaded",
    "ofsted_list_checked",
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
    "line",
    "evidence_text",
    "parsed_grade",
    "correction_reason",
    "inspection__authority__ofsted_urn",
    "inspection_id",
    "inspection__authority_id",
]


def _iso(day):
    return day.isoformat() if day else ""


def published_by_ofsted():
    """{inspection id: (Ofsted's date, Ofsted's URL)} of the catalogue entries whose file is one
    of an inspection's documents (the first Ofsted published, if several). One query."""
    found = {}
    for inspection_id, published, url in (
        Publication.objects.filter(document__inspection__isnull=False)
        .order_by("published", "id")
        .values_list("document__inspection_id", "published", "url")
    ):
        found.setdefault(inspection_id, (published, url))
    return found


def judgement_row(values, entries=None, themed=None):
    """The CSV row of one judgement's FIELDS values, in COLUMNS order, free text neutralised. The
    grade is the one everyone sees: a corrected grade when staff corrected it (and then
    `corrected` is true). Framework, theme, area and grade are the database's own choices, and
    dates and numbers are ours, so only the text read from documents needs neutralising.
    `entries` is `published_by_ofsted()` and `themed` {theme or "": catalogue.Catalogue
    .for_theme(theme)}: Ofsted's date and URL of the report, the date of a newer report of the
    authority not loaded here (one that may judge the row's theme), and when the authority's
    list was last checked against Ofsted's."""
    (la_code, gss_code, name, framework, start, end, published, area, label, grade,
     as_printed, corrected, review, file_name, page, line, evidence_text, parsed_grade,
     correction_reason, urn, inspection_id, authority_id) = values  # fmt: skip
    ofsted_published, ofsted_url = (entries or {}).get(inspection_id, (None, ""))
    theme = fw.theme_of(framework, area) or ""
    found = (themed or {}).get(theme)
    missing = found and found.after(authority_id, start)
    checked = found and found.checked.get(authority_id)
    return [
        neutralise(la_code),
        neutralise(gss_code),
        neutralise(name),
        framework,
        _iso(start),
        _iso(end),
        _iso(published),
        _iso(ofsted_published),
        ofsted_url,
        theme,
        area,
        neutralise(label),
        grade,
        neutralise(as_printed),
        fw.GRADE_SCORES[grade],
        "true" if corrected else "false",
        "true" if review else "false",
        neutralise(file_name or ""),
        "" if page is None else page,
        "" if line is None else line,
        neutralise(evidence_text),
        parsed_grade,
        neutralise(correction_reason),
        ofsted_provider_url(urn),
        _iso(missing and missing.published),
        _iso(checked and checked.date()),
    ]


def write_csv(out, judgements, entries=None, found=None):
    """Write the header and one row per judgement of a queryset to a text stream, BOM first
    for Excel (`entries` and `found` as for `judgement_row`)."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    themed = {"": found, **{t: found.for_theme(t) for t in fw.THEMES}} if found else {}
    writer.writerows(
        judgement_row(values, entries, themed)
        for values in judgements.values_list(*FIELDS).iterator(2000)
    )


# How many authorities a file name lists by name before it counts them instead.
NAMED_AUTHORITIES = 3
UNSAFE_RE = re.compile(r"[^a-z0-9-]+")


def file_name(filterset, today, kind="ofsted-judgements", suffix=".csv", theme=None):
    """The CSV's file name, stating its filters: `ofsted-judgements_<filters>_<date>.csv`, e.g.
    ofsted-judgements_hampshire-and-peers_help-and-protection_2026-11-30.csv. Only lowercase
    ASCII letters, digits, '-', '_' and '.', so it is safe in a Content-Disposition header.
    A chart's image is named the same way (`kind`, no `suffix`, the `theme` it draws)."""
    parts = []
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    if theme:
        data = {**data, "theme": theme}
    if data.get("group"):
        parts.append(data["group"].slug)
    if data.get("neighbours_of"):
        model = data.get("neighbour_model") or ""
        parts.append(f"neighbours-of-{data['neighbours_of'].slug}-{model}".rstrip("-"))
    chosen = list(data.get("authority") or [])
    if len(chosen) > NAMED_AUTHORITIES:
        parts.append(f"{len(chosen)}-authorities")
    else:
        parts += [a.slug for a in chosen]
    if data.get("region"):
        parts.append(data["region"])
    parts += sorted(data.get("framework") or [])
    for name in ("theme", "area"):
        if data.get(name):
            parts.append(data[name])
    if data.get("start"):
        parts.append(f"from-{data['start']:%Y-%m-%d}")
    if data.get("end"):
        parts.append(f"to-{data['end']:%Y-%m-%d}")
    if filterset.is_valid() and not (chosen or data.get("group") or data.get("neighbours_of")):
        parts.insert(0, "every-authority")
    words = [
        UNSAFE_RE.sub("-", slugify(str(p).replace("_", "-").replace(".", "-"))).strip("-")
        for p in parts
    ]
    stated = "_".join(w for w in words if w)[:150].rstrip("-_")
    return "_".join(w for w in [kind, stated, today.isoformat()] if w) + suffix
