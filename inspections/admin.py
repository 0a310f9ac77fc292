"""Staff read everything; Grade editors correct grades and inspection metadata, with a reason.

Judgements and inspections come from the ingest, so the admin neither adds nor deletes them, and
every change goes through a correction form whose reason lands in the history.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from . import ingest
from .forms import (
    AddJudgementForm,
    InspectionCorrectionForm,
    JudgementCorrectionForm,
    PlaceDocumentForm,
    RevertForm,
)
from .models import ImportProblem, ImportRun, Inspection, Judgement, SourceDocument, StaffAction
from .publications import CatalogueCheck, Publication


class StaffReadsMixin:
    """Every active staff member may read these pages; changing needs the model's permission."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class _HistoryChanges(HistoricalRecordContextHelper):
    """The history's "Changes" column, where an emptied link reads "—".

    simple-history shows a foreign key set to None as a deleted object, so a revert, which
    clears `corrected_by`, read "Corrected by: alice → Deleted user (pk=None)".
    """

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return "—"
        return super().prepare_delta_change_value(change, value)


class CorrectionAdmin(StaffReadsMixin, SimpleHistoryAdmin):
    """History with user, time and reason; no add, no delete, no revert-to-version."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring an old version would skip the reason; corrections use the change form.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        form.save_correction(request.user)

    def get_historical_record_context_helper(self, request, historical_record):
        return _HistoryChanges(self.model, historical_record)

    def _form_page(self, request, template, title, original, form, change_url):
        """A one-form page of its own (revert, add a judgement) under the object's breadcrumbs,
        from admin/<app>/<model>/<template>.html."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": original,
            "form": form,
            "change_url": change_url,
        }
        opts = self.opts
        return render(request, f"admin/{opts.app_label}/{opts.model_name}/{template}.html", context)

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # A reader sees no empty reason box.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "reason"]})
            for name, opts in self.fieldsets
        ]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class JudgementInline(ReadOnlyInline):
    model = Judgement
    fields = ["area", "label", "grade", "parsed_grade", "is_corrected", "needs_review", "page"]
    show_change_link = True


class SourceDocumentInline(ReadOnlyInline):
    model = SourceDocument
    fields = ["file_name", "kind", "pages", "status", "ingested_at"]
    show_change_link = True


