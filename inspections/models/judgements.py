"""Where a grade is stored: `Judgement`, its grade as shown and as parsed, its evidence, and
every write rule on it (a reading taken, a flag raised, the staff's correct, revert, confirm and
add_missing, each recorded as a `StaffAction`)."""

from typing import NamedTuple

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .. import frameworks as fw
from .choices import Area, Framework, Grade
from .documents import SourceDocument
from .inspections import Inspection
from .staff_actions import StaffAction, save_by_staff


def _framework_grade_rule(framework_field, grade_field):
    """A Q that holds when the grade is one the framework uses (database-checkable)."""
    rule = Q(**{f"{grade_field}__isnull": True})
    for framework, grades in fw.FRAMEWORK_GRADES.items():
        rule |= Q(**{framework_field: framework, f"{grade_field}__in": grades})
    return rule


class JudgementQuerySet(models.QuerySet):
    def for_theme(self, theme):
        """Judgements of the areas the crosswalk puts on `theme` (fw.THEME_OF)."""
        rule = Q(pk__in=[])
        for framework, keys in fw.theme_areas(theme).items():
            rule |= Q(framework=framework, area__in=keys)
        return self.filter(rule)

    def with_related(self):
        return self.select_related("inspection__authority", "source_document")

    def for_authorities(self, authorities):
        """Judgements of inspections of these authorities (pass their lineage to include
        predecessors)."""
        return self.filter(inspection__authority__in=authorities)

    def for_dashboard(self):
        """What the dashboards draw: evidence and authority at hand, in inspection-date order."""
        return self.with_related().order_by(
            "inspection__start_date", "inspection__authority__name", "inspection_id", "id"
        )


def grade_in_words(grade):
    """A grade key as words in a sentence ('requires improvement')."""
    return fw.GRADE_NAMES.get(grade, grade).lower()


class TakenReading(NamedTuple):
    """What `Judgement.take_reading` did."""

    saved: bool
    flagged: bool  # a reason to review was added
    change: str  # a reparse: how the document's own earlier reading changed, in words


class GradeOnTheme:
    """What a judgement's framework, area and grade say: its theme, its place on the charts'
    scale and its grade in the framework's words. `Judgement` has them, and so has the plain row
    the compare page reads (`dashboards.charts.DrawnJudgement`)."""

    __slots__ = ()

    @property
    def theme(self):
        return fw.theme_of(self.framework, self.area)

    @property
    def score(self):
        """Ofsted's 1-4 scale, derived for charts: 1 outstanding, 4 inadequate."""
        return fw.GRADE_SCORES[self.grade]

    @property
    def grade_in_framework_words(self):
        """The grade as the framework says it ('Requires improvement to be good' under ILACS)."""
        return fw.grade_words(self.framework, self.grade)


