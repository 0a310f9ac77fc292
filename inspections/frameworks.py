"""The vocabulary of Ofsted's children's services frameworks, as plain Python.

What each framework grades (its judgement areas, with the labels Ofsted prints), the grade words
it uses, and the crosswalk from areas to the harmonised themes that the dashboards compare across
frameworks. The parser, the models and the dashboards all read this one table; it imports nothing
from Django so that parsing stays testable without a database.

The crosswalk is a comparison aid, not an equivalence: a SLAC "safeguarding overall effectiveness"
is not the same judgement as an ILACS "help and protection", but it is the nearest thing an analyst
can put on the same chart. An inspection holds at most one area per theme.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

# Framework keys (the same words as the corpus format and the database).
SLAC = "SLAC"
LAC = "LAC"
SIF = "SIF"
ILACS = "ILACS"
LSCB_REVIEW = "LSCB_REVIEW"
FOCUSED_VISIT = "FOCUSED_VISIT"
MONITORING_VISIT = "MONITORING_VISIT"
JTAI = "JTAI"

FRAMEWORK_NAMES = {
    SLAC: "Safeguarding and looked after children (2009-12)",
    LAC: "Looked after children services (2012-13)",
    SIF: "Single inspection framework (2013-18)",
    ILACS: "Inspection of local authority children's services (2018 on)",
    LSCB_REVIEW: "Review of the Local Safeguarding Children Board",
    FOCUSED_VISIT: "Focused visit (ungraded)",
    MONITORING_VISIT: "Monitoring visit (ungraded)",
    JTAI: "Joint targeted area inspection (ungraded)",
}
UNGRADED_FRAMEWORKS = (FOCUSED_VISIT, MONITORING_VISIT, JTAI)

# Grade keys, best first.
OUTSTANDING = "outstanding"
GOOD = "good"
ADEQUATE = "adequate"
REQUIRES_IMPROVEMENT = "requires_improvement"
INADEQUATE = "inadequate"

GRADE_NAMES = {
    OUTSTANDING: "Outstanding",
    GOOD: "Good",
    ADEQUATE: "Adequate",
    REQUIRES_IMPROVEMENT: "Requires improvement",
    INADEQUATE: "Inadequate",
}

# Ofsted's four-point scale. Derived for charts only: the stored grade is always the word.
GRADE_SCORES = {OUTSTANDING: 1, GOOD: 2, ADEQUATE: 3, REQUIRES_IMPROVEMENT: 3, INADEQUATE: 4}

_FOUR_POINT_ADEQUATE = (OUTSTANDING, GOOD, ADEQUATE, INADEQUATE)
_FOUR_POINT_RI = (OUTSTANDING, GOOD, REQUIRES_IMPROVEMENT, INADEQUATE)
FRAMEWORK_GRADES = {
    SLAC: _FOUR_POINT_ADEQUATE,
    LAC: _FOUR_POINT_ADEQUATE,
    SIF: _FOUR_POINT_RI,
    ILACS: _FOUR_POINT_RI,
    LSCB_REVIEW: _FOUR_POINT_RI,
}

# Where a framework words a grade differently from GRADE_NAMES.
_GRADE_WORDS_IN = {(ILACS, REQUIRES_IMPROVEMENT): "Requires improvement to be good"}


def grade_words(framework: str, grade: str) -> str:
    """The grade in the framework's own words ('Requires improvement to be good' under ILACS)."""
    return _GRADE_WORDS_IN.get((framework, grade), GRADE_NAMES[grade])


# The four bands the dashboards count and draw grades in, best first: adequate (SLAC, LAC) and
# requires improvement (SIF, ILACS) score the same and share the third, named by today's word.
BANDS = _FOUR_POINT_RI
BAND_OF = {
    grade: next(band for band in BANDS if GRADE_SCORES[band] == score)
    for grade, score in GRADE_SCORES.items()
}


def band_name(band: str, joiner: str = " or ") -> str:
    """The grades of a band, today's word first: "Requires improvement or adequate"."""
    others = [GRADE_NAMES[g].lower() for g, b in BAND_OF.items() if b == band and g != band]
    return joiner.join([GRADE_NAMES[band], *others])


BAND_NAMES = {band: band_name(band) for band in BANDS}

