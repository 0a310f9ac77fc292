import functools
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db.models import F, Model, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import condition, require_safe

from authorities.models import LocalAuthority, PeerGroup
from inspections import frameworks as fw
from inspections.models import (
    ImportProblem,
    Inspection,
    Judgement,
    SourceDocument,
)
from inspections.publications import MATCH_WINDOW, Publication

from . import catalogue, charts, evidence, export, hexmap, peers
from .export import write_csv
from .filters import DEFAULT_GROUP, JudgementFilter
from .models import DataVersion

PAGE_CACHE_SECONDS = 3600
# How long a worker waits for another worker that is building the same page before building it
# itself (a build that long has failed or hangs).
BUILD_WAIT_SECONDS = 10


@functools.cache
def _release():
    """A fingerprint of the code, templates and static files that draw the pages, so that a new
    release neither serves nor revalidates pages an older one cached."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, pattern in [("dashboards", "*.py"), ("templates", "**/*"), ("static", "**/*")]:
        for path in sorted((root / folder).glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _version(request):
    """(token, changed_at) of the data version, read once per request."""
    if not hasattr(request, "_data_version"):
        request._data_version = DataVersion.read()
    return request._data_version


def _etag(request, *args, **kwargs):
    # A page changes with the data, the day (charts and file names carry the date), a release,
    # and its reader: signed-in staff see the names of the editors, the public does not.
    reader = "staff" if request.user.is_staff else "public"
    return f"{_version(request)[0]}-{timezone.localdate():%Y%m%d}-{_release()}-{reader}"


def _last_modified(request, *args, **kwargs):
    changed_at = _version(request)[1]
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(changed_at, midnight) if changed_at else midnight


def _cached_page(key, build):
    """(response, hit): the page under `key` from the shared cache, or built and stored.

    After a write every worker meets the new token at once; the first to ask builds the page and
    the others wait for it rather than build it too (`cache.add` is atomic in every backend)."""
    response = cache.get(key)
    if response is not None:
        return response, True
    lock = f"{key}:building"
    if not cache.add(lock, 1, BUILD_WAIT_SECONDS):
        deadline = monotonic() + BUILD_WAIT_SECONDS
        while monotonic() < deadline:
            sleep(0.02)
            response = cache.get(key)
            if response is not None:
                return response, True
    try:
        response = build()
        if response.status_code == 200:
            cache.set(key, response, PAGE_CACHE_SECONDS)
    finally:
        cache.delete(lock)
    return response, False


def dashboard_view(page_key):
    """A read-only dashboard page: GET and HEAD only, behind login when settings.LOGIN_REQUIRED,
    answered with 304 Not Modified when the reader has it already (ETag and Last-Modified from
    the data version), and served from the cache until the data it shows changes.

    `page_key(request, **kwargs)` names the page among the others of its view, or is None for a
    page not worth keeping (filters with errors). Pages are the same for every reader of a kind
    (the public, signed-in staff): the ETag names the kind, and the cache key holds the ETag."""

    def decorator(view):
        @functools.wraps(view)
        def cached(request, *args, **kwargs):
            name = page_key(request, *args, **kwargs)
            if name is None:
                response, hit = view(request, *args, **kwargs), False
            else:
                digest = hashlib.sha256(name.encode()).hexdigest()
                key = f"page:{view.__name__}:{_etag(request)}:{digest}"
                response, hit = _cached_page(key, lambda: view(request, *args, **kwargs))
            # Load tests count hits and builds; `no-cache` makes browsers and proxies ask again
            # (a cheap 304) so that a correction shows at once.
            response["X-Page-Cache"] = "hit" if hit else "miss"
            patch_cache_control(response, no_cache=True)
            if settings.LOGIN_REQUIRED:  # a directive has no false form: left out, not "=False"
                patch_cache_control(response, private=True)
            return response

        conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(cached)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if settings.LOGIN_REQUIRED and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return conditional(request, *args, **kwargs)

        return require_safe(wrapper)

    return decorator


def _by_path(request, *args, **kwargs):
    # The detail pages read nothing from the query string, so any query gets the same page.
    return request.path


def _filters(request):
    """(filterset, data, default_view) of a filtered page, worked out once per request.

    A query string without any of the filters' parameters (none, or only `?utm_source=email`)
    means the default view, the "Hampshire and peers" group, on every page (compare, grid and
    CSV), so that /export.csv with a page's exact query string has that page's rows; the group is
    then made explicit in the page's form and links. A filter's parameter means exactly what it
    says: `?group=` is every authority. Only the filters' own parameters are kept, each value
    once, so links never carry a stranger's parameters on."""
    if hasattr(request, "_filters"):
        return request._filters
    data = QueryDict(mutable=True)
    default_view = False
    # Parameters the filters do not know (`?utm_source=email`) are not there at all.
    known = [name for name in JudgementFilter.base_filters if name in request.GET]
    if known:
        for name in known:
            values = list(dict.fromkeys(v for v in request.GET.getlist(name) if v))
            if values:
                data.setlist(name, values)
        if not data:
            data["group"] = ""  # every authority
    elif PeerGroup.objects.filter(slug=DEFAULT_GROUP).exists():
        data["group"] = DEFAULT_GROUP
        default_view = True
    filterset = JudgementFilter(data, queryset=Judgement.objects.for_dashboard())
    request._filters = filterset, data, default_view
    return request._filters


