"""Peer position: where an authority's latest grades stand among its statistical neighbours, its
region and England, theme by theme, and England's grades year by year.

Grades are ordinal, so a group is described by how many of its authorities hold each grade (and
what share of those with a grade that is), never by an average of the 1-4 score. An authority's
latest grade on a theme is the grade of the latest inspection of it or of a predecessor it took
over (Poole's for Bournemouth, Christchurch and Poole until BCP's own) that judged the theme.

The computation (`latest_per_authority`, `distribution`, `england_by_year`) is pure: it takes
plain `Graded` rows and lineages, so it is tested without a database. `peer_page()` reads the
database once for the whole page, whatever the number of authorities or inspections.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from authorities.models import (
    LocalAuthority,
    StatisticalNeighbour,
    lineage_edges,
    with_predecessors,
)
from inspections import frameworks as fw
from inspections.models import Judgement, SourceDocument

from . import catalogue
from .peer_figures import over_time_figure, position_figure

NEIGHBOUR_MODEL = StatisticalNeighbour.ModelVersion.CURRENT

# The four bands of Ofsted's scale, best first (keys are the CSS grade classes), and the band of
# each grade: "adequate" (SLAC, LAC) and "requires improvement" (SIF, ILACS) share the third.
BANDS = fw.BAND_NAMES
BAND_OF = fw.BAND_OF


@dataclass(frozen=True)
class Graded:
    """One graded judgement on a theme: whose inspection, when, and the grade."""

    authority_id: int
    inspection_id: int
    framework: str
    theme: str
    grade: str
    date: date
    demo: bool = False  # read from the project's demo data, not from a report

    @property
    def band(self):
        return BAND_OF[self.grade]

    @property
    def words(self):
        """The grade in its framework's words ('Requires improvement to be good' under ILACS)."""
        return fw.grade_words(self.framework, self.grade)

    @property
    def last_judged(self):
        """For a grade of an area no longer judged, "last judged under SLAC, to 2012"; else None."""
        return fw.last_judged(self.framework, fw.theme_area(self.framework, self.theme).key)


def latest_per_authority(graded, lineages, as_at=None):
    """{authority id: its latest Graded} among `graded` (one theme's), for each authority of
    `lineages` ({authority id: ids of it and its predecessors}) with any grade by `as_at`.

    Ties on the date (two predecessors inspected the same day, an SIF and an LSCB review of the
    same start) go to the authority's own inspection, then to the worse grade: a position is
    never made to look better than one of the grades it could be."""
    by_authority = defaultdict(list)
    for g in graded:
        if as_at is None or g.date <= as_at:
            by_authority[g.authority_id].append(g)
    latest = {}
    for pk, lineage in lineages.items():
        found = [g for member in lineage for g in by_authority.get(member, ())]
        if found:
            latest[pk] = max(
                found,
                key=lambda g, pk=pk: (
                    g.date,
                    g.authority_id == pk,
                    fw.GRADE_SCORES[g.grade],
                    g.inspection_id,
                ),
            )
    return latest


@dataclass
class Distribution:
    """How many of a group's authorities hold each band as their latest grade; those whose
    newest report Ofsted lists is not loaded here (`not_loaded`) are counted apart."""

    label: str
    members: int
    counts: dict = field(default_factory=dict)
    not_loaded: int = 0

    @property
    def graded(self):
        return sum(self.counts.values())

    @property
    def ungraded(self):
        return self.members - self.graded - self.not_loaded

    def share(self, band):
        """The share of the group's graded authorities in the band (None when none is graded):
        an authority without a grade, or whose grade a report not loaded here may have
        overtaken, is counted apart, never as a grade."""
        return self.counts[band] / self.graded if self.graded else None

    def cells(self):
        """[(band, label, count, share)] best first, for tables and hover text."""
        return [(b, label, self.counts[b], self.share(b)) for b, label in BANDS.items()]


def distribution(label, member_ids, latest, missing=frozenset()):
    """The group's count per band of `latest`; the authorities in `missing` (a newer report not
    loaded) are counted apart, grade or not."""
    counts = dict.fromkeys(BANDS, 0)
    members = list(dict.fromkeys(member_ids))
    apart = 0
    for pk in members:
        if pk in missing:
            apart += 1
        elif pk in latest:
            counts[latest[pk].band] += 1
    return Distribution(label, len(members), counts, apart)


def missing_at(latest, published, day):
    """The authorities whose newest report Ofsted lists (`published`: {authority id: Ofsted's
    date}, of reports not loaded here) was out by `day` and is newer than their latest grade."""
    return {
        pk
        for pk, when in published.items()
        if when <= day and (pk not in latest or when > latest[pk].date)
    }


def group_rows(distributions):
    """The groups' table turned on its side, one row a band: [(band, label, [(count, share)])]."""
    return [
        (band, label, [(d.counts[band], d.share(band)) for d in distributions])
        for band, label in BANDS.items()
    ]


def existed_on(authority, day):
    return (authority.existed_from is None or authority.existed_from <= day) and (
        authority.existed_until is None or authority.existed_until >= day
    )


def year_ends(graded, today):
    """[(year, as-at date)] from the first graded year to this one (as at today)."""
    if not graded:
        return []
    first = min(g.date.year for g in graded)
    return [(y, min(date(y, 12, 31), today)) for y in range(first, today.year + 1)]


