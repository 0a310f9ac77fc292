"""The record of each ingest run: when, started by whom or what, what it read, and each file it
refused, failed to store or stored unplaced, and why (read-only in the admin, "Import runs")."""

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from authorities.models import LocalAuthority


class ImportRun(models.Model):
    """One run of the ingest command: when, started by whom or what, what it read, what it
    refused. Dry runs store nothing and are not recorded."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)  # empty: the run did not finish
    started_by = models.CharField(max_length=200)
    paths = models.JSONField(default=list)
    reparse = models.BooleanField(default=False)
    files = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "import run"

    def __str__(self):
        return f"Ingest of {self.started_at:%Y-%m-%d %H:%M} by {self.started_by}"

    @transaction.atomic
    def finish(self, *, counts, summary, problems):
        """Record what the run did; `problems` are unsaved ImportProblems without their run."""
        self.counts, self.summary, self.finished_at = counts, summary, timezone.now()
        self.save()
        for problem in problems:
            problem.run = self
        ImportProblem.objects.bulk_create(problems)


class ImportProblemQuerySet(models.QuerySet):
    def refused_for(self, authority):
        """The authority's files that runs refused or failed and no later run stored, newest
        first (a report fixed by a later parser is no longer a problem)."""
        from .models import SourceDocument  # inspections.models imports this module

        stored = SourceDocument.objects.filter(path=models.OuterRef("path"))
        return (
            self.filter(authority=authority)
            .exclude(models.Exists(stored))
            .select_related("run")
            .order_by("-run__started_at", "path")
        )


class ProblemStatus(models.TextChoices):
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"
    UNPLACED = "unplaced", "Stored unplaced"  # no authority named: an editor places it


class ImportProblem(models.Model):
    """A file an import run refused or failed to store, and why."""

    Status = ProblemStatus

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    path = models.TextField()
    file_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.TextField()
    # The authority the file was for, from its parse or its download folder's URN, if known.
    authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_problems",
    )

    objects = ImportProblemQuerySet.as_manager()

    class Meta:
        ordering = ["run", "path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProblemStatus.values),
                name="inspections_importproblem_status_valid",
            )
        ]
        indexes = [
            # authority page: the refused reports of an authority, newest run first
            models.Index(fields=["authority", "run"], name="importproblem_authority"),
        ]

    def __str__(self):
        return f"{self.file_name}: {self.get_status_display().lower()}"
