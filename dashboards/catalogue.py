"""The catalogue of Ofsted's publications on the pages: how current the grades shown are (the
newest report loaded, when Ofsted's list was last read), and whose latest grade a newer report,
listed by Ofsted but not loaded here, may have overtaken.

`read()` reads the catalogue in one query, whatever its size; the rest is plain values.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from inspections import frameworks as fw
from inspections.publications import MATCH_WINDOW, Publication

from .evidence import without_paths


@dataclass(frozen=True)
class NotLoaded:
    """An authority's newest graded report as Ofsted lists it, which is not loaded here."""

    published: date
    url: str
    state: str  # the Publication state's label: "Not fetched", "Refused" …
    reason: str = ""  # why refused or failed: file names, never a server's folders

    @classmethod
    def of(cls, entry):
        reason = without_paths(entry.reason)
        return cls(entry.published, entry.url, entry.get_state_display(), reason)

    @property
    def words(self):
        return f"a newer report (published {self.published:%-d %b %Y}) is not loaded"

    @property
    def its_words(self):
        """For an authority with no grade shown: nothing is newer."""
        return f"its newest report (published {self.published:%-d %b %Y}) is not loaded"

    @property
    def why(self):
        """The state, and why: "not fetched", "refused: 50204404.pdf: not a PDF" …"""
        state = self.state.lower()
        return f"{state}: {self.reason}" if self.reason else state

    def __str__(self):
        return f"{self.words} ({self.why})"


def _source(source):
    if source.startswith("seed list"):
        return "seed list"
    return "Ofsted's reports site" if source.startswith("http") else source


@dataclass(frozen=True)
class Currency:
    """How current the grades are: the newest graded report loaded here (Ofsted's date) and the
    oldest and newest check of a current authority's list against Ofsted's."""

    listed: int = 0  # graded reports in the catalogue
    loaded_to: date | None = None
    checked_from: datetime | None = None
    checked_to: datetime | None = None
    source: str = ""  # of the oldest check

    @property
    def catalogued(self):
        return bool(self.listed or self.checked_from)

    @property
    def loaded(self):
        if self.loaded_to is None:
            return "Reports loaded: none of the reports Ofsted lists is loaded yet."
        return f"Reports loaded up to: published by Ofsted {self.loaded_to:%-d %b %Y}."

    @property
    def checked(self):
        if self.checked_from is None:
            return "Ofsted's list has not been checked."
        first = f"{self.checked_from:%-d %b %Y}"
        last = f"{self.checked_to:%-d %b %Y}"
        if first == last:
            return f"Ofsted's list last checked: {first} ({_source(self.source)})."
        return (
            f"Ofsted's list last checked: between {first} ({_source(self.source)}) and {last}, "
            "authority by authority."
        )

    def __str__(self):
        if not self.catalogued:
            return (
                "Ofsted's list of published reports is not loaded here, so this page cannot say "
                "which reports are missing or how current the grades are."
            )
        return f"{self.loaded} {self.checked}"

    @property
    def short(self):
        """For a chart's subtitle."""
        if not self.catalogued:
            return "Ofsted's list of reports not loaded"
        loaded = (
            f"Reports published to {self.loaded_to:%-d %b %Y}"
            if self.loaded_to
            else "No report Ofsted lists loaded yet"
        )
        checked = f"{self.checked_from:%-d %b %Y}" if self.checked_from else "never"
        return f"{loaded}; Ofsted's list checked {checked}"


@dataclass(frozen=True)
class Catalogue:
    currency: Currency = field(default_factory=Currency)
    not_loaded: dict = field(default_factory=dict)  # {authority id: NotLoaded}
    checked: dict = field(default_factory=dict)  # {authority id: when its list was last read}

    def for_theme(self, theme):
        """Only the reports that may judge `theme`: one whose inspection (in the weeks before
        Ofsted published it) came after the theme was last judged cannot overtake its grade."""
        may_judge = {
            pk: m
            for pk, m in self.not_loaded.items()
            if not fw.theme_last_judged(theme, m.published - MATCH_WINDOW)
        }
        return Catalogue(self.currency, may_judge, self.checked)

    def after(self, authority_id, day):
        """The authority's NotLoaded if Ofsted published it after `day` (a grade's inspection
        date; None: no grade), else None."""
        missing = self.not_loaded.get(authority_id)
        return missing if missing and (day is None or missing.published > day) else None


def read():
    """The whole graded catalogue, once: its currency and the authorities whose newest graded
    report is not here (`Publication.is_missing`). One query."""
    entries = (
        Publication.objects.graded()
        .with_coverage()
        .select_related("authority__catalogue_check")
        .order_by("authority_id", "-published", "-id")
    )
    newest, checks, current, loaded_to, listed = {}, {}, {}, None, 0
    for e in entries:
        listed += 1
        newest.setdefault(e.authority_id, e)
        if e.state == Publication.State.STORED:
            loaded_to = max(loaded_to or e.published, e.published)
        check = getattr(e.authority, "catalogue_check", None)
        if check:
            checks[e.authority_id] = check.checked_at
            if e.authority.existed_until is None:
                current[e.authority_id] = (check.checked_at, check.source)
    oldest = min(current.values(), default=(None, ""))
    currency = Currency(
        listed, loaded_to, oldest[0], max((c for c, _ in current.values()), default=None), oldest[1]
    )
    missing = {pk: NotLoaded.of(e) for pk, e in newest.items() if e.is_missing}
    return Catalogue(currency, missing, checks)
