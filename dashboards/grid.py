"""The grid page: authorities × inspections × judgement areas, grades as words, one table per
framework. Its rows are the filterset's, read as plain values: the grid of every authority has
tens of thousands of cells but a few dozen distinct ones, each rendered once per page."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string

from inspections import frameworks as fw

from .charts import area_section


@dataclass(frozen=True)
class GridCell:
    """What one cell of the grid shows: a grade in its framework's words with its flags, or why
    there is none (`gap`)."""

    grade: str = ""
    words: str = ""
    corrected: bool = False
    review: bool = False
    gap: str = ""


def grid_cells(inspection, columns, judged, seen):
    """The cells of an inspection's row, as HTML. `judged` is {area: (framework, grade,
    corrected, review)}; `seen` holds the cells rendered so far, each made once per page."""
    cells = []
    for area in columns:
        found = judged.get(area.key)
        key = inspection.gap_reason(area.key, judged).words if found is None else found
        if key not in seen:
            if found is None:
                cell = GridCell(gap=key)
            else:
                framework, grade, corrected, review = found
                cell = GridCell(grade, fw.grade_words(framework, grade), corrected, review)
            seen[key] = render_to_string("dashboards/_grid_cell.html", {"cell": cell})
        cells.append(seen[key])
    return cells


def grid_tables(filterset):
    """([{framework, name, columns, rows}], judgement count) of a valid filterset: a table per
    framework with inspections in view, its columns the areas in view."""
    # Plain values, not model instances: the grid needs only these of each judgement.
    by_inspection = defaultdict(dict)
    judgement_count = 0
    for inspection_id, area, *rest in filterset.qs.values_list(
        "inspection_id", "area", "framework", "grade", "is_corrected", "needs_review"
    ):
        by_inspection[inspection_id][area] = tuple(rest)
        judgement_count += 1
    seen, authority_urls, tables = {}, {}, []
    themes = set(filterset.themes())
    area_filter = filterset.form.cleaned_data.get("area")
    # By authority, its newest inspection first; the newest framework's table first, as the
    # compare page's tables lead with the newest inspection.
    inspections = sorted(
        filterset.inspections(),
        key=lambda i: (i.authority.name, -(i.start_date or date.min).toordinal()),
    )
    newest_first = sorted(fw.AREAS.items(), key=lambda f: -fw.FRAMEWORK_YEARS[f[0]][0])
    for framework, areas in newest_first:
        mine = [i for i in inspections if i.framework == framework]
        columns = [
            a
            for a in areas
            if (not area_filter or a.key == area_filter)
            and (len(themes) == len(fw.THEMES) or a.theme in themes)
        ]
        if not mine or not columns:
            continue
        body = []
        for inspection in mine:
            authority = inspection.authority
            if authority.pk not in authority_urls:
                authority_urls[authority.pk] = authority.get_absolute_url()
            cells = grid_cells(inspection, columns, by_inspection[inspection.pk], seen)
            body.append(
                {"inspection": inspection, "authority_url": authority_urls[authority.pk],
                 "cells": cells}
            )  # fmt: skip
        tables.append(
            {"framework": framework, "name": fw.FRAMEWORK_NAMES[framework],
             "columns": [(a, area_section(a.key)) for a in columns], "rows": body}
        )  # fmt: skip
    return tables, judgement_count