def _cleaned(value):
    if isinstance(value, QuerySet | list | tuple | set):
        return sorted(str(_cleaned(v)) for v in value)
    return value.pk if isinstance(value, Model) else value


def _by_filters(request, *args, **kwargs):
    """The page's cleaned filter values: queries that mean the same share one page."""
    filterset, data, default_view = _filters(request)
    if not filterset.is_valid():
        return None
    cleaned = {
        name: _cleaned(value)
        for name, value in sorted(filterset.form.cleaned_data.items())
        if value not in (None, "", [])
    }
    # The first authority named is the one drawn in colour among many (JudgementFilter.focus).
    first = data.getlist("authority")[:1]
    return f"{default_view}:{cleaned!r}:{first}"


def _filtered(request):
    filterset, data, default_view = _filters(request)
    rows = list(filterset.qs) if filterset.is_valid() else []
    return filterset, rows, data, default_view


def _with(data, **params):
    query = data.copy()
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


def _lines(filterset, rows, inspections):
    """Who is drawn: the map authority → line owner, the lines in order, and where lines join."""
    edges = filterset.edges()
    authorities = {j.inspection.authority_id: j.inspection.authority for j in rows}
    authorities.update({i.authority_id: i.authority for i in inspections})
    chosen = filterset.chosen()
    universe = None
    if chosen is not None:
        authorities.update({a.pk: a for a in chosen})
        universe = filterset.authority_ids()
    present = {j.inspection.authority_id for j in rows} | {i.authority_id for i in inspections}
    owner_of, continues = charts.lineage_lines(present, edges, universe)
    missing = {*owner_of.values(), *(pk for into in continues.values() for pk in into)}
    missing -= set(authorities)
    authorities.update(LocalAuthority.objects.in_bulk(missing))
    members = defaultdict(list)
    for authority_id in sorted(present, key=lambda pk: authorities[pk].name):
        members[owner_of[authority_id]].append(authorities[authority_id])
    order = [a.pk for a in chosen if a.pk in members] if chosen else []
    order += sorted((pk for pk in members if pk not in order), key=lambda pk: authorities[pk].name)
    focus = filterset.focus()
    focus_ids = {owner_of.get(focus.pk, focus.pk)} if focus else set()
    lines, joins = [], []
    for pk, look in zip(order, charts.looks(order, focus_ids), strict=True):
        owner = authorities[pk]
        lines.append((owner, charts.line_name(owner, members[pk]), look))
        if look.get("background"):
            continue  # a grey line's joins would crowd the chart's foot with labels
        for earlier in members[pk]:
            if earlier.pk != pk and earlier.existed_until:
                day = earlier.existed_until + timedelta(days=1)
                joins.append((day, earlier.name, [owner.name]))
        if pk in continues and owner.existed_until:
            day = owner.existed_until + timedelta(days=1)
            joins.append((day, owner.name, [authorities[s].name for s in continues[pk]]))
    drawn = {a.pk for pk in members for a in members[pk]} | set(members)
    without = [a for a in chosen or [] if a.pk not in drawn]
    return owner_of, continues, authorities, lines, charts.join_texts(joins), without


def _not_loaded(found, authorities):
    """[(authority, catalogue.NotLoaded)] of the authorities whose newest report is not here."""
    return [(a, found.not_loaded[a.pk]) for a in authorities if a.pk in found.not_loaded]


