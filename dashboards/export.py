"""The CSV exports, safe to open in Excel: one tidy row per judgement (`write_csv`), or the
latest grade of each current authority on each theme (`latest_rows`, `write_latest_csv`)."""

import csv
import re
from collections import defaultdict

from django.urls import reverse
from django.utils.text import slugify

from authorities.models import (
    LocalAuthority,
    StatisticalNeighbour,
    lineage_edges,
    with_predecessors,
)
from inspections import frameworks as fw
from inspections.publications import Publication

from . import peers
from .evidence import ofsted_provider_url
from .hexmap import retired_notes

COLUMNS = [
    "la_code",
    "gss_code",
    "authority",
    "region",
    "framework",
    "inspection_start",
    "inspection_end",
    "published",
    "lead_inspector",
    "ofsted_published",
    "ofsted_url",
    "theme",
    "area",
    "label",
    "grade",
    "grade_words",
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
    "inspection__authority__region",
    "framework",
    "inspection__start_date",
    "inspection__end_date",
    "inspection__published",
    "inspection__lead_inspector",
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
    (la_code, gss_code, name, region, framework, start, end, published, lead_inspector, area,
     label, grade,
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
        region,
        framework,
        _iso(start),
        _iso(end),
        _iso(published),
        neutralise(lead_inspector),
        _iso(ofsted_published),
        ofsted_url,
        theme,
        area,
        neutralise(label),
        grade,
        fw.grade_words(framework, grade),
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


# The latest-grades CSV: one row per current authority and theme, its latest grade by the peer
# page's rule (`peers.latest_per_authority`: the latest inspection of it or a predecessor that
# judged the theme), or the reason it has none.
LATEST_COLUMNS = [
    "la_code",
    "gss_code",
    "authority",
    "region",
    "statistical_neighbour_model",
    "statistical_neighbours",
    "theme",
    "graded_la_code",
    "graded_authority",
    "framework",
    "inspection_start",
    "inspection_end",
    "ofsted_published",
    "lead_inspector",
    "area",
    "grade",
    "grade_words",
    "not_judged_reason",
    "no_longer_judged",
    "needs_review",
    "review_reason",
    "corrected",
    "correction_reason",
    "evidence_url",
    "inspection_url",
    "ofsted_url",
    "newer_report_not_loaded",
]

LATEST_FIELDS = [
    "inspection__authority_id",
    "inspection_id",
    "framework",
    "area",
    "grade",
    "inspection__start_date",
    "inspection__end_date",
    "inspection__lead_inspector",
    "needs_review",
    "review_reason",
    "is_corrected",
    "correction_reason",
    "source_document_id",
    "source_document__file",
    "page",
    "line",
]


def _evidence_path(document_id, file, page, line):
    """As `evidence.evidence_url`, from plain values: the kept file at its page or line."""
    if not file:
        return ""
    url = reverse("dashboards:document", args=[document_id])
    if page:
        return f"{url}#page={page}"
    return f"{url}#line-{line}" if line else url


def latest_rows(judgements, inspections, authorities, themes, found, site=""):
    """The latest-grades rows (LATEST_COLUMNS) of `authorities` (current ones, in order) on
    `themes`, from the judgements in view (a queryset holding their predecessors' too).
    `inspections` is [(authority id, framework, start date)] of the inspections in view (for
    those that no longer judge a theme), `found` catalogue.read(), `site` the scheme and host
    that links start with. A fixed number of queries."""
    edges = lineage_edges()
    lineages = {a.pk: with_predecessors({a.pk}, edges) for a in authorities}
    members = {pk for lineage in lineages.values() for pk in lineage}
    codes = dict(LocalAuthority.objects.filter(pk__in=members).values_list("pk", "la_code"))
    names = dict(LocalAuthority.objects.filter(pk__in=members).values_list("pk", "name"))
    neighbours = defaultdict(list)
    for authority_id, code in (
        StatisticalNeighbour.objects.filter(
            authority__in=lineages, model_version=peers.NEIGHBOUR_MODEL
        )
        .order_by("authority_id", "rank")
        .values_list("authority_id", "neighbour__la_code")
    ):
        neighbours[authority_id].append(code)
    details, graded = {}, defaultdict(list)
    for values in judgements.filter(inspection__authority__in=members).values_list(*LATEST_FIELDS):
        authority_id, inspection_id, framework, area, grade, start = values[:6]
        theme = fw.theme_of(framework, area)
        if start is None or theme not in themes:
            continue
        g = peers.Graded(authority_id, inspection_id, framework, theme, grade, start)
        graded[theme].append(g)
        # Two areas of one inspection on a theme: the worse grade, as the peer page's rule.
        kept = details.get((inspection_id, theme))
        if kept is None or fw.GRADE_SCORES[grade] > fw.GRADE_SCORES[kept[4]]:
            details[(inspection_id, theme)] = values
    entries = published_by_ofsted()
    # An undated inspection has no place in time to retire a theme from (as its judgements have
    # none to be the latest).
    inspections = [i for i in inspections if i[2] is not None]
    rows = []
    for theme in themes:
        latest = peers.latest_per_authority(graded[theme], lineages)
        retired = retired_notes(theme, inspections, latest)
        missing_by = found.for_theme(theme) if found else None
        for a in authorities:
            g = latest.get(a.pk)
            v = details[(g.inspection_id, theme)] if g else None
            missing = missing_by and missing_by.after(a.pk, g and g.date)
            not_judged = retired.get(a.pk, "") or ("" if g else "No graded inspection in view")
            row = {
                "la_code": a.la_code,
                "gss_code": a.gss_code,
                "authority": a.name,
                "region": a.region,
                "statistical_neighbour_model": peers.NEIGHBOUR_MODEL,
                "statistical_neighbours": " ".join(neighbours[a.pk]),
                "theme": theme,
                "not_judged_reason": not_judged,
                "newer_report_not_loaded": _iso(missing and missing.published),
            }
            if v:
                (_, inspection_id, framework, area, grade, start, end, lead, review, reason,
                 corrected, correction, document_id, file, page, line) = v  # fmt: skip
                inspection_url = reverse("dashboards:inspection", args=[inspection_id])
                evidence = _evidence_path(document_id, file, page, line)
                ofsted_published, ofsted_url = entries.get(inspection_id, (None, ""))
                row |= {
                    "graded_la_code": codes[g.authority_id],
                    "graded_authority": names[g.authority_id],
                    "framework": framework,
                    "inspection_start": _iso(start),
                    "inspection_end": _iso(end),
                    "ofsted_published": _iso(ofsted_published),
                    "lead_inspector": lead,
                    "area": area,
                    "grade": grade,
                    "grade_words": fw.grade_words(framework, grade),
                    "no_longer_judged": g.last_judged or "",
                    "needs_review": "true" if review else "false",
                    "review_reason": reason,
                    "corrected": "true" if corrected else "false",
                    "correction_reason": correction,
                    "evidence_url": f"{site}{evidence}" if evidence else "",
                    "inspection_url": f"{site}{inspection_url}",
                    "ofsted_url": ofsted_url,
                }
            rows.append([neutralise(row.get(c, "")) for c in LATEST_COLUMNS])
    return rows


def write_latest_csv(out, rows):
    """The header and the rows of `latest_rows`, BOM first for Excel."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(LATEST_COLUMNS)
    writer.writerows(rows)
