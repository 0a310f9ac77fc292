"""The catalogue of what Ofsted has published for each authority, and how current it is.

A `Publication` is one file Ofsted lists on an authority's provider page: its URL, its title as
listed, the kind read from that title, Ofsted's publication date (not the date a report prints:
that is `Inspection.published`), when we first and last saw it listed, and what became of it
here. A `CatalogueCheck` says when an authority's list was last read, so a page can say how
current "latest" is instead of printing today's date.

The catalogue is filled by `load_publications` (the seed list) and `fetch_reports` (Ofsted's
provider pages); a report ingested by hand finds its entry through `match_document`.
"""

import re
from datetime import timedelta

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from authorities.models import LocalAuthority

from . import frameworks as fw

# Titles as Ofsted lists them, most specific first: "Focused visit", "Monitoring visit",
# "Joint targeted area inspection" (listed on provider pages as "Joint area child protection
# inspection"), "Children's services inspection", "Single inspection of LA children's services",
# "Inspection of safeguarding and looked after children services".
KIND_TITLES = (
    ("focused_visit", re.compile(r"\bfocused visit\b", re.I)),
    ("monitoring_visit", re.compile(r"\bmonitoring visit\b", re.I)),
    (
        "jtai",
        re.compile(
            r"\bjoint targeted area inspection\b|\bJTAI\b|\bjoint area child protection\b", re.I
        ),
    ),
    (
        "graded_inspection",
        re.compile(
            r"\b(?:children[’']s\s+services|looked\s+after\s+children|safeguarding|"
            r"children\s+in\s+need\s+of\s+help)\b.*\b(?:re-?)?inspection\b|"
            r"\b(?:re-?)?inspection\b.*\b(?:children[’']s\s+services|looked\s+after\s+children|"
            r"safeguarding)\b",
            re.I,
        ),
    ),
)

# A report is published some weeks after its inspection ends (ILACS: about seven; SIF and the
# older frameworks up to about four months). An entry further than this from the inspection is
# another report, or one the catalogue does not hold.
MATCH_WINDOW = timedelta(days=200)


def kind_of(title: str) -> str:
    """The kind of publication its listed title names ("other" when it names none)."""
    for kind, regex in KIND_TITLES:
        if regex.search(title):
            return kind
    return "other"


class PublicationKind(models.TextChoices):
    GRADED_INSPECTION = "graded_inspection", "Graded inspection"
    FOCUSED_VISIT = "focused_visit", "Focused visit"
    MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
    JTAI = "jtai", "Joint targeted area inspection"
    OTHER = "other", "Other"


class PublicationState(models.TextChoices):
    NOT_FETCHED = "not_fetched", "Not fetched"
    FETCHED = "fetched", "Fetched, not stored"
    STORED = "stored", "Stored"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class PublicationQuerySet(models.QuerySet):
    def graded(self):
        return self.filter(kind=PublicationKind.GRADED_INSPECTION)

    def with_coverage(self):
        """Each entry with `covered`: a graded inspection of its authority ended (or, with no
        end date, started) in the MATCH_WINDOW before Ofsted published it, so that its grades
        are here whether or not this file is (demo data, a copy the catalogue could not match)."""
        from .models import Inspection

        published = OuterRef("published")
        covering = (
            Inspection.objects.graded()
            .filter(authority=OuterRef("authority"))
            .annotate(day=Coalesce("end_date", "start_date"))
            .filter(day__lte=published, day__gte=Cast(published - MATCH_WINDOW, models.DateField()))
        )
        return self.annotate(covered=Exists(covering))


