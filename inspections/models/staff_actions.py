"""Each staff action, recorded as it is taken: a grade corrected, a correction reverted, a
flagged grade confirmed as parsed, a missing judgement added, an inspection's details corrected.

The model methods that take them (`Judgement.correct`, `revert`, `confirm`, `add_missing`,
`Inspection.correct`) write the row in their own transaction, dated as the history row they
write; nothing edits it afterwards. `export_corrections` is a query over these rows
(`inspections/corrections.py`). Rows for actions taken before they were recorded were rebuilt
from the history by migration 0011.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


# The words are the export's (`corrections.py`), so a row is exported as it is.
class Action(models.TextChoices):
    CORRECT_GRADE = "correct_grade", "Grade corrected"
    REVERT_GRADE = "revert_grade", "Correction reverted"
    CONFIRM_AS_PARSED = "confirm_as_parsed", "Confirmed as parsed"
    ADD_JUDGEMENT = "add_judgement", "Missing judgement added"
    CORRECT_INSPECTION = "correct_inspection", "Inspection details corrected"


def save_by_staff(instance, *, reason, user):
    """Save a judgement or inspection with a history row naming who and why; return its date,
    which the recorded action takes too."""
    at = timezone.now()
    instance._change_reason = reason
    instance._history_user = user
    instance._history_date = at
    try:
        instance.save()
    finally:
        del instance._history_date  # a later save (the ingest's) is dated when it happens
    return at


class StaffAction(models.Model):
    """One action of an editor, with who, when and why, and what it applied to."""

    Action = Action

    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The editor's name: kept when their account is deleted, and for an imported action whose
    # editor has no account here.
    username = models.CharField(max_length=150, blank=True)
    reason = models.TextField()
    inspection = models.ForeignKey(
        "Inspection", on_delete=models.CASCADE, related_name="staff_actions"
    )
    judgement = models.ForeignKey(
        "Judgement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_actions",
    )
    # The judgement's source when the action was taken: the document an export names it by.
    source_document = models.ForeignKey(
        "SourceDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The judgement as the action left it.
    area = models.CharField(max_length=80, blank=True)
    label = models.CharField(max_length=300, blank=True)
    grade = models.CharField(max_length=30, blank=True)
    parsed_grade = models.CharField(max_length=30, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    # What a confirmation cleared.
    review_reason = models.TextField(blank=True)
    # An inspection's corrected details as exported: the authority by its DfE LA code, dates in
    # ISO form.
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=Action.values),
                name="inspections_staffaction_action_valid",
            )
        ]

    def __str__(self):
        who = self.editor or "an unrecorded user"
        return f"{self.get_action_display()} by {who}, {self.at:%Y-%m-%d %H:%M}"

    @property
    def editor(self):
        """The editor's username today, or as recorded when they have no account here."""
        return self.user.username if self.user else self.username

    @classmethod
    def of_judgement(cls, action, judgement, *, at, user, username, reason, **facts):
        return cls.objects.create(
            action=action,
            at=at,
            user=user,
            username=username or (user.username if user else ""),
            reason=reason,
            inspection_id=judgement.inspection_id,
            judgement=judgement,
            source_document_id=judgement.source_document_id,
            area=judgement.area,
            label=judgement.label,
            grade=judgement.grade,
            parsed_grade=judgement.parsed_grade,
            **facts,
        )

    @classmethod
    def of_inspection(cls, inspection, fields, *, at, user, username, reason):
        return cls.objects.create(
            action=cls.Action.CORRECT_INSPECTION,
            at=at,
            user=user,
            username=username or (user.username if user else ""),
            reason=reason,
            inspection=inspection,
            fields={name: as_json(name, value) for name, value in sorted(fields.items())},
        )


def as_json(name, value):
    """A correctable detail as exported: the authority by its DfE LA code, a date in ISO form."""
    if name == "authority":
        return value.la_code if value is not None else None
    return value.isoformat() if isinstance(value, date) else value
