"""A document the ingest read, kept with its hash, its file and, while unplaced, its reading."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import DocumentKind


class SourceDocument(models.Model):
    """One file the ingest read: an Ofsted report (PDF or text) or a council paper."""

    Kind = DocumentKind

    class Status(models.TextChoices):
        INGESTED = "ingested", "Ingested"
        NEEDS_REVIEW = "needs_review", "Ingested, needs review"
        # No authority could be named: kept, with its reading, for an editor to place.
        UNPLACED = "unplaced", "Unplaced: an editor must choose its authority"

    inspection = models.ForeignKey(
        "Inspection", on_delete=models.CASCADE, related_name="documents", null=True, blank=True
    )
    file_name = models.CharField(max_length=255)
    path = models.CharField(max_length=1000, blank=True, help_text="Where it was last read from.")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pages = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for text files.")
    size_bytes = models.PositiveBigIntegerField(default=0)
    ingested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INGESTED)
    error = models.TextField(blank=True, help_text="What the ingest was unsure of.")
    text_fingerprint = models.JSONField(
        default=list, blank=True, help_text="Hashes of word runs; finds other copies of a report."
    )
    # The file as read, named by its content (documents/<sha256>.<ext>); empty for demo data and
    # for documents stored before files were kept (`ingest --reparse` adds theirs).
    file = models.FileField(max_length=300, blank=True, editable=False)
    # The parser's reading (`ParsedDocument.as_json()`) of a document no authority could be named
    # for, kept until an editor places it (`inspections.ingest.place`).
    reading = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-ingested_at", "file_name"]
        permissions = [("place_sourcedocument", "Can place an unplaced document")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="inspections_sourcedocument_kind_valid",
            )
        ]

    def __str__(self):
        return self.file_name

    @property
    def is_pdf(self):
        return self.pages is not None

    @property
    def evidence_rank(self):
        """How good the document is as a grade's evidence, for comparing two: Ofsted's report
        over a council paper over the demo data, and a PDF (a page to open) over a text
        conversion of it."""
        weaker = [self.Kind.DEMO_DATA, self.Kind.COUNCIL_PAPER]
        kind = weaker.index(self.kind) if self.kind in weaker else len(weaker)
        return kind, self.is_pdf
