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
from .tables import Row, Table, label_key, labels_of
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


def by_label(framework: str, table: Table) -> tuple[list[FoundJudgement], list[str], list[str]]:
    """Rows whose labels are unique within the framework (ILACS, SIF, LAC)."""
    areas = labels_of(framework)
    found, not_judged, reasons = [], [], list(table.reasons)
    printed: dict[str, int] = defaultdict(int)
    for row in table.rows:
        printed[areas[label_key(row.label)]] += 1
    seen = set()
    for row in table.rows:
        key = areas[label_key(row.label)]
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
        found.append(judgement(framework, key, row))
    return found, not_judged, reasons


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
