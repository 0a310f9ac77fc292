"""England at a glance: one hexagon per current authority, coloured by its latest grade on a theme,
with a chosen authority and its statistical neighbours outlined, and a table of the same grades.

The layout is reference data (`LocalAuthority.hex_q`, `hex_r`: the ODI Leeds hexmaps' "odd-r"
offset coordinates, odd rows half a hexagon to the right, r growing northwards). An authority's
latest grade on a theme is `peers.latest_per_authority()` over its own inspections: the map shows
each authority as it stands today, so a predecessor's grade is not drawn on its successor's
hexagon. Staff corrections are in the judgements' grades already; flags are read beside them.

`map_page()` reads the database a fixed number of times, whatever the number of authorities or
inspections; the rest is pure functions over what it read.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from authorities.models import LocalAuthority, StatisticalNeighbour
from inspections import frameworks as fw
from inspections.models import Inspection, Judgement

from . import catalogue, peers
from .figures import BAND_LOOK
from .map_figure import (
    GROUP_LABELS,
    GROUP_ORDER,
    MARKS,
    NEUTRAL,
    NOT_LOADED_MARK,
    UNGRADED,
    map_figure,
)


@dataclass
class MapRow:
    """One authority on the map and in the table."""

    authority: LocalAuthority
    latest: peers.Graded | None
    role: str = ""  # "chosen", "neighbour" or ""
    flagged: bool = False
    corrected: bool = False
    retired: str = ""  # why a newer inspection of it did not judge the theme
    in_region: bool = True
    missing: object = None  # catalogue.NotLoaded: a newer report, not loaded here

    @property
    def band(self):
        return self.latest.band if self.latest else UNGRADED

    @property
    def inspection_url(self):
        return reverse("dashboards:inspection", args=[self.latest.inspection_id])


def retired_notes(theme, inspections, latest):
    """{authority id: why the theme is missing from its inspections since its latest grade}, for
    the authorities whose newest inspection no longer judges the theme (ILACS from April 2026 has
    no overall effectiveness). `inspections` is [(authority id, framework, start date)]."""
    notes = {}
    for authority_id, framework, start in sorted(inspections, key=lambda i: i[2]):
        area = fw.theme_area(framework, theme)
        note = area and fw.retired(framework, area.key, start)
        mine = latest.get(authority_id)
        if note and (mine is None or start > mine.date):
            notes[authority_id] = f"{note} (inspection of {start:%-d %b %Y})"
    return notes


def map_rows(authorities, latest, flags, notes, chosen, neighbour_ids, region="", found=None):
    """A MapRow per authority, by name. `flags` is {(inspection id, theme): (needs review,
    corrected)} of the theme's flagged or corrected judgements; `found` the theme's
    catalogue.Catalogue (who has a newer report not loaded here)."""
    rows = []
    for a in sorted(authorities, key=lambda a: a.name):
        g = latest.get(a.pk)
        flagged, corrected = flags.get(g and (g.inspection_id, g.theme), (False, False))
        role = "chosen" if a.pk == chosen.pk else "neighbour" if a.pk in neighbour_ids else ""
        missing = found.after(a.pk, g and g.date) if found else None
        rows.append(
            MapRow(a, g, role, bool(flagged), bool(corrected), notes.get(a.pk, ""),
                   in_region=not region or a.region == region, missing=missing)
        )  # fmt: skip
    return rows


def grade_groups(rows):
    """[(band, label, rows)] worst grade first, then those without a grade; by name within."""
    return [
        (band, GROUP_LABELS[band], [r for r in rows if r.band == band and r.in_region])
        for band in GROUP_ORDER
    ]


def key_entries(rows):
    """The key: [(band, label, fill, ink, mark, count on the map)]."""
    out = []
    for band in GROUP_ORDER:
        fill, _, ink = BAND_LOOK.get(band, NEUTRAL)
        mark = MARKS[band][1] if band in MARKS else ""
        count = sum(r.band == band for r in rows)
        out.append((band, GROUP_LABELS[band], fill, ink, mark, count))
    return out


def not_loaded_count(rows):
    """The hexagons marked: a grade drawn, and a newer report not loaded."""
    return sum(r.missing is not None and r.latest is not None for r in rows)


# The page: its filters, then one read of the database and the functions above.


def _flags(theme):
    """{(inspection id, theme): (needs review, corrected)} of the theme's flagged or corrected
    grades."""
    rows = Judgement.objects.for_theme(theme).filter(Q(needs_review=True) | Q(is_corrected=True))
    return {
        (inspection_id, theme): (review, corrected)
        for inspection_id, review, corrected in rows.values_list(
            "inspection_id", "needs_review", "is_corrected"
        )
    }


def map_page(authority, theme, region, today):
    """Everything the page shows for `authority` on `theme` (`region`: "" for all of England)."""
    current = list(LocalAuthority.objects.current().exclude(hex_q=None))
    neighbour_ids = set(
        StatisticalNeighbour.objects.filter(
            authority=authority, model_version=peers.NEIGHBOUR_MODEL
        ).values_list("neighbour", flat=True)
    )
    graded = [g for g in peers.graded_rows() if g.theme == theme]
    latest = peers.latest_per_authority(graded, {a.pk: {a.pk} for a in current})
    inspections = Inspection.objects.filter(
        authority__existed_until=None, start_date__isnull=False
    ).values_list("authority_id", "framework", "start_date")
    notes = retired_notes(theme, inspections, latest)
    read = catalogue.read()
    found = read.for_theme(theme)
    rows = map_rows(current, latest, _flags(theme), notes, authority, neighbour_ids, region, found)
    title = fw.THEMES[theme]
    subtitle = f"Latest grades in England. {read.currency.short}"
    return {
        "currency": read.currency,
        "last_judged": fw.theme_last_judged(theme, today),
        "not_loaded_count": not_loaded_count(rows),
        "not_loaded_mark": NOT_LOADED_MARK[1],
        "rows": rows,
        "groups": grade_groups(rows),
        "key": key_entries(rows),
        "chosen_row": next((r for r in rows if r.role == "chosen"), None),
        "neighbour_count": len(neighbour_ids),
        "shows_demo": any(g.demo for g in latest.values()),
        "chart_data": [
            {
                "id": "hexmap",
                "figure": map_figure(rows, title, subtitle),
                "filename": f"ofsted-map-{theme}-{authority.slug}-{today.isoformat()}",
            }
        ],
    }
