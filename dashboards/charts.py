"""The compare page: from the filterset's judgements to one table and one chart per theme.

`drawn_lines()` decides who is drawn as which line: a predecessor's inspections on its
successor's line (`lineage_lines()`), a line of its own running into its successors' where
authorities merged or split, a colour, marker and dash per line (`chart_figure.looks`), and the
joins labelled. `theme_entries()` makes the rows of a theme's table (in date order; the table
lists them `newest_first()`): one per judgement on the theme, and one per graded inspection that
has none, carrying the reason (a framework that did not judge the theme, a judgement printed as
not judged, or one not found). `chart_figure.theme_figure()` draws exactly those rows, so the
chart and the table beside it cannot disagree. With more lines than colours, `latest_rows()`
cuts each table to every line's latest grade (the chart and the CSV keep every inspection).
`compare_page()` puts them together, from the judgements `read_judgements()` reads as plain
rows (`DrawnJudgement`), each sharing its inspection with the others of that inspection.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from authorities.models import LocalAuthority
from inspections import frameworks as fw
from inspections.models import AreaStatus, GradeOnTheme, Inspection, SourceDocument

from . import export
from .chart_figure import MANY_LINES, looks, theme_figure


@dataclass
class Entry:
    """One row of a theme's table: a judgement, or a graded inspection with none on the theme."""

    inspection: object
    owner: object
    judgement: object = None
    note: str = ""
    note_number: int = 0
    # Read off the inspection once: sorting and drawing ask for them (hundreds of thousands of
    # times on the page of every authority).
    date: object = field(init=False)
    authority: object = field(init=False)

    def __post_init__(self):
        self.date = self.inspection.start_date
        self.authority = self.inspection.authority

    @property
    def is_gap(self):
        return self.judgement is None

    @property
    def section(self):
        return area_section(self.judgement.area) if self.judgement else ""

    @property
    def grade_words(self):
        return self.judgement.grade_in_framework_words if self.judgement else "Not judged"


@dataclass(slots=True)
class DrawnJudgement(GradeOnTheme):
    """A judgement as the compare page shows it: the fields its charts and tables show, read as
    a plain row. With every authority the page reads thousands of judgements (tens of thousands
    at ten times England's), and a model object each was most of the page's build. A template
    shows a field not read here as nothing, so tests/test_compare_page.py checks that each one
    shown reaches the table and the hover."""

    pk: int
    inspection_id: int
    framework: str
    area: str
    label: str
    grade: str
    is_corrected: bool
    needs_review: bool
    from_demo: bool  # from the demo data: the page then says where its grades come from
    inspection: object = None  # the graded inspection in view (`read_judgements`)

    @classmethod
    def fields(cls):
        return [f.name for f in dataclass_fields(cls) if f.name != "inspection"]


def read_judgements(filterset, inspections):
    """The filterset's judgements as `DrawnJudgement`s, each given its inspection from the
    graded `inspections` in view: one object each, however many judgements share it (with every
    authority, 5,505 judgements share 510)."""
    demo = Q(source_document__kind=SourceDocument.Kind.DEMO_DATA)
    found = filterset.qs.annotate(from_demo=demo).values_list(*DrawnJudgement.fields())
    rows = [DrawnJudgement(*values) for values in found]
    by_pk = {i.pk: i for i in inspections}
    outside = {j.inspection_id for j in rows} - by_pk.keys()
    if outside:  # not expected (the view's filters apply to both), but never wrong
        by_pk.update(Inspection.objects.select_related("authority").in_bulk(outside))
    for j in rows:
        j.inspection = by_pk[j.inspection_id]
    return rows


SECTIONS = {"safeguarding": "Safeguarding", "looked_after_children": "Looked after children"}


def area_section(area_key):
    """The part of a SLAC or LAC report an area sits in ('Safeguarding'), or ''. SLAC printed
    'Overall effectiveness' twice, once per part."""
    section, _, rest = area_key.partition(".")
    return SECTIONS.get(section, "") if rest else ""


