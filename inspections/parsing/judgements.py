"""What every framework's judgement rules share: a found judgement, rows read by their label,
the body's restatements of a grade as a second reading, and the judgements a report must have.

A grade comes from the judgement table. The report's body restates grades under its headings
("The experiences and progress of children in care: good", "Leadership, management and
governance<tab>Good"); `reconcile` compares the two readings: a disagreement flags the table's
grade with both values, and a judgement found only in the body is stored flagged for a person
to confirm. Nothing is resolved by taking one reading over the other.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from inspections import frameworks as fw

from .grades import NOT_JUDGED, grade_of
from .tables import Row, Table, label_key, labels_of, slips
from .text import Evidence, Text


@dataclass(frozen=True)
class FoundJudgement:
    area: str
    label: str
    grade: str
    grade_as_printed: str
    evidence: Evidence
    needs_review: bool = False
    review_reason: str = ""


@dataclass(frozen=True)
class Restatement:
    area: str
    grade: str
    grade_as_printed: str  # the grade's words as printed
    printed: str  # the whole restating line(s), whitespace collapsed
    evidence: Evidence
    line: int  # index of its first line in the document


def judgement(framework: str, key: str, row: Row, reason: str = "") -> FoundJudgement:
    if not reason and not fw.grade_allowed(framework, row.grade):
        reason = f"{row.grade_as_printed!r} is not on the {framework} grade scale"
    return FoundJudgement(
        area=key,
        label=row.label,
        grade=row.grade,
        grade_as_printed=row.grade_as_printed,
        evidence=row.evidence,
        needs_review=bool(reason),
        review_reason=reason,
    )


def slipped_areas(framework: str, table: Table) -> dict[int, tuple[list[str], list[int]]]:
    """For each row whose label is a slip of the framework's wording, the areas it may be,
    nearest first. An area another row prints exactly, or whose theme such a row holds (an
    inspection holds one area per theme), is not one of them."""
    areas = labels_of(framework)
    exact = {areas[k] for k in map(label_key, (r.label for r in table.rows)) if k in areas}
    themes = {fw.area(framework, key).theme for key in exact} - {None}
    slipped = {}
    for i, row in enumerate(table.rows):
        key = label_key(row.label)
        if key in areas:
            continue
        near = sorted(
            (distance, areas[label])
            for label, distance in slips(key, areas).items()
            if areas[label] not in exact and fw.area(framework, areas[label]).theme not in themes
        )
        slipped[i] = [area for _distance, area in near], [d for d, _area in near]
    return slipped


def by_label(
    framework: str, table: Table, body: list[Restatement] = ()
) -> tuple[list[FoundJudgement], list[str], list[str]]:
    """Rows whose labels are unique within the framework (ILACS, SIF, LAC).

    A row whose label is a slip (see `tables.slips`) is the one area it can be. When it could
    be two, it is the nearest, flagged, unless the body's headings settle it (they grade one of
    them as the row does, and no other); when two are as near, its grade is not read.
    """
    areas = labels_of(framework)
    slipped = slipped_areas(framework, table)
    found, not_judged, reasons = [], [], list(table.reasons)
    row_area: dict[int, str] = {}
    doubts: dict[int, str] = {}
    for i, row in enumerate(table.rows):
        if i not in slipped:
            row_area[i] = areas[label_key(row.label)]
            continue
        near, distances = slipped[i]
        if not near:
            reasons.append(
                f"the judgement table prints {row.label!r}, which could only be a judgement "
                "another row already gives: its grade is not read"
            )
            continue
        settled = _settled_by_body(row, near, body)
        if len(near) == 1 or settled:
            row_area[i] = settled or near[0]
        elif distances[0] == distances[1]:
            names = " or ".join(fw.area(framework, a).label for a in near[:2])
            reasons.append(
                f"the judgement table prints {row.label!r}, which could be {names}: its grade "
                "is not read"
            )
        else:
            row_area[i] = near[0]
            others = ", ".join(repr(fw.area(framework, a).label) for a in near[1:])
            doubts[i] = (
                f"the label {row.label!r} is nearest to "
                f"{fw.area(framework, near[0]).label!r} but could be {others}"
            )
    printed: dict[str, int] = defaultdict(int)
    for area in row_area.values():
        printed[area] += 1
    seen = set()
    for i, row in enumerate(table.rows):
        if i not in row_area:
            continue
        key = row_area[i]
        if printed[key] > 1:
            # Which of its grades is the judgement is a guess: none is taken.
            if key not in seen:
                reasons.append(
                    f"the judgement table prints {row.label!r} {printed[key]} times; "
                    "none of its grades is read"
                )
            seen.add(key)
            continue
        if row.grade == NOT_JUDGED:
            not_judged.append(key)
            continue
        found.append(judgement(framework, key, row, doubts.get(i, "")))
    return found, not_judged, reasons


def _settled_by_body(row: Row, near: list[str], body: list[Restatement]) -> str | None:
    """The one area of `near` the body grades as the row does (and no other way), if one."""
    graded: dict[str, set[str]] = defaultdict(set)
    for r in body:
        graded[r.area].add(r.grade)
    same = [a for a in near if row.grade in graded[a]]
    return same[0] if len(same) == 1 and graded[same[0]] == {row.grade} else None


_GRADE_WORDS = r"requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|inadequate|adequate"


def _restatement_re(label: str) -> re.Pattern:
    words = r"\s+".join(re.escape(w) for w in label_key(label).split())
    return re.compile(
        rf"^[ \t]*(?:\d{{1,2}}(?:\.\d{{1,2}})*\.?\s+)?(?P<label>{words})[ \t]*(?::|\t|\s[–-])\s*"
        rf"(?:judgement\s+is\s*:?\s*)?(?P<grade>{_GRADE_WORDS})[ \t]*\.?[ \t]*$",
        re.I | re.M,
    )


_RESTATEMENT_RES: dict[str, list[tuple[str, re.Pattern]]] = {}


def restatements(framework: str, text: Text) -> list[Restatement]:
    """Every line (or lines, for a wrapped heading) that prints one of the framework's labels
    followed by a grade and nothing else: the table's rows and the body's headings."""
    if framework not in _RESTATEMENT_RES:
        _RESTATEMENT_RES[framework] = [
            (a.key, _restatement_re(a.label)) for a in fw.areas_for(framework)
        ]
    found = []
    for page_no, page in enumerate(text.pages, 1):
        for key, regex in _RESTATEMENT_RES[framework]:
            for m in regex.finditer(page):
                grade = grade_of(m["grade"])
                if grade is None:
                    continue
                line_in_page = page.count("\n", 0, m.start("label")) + 1
                line = text.offsets[page_no - 1] + line_in_page - 1
                printed = " ".join(m.group(0).split())
                evidence = text.evidence_at(page_no, line_in_page, printed)
                words = " ".join(m["grade"].split())
                found.append(Restatement(key, grade, words, printed, evidence, line))
    return found


def reconcile(
    framework: str, judgements: list[FoundJudgement], restated: list[Restatement], table: Table
) -> tuple[list[FoundJudgement], list[str]]:
    """Compare the table's grades with the body's restatements (see the module docstring)."""
    body = [r for r in restated if r.line not in table.lines]
    by_area: dict[str, list[Restatement]] = defaultdict(list)
    for r in body:
        by_area[r.area].append(r)
    result, reasons = list(judgements), []
    present = {j.area: i for i, j in enumerate(result)}
    for area, readings in by_area.items():
        grades = {r.grade for r in readings}
        if area in present:
            found = result[present[area]]
            other = [r for r in readings if r.grade != found.grade]
            if other and not found.needs_review:
                reason = (
                    f"the judgement table reads {found.grade_as_printed!r}, the report's body "
                    f"reads {other[0].printed!r}"
                )
                result[present[area]] = replace(found, needs_review=True, review_reason=reason)
            continue
        if len(grades) > 1:
            printed = "; ".join(sorted({r.printed for r in readings}))
            reasons.append(f"the report's body grades {area} in more than one way: {printed}")
            continue
        first = readings[0]
        label = fw.area(framework, area).label
        row = Row(label, first.grade, first.grade_as_printed, first.evidence)
        result.append(
            judgement(
                framework,
                area,
                row,
                "read only from the report's body; its judgement table gave no grade for it",
            )
        )
    return result, reasons


# Judgements every report of a framework prints. ILACS reports from April 2026 have no overall
# effectiveness judgement, so overall is not required; the care judgements are either the
# combined one (to 2022) or the two split ones (2023 on).
REQUIRED = {
    fw.ILACS: (("impact_of_leaders",), ("help_and_protection",)),
    fw.LAC: tuple((a.key,) for a in fw.areas_for(fw.LAC)),
    fw.SIF: tuple((a.key,) for a in fw.areas_for(fw.SIF) if a.key != "lscb"),
    fw.SLAC: tuple((a.key,) for a in fw.areas_for(fw.SLAC)),
}


def missing(framework: str, judgements, not_judged) -> list[str]:
    present = {j.area for j in judgements} | set(not_judged)
    return [
        f"no {framework} judgement found for {keys[0]}"
        for keys in REQUIRED.get(framework, ())
        if not present.intersection(keys)
    ]
