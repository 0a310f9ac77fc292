from typing import NamedTuple

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from simple_history.models import HistoricalRecords

from authorities.models import LocalAuthority

from .. import frameworks as fw


class Framework(models.TextChoices):
    SLAC = fw.SLAC, "SLAC"
    LAC = fw.LAC, "LAC"
    SIF = fw.SIF, "SIF"
    ILACS = fw.ILACS, "ILACS"
    LSCB_REVIEW = fw.LSCB_REVIEW, "LSCB review"
    FOCUSED_VISIT = fw.FOCUSED_VISIT, "Focused visit"
    MONITORING_VISIT = fw.MONITORING_VISIT, "Monitoring visit"
    JTAI = fw.JTAI, "Joint targeted area inspection"


# The grade words are the frameworks' (fw.GRADE_NAMES); members are named by key (Grade.GOOD).
Grade = models.TextChoices(
    "Grade", [(key.upper(), (key, name)) for key, name in fw.GRADE_NAMES.items()]
)


Theme = models.TextChoices("Theme", [(key, (key, label)) for key, label in fw.THEMES.items()])


def _area_label(key):
    return next(a.label for areas in fw.AREAS.values() for a in areas if a.key == key)


Area = models.TextChoices(
    "Area", [(k.upper().replace(".", "__"), (k, _area_label(k))) for k in fw.ALL_AREA_KEYS]
)


# Why a cell of the grid holds what it holds: a grade, or one of the kinds of empty, each a
# different fact; the words are the frameworks' (fw.GAPS).
AreaStatus = models.TextChoices(
    "AreaStatus",
    [("JUDGED", ("judged", "Judged"))]
    + [(status.upper(), (status, words)) for status, (words, _) in fw.GAPS.items()],
)


def _framework_grade_rule(framework_field, grade_field):
    """A Q that holds when the grade is one the framework uses (database-checkable)."""
    rule = Q(**{f"{grade_field}__isnull": True})
    for framework, grades in fw.FRAMEWORK_GRADES.items():
        rule |= Q(**{framework_field: framework, f"{grade_field}__in": grades})
    return rule


class DocumentKind(models.TextChoices):
    INSPECTION_REPORT = "inspection_report", "Inspection report"
    COUNCIL_PAPER = "council_paper", "Council paper"
    DEMO_DATA = "demo_data", "Project demo data (public facts)"


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

    def get_absolute_url(self):
        return reverse("dashboards:inspection", args=[self.pk])

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
    def correct(self, *, user, reason, **fields):
        """Staff correct metadata (dates, published, lead inspector, authority) with a reason.

        The parsed values stay as they were (`parsed_authority`, `parsed_start_date`,
        `parsed_end_date`), and the ingest leaves a corrected field alone from then on.
        """
        if not reason.strip():
            raise ValueError("A correction needs a reason.")
        if set(fields) - set(self.CORRECTABLE):
            correctable = get_text_list(list(self.CORRECTABLE), "and")
            raise ValueError(f"Only {correctable} can be corrected.")
        for name, value in fields.items():
            setattr(self, name, value)
        self.corrected_fields = sorted(set(self.corrected_fields) | set(fields))
        self._change_reason = reason
        self._history_user = user
        self.save()

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
    def flag(self, reasons, *, why="Flagged by the ingest"):
        """Flag the inspection for review, adding the reasons it does not hold yet; `why` is the
        history row's reason."""
        known = self.review_reason.splitlines()
        self.needs_review = True
        self.review_reason = "\n".join(known + [r for r in reasons if r not in known])
        self._change_reason = why
        self.save(update_fields=["needs_review", "review_reason"])


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


class Judgement(models.Model):
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

    @transaction.atomic
    def correct(self, *, grade, reason, user, at=None):
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
        self._change_reason = reason
        self._history_user = user
        self.save()

    @classmethod
    @transaction.atomic
    def add_missing(cls, *, inspection, area, grade, reason, user, at=None):
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
        judgement._change_reason = reason
        judgement._history_user = user
        judgement.save()
        return judgement

    @transaction.atomic
    def revert(self, *, reason, user):
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
        self._change_reason = reason
        self._history_user = user
        self.save()

    @transaction.atomic
    def confirm(self, *, user, reason="Confirmed as parsed"):
        """A reviewer agrees with the parsed grade: the flag clears and history keeps who did it."""
        self.needs_review = False
        self.review_reason = ""
        self._change_reason = reason
        self._history_user = user
        self.save()


# The record of ingest runs and the catalogue of Ofsted's publications live in modules of their
# own (one job each); their models are registered here, as every model of the app is.
from ..imports import ImportProblem, ImportRun, ProblemStatus  # noqa: E402, F401
from ..publications import CatalogueCheck, Publication  # noqa: E402, F401