def lineage_lines(present_ids, edges, universe=None):
    """Who draws whom: ({authority id: line owner id}, {line owner id: [line owner ids]}).

    The first maps each authority with inspections in view to the authority whose line draws
    them; the second, each line that runs on into other lines at a join.

    A predecessor's inspections continue its successor's line when it is that successor's only
    predecessor with inspections in view and the successor is its only one in view (Poole on the
    line of Bournemouth, Christchurch and Poole), however many steps that takes. Where two
    predecessors with inspections merged (Bournemouth and Poole), or one split in two
    (Northamptonshire), no one line can hold them: each predecessor keeps a line of its own that
    runs into the line of each successor. `edges` maps an authority id to its successors' ids;
    `universe` is the set of ids in view, None when every authority is.
    """
    present = set(present_ids)
    behind = {}
    for old, news in edges.items():
        for new in news:
            behind.setdefault(new, []).append(old)

    def ahead(pk):
        return [s for s in edges.get(pk, []) if universe is None or s in universe]

    def has_inspections(pk, seen=frozenset()):
        if pk in present:
            return True
        seen = seen | {pk}
        return any(has_inspections(p, seen) for p in behind.get(pk, []) if p not in seen)

    def folds(pk):
        successors = ahead(pk)
        if len(successors) != 1:
            return False
        return [p for p in behind[successors[0]] if has_inspections(p)] == [pk]

    def owner(pk):
        seen = {pk}
        while folds(pk) and ahead(pk)[0] not in seen:
            pk = ahead(pk)[0]
            seen.add(pk)
        return pk

    owner_of = {pk: owner(pk) for pk in present}
    continues = {}
    for pk in set(owner_of.values()):
        into = list(dict.fromkeys(owner(s) for s in ahead(pk)))
        if into:
            continues[pk] = into
    return owner_of, continues


def drawn_lines(filterset, rows, inspections):
    """Who is drawn, for a valid filterset, its judgements `rows` and graded `inspections`:
    (owner_of, continues, authorities, lines, joins, without). `owner_of` and `continues` are
    `lineage_lines()`'s; `authorities` maps every id drawn to its LocalAuthority; `lines` is
    [(owner, name, look)] in drawing order (the authorities chosen first, then by name), `joins`
    [(date, text)] where a line passes to its successors, and `without` the authorities chosen
    that have no inspection in view."""
    edges = filterset.edges()
    authorities = {j.inspection.authority_id: j.inspection.authority for j in rows}
    authorities.update({i.authority_id: i.authority for i in inspections})
    chosen = filterset.chosen()
    universe = None
    if chosen is not None:
        authorities.update({a.pk: a for a in chosen})
        universe = filterset.authority_ids()
    present = {j.inspection.authority_id for j in rows} | {i.authority_id for i in inspections}
    owner_of, continues = lineage_lines(present, edges, universe)
    missing = {*owner_of.values(), *(pk for into in continues.values() for pk in into)}
    missing -= set(authorities)
    authorities.update(LocalAuthority.objects.in_bulk(missing))
    members = defaultdict(list)
    for authority_id in sorted(present, key=lambda pk: authorities[pk].name):
        members[owner_of[authority_id]].append(authorities[authority_id])
    order = [a.pk for a in chosen if a.pk in members] if chosen else []
    order += sorted((pk for pk in members if pk not in order), key=lambda pk: authorities[pk].name)
    focus = filterset.focus()
    focus_ids = {owner_of.get(focus.pk, focus.pk)} if focus else set()
    lines, joins = [], []
    for pk, look in zip(order, looks(order, focus_ids), strict=True):
        owner = authorities[pk]
        lines.append((owner, line_name(owner, members[pk]), look))
        if look.get("background"):
            continue  # a grey line's joins would crowd the chart's foot with labels
        for earlier in members[pk]:
            if earlier.pk != pk and earlier.existed_until:
                day = earlier.existed_until + timedelta(days=1)
                joins.append((day, earlier.name, [owner.name]))
        if pk in continues and owner.existed_until:
            day = owner.existed_until + timedelta(days=1)
            joins.append((day, owner.name, [authorities[s].name for s in continues[pk]]))
    drawn = {a.pk for pk in members for a in members[pk]} | set(members)
    without = [a for a in chosen or [] if a.pk not in drawn]
    return owner_of, continues, authorities, lines, join_texts(joins), without


def compare_page(filterset, found):
    """Everything the compare page draws for a valid filterset: one chart and table per theme
    in view, each with its CSV link. `found` is the catalogue (`catalogue.read()`)."""
    today = timezone.localdate()
    inspections = list(filterset.inspections())
    rows = read_judgements(filterset, inspections)
    owner_of, continues, authorities, lines, joins, without = drawn_lines(
        filterset, rows, inspections
    )
    shown = sorted(authorities.values(), key=lambda a: a.name)
    description = filterset.describe()
    subtitle = "Ofsted grades by inspection date: " + description
    many_lines = len(lines) > MANY_LINES
    focus = filterset.focus()
    focus_owner = owner_of.get(focus.pk) if focus else None
    chart_list, figures = [], []
    by_theme = defaultdict(list)
    for j in rows:
        by_theme[j.theme].append(j)
    for theme in filterset.themes():
        entries = theme_entries(theme, by_theme[theme], inspections, owner_of, authorities)
        chart_id = f"chart-{theme}"
        figures.append(
            {
                "id": chart_id,
                "figure": theme_figure(theme, entries, lines, joins, subtitle, today, continues),
                "filename": export.file_name(
                    filterset, today, kind="ofsted-chart", suffix="", theme=theme
                ),
            }
        )
        newest = newest_first(entries)
        if many_lines:
            newest = latest_rows(entries, focus_owner)
        not_loaded = found.for_theme(theme).not_loaded
        chart_list.append(
            {
                "id": chart_id,
                "theme": theme,
                "title": fw.THEMES[theme],
                "entries": newest,
                "judged": sum(not e.is_gap for e in newest),
                "latest_of": len({e.owner.pk for e in newest}) if many_lines else None,
                "notes": gap_notes(newest),
                "not_loaded": [(a, not_loaded[a.pk]) for a in shown if a.pk in not_loaded],
                "csv_query": filterset.query(theme=theme),
            }
        )
    return {
        "description": description,
        # Many lines: their list moves below the charts, folded, out of the reader's way.
        "many_lines": many_lines,
        "focus": focus,
        "charts": chart_list,
        "chart_data": figures,
        "lines": lines,
        "without_inspections": without,
        "judgement_count": len(rows),
        # The demo note only when demo grades are what the page shows.
        "shows_demo": any(j.from_demo for j in rows),
    }