@admin.register(Inspection)
class InspectionAdmin(CorrectionAdmin):
    form = InspectionCorrectionForm
    list_display = ["authority", "framework", "start_date", "end_date", "published", "needs_review"]
    list_filter = ["framework", "needs_review", "authority__region"]
    search_fields = ["authority__name", "authority__la_code", "lead_inspector"]
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["authority", "framework", ("start_date", "end_date"), "published"]}),
        (None, {"fields": ["lead_inspector", "not_judged", "needs_review", "review_reason"]}),
        ("Correction", {"fields": ["reason", "corrected_fields"]}),
        # What the ingest read stays beside a correction; further sources are matched on it.
        ("As read", {"fields": ["parsed_authority", ("parsed_start_date", "parsed_end_date")]}),
    ]
    readonly_fields = [
        "framework",
        "parsed_authority",
        "parsed_start_date",
        "parsed_end_date",
        "not_judged",
        "needs_review",
        "review_reason",
        "corrected_fields",
    ]
    history_list_display = ["corrected_fields"]
    inlines = [JudgementInline, SourceDocumentInline]

    def get_urls(self):
        add_judgement = path(
            "<path:object_id>/add-judgement/",
            self.admin_site.admin_view(self.add_judgement_view),
            name="inspections_inspection_add_judgement",
        )
        return [add_judgement, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_add_judgement": request.user.has_perm("inspections.change_judgement"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def add_judgement_view(self, request, object_id):
        """Editors add a judgement the documents did not give, with a reason."""
        inspection = get_object_or_404(Inspection, pk=object_id)
        if not request.user.has_perm("inspections.change_judgement"):
            raise PermissionDenied
        change_url = reverse("admin:inspections_inspection_change", args=[inspection.pk])
        form = AddJudgementForm(request.POST or None, inspection=inspection)
        if not form.fields["area"].choices:
            self.message_user(request, "Every judgement of this inspection is there.")
            return redirect(change_url)
        if request.method == "POST" and form.is_valid():
            judgement = form.save_correction(request.user)
            self.message_user(request, f"Added by staff: {judgement}.")
            return redirect(change_url)
        return self._form_page(
            request, "add_judgement", "Add a missing judgement", inspection, form, change_url
        )


@admin.register(Judgement)
class JudgementAdmin(CorrectionAdmin):
    """The review queue: flagged judgements first, each with its evidence and its document."""

    form = JudgementCorrectionForm
    list_display = [
        "inspection",
        "label",
        "grade",
        "parsed_grade",
        "is_corrected",
        "needs_review",
        "review_reason",
        "evidence",
        "document_link",
    ]
    list_filter = ["needs_review", "is_corrected", "framework", "grade", "area"]
    search_fields = ["inspection__authority__name", "label", "evidence_text", "review_reason"]
    ordering = ["-needs_review", "inspection", "id"]
    list_select_related = ["inspection__authority", "source_document"]
    actions = ["confirm_as_parsed"]
    fieldsets = [
        (None, {"fields": ["inspection", "framework", "area", "label"]}),
        ("Grade", {"fields": [("grade", "parsed_grade"), "grade_as_printed", "reason"]}),
        (
            "Correction",
            {"fields": ["is_corrected", "correction_reason", ("corrected_by", "corrected_at")]},
        ),
        ("Review", {"fields": ["needs_review", "review_reason"]}),
        ("Evidence", {"fields": ["document_link", ("page", "line"), "evidence_text"]}),
    ]
    readonly_fields = [
        "inspection",
        "framework",
        "area",
        "label",
        "parsed_grade",
        "grade_as_printed",
        "is_corrected",
        "correction_reason",
        "corrected_by",
        "corrected_at",
        "needs_review",
        "review_reason",
        "document_link",
        "page",
        "line",
        "evidence_text",
    ]
    history_list_display = ["grade", "parsed_grade", "is_corrected"]

    @admin.display(description="Evidence")
    def evidence(self, judgement):
        where = f"p. {judgement.page}, l. {judgement.line}: " if judgement.page else ""
        return where + Truncator(judgement.evidence_text).chars(120)

    @admin.display(description="Source document")
    def document_link(self, judgement):
        document = judgement.source_document
        if document is None:
            return "—"
        url = reverse("admin:inspections_sourcedocument_change", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document)

    @admin.action(description="Confirm as parsed", permissions=["change"])
    def confirm_as_parsed(self, request, queryset):
        flagged = queryset.filter(needs_review=True)
        for judgement in flagged:
            judgement.confirm(user=request.user)
        self.message_user(request, f"Confirmed {len(flagged)} judgements as parsed.")

    def get_urls(self):
        revert = path(
            "<path:object_id>/revert/",
            self.admin_site.admin_view(self.revert_view),
            name="inspections_judgement_revert",
        )
        return [revert, *super().get_urls()]

    def revert_view(self, request, object_id):
        """Go back to the parsed grade in one step, with a reason (like the password view)."""
        judgement = get_object_or_404(Judgement, pk=object_id)
        if not self.has_change_permission(request, judgement):
            raise PermissionDenied
        change_url = reverse("admin:inspections_judgement_change", args=[judgement.pk])
        if not judgement.is_corrected:
            self.message_user(request, "This grade is not corrected.", messages.WARNING)
            return redirect(change_url)
        form = RevertForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            judgement.revert(reason=form.cleaned_data["reason"], user=request.user)
            self.message_user(request, f"Reverted to the parsed grade: {judgement}.")
            return redirect(change_url)
        return self._form_page(
            request, "revert", "Revert to the parsed grade", judgement, form, change_url
        )


@admin.register(SourceDocument)
class SourceDocumentAdmin(StaffReadsMixin, admin.ModelAdmin):
    list_display = ["file_name", "kind", "inspection", "pages", "status", "ingested_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256", "path"]
    readonly_fields = ["sha256", "size_bytes", "pages", "ingested_at", "text_fingerprint"]
    list_select_related = ["inspection__authority"]
    actions = ["place_under_authority"]

    def has_delete_permission(self, request, obj=None):
        # The ingest writes documents; deleting one would drop the evidence of its judgements.
        return False

    def has_place_permission(self, request):
        return request.user.has_perm("inspections.place_sourcedocument")

    @admin.action(description="Place under an authority", permissions=["place"])
    def place_under_authority(self, request, queryset):
        unplaced = list(queryset.filter(status=SourceDocument.Status.UNPLACED)[:2])
        if len(unplaced) != 1:
            self.message_user(request, "Choose one unplaced document.", messages.WARNING)
            return None
        return redirect("admin:inspections_sourcedocument_place", unplaced[0].pk)

    def get_urls(self):
        place = path(
            "<path:object_id>/place/",
            self.admin_site.admin_view(self.place_view),
            name="inspections_sourcedocument_place",
        )
        return [place, *super().get_urls()]

    def place_view(self, request, object_id):
        """Name the authority of an unplaced document: its inspection and grades are stored."""
        document = get_object_or_404(SourceDocument, pk=object_id)
        if not self.has_place_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:inspections_sourcedocument_change", args=[document.pk])
        if document.status != SourceDocument.Status.UNPLACED:
            self.message_user(request, "This document is placed already.", messages.WARNING)
            return redirect(change_url)
        form = PlaceDocumentForm(request.POST or None, document=document)
        if request.method == "POST" and form.is_valid():
            authority = form.cleaned_data["authority"]
            outcome = ingest.place(
                document, authority, reason=form.cleaned_data["reason"], user=request.user
            )
            self.message_user(request, f"Placed {document} under {outcome.inspection}.")
            return redirect("admin:inspections_inspection_change", outcome.inspection.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Place under an authority",
            "opts": self.opts,
            "original": document,
            "form": form,
            "change_url": change_url,
        }
        return render(request, "admin/inspections/sourcedocument/place.html", context)


class ImportProblemInline(ReadOnlyInline):
    model = ImportProblem
    fields = ["file_name", "status", "reason", "authority", "path"]


@admin.register(ImportRun)
class ImportRunAdmin(StaffReadsMixin, admin.ModelAdmin):
    """Each ingest run as it happened: a record, so nobody adds, changes or deletes one."""

    list_display = ["started_at", "started_by", "files", "refused", "failed", "finished_at"]
    readonly_fields = ["started_at", "finished_at", "started_by", "paths", "reparse", "files",
                       "counts", "summary"]  # fmt: skip
    inlines = [ImportProblemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("problems")

    @admin.display(description="refused")
    def refused(self, run):
        return sum(p.status == ImportProblem.Status.REFUSED for p in run.problems.all())

    @admin.display(description="failed")
    def failed(self, run):
        return sum(p.status == ImportProblem.Status.FAILED for p in run.problems.all())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(StaffReadsMixin, admin.ModelAdmin):
    """What the ingest and fetch_reports record of Ofsted's list: read, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """The catalogue: every file Ofsted lists, and what became of it here."""

    list_display = ["authority", "published", "kind", "title", "state", "reason", "document"]
    list_filter = ["state", "kind", "authority"]
    search_fields = ["title", "url", "authority__name", "reason"]
    date_hierarchy = "published"
    list_select_related = ["authority", "document"]


@admin.register(CatalogueCheck)
class CatalogueCheckAdmin(ReadOnlyAdmin):
    list_display = ["authority", "checked_at", "source"]
    search_fields = ["authority__name", "source"]
    list_select_related = ["authority"]


@admin.register(StaffAction)
class StaffActionAdmin(ReadOnlyAdmin):
    """Each staff action as it was recorded (what `export_corrections` writes): read, never
    edited; an action is taken on its judgement's or inspection's page."""

    list_display = ["at", "action", "editor", "inspection", "area", "grade", "reason"]
    list_filter = ["action"]
    search_fields = ["reason", "username", "user__username", "inspection__authority__name"]
    date_hierarchy = "at"
    list_select_related = ["user", "inspection__authority"]