@dashboard_view(_by_filters)
def compare(request):
    filterset, rows, data, default_view = _filtered(request)
    today = timezone.localdate()
    chart_list, figures = [], []
    found = catalogue.read()
    if filterset.is_valid():
        inspections = list(filterset.inspections())
        owner_of, continues, authorities, lines, joins, without = _lines(
            filterset, rows, inspections
        )
        shown = sorted(authorities.values(), key=lambda a: a.name)
        description = filterset.describe()
        subtitle = "Ofsted grades by inspection date: " + description
        for theme in filterset.themes():
            entries = charts.theme_entries(theme, rows, inspections, owner_of, authorities)
            chart_id = f"chart-{theme}"
            figures.append(
                {
                    "id": chart_id,
                    "figure": charts.theme_figure(
                        theme, entries, lines, joins, subtitle, today, continues
                    ),
                    "filename": export.file_name(
                        filterset, today, kind="ofsted-chart", suffix="", theme=theme
                    ),
                }
            )
            chart_list.append(
                {
                    "id": chart_id,
                    "theme": theme,
                    "title": fw.THEMES[theme],
                    "entries": charts.newest_first(entries),
                    "judged": sum(not e.is_gap for e in entries),
                    "notes": charts.gap_notes(charts.newest_first(entries)),
                    "not_loaded": _not_loaded(found.for_theme(theme), shown),
                    "csv_query": _with(data, theme=theme),
                }
            )
    else:
        lines, without, description = [], [], ""
    return render(
        request,
        "dashboards/compare.html",
        {
            "filterset": filterset,
            "description": description,
            # Many lines: their list moves below the charts, folded, out of the reader's way.
            "many_lines": len(lines) > charts.MANY_LINES,
            "focus": filterset.focus() if filterset.is_valid() else None,
            "charts": chart_list,
            "chart_data": figures,
            "lines": lines,
            "without_inspections": without,
            "query": data.urlencode(),
            "default_view": default_view,
            "judgement_count": len(rows),
            "currency": found.currency,
            # The demo note only when demo grades are what the page shows.
            "shows_demo": any(
                j.source_document and j.source_document.kind == SourceDocument.Kind.DEMO_DATA
                for j in rows
            ),
        },
    )


@dashboard_view(_by_filters)
def export_csv(request):
    filterset, _, _ = _filters(request)
    name = export.file_name(filterset, timezone.localdate())
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    if not filterset.is_valid():
        response.status_code = 400
    # Newest first, as the page's tables list them (charts.newest_first).
    rows = filterset.qs.order_by(
        F("inspection__start_date").desc(nulls_last=True),
        "inspection__authority__name",
        "inspection_id",
        "id",
    )
    # One write into the response: a write per row costs more than the rows themselves.
    text = io.StringIO()
    write_csv(
        text,
        rows if filterset.is_valid() else Judgement.objects.none(),
        export.published_by_ofsted(),
        catalogue.read(),
    )
    response.write(text.getvalue())
    return response


@dataclass(frozen=True)
class GridCell:
    """What one cell of the grid shows: a grade in its framework's words with its flags, or why
    there is none (`gap`)."""

    grade: str = ""
    words: str = ""
    corrected: bool = False
    review: bool = False
    gap: str = ""


def _grid_cells(inspection, columns, judged, seen):
    """The cells of an inspection's row. `judged` is {area: (framework, grade, corrected,
    review)}; the grid of every authority has tens of thousands of cells but a few dozen
    distinct ones, each made once per request (`seen`)."""
    cells = []
    for area in columns:
        found = judged.get(area.key)
        key = inspection.gap_reason(area.key, judged).words if found is None else found
        if key not in seen:
            if found is None:
                cell = GridCell(gap=key)
            else:
                framework, grade, corrected, review = found
                cell = GridCell(grade, fw.grade_words(framework, grade), corrected, review)
            seen[key] = render_to_string("dashboards/_grid_cell.html", {"cell": cell})
        cells.append(seen[key])
    return cells