def join_texts(joins):
    """One label per join date from [(date, predecessor name, [successor names])]:
    'Bournemouth and Poole → Bournemouth, Christchurch and Poole, 1 Apr 2019'."""
    by_day = {}
    for day, old, new in joins:
        by_day.setdefault(day, {}).setdefault(tuple(new), []).append(old)
    texts = []
    for day in sorted(by_day):
        parts = [
            f"{' and '.join(sorted(olds))} → {' and '.join(news)}"
            for news, olds in by_day[day].items()
        ]
        texts.append((day, f"{'; '.join(parts)}, {day:%-d %b %Y}"))
    return texts


def _gap_note(inspection, theme, themed_areas):
    area = fw.theme_area(inspection.framework, theme)
    note = fw.THEME_GAP_NOTES.get((inspection.framework, theme))
    if area is None or note:
        return note or f"{inspection.get_framework_display()} did not judge this theme."
    gap = inspection.gap_reason(area.key, judged_areas=themed_areas)
    if gap.status == AreaStatus.MISSING:  # the chart's rows are filtered: it may be left out
        return gap.sentence.removesuffix(".") + " (or it is filtered out)."
    return gap.sentence


def theme_entries(theme, judgements, inspections, owner_of, authorities):
    """The rows of a theme's table, in date order, from the `judgements` on the theme.
    `owner_of` maps authority id → line owner id; `authorities` maps id → LocalAuthority."""
    entries, judged = [], set()
    for j in judgements:
        owner = authorities[owner_of[j.inspection.authority_id]]
        entries.append(Entry(j.inspection, owner, judgement=j))
        judged.add(j.inspection_id)
    for inspection in inspections:
        if inspection.pk in judged or inspection.authority_id not in owner_of:
            continue
        note = _gap_note(inspection, theme, set())
        owner = authorities[owner_of[inspection.authority_id]]
        entries.append(Entry(inspection, owner, note=note))
    entries.sort(key=lambda e: (e.date or date.min, e.authority.name, e.is_gap))
    # The notes are numbered in the order the table reads (newest first).
    notes = gap_notes(newest_first(entries))
    for e in entries:
        if e.is_gap:
            e.note_number = notes.index(e.note) + 1
    return entries


def newest_first(entries):
    """A theme's table rows: the latest inspection first, undated ones last."""
    return sorted(
        entries, key=lambda e: (-(e.date or date.min).toordinal(), e.authority.name, e.is_gap)
    )


def latest_rows(entries, focus_owner=None):
    """A theme's table when the page draws many lines: each line's latest inspection graded on
    the theme (every row of it), or, with none graded, its latest "Not judged" one; the focus's
    line first, then the others newest first. The notes are renumbered in that order."""
    newest = newest_first(entries)
    latest = {}
    for e in newest:
        kept = latest.get(e.owner.pk)
        if kept is None or (kept.is_gap and not e.is_gap):
            latest[e.owner.pk] = e
    chosen = {(pk, e.inspection.pk) for pk, e in latest.items()}
    rows = [e for e in newest if (e.owner.pk, e.inspection.pk) in chosen]
    rows.sort(key=lambda e: e.owner.pk != focus_owner)  # stable: newest first after the focus
    notes = gap_notes(rows)
    return [replace(e, note_number=notes.index(e.note) + 1) if e.is_gap else e for e in rows]


def gap_notes(entries):
    """The distinct reasons for gaps among entries, in the order the entries give them."""
    return list(dict.fromkeys(e.note for e in entries if e.is_gap))


def line_name(owner, members):
    """'Poole → Bournemouth, Christchurch and Poole' when a line carries a predecessor."""
    earlier = [a.name for a in members if a.pk != owner.pk]
    return " → ".join([*earlier, owner.name]) if earlier else owner.name