# Harmonised themes, in the order the dashboards show them.
THEMES = {
    "overall": "Overall effectiveness",
    "help_and_protection": "Help and protection",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "leadership": "Leadership",
    "adoption": "Adoption",
    "lscb": "Local Safeguarding Children Board",
}


@dataclass(frozen=True)
class Area:
    """One graded judgement of a framework: its key, the label Ofsted prints, and its theme."""

    framework: str
    key: str
    label: str
    theme: str | None = None


_SLAC_SAFEGUARDING = [
    ("overall_effectiveness", "Overall effectiveness", "help_and_protection"),
    ("capacity_for_improvement", "Capacity for improvement", None),
    ("safe_and_feel_safe", "Children and young people are safe and feel safe", None),
    ("quality_of_provision", "Quality of provision", None),
    (
        "health_agencies_contribution",
        "The contribution of health agencies to keeping children and young people safe",
        None,
    ),
    ("ambition_and_prioritisation", "Ambition and prioritisation", None),
    ("leadership_and_management", "Leadership and management", "leadership"),
    (
        "performance_management_and_quality_assurance",
        "Performance management and quality assurance",
        None,
    ),
    ("partnership_working", "Partnership working", None),
    ("equality_and_diversity", "Equality and diversity", None),
]
_SLAC_LOOKED_AFTER = [
    ("overall_effectiveness", "Overall effectiveness", "children_in_care"),
    ("capacity_for_improvement", "Capacity for improvement", None),
    ("being_healthy", "Being healthy", None),
    ("staying_safe", "Staying safe", None),
    ("enjoying_and_achieving", "Enjoying and achieving", None),
    (
        "making_a_positive_contribution",
        "Making a positive contribution, including user engagement",
        None,
    ),
    ("economic_wellbeing", "Economic well-being", None),
    ("quality_of_provision", "Quality of provision", None),
    ("ambition_and_prioritisation", "Ambition and prioritisation", None),
    ("leadership_and_management", "Leadership and management", None),
    (
        "performance_management_and_quality_assurance",
        "Performance management and quality assurance",
        None,
    ),
    ("equality_and_diversity", "Equality and diversity", None),
]

AREAS: dict[str, list[Area]] = {
    SLAC: [Area(SLAC, f"safeguarding.{k}", label, theme) for k, label, theme in _SLAC_SAFEGUARDING]
    + [
        Area(SLAC, f"looked_after_children.{k}", label, theme)
        for k, label, theme in _SLAC_LOOKED_AFTER
    ],
    LAC: [
        Area(LAC, "looked_after_children.overall_effectiveness", "Overall effectiveness",
             "children_in_care"),
        Area(LAC, "looked_after_children.capacity_for_improvement", "Capacity to improve"),
        Area(LAC, "looked_after_children.outcomes",
             "Outcomes for looked after children and young people"),
        Area(LAC, "looked_after_children.quality_of_provision", "Quality of provision"),
        Area(LAC, "looked_after_children.leadership_and_management", "Leadership and management",
             "leadership"),
    ],
    SIF: [
        Area(SIF, "overall_effectiveness", "Overall effectiveness", "overall"),
        Area(SIF, "help_and_protection", "1. Children who need help and protection",
             "help_and_protection"),
        Area(SIF, "looked_after_and_permanence",
             "2. Children looked after and achieving permanence", "children_in_care"),
        Area(SIF, "adoption", "2.1 Adoption performance", "adoption"),
        Area(SIF, "care_leavers", "2.2 Experiences and progress of care leavers", "care_leavers"),
        Area(SIF, "leadership_management_governance",
             "3. Leadership, management and governance", "leadership"),
        Area(SIF, "lscb", "Local Safeguarding Children Board", "lscb"),
    ],
    ILACS: [
        Area(ILACS, "overall_effectiveness", "Overall effectiveness", "overall"),
        Area(ILACS, "impact_of_leaders",
             "The impact of leaders on social work practice with children and families",
             "leadership"),
        Area(ILACS, "help_and_protection",
             "The experiences and progress of children who need help and protection",
             "help_and_protection"),
        # Until 2023 children in care and care leavers were one judgement; it sits on the
        # children-in-care theme and leaves a noted gap on care leavers.
        Area(ILACS, "children_in_care_and_care_leavers",
             "The experiences and progress of children in care and care leavers",
             "children_in_care"),
        Area(ILACS, "children_in_care", "The experiences and progress of children in care",
             "children_in_care"),
        Area(ILACS, "care_leavers", "The experiences and progress of care leavers",
             "care_leavers"),
    ],
    LSCB_REVIEW: [Area(LSCB_REVIEW, "lscb", "Local Safeguarding Children Board", "lscb")],
}  # fmt: skip

