from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Inspection, Judgement, SourceDocument


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0
    fields = [
        "area",
        "label",
        "grade",
        "parsed_grade",
        "is_corrected",
        "needs_review",
        "page",
        "line",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


class SourceDocumentInline(admin.TabularInline):
    model = SourceDocument
    extra = 0
    fields = ["file_name", "kind", "pages", "status", "ingested_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["authority", "framework", "start_date", "end_date", "published", "needs_review"]
    list_filter = ["framework", "needs_review", "authority__region"]
    search_fields = ["authority__name", "authority__la_code", "lead_inspector"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["authority"]
    inlines = [JudgementInline, SourceDocumentInline]


@admin.register(Judgement)
class JudgementAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "area", "grade", "parsed_grade", "is_corrected", "needs_review"]
    list_filter = ["needs_review", "is_corrected", "framework", "grade", "area"]
    search_fields = ["inspection__authority__name", "label", "evidence_text", "review_reason"]
    readonly_fields = [
        "framework",
        "parsed_grade",
        "source_document",
        "page",
        "line",
        "evidence_text",
    ]
    list_select_related = ["inspection__authority"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "inspection", "pages", "status", "ingested_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "sha256", "path"]
    readonly_fields = ["sha256", "size_bytes", "pages", "ingested_at", "text_fingerprint"]
    list_select_related = ["inspection__authority"]
