"""An inspection: one event of one authority, however many documents describe it; its details
as read and as staff corrected them, and the write rules on them (`merge_reading`, `flag`,
`correct`)."""

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import get_text_list
from simple_history.models import HistoricalRecords

from authorities.models import LocalAuthority

from .. import frameworks as fw
from .choices import AreaStatus, DocumentKind, Framework
from .staff_actions import StaffAction, save_by_staff


class InspectionQuerySet(models.QuerySet):
    def for_authority(self, authority):
        """The authority's own inspections and its predecessors' (shown as theirs)."""
        return self.filter(authority__in=authority.lineage())

    def graded(self):
        return self.exclude(framework__in=fw.UNGRADED_FRAMEWORKS)

    def for_dashboard(self):
        """Inspections with their authority and documents at hand, in date order."""
        return (
            self.select_related("authority")
            .prefetch_related("documents")
            .order_by("start_date", "authority__name", "id")
        )


class Inspection(models.Model):
    """One inspection event of one authority, however many documents describe it."""

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="inspections"
    )
    framework = models.CharField(max_length=20, choices=Framework.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    published = models.DateField(null=True, blank=True)
    lead_inspector = models.CharField(max_length=200, blank=True)
    not_judged = models.JSONField(
        default=list, blank=True, help_text="Areas the report printed as 'Not judged'."
    )
    needs_review = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True)
    corrected_fields = models.JSONField(
        default=list, blank=True, help_text="Fields staff corrected; the ingest leaves them alone."
    )
    # What the ingest read, kept beside a staff correction (as Judgement.parsed_grade is): a
    # further source is matched on these, so a new copy of a corrected report still joins.
    parsed_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="authority as read",
    )
    parsed_start_date = models.DateField("start date as read", null=True, blank=True)
    parsed_end_date = models.DateField("end date as read", null=True, blank=True)
    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()

    # What staff may correct, and the parsed field kept beside each (None: not kept).
    CORRECTABLE = {
        "authority": "parsed_authority",
        "start_date": "parsed_start_date",
        "end_date": "parsed_end_date",
        "published": None,
        "lead_inspector": None,
    }
    # What a reading gives of the inspection's details: (field, the reading's name, in words).
    READ_DETAILS = [
        ("start_date", "inspection_start", "start date"),
        ("end_date", "inspection_end", "end date"),
        ("published", "published", "publication date"),
        ("lead_inspector", "lead_inspector", "lead inspector"),
    ]

    class Meta:
        ordering = ["authority__name", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "framework", "start_date"],
                name="inspections_inspection_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(framework__in=Framework.values),
                name="inspections_inspection_framework_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="inspections_inspection_dates_in_order",
            ),
        ]
        indexes = [
            # compare page and authority page: an authority's inspections in date order
            models.Index(fields=["authority", "start_date"], name="inspection_authority_date"),
            # ingest: the inspection a further source joins, found by what the parser read
            models.Index(
                fields=["parsed_authority", "framework", "parsed_start_date"],
                name="inspection_parsed_match",
            ),
        ]

    def __str__(self):
        when = self.start_date.isoformat() if self.start_date else "undated"
        return f"{self.authority} – {self.get_framework_display()}, {when}"

    def save(self, *args, **kwargs):
        if self._state.adding:  # a new inspection is what was read: parsed and shown agree
            for name, parsed_name in self.CORRECTABLE.items():
                if parsed_name:
                    shown, parsed = (self._meta.get_field(n).attname for n in (name, parsed_name))
                    if getattr(self, parsed) is None:
                        setattr(self, parsed, getattr(self, shown))
        super().save(*args, **kwargs)

    def get_framework_display(self):
        # Overrides Django's, which builds a dict of every choice on each call; the page of every
        # authority asks for it thousands of times.
        try:
            return Framework(self.framework).label
        except ValueError:
            return self.framework

    def get_absolute_url(self):
        # Reversed once per object: the page of every authority asks each inspection for it in
        # every chart and table (thousands of times).
        if self.__dict__.get("_url_of") != self.pk:
            self._url_of, self._url = self.pk, reverse("dashboards:inspection", args=[self.pk])
        return self._url

    @property
    def is_graded(self):
        return self.framework not in fw.UNGRADED_FRAMEWORKS

    def area_status(self, area_key, judged_areas=None):
        """Tell a judged area from one printed 'not judged', one missing, one the framework
        never grades or no longer grades, and an ILACS children-in-care judgement given the other
        way (together or apart). `judged_areas` saves a query when the caller holds them."""
        if area_key not in {a.key for a in fw.areas_for(self.framework)}:
            return AreaStatus.NOT_IN_FRAMEWORK
        if judged_areas is None:
            judged_areas = set(self.judgements.values_list("area", flat=True))
        if area_key in judged_areas:
            return AreaStatus.JUDGED
        if self.framework == fw.ILACS:
            if area_key in fw.ILACS_SPLIT and fw.ILACS_COMBINED in judged_areas:
                return AreaStatus.JUDGED_TOGETHER
            if area_key == fw.ILACS_COMBINED and fw.ILACS_SPLIT.intersection(judged_areas):
                return AreaStatus.JUDGED_SEPARATELY
        if fw.retired(self.framework, area_key, self.start_date):
            return AreaStatus.RETIRED
        if area_key in self.not_judged:
            return AreaStatus.NOT_JUDGED
        return AreaStatus.MISSING

    def gap_reason(self, area_key, judged_areas=None):
        """Why the area holds no grade, as `fw.Gap(status, words, sentence)`; None when it is
        judged. `judged_areas` as for `area_status`."""
        status = self.area_status(area_key, judged_areas)
        if status == AreaStatus.JUDGED:
            return None
        return fw.gap(status, self.framework, area_key, self.start_date)

    @transaction.atomic
    def correct(self, *, user, reason, username="", **fields):
        """Staff correct metadata (dates, published, lead inspector, authority) with a reason.

        The parsed values stay as they were (`parsed_authority`, `parsed_start_date`,
        `parsed_end_date`), and the ingest leaves a corrected field alone from then on. The
        action is recorded (`StaffAction`); `username` names an editor with no account here (an
        imported action, `user` None).
        """
        if not reason.strip():
            raise ValueError("A correction needs a reason.")
        if set(fields) - set(self.CORRECTABLE):
            correctable = get_text_list(list(self.CORRECTABLE), "and")
            raise ValueError(f"Only {correctable} can be corrected.")
        for name, value in fields.items():
            setattr(self, name, value)
        self.corrected_fields = sorted(set(self.corrected_fields) | set(fields))
        at = save_by_staff(self, reason=reason, user=user)
        StaffAction.of_inspection(self, fields, at=at, user=user, username=username, reason=reason)

    @classmethod
    @transaction.atomic
    def from_reading(cls, *, authority, parsed):
        """A new inspection, as a document read it (`parsed`: a `parsing.ParsedDocument`)."""
        return cls.objects.create(
            authority=authority,
            framework=parsed.framework,
            start_date=parsed.inspection_start,
            end_date=parsed.inspection_end,
            published=parsed.published,
            lead_inspector=parsed.lead_inspector or "",
        )

    @transaction.atomic
    def merge_reading(self, parsed, *, source, replace=False):
        """Fill what the inspection lacks from another reading of it (`parsed`, read from the
        file named `source`); flag, never overwrite, what two sources disagree on.

        With `replace` (the reparse of the inspection's only source) the new reading replaces the
        old one. A field staff corrected is never written; where its parsed value is kept beside
        it (`CORRECTABLE`) that value is, and a reading that differs from the correction is
        flagged. Returns what changed, in words.
        """
        changed, conflicts = [], []
        for field_name, parsed_name, words in self.READ_DETAILS:
            corrected = field_name in self.corrected_fields
            kept_as = self.CORRECTABLE.get(field_name)  # the parsed value's field, if any
            if corrected and not kept_as:
                continue
            new = getattr(parsed, parsed_name) or None
            old = getattr(self, kept_as or field_name) or None
            if new is None or new == old:
                continue
            if old is not None and not replace:
                conflicts.append(
                    f"sources disagree on the {words}: {source} says {new}, kept {old}"
                )
                continue
            changed.append(f"{words} {old or 'none'} → {new}" if old else f"{words} {new}")
            if kept_as:
                setattr(self, kept_as, new)
            if not corrected:
                setattr(self, field_name, new)
            elif new != getattr(self, field_name):
                conflicts.append(
                    f"{source} reads the {words} as {new}; the staff correction to "
                    f"{getattr(self, field_name)} is kept"
                )
        if changed:
            self._change_reason = f"Filled from {source}"
            self.save()
        if conflicts:
            self.flag(conflicts)
        return changed

    @transaction.atomic
    def add_not_judged(self, areas):
        """Record areas a document printed as 'not judged'; one no document prints any more is
        kept (another source may print it)."""
        self.not_judged = sorted(set(self.not_judged) | set(areas))
        self.save(update_fields=["not_judged"])

    @transaction.atomic
    def drop_demo_data(self):
        """Once a report or council paper of the inspection is stored, the demo data is no longer
        its source: its demo document is deleted, unless something still names it (a judgement
        the stored documents do not give or read otherwise, one staff corrected, a staff
        action)."""
        if not self.documents.exclude(kind=DocumentKind.DEMO_DATA).exists():
            return
        named = StaffAction.objects.filter(source_document__isnull=False)
        self.documents.filter(kind=DocumentKind.DEMO_DATA, judgements__isnull=True).exclude(
            pk__in=named.values("source_document")
        ).delete()

    @transaction.atomic
    def flag(self, reasons, *, why="Flagged by the ingest"):
        """Flag the inspection for review, adding the reasons it does not hold yet; `why` is the
        history row's reason."""
        known = self.review_reason.splitlines()
        self.needs_review = True
        self.review_reason = "\n".join(known + [r for r in reasons if r not in known])
        self._change_reason = why
        self.save(update_fields=["needs_review", "review_reason"])