ALL_AREA_KEYS = sorted({a.key for areas in AREAS.values() for a in areas})

# The crosswalk, (framework, area) → theme (None: an area compared on no theme). Whatever asks
# which theme a grade is on reads it here: `theme_of`, `theme_areas`, and the judgements'
# queryset `Judgement.objects.for_theme`, which applies it in the database.
THEME_OF = {(a.framework, a.key): a.theme for areas in AREAS.values() for a in areas}


def theme_of(framework: str, key: str) -> str | None:
    """The theme of a framework's area (None when it is compared on none, or unknown)."""
    return THEME_OF.get((framework, key))


def theme_areas(theme: str) -> dict[str, list[str]]:
    """{framework: [area keys]} of the areas on a theme, frameworks in AREAS order."""
    found: dict[str, list[str]] = {}
    for (framework, key), mine in THEME_OF.items():
        if mine == theme:
            found.setdefault(framework, []).append(key)
    return found


def themes_of_area(key: str) -> set[str]:
    """The themes an area key is on, under whichever framework grades it."""
    return {theme for (_, k), theme in THEME_OF.items() if k == key and theme}


# Why a theme has no point for an inspection under a framework: shown on the chart as a gap.
THEME_GAP_NOTES = {
    (SLAC, "overall"): "SLAC gave separate overall judgements for safeguarding (shown under help "
    "and protection) and looked after children (shown under children in care).",
    (SLAC, "care_leavers"): "SLAC judged care leavers within looked after children.",
    (SLAC, "adoption"): "SLAC did not grade adoption.",
    (SLAC, "lscb"): "SLAC did not review the LSCB.",
    (LAC, "overall"): "The LAC framework inspected looked after children only.",
    (LAC, "help_and_protection"): "The LAC framework inspected looked after children only.",
    (LAC, "care_leavers"): "The LAC framework judged care leavers within its outcomes, in prose.",
    (LAC, "adoption"): "The LAC framework did not grade adoption.",
    (LAC, "lscb"): "The LAC framework did not review the LSCB.",
    (ILACS, "care_leavers"): "Before 2023 ILACS judged care leavers together with children in "
    "care (shown under children in care).",
    (ILACS, "adoption"): "ILACS does not grade adoption.",
    (
        ILACS,
        "lscb",
    ): "LSCBs were replaced by safeguarding partnerships, which ILACS does not grade.",
}


# Areas a framework stopped judging, from the inspection start date given: ILACS inspections
# from April 2026 have four judgements and no overall effectiveness.
RETIRED_AREAS = {(ILACS, "overall_effectiveness"): date(2026, 4, 1)}


def retired(framework: str, key: str, start: date | None) -> str | None:
    """Why an area is not judged in an inspection that started on `start`, or None when the
    framework still judged it then ("Not judged under this framework from April 2026")."""
    since = RETIRED_AREAS.get((framework, key))
    if since is None or start is None or start < since:
        return None
    return f"Not judged under this framework from {since:%B %Y}"


# The years each framework's inspections ran (None: still in use), and the areas a later
# framework goes on judging under the same theme: a grade of those is overtaken, not ended.
FRAMEWORK_YEARS = {SLAC: (2009, 2012), LAC: (2012, 2013), SIF: (2013, 2018),
                   LSCB_REVIEW: (2013, 2018), ILACS: (2018, None)}  # fmt: skip
FRAMEWORK_SHORT = {LSCB_REVIEW: "LSCB review"}
CONTINUED_AREAS = {(SIF, "overall_effectiveness"), (SIF, "help_and_protection"),
                   (SIF, "looked_after_and_permanence"), (SIF, "care_leavers"),
                   (SIF, "leadership_management_governance")}  # fmt: skip


