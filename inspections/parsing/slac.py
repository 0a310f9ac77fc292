"""Safeguarding and looked after children (2009-12) and looked after children (2012-13).

SLAC's record of main findings lists its safeguarding rows first; they end with equality and
diversity, then the looked after children rows follow. Some record tables print their section
headers in the wrong rows, so rows are assigned to sections by their order, not by the headers.
Both frameworks grade each area again under its heading ("Staying safe  Grade 2 (good)"): a
heading that contradicts the table flags the table's grade, and a graded heading the table lacks
is added, flagged, since its area comes from the order of headings alone.
"""

from dataclasses import replace

from inspections import frameworks as fw

from .grades import GRADE_CELLS, NOT_JUDGED, normalise
from .judgements import FoundJudgement, judgement
from .tables import Row, Table, label_key
from .text import Text, evidence

SLAC_SECTIONS = ("safeguarding.", "looked_after_children.")
HEADING_LOOKBACK = 4  # fragments (and lines) between a heading's label and its grade


def _sections(framework: str) -> list[list[fw.Area]]:
    areas = fw.areas_for(framework)
    if framework == fw.SLAC:
        return [[a for a in areas if a.key.startswith(prefix)] for prefix in SLAC_SECTIONS]
    return [list(areas)]


def by_row_order(table: Table) -> tuple[list[FoundJudgement], list[str], list[str]]:
    """SLAC rows assigned to sections by row order; a row out of the printed order is kept but
    flagged."""
    sections = _sections(fw.SLAC)
    found, not_judged, reasons = [], [], list(table.reasons)
    section, position = 0, 0
    for row in table.rows:
        label = label_key(row.label)
        order = [label_key(a.label) for a in sections[section]]
        if label not in order[position:] and section == 0 and label in order[:position]:
            section, position = 1, 0  # the looked after children rows begin
            order = [label_key(a.label) for a in sections[section]]
        if label in order[position:]:
            index = order.index(label, position)
            reason = ""
        elif label in order:
            index = order.index(label)
            reason = f"{row.label!r} is out of the expected row order"
        else:
            reasons.append(f"{row.label!r} is not a row of the {SLAC_SECTIONS[section]} section")
            continue
        key = sections[section][index].key
        position = index + 1
        if row.grade == NOT_JUDGED:
            not_judged.append(key)
        else:
            found.append(judgement(fw.SLAC, key, row, reason))
        if key == "safeguarding.equality_and_diversity":
            section, position = 1, 0
    return found, not_judged, reasons


def _headings(fragments, labels: frozenset[str]) -> list[tuple[str, str, int]]:
    """(normalised label, grade, fragment index) of each "Label  Grade N (word)" heading.

    Only the "Grade N (word)" form counts: the grade legend prints "Good (Grade 2)" and prose
    never uses it.
    """
    found = []
    for k, frag in enumerate(fragments):
        key = normalise(frag.text)
        if not key.startswith("grade ") or key not in GRADE_CELLS:
            continue
        best = None
        for m in range(1, HEADING_LOOKBACK + 1):
            if k - m < 0 or frag.line - fragments[k - m].line > HEADING_LOOKBACK:
                break
            label = normalise(" ".join(f.text for f in fragments[k - m : k]))
            if label in labels:
                best = label
        if best:
            found.append((best, GRADE_CELLS[key], k))
    return found


def _by_order(sections: list[list[fw.Area]], labels: list[str]) -> list[str | None]:
    """Area keys for labels printed in order through consecutive sections (None: out of order)."""
    keys: list[str | None] = []
    section, position = 0, 0
    for label in labels:
        order = [normalise(a.label) for a in sections[section]]
        if label in order[position:]:
            index = order.index(label, position)
        elif section + 1 < len(sections) and label in [
            normalise(a.label) for a in sections[section + 1]
        ]:
            section += 1
            index = [normalise(a.label) for a in sections[section]].index(label)
        else:
            keys.append(None)
            continue
        keys.append(sections[section][index].key)
        position = index + 1
    return keys


def check_headings(framework: str, judgements, text: Text) -> list[FoundJudgement]:
    """Compare the table's grades with the headings' (see the module docstring)."""
    fragments, lines = text.fragments, text.lines
    sections = _sections(framework)
    labels = frozenset(normalise(a.label) for a in fw.areas_for(framework))
    headings = _headings(fragments, labels)
    keys = _by_order(sections, [label for label, _grade, _k in headings])
    by_area = {j.area: j for j in judgements}
    result = list(judgements)
    for (_label, grade, k), key in zip(headings, keys, strict=True):
        if key is None:
            continue
        found = by_area.get(key)
        if found is None:
            frag = fragments[k]
            row = Row(
                fw.area(framework, key).label,
                grade,
                " ".join(frag.text.split()),
                evidence(lines, frag.line, [frag.line], text.paged),
            )
            result.append(
                judgement(framework, key, row, "graded only under its heading; the record "
                          "table has no row for it")
            )  # fmt: skip
        elif found.grade != grade and not found.needs_review:
            reason = (
                f"the record table says {found.grade_as_printed!r}, the heading says "
                f"{fragments[k].text.strip()!r}"
            )
            result[result.index(found)] = replace(found, needs_review=True, review_reason=reason)
    return result
