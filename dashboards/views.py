"""The dashboards' views: each reads the request, calls one function that assembles the page, and
renders it. Pages are cached and revalidated by `pagecache.dashboard_page`; who may read them is
`middleware.LoginRequiredMiddleware`'s business."""

import functools
import io

from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from authorities.models import LocalAuthority
from inspections import frameworks as fw
from inspections.models import Judgement, SourceDocument

from . import catalogue, charts, evidence, export, hexmap, peers, timeline
from . import grid as grids
from .filters import ExportFilter, JudgementFilter
from .forms import MapForm, PeerForm, successor_query
from .pagecache import dashboard_page


def judgements(request):
    return JudgementFilter(request.GET, queryset=Judgement.objects.for_dashboard())


@dashboard_page(judgements)
def compare(request, filterset):
    found = catalogue.read()
    context = {
        "filterset": filterset,
        "query": filterset.query(),
        "default_view": filterset.default_view,
        "currency": found.currency,
        "charts": [],
        "chart_data": [],
        "lines": [],
        "judgement_count": 0,
    }
    if filterset.is_valid():
        context.update(charts.compare_page(filterset, found))
    return render(request, "dashboards/compare.html", context)


def export_rows(request):
    site = request.build_absolute_uri("/").rstrip("/")
    return ExportFilter(request.GET, queryset=Judgement.objects.for_dashboard(), site=site)


@dashboard_page(export_rows)
def export_csv(request, filterset):
    kind = "ofsted-latest-grades" if filterset.latest else "ofsted-judgements"
    name = export.file_name(filterset, timezone.localdate(), kind=kind)
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    if not filterset.is_valid():
        response.status_code = 400  # and no rows: the filterset's queryset is empty
    text = io.StringIO()
    if filterset.latest:
        rows = []
        if filterset.is_valid():
            rows = export.latest_rows(
                filterset.qs,
                filterset.inspections().values_list("authority_id", "framework", "start_date"),
                filterset.current_authorities(),
                filterset.themes(),
                catalogue.read(),
                filterset.site,
            )
        export.write_latest_csv(text, rows)
        response.write(text.getvalue())
        return response
    # Newest first, as the page's tables list them (charts.newest_first).
    rows = filterset.qs.order_by(
        F("inspection__start_date").desc(nulls_last=True),
        "inspection__authority__name",
        "inspection_id",
        "id",
    )
    # One write into the response: a write per row costs more than the rows themselves.
    export.write_csv(text, rows, export.published_by_ofsted(), catalogue.read())
    response.write(text.getvalue())
    return response


@dashboard_page(judgements)
def grid(request, filterset):
    tables, judgement_count = grids.grid_tables(filterset) if filterset.is_valid() else ([], 0)
    return render(
        request,
        "dashboards/grid.html",
        {
            "filterset": filterset,
            "tables": tables,
            "query": filterset.query(),
            "default_view": filterset.default_view,
            "judgement_count": judgement_count,
            "bands": fw.BAND_NAMES,
            "currency": catalogue.read().currency,
        },
    )


@dashboard_page()
def authority_detail(request, slug):
    authority = get_object_or_404(
        LocalAuthority.objects.select_related("catalogue_check"), slug=slug
    )
    return render(request, "dashboards/authority_detail.html", timeline.authority_page(authority))


@dashboard_page()
def inspection_detail(request, pk):
    context = timeline.inspection_page(pk)
    if context is None:
        raise Http404("No such inspection.")
    return render(request, "dashboards/inspection_detail.html", context)


def to_successor(view):
    """A page asked for a former authority opens its successor's, which says so."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        query = successor_query(request.GET)
        if query is not None:
            return redirect(f"{request.path}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def peer_choice(request):
    return PeerForm(request.GET)


@to_successor
@dashboard_page(peer_choice)
def peer_position(request, form):
    context = {"form": form, "sections": [], "chart_data": []}
    if form.is_valid():
        authority, theme = form.cleaned_data["authority"], form.cleaned_data["theme"]
        context["authority"] = authority
        themes = [theme] if theme else list(fw.THEMES)
        context.update(peers.peer_page(authority, themes, timezone.localdate()))
    return render(request, "dashboards/peers.html", context)


def map_choice(request):
    return MapForm(request.GET)


@to_successor
@dashboard_page(map_choice)
def england_map(request, form):
    context = {"form": form, "chart_data": []}
    if form.is_valid():
        data = form.cleaned_data
        context.update(
            authority=data["authority"],
            theme=data["theme"],
            theme_title=fw.THEMES[data["theme"]],
            region=data["region"],
        )
        context.update(
            hexmap.map_page(
                data["authority"], data["theme"], context["region"], timezone.localdate()
            )
        )
    return render(request, "dashboards/map.html", context)


@require_safe
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
