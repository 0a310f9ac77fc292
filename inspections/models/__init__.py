"""The app's models, one module per job; import them from here (`from inspections.models
import Judgement`).

- `judgements.py`: where a grade is **stored** (`Judgement`) and every write rule on it:
  `from_reading`, `take_reading`, `flag`, and the staff's `correct`, `revert`, `confirm`,
  `add_missing`.
- `inspections.py`: `Inspection`, its details as read and as corrected, and its write rules
  (`from_reading`, `merge_reading`, `add_not_judged`, `flag`, `correct`).
- `staff_actions.py`: `StaffAction`, each staff action recorded as it is taken (the export of
  staff work reads them).
- `documents.py`: `SourceDocument`, each file the ingest read.
- `choices.py`: the domain's words (`Framework`, `Grade`, `Theme`, `Area`, `AreaStatus`,
  `DocumentKind`).

The record of ingest runs (`inspections/imports.py`) and the catalogue of Ofsted's publications
(`inspections/publications.py`) live in modules of their own; their models are registered here,
as every model of the app is.
"""

from ..imports import ImportProblem, ImportRun, ProblemStatus
from ..publications import CatalogueCheck, Publication
from .choices import Area, AreaStatus, DocumentKind, Framework, Grade, Theme
from .documents import SourceDocument
from .inspections import Inspection, InspectionQuerySet
from .judgements import GradeOnTheme, Judgement, JudgementQuerySet, TakenReading, grade_in_words
from .staff_actions import StaffAction

__all__ = [
    "Area",
    "AreaStatus",
    "CatalogueCheck",
    "DocumentKind",
    "Framework",
    "Grade",
    "GradeOnTheme",
    "ImportProblem",
    "ImportRun",
    "Inspection",
    "InspectionQuerySet",
    "Judgement",
    "JudgementQuerySet",
    "ProblemStatus",
    "Publication",
    "SourceDocument",
    "StaffAction",
    "TakenReading",
    "Theme",
    "grade_in_words",
]