class Judgement(GradeOnTheme, models.Model):
    """One graded judgement of an inspection, with the evidence it was read from.

    `grade` is what everyone sees; `parsed_grade` is what the ingest last read. They differ only
    when staff corrected the grade, and then `is_corrected` is set and the ingest never writes
    `grade` again. Every write that carries a rule is a method here: a reading taken
    (`from_reading`, `take_reading`), a flag raised (`flag`), and the staff's actions
    (`correct`, `add_missing`, `revert`, `confirm`).
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    # Copied from the inspection so the database itself can check area and grade against it.
    framework = models.CharField(max_length=20, choices=Framework.choices, editable=False)
    area = models.CharField(max_length=80, choices=Area.choices)
    label = models.CharField(max_length=300, help_text="The judgement's wording as printed.")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    parsed_grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    grade_as_printed = models.CharField(max_length=100, blank=True)
    source_document = models.ForeignKey(
        SourceDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="judgements"
    )
    page = models.PositiveIntegerField(null=True, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    evidence_text = models.TextField(blank=True)
    needs_review = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True)
    is_corrected = models.BooleanField(default=False)
    correction_reason = models.TextField(blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    # Staff added this judgement because the documents did not give it: a later ingest never
    # removes it and flags a reading that differs.
    added_by_staff = models.BooleanField(default=False)
    history = HistoricalRecords()
    # The history reason of a judgement `load_demo` wrote: the pages say where it came from.
    DEMO_DATA_REASON = "From the project's demo data (public facts)"

    objects = JudgementQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "area"], name="inspections_judgement_unique_area"
            ),
            models.CheckConstraint(
                condition=Q(grade__in=Grade.values), name="inspections_judgement_grade_valid"
            ),
            models.CheckConstraint(
                condition=_framework_grade_rule("framework", "grade"),
                name="inspections_judgement_grade_in_framework",
            ),
            models.CheckConstraint(
                condition=Q(parsed_grade="") | _framework_grade_rule("framework", "parsed_grade"),
                name="inspections_judgement_parsed_grade_in_framework",
            ),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(framework=f, area__in=[a.key for a in areas])
                        for f, areas in fw.AREAS.items()
                    ],
                    _connector=Q.OR,
                ),
                name="inspections_judgement_area_in_framework",
            ),
        ]
        indexes = [
            # review queue: flagged judgements first
            models.Index(fields=["needs_review"], name="judgement_needs_review"),
        ]

    def __str__(self):
        return f"{self.inspection} – {self.label}: {self.get_grade_display()}"

    def save(self, *args, **kwargs):
        self.framework = self.inspection.framework
        super().save(*args, **kwargs)

    @staticmethod
    def _evidence(document, found):
        return {
            "source_document": document,
            "page": found.evidence.page,
            "line": found.evidence.line,
            "evidence_text": found.evidence.text,
        }

    @classmethod
    @transaction.atomic
    def from_reading(cls, *, inspection, document, found):
        """A judgement first read, from `document` (`found`: a `parsing.FoundJudgement`): the
        grade shown is the grade read, with its evidence, flagged when the reading is unsure."""
        return cls.objects.create(
            inspection=inspection,
            area=found.area,
            label=found.label,
            grade=found.grade,
            parsed_grade=found.grade,
            grade_as_printed=found.grade_as_printed,
            needs_review=found.needs_review,
            review_reason=found.review_reason,
            **cls._evidence(document, found),
        )

    @transaction.atomic
    def take_reading(self, *, found, document):
        """Take a further reading of this judgement (`found`, read from `document`).

        - Staff added it when no document gave it: their grade stays, the reading is kept beside
          it (`parsed_grade`) with its evidence, and a different grade is flagged.
        - Staff corrected it: the correction stays; a reading that differs from the earlier
          parse is flagged with both values and kept as `parsed_grade`.
        - Its own source read again (a reparse): the new reading replaces the old, grade and
          evidence.
        - Another source reading a different grade: both are named in a flag, nothing is
          resolved by order.
        - Another source reading the same grade: its evidence replaces the old one's only when
          it is better evidence (`SourceDocument.evidence_rank`).

        A reason to review is added once. Saves, with one history row, only when something
        changed.
        """
        evidence = self._evidence(document, found)
        earlier = self.source_document
        # Only a reparse meets a judgement whose source is the document being stored.
        same_source = earlier is not None and earlier.pk == document.pk
        reasons = [found.review_reason] if found.needs_review else []
        changed = False
        change = ""
        new, old = grade_in_words(found.grade), grade_in_words(self.grade)
        if self.added_by_staff and not self.parsed_grade:
            if found.grade != self.grade:
                reasons.append(
                    f"{document.file_name} reads {new} where staff added {old}; the staff's "
                    "grade is kept"
                )
            self.parsed_grade = found.grade
            changed = True
        elif self.is_corrected:
            if found.grade != self.parsed_grade:
                parsed = grade_in_words(self.parsed_grade)
                reasons.append(
                    f"{document.file_name} now reads {new} where the earlier parse read "
                    f"{parsed}; the staff correction to {old} is kept"
                )
                if same_source:
                    change = (
                        f"{found.label}: {parsed} → {new}, the correction to {old} kept (flagged)"
                    )
                self.parsed_grade = found.grade
                changed = same_source
        elif same_source:
            if found.grade != self.grade:
                change = f"{found.label}: {old} → {new}"
                self.grade = self.parsed_grade = found.grade
                changed = True
        elif found.grade != self.grade:
            reasons.append(
                f"sources disagree: {document.file_name} reads {new}, "
                f"{earlier.file_name if earlier else 'an earlier source'} read {old}"
            )
        elif earlier is None or document.evidence_rank > earlier.evidence_rank:
            # The same grade from a better source: the report's PDF page in place of a text
            # conversion's line, a council paper's restatement or the demo note.
            changed = True
        if changed or same_source:
            printed = {"grade_as_printed": found.grade_as_printed}
            if not self.added_by_staff:
                printed["label"] = found.label
            for name, value in {**evidence, **printed}.items():
                changed |= getattr(self, name) != value
                setattr(self, name, value)
        flagged = self._add_reasons(reasons)
        if changed or flagged:
            verb = "Reparse" if same_source else "Ingest"
            self._change_reason = f"{verb} of {document.file_name}"
            self.save()
            return TakenReading(True, flagged, change)
        return TakenReading(False, False, change)

    def _add_reasons(self, reasons):
        """Flag for review with the reasons not held yet (unsaved); whether there were any."""
        known = self.review_reason.splitlines()
        new = [r for r in reasons if r not in known]
        if new:
            self.needs_review = True
            self.review_reason = "\n".join([*known, *new])
        return bool(new)

    @transaction.atomic
    def flag(self, reasons, *, why):
        """Flag the judgement for review with the reasons it does not hold yet (a reason is
        never added twice); `why` is the history row's reason. Returns whether it saved: False
        when every reason was there already."""
        if not self._add_reasons(reasons):
            return False
        self._change_reason = why
        self.save()
        return True

    def _save_by_staff(self, action, *, reason, user, username, **facts):
        """Save, with a history row and a `StaffAction` naming who, when and why."""
        at = save_by_staff(self, reason=reason, user=user)
        StaffAction.of_judgement(
            action, self, at=at, user=user, username=username, reason=reason, **facts
        )

    # Each staff action below takes `username` for an editor with no account here (an imported
    # action, `user` None), kept on the recorded action.

    @transaction.atomic
    def correct(self, *, grade, reason, user, at=None, username=""):
        """Staff set the grade; the parsed grade stays beside it and history records who and why.
        `at` is when it was corrected (default now; an imported correction keeps its own)."""
        if not reason.strip():
            raise ValueError("A correction needs a reason.")
        if not fw.grade_allowed(self.framework, grade):
            raise ValueError(f"{grade!r} is not a grade of {self.framework}.")
        self.grade = grade
        self.is_corrected = True
        self.correction_reason = reason
        self.corrected_by = user
        self.corrected_at = at or timezone.now()
        self._save_by_staff(
            StaffAction.Action.CORRECT_GRADE,
            reason=reason,
            user=user,
            username=username,
            corrected_at=self.corrected_at,
        )

    @classmethod
    @transaction.atomic
    def add_missing(cls, *, inspection, area, grade, reason, user, at=None, username=""):
        """Staff add a judgement the documents did not give (a page the parser could not read).

        It counts as a correction (never overwritten by the ingest, shown with its reason) with
        nothing parsed beside it; history records who added it and why. `at` is when it was
        added (default now; an imported one keeps its own).
        """
        if not reason.strip():
            raise ValueError("Adding a judgement needs a reason.")
        if area not in {a.key for a in fw.areas_for(inspection.framework)}:
            raise ValueError(f"{inspection.framework} has no judgement area {area!r}.")
        if not fw.grade_allowed(inspection.framework, grade):
            raise ValueError(f"{grade!r} is not a grade of {inspection.framework}.")
        if inspection.judgements.filter(area=area).exists():
            raise ValueError("The inspection already has this judgement: correct it instead.")
        judgement = cls(
            inspection=inspection,
            area=area,
            label=fw.area(inspection.framework, area).label,
            grade=grade,
            added_by_staff=True,
            is_corrected=True,
            correction_reason=reason,
            corrected_by=user,
            corrected_at=at or timezone.now(),
        )
        judgement._save_by_staff(
            StaffAction.Action.ADD_JUDGEMENT,
            reason=reason,
            user=user,
            username=username,
            corrected_at=judgement.corrected_at,
        )
        return judgement

    @transaction.atomic
    def revert(self, *, reason, user, username=""):
        """Go back to the parsed grade, recorded like any correction."""
        if not reason.strip():
            raise ValueError("Reverting a correction needs a reason.")
        if self.added_by_staff and not self.parsed_grade:
            raise ValueError(
                "Nothing was parsed for this judgement: there is no grade to go back to."
            )
        self.grade = self.parsed_grade or self.grade
        self.is_corrected = False
        self.correction_reason = ""
        self.corrected_by = None
        self.corrected_at = None
        self._save_by_staff(
            StaffAction.Action.REVERT_GRADE, reason=reason, user=user, username=username
        )

    @transaction.atomic
    def confirm(self, *, user, reason="Confirmed as parsed", username=""):
        """A reviewer agrees with the parsed grade: the flag clears and history keeps who did it."""
        confirmed = self.review_reason
        self.needs_review = False
        self.review_reason = ""
        self._save_by_staff(
            StaffAction.Action.CONFIRM_AS_PARSED,
            reason=reason,
            user=user,
            username=username,
            review_reason=confirmed,
        )