class Publication(models.Model):
    """One file Ofsted lists for an authority."""

    Kind = PublicationKind
    State = PublicationState

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="publications"
    )
    url = models.URLField("Ofsted URL", max_length=500, unique=True)
    title = models.CharField(max_length=300, help_text="The title as Ofsted lists it.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    published = models.DateField("published by Ofsted", help_text="The date Ofsted lists.")
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_FETCHED)
    reason = models.TextField(blank=True, help_text="Why it was refused or failed.")
    document = models.ForeignKey(
        "SourceDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
        help_text="The stored file of this report.",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["authority__name", "-published"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PublicationKind.values),
                name="inspections_publication_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=PublicationState.values),
                name="inspections_publication_state_valid",
            ),
            # "stored" means there is a file here to open
            models.CheckConstraint(
                condition=~Q(state="stored") | Q(document__isnull=False),
                name="inspections_publication_stored_has_document",
            ),
        ]
        indexes = [
            # pages: an authority's newest entries
            models.Index(fields=["authority", "-published"], name="publication_authority_date"),
        ]

    def __str__(self):
        return f"{self.authority} – {self.title} ({self.published:%d %b %Y})"

    @property
    def is_graded(self):
        return self.kind == self.Kind.GRADED_INSPECTION

    @property
    def is_missing(self):
        """Not here: neither stored nor covered by a graded inspection (`with_coverage()`)."""
        return self.state != self.State.STORED and not getattr(self, "covered", False)

    @transaction.atomic
    def record(self, *, state, reason="", document=None):
        """What became of the file here; a stored entry keeps its document."""
        self.state, self.reason = state, reason
        if document is not None:
            self.document = document
        self.save(update_fields=["state", "reason", "document"])

    @classmethod
    @transaction.atomic
    def record_listing(cls, authority, listed, *, seen, source):
        """Record what an authority's provider page (`source`, its URL) lists
        (`fetch.ListedPublication`s) and when it was read (the authority's CatalogueCheck): a new
        file gets an entry first seen now, a known one is last seen now. Returns the entries, in
        the page's order, and how many are new. A file another authority's entry already holds
        stays that authority's."""
        known = {p.url: p for p in cls.objects.filter(url__in=[item.url for item in listed])}
        entries, new = [], 0
        for item in listed:
            entry = known.get(item.url)
            if entry is None:
                entry = known[item.url] = cls.objects.create(
                    authority=authority,
                    url=item.url,
                    title=item.title,
                    kind=kind_of(item.title),
                    published=item.published,
                    first_seen=seen,
                    last_seen=seen,
                )
                new += 1
            elif entry.last_seen != seen:
                entry.last_seen = seen
                entry.save(update_fields=["last_seen"])
            entries.append(entry)
        CatalogueCheck.objects.update_or_create(
            authority=authority, defaults={"checked_at": seen, "source": source}
        )
        return entries, new

    @classmethod
    @transaction.atomic
    def match_document(cls, document):
        """Find the catalogue entry of a stored report and mark it stored; the entry or None.

        The entry is the authority's graded one that Ofsted published after the inspection
        ended, nearest to it (within MATCH_WINDOW); one another document of another inspection
        already holds is not taken. A document of an ungraded visit or a council paper, or an
        inspection with no dates, finds none: better no link than a wrong one.
        """
        known = document.publications.first()  # fetched from its entry's URL: that one
        if known is not None:
            return known
        inspection = document.inspection
        if (
            inspection is None
            or document.kind != document.Kind.INSPECTION_REPORT
            or inspection.framework in fw.UNGRADED_FRAMEWORKS
            or inspection.framework == fw.LSCB_REVIEW
        ):
            return None
        ended = inspection.end_date or inspection.start_date
        if ended is None:
            return None
        taken = cls.objects.filter(document__isnull=False).exclude(document__inspection=inspection)
        entry = (
            cls.objects.graded()
            .filter(
                authority=inspection.authority,
                published__gte=ended,
                published__lte=ended + MATCH_WINDOW,
            )
            .exclude(pk__in=taken.values("pk"))
            .order_by("published", "id")
            .first()
        )
        if entry and (entry.state != cls.State.STORED or entry.document_id is None):
            entry.record(state=cls.State.STORED, document=document)
        return entry


class CatalogueCheck(models.Model):
    """When an authority's list of publications was last read, and from where."""

    authority = models.OneToOneField(
        LocalAuthority, on_delete=models.CASCADE, related_name="catalogue_check"
    )
    checked_at = models.DateTimeField()
    source = models.CharField(
        max_length=300, help_text="Ofsted's provider page, or the seed list it came from."
    )

    class Meta:
        ordering = ["authority__name"]

    def __str__(self):
        return f"{self.authority}: checked {self.checked_at:%d %b %Y}"