@dashboard_view(_by_filters)
def grid(request):
    filterset, data, default_view = _filters(request)
    tables, judgement_count = [], 0
    if filterset.is_valid():
        # Plain values, not model instances: the grid needs only these of each judgement.
        by_inspection = defaultdict(dict)
        for inspection_id, area, *rest in filterset.qs.values_list(
            "inspection_id", "area", "framework", "grade", "is_corrected", "needs_review"
        ):
            by_inspection[inspection_id][area] = tuple(rest)
            judgement_count += 1
        seen, authority_urls = {}, {}
        themes = set(filterset.themes())
        area_filter = filterset.form.cleaned_data.get("area")
        inspections = sorted(
            filterset.inspections(), key=lambda i: (i.authority.name, i.start_date or date.min)
        )
        for framework, areas in fw.AREAS.items():
            mine = [i for i in inspections if i.framework == framework]
            columns = [
                a
                for a in areas
                if (not area_filter or a.key == area_filter)
                and (len(themes) == len(fw.THEMES) or a.theme in themes)
            ]
            if not mine or not columns:
                continue
            body = []
            for inspection in mine:
                authority = inspection.authority
                if authority.pk not in authority_urls:
                    authority_urls[authority.pk] = authority.get_absolute_url()
                cells = _grid_cells(inspection, columns, by_inspection[inspection.pk], seen)
                body.append(
                    {"inspection": inspection, "authority_url": authority_urls[authority.pk],
                     "cells": cells}
                )  # fmt: skip
            columns = [(a, charts.area_section(a.key)) for a in columns]
            tables.append(
                {"framework": framework, "name": fw.FRAMEWORK_NAMES[framework], "columns": columns,
                 "rows": body}
            )  # fmt: skip
    return render(
        request,
        "dashboards/grid.html",
        {
            "filterset": filterset,
            "tables": tables,
            "query": data.urlencode(),
            "default_view": default_view,
            "judgement_count": judgement_count,
            "bands": fw.BAND_NAMES,
            "currency": catalogue.read().currency,
        },
    )