def england_by_year(graded, authorities, lineages, today, published=None):
    """[(year, as-at date, Distribution)]: the authorities that existed at each year's end, each
    with its latest grade as at then (this year: as at today); those with a report not loaded
    here that was out by then counted apart (`published`, as for `missing_at`)."""
    out = []
    for year, day in year_ends(graded, today):
        members = [a.pk for a in authorities if existed_on(a, day)]
        latest = latest_per_authority(graded, {pk: lineages[pk] for pk in members}, day)
        missing = missing_at(latest, published or {}, day)
        out.append((year, day, distribution("England", members, latest, missing)))
    return out


# The page: one read of the database, then the pure functions above.


def graded_rows():
    """Every dated graded judgement, as Graded rows with its theme (areas without one left out)."""
    rows = Judgement.objects.filter(inspection__start_date__isnull=False).values_list(
        "inspection__authority_id",
        "inspection_id",
        "framework",
        "area",
        "grade",
        "inspection__start_date",
        "source_document__kind",
    )
    out = []
    for authority_id, inspection_id, framework, area, grade, day, kind in rows:
        theme = fw.theme_of(framework, area)
        if theme:
            demo = kind == SourceDocument.Kind.DEMO_DATA
            out.append(Graded(authority_id, inspection_id, framework, theme, grade, day, demo))
    return out


@dataclass
class NeighbourRow:
    authority: LocalAuthority
    dfe_rank: int
    latest: Graded | None
    source: LocalAuthority | None  # a predecessor whose inspection gave the grade
    missing: object = None  # catalogue.NotLoaded: a newer report, not loaded here


def ranked_neighbours(neighbours, latest, authorities, catalogue=None):
    """The neighbours worst grade first; within a grade the newest inspection first, then by
    name; those without a grade last. `neighbours` is [(LocalAuthority, DfE rank)]."""
    rows = []
    for authority, dfe_rank in neighbours:
        g = latest.get(authority.pk)
        source = authorities[g.authority_id] if g and g.authority_id != authority.pk else None
        missing = catalogue and catalogue.after(authority.pk, g and g.date)
        rows.append(NeighbourRow(authority, dfe_rank, g, source, missing))
    rows.sort(
        key=lambda r: (
            r.latest is None,
            -fw.GRADE_SCORES[r.latest.grade] if r.latest else 0,
            -(r.latest.date.toordinal()) if r.latest else 0,
            r.authority.name,
        )
    )
    return rows


def peer_page(authority, themes, today):
    """Everything the page shows for `authority` on `themes`."""
    read = catalogue.read()
    authorities = {a.pk: a for a in LocalAuthority.objects.all()}
    edges = lineage_edges()
    lineages = {pk: with_predecessors({pk}, edges) for pk in authorities}
    links = StatisticalNeighbour.objects.filter(authority=authority, model_version=NEIGHBOUR_MODEL)
    neighbours = [(authorities[n], rank) for n, rank in links.values_list("neighbour", "rank")]
    current = [a for a in authorities.values() if a.is_current]
    region = [a.pk for a in current if authority.region and a.region == authority.region]
    by_theme = defaultdict(list)
    for g in graded_rows():
        by_theme[g.theme].append(g)
    subtitle = f"Latest grades. {read.currency.short}"
    sections = []
    shows_demo = False
    for theme in themes:
        graded = by_theme[theme]
        latest = latest_per_authority(graded, lineages)
        shows_demo = shows_demo or any(g.demo for g in latest.values())
        mine = latest.get(authority.pk)
        found = read.for_theme(theme)
        published = {pk: m.published for pk, m in found.not_loaded.items()}
        missing = missing_at(latest, published, today)
        groups = [
            distribution(authority.name, [authority.pk], latest, missing),
            distribution("Statistical neighbours", [a.pk for a, _ in neighbours], latest, missing),
        ]
        if region:
            groups.append(distribution(authority.region, region, latest, missing))
        groups.append(distribution("England", [a.pk for a in current], latest, missing))
        years = england_by_year(graded, list(authorities.values()), lineages, today, published)
        own = [
            latest_per_authority(graded, {authority.pk: lineages[authority.pk]}, day).get(
                authority.pk
            )
            for _, day, _ in years
        ]
        chart_id = f"peers-{theme}"
        sections.append(
            {
                "theme": theme,
                "title": fw.THEMES[theme],
                "id": chart_id,
                "mine": mine,
                "mine_missing": found.after(authority.pk, mine and mine.date),
                "last_judged": fw.theme_last_judged(theme, today),
                "mine_source": authorities[mine.authority_id]
                if mine and mine.authority_id != authority.pk
                else None,
                "groups": groups,
                "group_rows": group_rows(groups),
                "neighbours": ranked_neighbours(neighbours, latest, authorities, found),
                "years": [(year, day, d, o) for (year, day, d), o in zip(years, own, strict=True)],
                "figures": [
                    {
                        "id": f"{chart_id}-position",
                        "figure": position_figure(theme, groups, subtitle, today),
                        "filename": f"ofsted-peers-{authority.slug}-{theme}-{today.isoformat()}",
                    },
                    {
                        "id": f"{chart_id}-years",
                        "figure": over_time_figure(
                            theme,
                            years,
                            own,
                            authority.name,
                            "England: latest grades at each year's end",
                            today,
                        ),
                        "filename": f"ofsted-england-{theme}-{today.isoformat()}",
                    },
                ],
            }
        )
    return {
        "sections": sections,
        "bands": BANDS,
        "neighbour_count": len(neighbours),
        "chart_data": [f for s in sections for f in s["figures"]],
        "shows_demo": shows_demo,
        "currency": read.currency,
    }
