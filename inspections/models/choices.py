"""The domain's words as choices, each checked by the database where a model stores it: the
frameworks, grades, themes and judgement areas (their words are `inspections.frameworks`'s), why
a cell of the grid holds what it holds, and the kinds of document."""

from django.db import models

from .. import frameworks as fw


class Framework(models.TextChoices):
    SLAC = fw.SLAC, "SLAC"
    LAC = fw.LAC, "LAC"
    SIF = fw.SIF, "SIF"
    ILACS = fw.ILACS, "ILACS"
    LSCB_REVIEW = fw.LSCB_REVIEW, "LSCB review"
    FOCUSED_VISIT = fw.FOCUSED_VISIT, "Focused visit"
    MONITORING_VISIT = fw.MONITORING_VISIT, "Monitoring visit"
    JTAI = fw.JTAI, "Joint targeted area inspection"


# The grade words are the frameworks' (fw.GRADE_NAMES); members are named by key (Grade.GOOD).
Grade = models.TextChoices(
    "Grade", [(key.upper(), (key, name)) for key, name in fw.GRADE_NAMES.items()]
)


Theme = models.TextChoices("Theme", [(key, (key, label)) for key, label in fw.THEMES.items()])


def _area_label(key):
    return next(a.label for areas in fw.AREAS.values() for a in areas if a.key == key)


Area = models.TextChoices(
    "Area", [(k.upper().replace(".", "__"), (k, _area_label(k))) for k in fw.ALL_AREA_KEYS]
)


# Why a cell of the grid holds what it holds: a grade, or one of the kinds of empty, each a
# different fact; the words are the frameworks' (fw.GAPS).
AreaStatus = models.TextChoices(
    "AreaStatus",
    [("JUDGED", ("judged", "Judged"))]
    + [(status.upper(), (status, words)) for status, (words, _) in fw.GAPS.items()],
)


class DocumentKind(models.TextChoices):
    INSPECTION_REPORT = "inspection_report", "Inspection report"
    COUNCIL_PAPER = "council_paper", "Council paper"
    DEMO_DATA = "demo_data", "Project demo data (public facts)"