def _histories(judgements):
    """Each judgement's history rows (who, when, why), newest first, in one query."""
    history = defaultdict(list)
    records = (
        Judgement.history.filter(id__in=[j.pk for j in judgements])
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    for record in records:
        history[record.id].append(record)
    for j in judgements:
        j.history_rows = history[j.pk]
        j.section = charts.area_section(j.area)
    return judgements


def _inspections_with_judgements(inspections):
    judgements = Judgement.objects.select_related("source_document", "corrected_by")
    inspections = list(
        inspections.prefetch_related(Prefetch("judgements", queryset=judgements), "documents")
    )
    _histories([j for i in inspections for j in i.judgements.all()])
    return inspections


def _with_ofsted_entries(inspections, entries):
    """Each inspection's catalogue entries (`i.ofsted_entries`: those whose file is one of its
    documents), and the entries of none, in the order given."""
    by_document = {d.pk: i for i in inspections for d in i.documents.all()}
    for i in inspections:
        i.ofsted_entries = []
    loose = []
    for e in entries:
        inspection = by_document.get(e.document_id) or _covering(e, inspections)
        if inspection:
            inspection.ofsted_entries.append(e)
        else:
            loose.append(e)
    return loose


def _covering(entry, inspections):
    """The graded inspection an entry not stored here is of, when another source of it is here
    (`Publication.with_coverage`): the latest of the authority's that ended in the weeks before
    Ofsted published it."""
    if not getattr(entry, "covered", False):
        return None
    found = [
        i
        for i in inspections
        if i.authority_id == entry.authority_id
        and i.is_graded
        and (i.end_date or i.start_date)
        and entry.published - MATCH_WINDOW <= (i.end_date or i.start_date) <= entry.published
    ]
    return max(found, key=lambda i: i.end_date or i.start_date, default=None)


def _timeline(inspections, entries):
    """Inspections (newest first, as given) with the catalogue entries of no inspection placed
    by Ofsted's date among them: [("inspection" or "entry", object)]."""
    out, pending = [], sorted(entries, key=lambda e: e.published, reverse=True)
    for i in inspections:
        while pending and i.start_date and pending[0].published >= i.start_date:
            out.append(("entry", pending.pop(0)))
        out.append(("inspection", i))
    return out + [("entry", e) for e in pending]


@dashboard_view(_by_path)
def authority_detail(request, slug):
    authority = get_object_or_404(
        LocalAuthority.objects.select_related("catalogue_check"), slug=slug
    )
    # Newest first: the latest inspection is what an officer opens the page for.
    inspections = _inspections_with_judgements(
        Inspection.objects.for_authority(authority)
        .for_dashboard()
        .order_by("-start_date", "authority__name", "-id")
    )
    lineage = {authority.pk, *(i.authority_id for i in inspections)}
    entries = list(
        Publication.objects.filter(authority__in=lineage)
        .select_related("authority")
        .with_coverage()
        .order_by("-published", "-id")
    )
    newest = next((e for e in entries if e.is_graded and e.authority_id == authority.pk), None)
    missing = catalogue.NotLoaded.of(newest) if newest and newest.is_missing else None
    for e in entries:
        e.public_reason = evidence.without_paths(e.reason)
        e.is_newest_missing = e is newest and missing is not None
    loose = _with_ofsted_entries(inspections, entries)
    refused = list(ImportProblem.objects.refused_for(authority))
    for problem in refused:
        problem.public_reason = evidence.without_paths(problem.reason, problem.path)
    predecessors = sorted(
        {i.authority for i in inspections if i.authority_id != authority.pk}, key=str
    )
    successors = list(authority.successors.all())
    return render(
        request,
        "dashboards/authority_detail.html",
        {
            "authority": authority,
            "inspections": inspections,
            "predecessors": predecessors,
            "successors": successors,
            "flagged": sum(j.needs_review for i in inspections for j in i.judgements.all()),
            "corrected": sum(j.is_corrected for i in inspections for j in i.judgements.all()),
            "refused": refused,
            "timeline": _timeline(inspections, loose),
            "entries": entries,
            "entries_loaded": sum(e.state == Publication.State.STORED for e in entries),
            "check": getattr(authority, "catalogue_check", None),
            "missing": missing,
        },
    )


def _unjudged_text(inspection, area, judged):
    words = inspection.gap_reason(area.key, judged).words
    return words[0].lower() + words[1:]


@dashboard_view(_by_path)
def inspection_detail(request, pk):
    found = _inspections_with_judgements(
        Inspection.objects.select_related("authority").filter(pk=pk)
    )
    if not found:
        raise Http404("No such inspection.")
    inspection = found[0]
    _with_ofsted_entries(
        found, Publication.objects.filter(document__inspection=inspection).order_by("published")
    )
    judged = {j.area for j in inspection.judgements.all()}
    unjudged = [
        (a, _unjudged_text(inspection, a, judged))
        for a in fw.areas_for(inspection.framework)
        if a.key not in judged
    ]
    return render(
        request,
        "dashboards/inspection_detail.html",
        {"inspection": inspection, "unjudged": unjudged},
    )


def _by_peer_filters(request, *args, **kwargs):
    """The authority and theme chosen: queries that mean the same share one page."""
    filterset = peers.peer_filter(request)
    if not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    return f"{data['authority'].pk}:{data.get('theme') or ''}"


@dashboard_view(_by_peer_filters)
def peer_position(request):
    filterset = peers.peer_filter(request)
    context = {"filterset": filterset, "sections": [], "chart_data": []}
    if filterset.is_valid():
        authority = filterset.form.cleaned_data["authority"]
        theme = filterset.form.cleaned_data.get("theme")
        context["authority"] = authority
        themes = [theme] if theme else list(fw.THEMES)
        context.update(peers.peer_page(authority, themes, timezone.localdate()))
    return render(request, "dashboards/peers.html", context)


def readers_only(view):
    """GET and HEAD only, behind login when settings.LOGIN_REQUIRED: the dashboards' readers,
    for a view whose response is not a cached page (a source document)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.LOGIN_REQUIRED and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return require_safe(wrapper)


@readers_only
def document(request, pk):
    """A kept source document, inline: a PDF as itself (the viewer opens `#page=N`), a text as
    HTML with an anchor per line (`#line-N`). Demo data and documents without a file: 404."""
    document = get_object_or_404(SourceDocument.objects.select_related("inspection"), pk=pk)
    kind = evidence.file_kind(document)
    if kind is None:
        raise Http404("No file is kept for this document.")
    try:
        if kind == evidence.PDF:
            response = FileResponse(document.file.open("rb"), content_type="application/pdf")
        else:
            lines = evidence.text_lines(document)
            response = render(
                request, "dashboards/document_text.html", {"document": document, "lines": lines}
            )
    except FileNotFoundError as e:
        raise Http404("The document's file is missing from storage.") from e
    name = evidence.safe_file_name(document.file_name, ".pdf" if kind == evidence.PDF else ".html")
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["X-Content-Type-Options"] = "nosniff"
    # The file behind an id never changes (it is named by its content); only its reader may keep it.
    patch_cache_control(response, private=True, max_age=3600)
    return response


def _by_map_filters(request, *args, **kwargs):
    """The authority, theme and region chosen: queries that mean the same share one page."""
    filterset = hexmap.map_filter(request)
    if not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    return f"{data['authority'].pk}:{data['theme']}:{data.get('region') or ''}"


@dashboard_view(_by_map_filters)
def england_map(request):
    filterset = hexmap.map_filter(request)
    context = {"filterset": filterset, "chart_data": []}
    if filterset.is_valid():
        data = filterset.form.cleaned_data
        context.update(
            authority=data["authority"],
            theme=data["theme"],
            theme_title=fw.THEMES[data["theme"]],
            region=data.get("region") or "",
        )
        context.update(
            hexmap.map_page(
                data["authority"], data["theme"], context["region"], timezone.localdate()
            )
        )
    return render(request, "dashboards/map.html", context)