def last_judged(framework: str, key: str) -> str | None:
    """For a grade of an area that no framework in use judges any more, "last judged under SIF,
    to 2018" (adoption, the LSCB, every SLAC and LAC area), so that an old grade is never read as
    today's; None for an area judged today or carried on by a later framework. (ILACS's overall
    effectiveness, not judged from April 2026, is the theme's: `theme_last_judged`.)"""
    end = FRAMEWORK_YEARS.get(framework, (None, None))[1]
    if end is None or (framework, key) in CONTINUED_AREAS:
        return None
    return f"last judged under {FRAMEWORK_SHORT.get(framework, framework)}, to {end}"


def theme_last_judged(theme: str, today: date) -> str | None:
    """For a theme no framework in use judges at `today`, "last judged under SIF and LSCB
    review, to 2018" (adoption, the LSCB; overall effectiveness from April 2026), else None."""
    current = [f for f, (_, end) in FRAMEWORK_YEARS.items() if end is None]
    judged = [a for f in current for a in areas_for(f) if a.theme == theme]
    ended = [since for a in judged if (since := RETIRED_AREAS.get((a.framework, a.key)))]
    if judged and len(ended) < len(judged):
        return None
    if ended:
        last = min(ended) - timedelta(days=1)
        return f"last judged under {'/'.join(current)}, to {last:%B %Y}" if today > last else None
    before = [f for f, areas in AREAS.items() if any(a.theme == theme for a in areas)]
    names = " and ".join(FRAMEWORK_SHORT.get(f, f) for f in before)
    end = max(FRAMEWORK_YEARS[f][1] for f in before)
    return f"last judged under {names}, to {end}" if today.year > end else None


# Why an area of an inspection holds no grade, in a few words (a grid cell, the inspection page)
# and in a sentence (a chart's note): each kind of empty is a different fact.
NOT_JUDGED = "not_judged"
MISSING = "missing"
NOT_IN_FRAMEWORK = "not_in_framework"
RETIRED = "retired"
# ILACS judged children in care and care leavers together until 2022 and apart from 2023: an
# inspection has one or the other, which is not "not found".
JUDGED_TOGETHER = "judged_together"
JUDGED_SEPARATELY = "judged_separately"
GAPS = {
    NOT_JUDGED: ("Printed as not judged", "The report printed this area as not judged."),
    MISSING: (
        "Not found in the documents",
        "No grade for this area was found in the documents.",
    ),
    NOT_IN_FRAMEWORK: ("Not graded by this framework", "This framework does not grade this area."),
    RETIRED: (  # the words of `retired()`, with its date, wherever an inspection is at hand
        "No longer judged under this framework",
        "This framework no longer judged this area at the inspection's date.",
    ),
    JUDGED_TOGETHER: (
        "Judged together (to 2022)",
        "Until 2022 ILACS judged children in care and care leavers together.",
    ),
    JUDGED_SEPARATELY: (
        "Judged separately (from 2023)",
        "From 2023 ILACS judges children in care and care leavers separately.",
    ),
}
ILACS_COMBINED = "children_in_care_and_care_leavers"
ILACS_SPLIT = frozenset({"children_in_care", "care_leavers"})


class Gap(NamedTuple):
    status: str
    words: str
    sentence: str


def gap(status: str, framework: str, key: str, start: date | None) -> Gap:
    """Why an area holds no grade, as `Gap(status, words, sentence)`."""
    if status == RETIRED:
        words = retired(framework, key, start)
        return Gap(status, words, f"{words}.")
    return Gap(status, *GAPS[status])


def areas_for(framework: str) -> list[Area]:
    """The graded areas of a framework, in the order Ofsted prints them ([] when ungraded)."""
    return AREAS.get(framework, [])


def area(framework: str, key: str) -> Area:
    """Look up one area; KeyError when the framework does not grade it."""
    for a in areas_for(framework):
        if a.key == key:
            return a
    raise KeyError(f"{framework} has no judgement area {key!r}")


def theme_area(framework: str, theme: str) -> Area | None:
    """The area a framework's judgement on a theme comes from, or None when it has none.

    For ILACS the combined 2018-22 judgement and the split 2023 ones share the children-in-care
    theme; the combined one comes first, and an inspection holds only one of them.
    """
    for a in areas_for(framework):
        if a.theme == theme:
            return a
    return None


def grade_allowed(framework: str, grade: str) -> bool:
    return grade in FRAMEWORK_GRADES.get(framework, ())
