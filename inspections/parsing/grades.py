"""Ofsted's grade words as printed, and the grade keys they stand for.

`grade_of(text)` reads a whole table cell ("Requires improvement to be good", "Grade 2 (good)",
"adequate") and returns a grade key, or None when the cell is not exactly a grade. Matching the
whole cell is what keeps "adequate" from being read inside "inadequate" and a grade word in prose
from being read as a judgement.
"""

import re

from inspections.frameworks import (
    ADEQUATE,
    GOOD,
    GRADE_NAMES,
    INADEQUATE,
    OUTSTANDING,
    REQUIRES_IMPROVEMENT,
)

NOT_JUDGED = "not_judged"

# The grade names, and the variants reports print for requires improvement.
_WORDS = {
    **{name.lower(): grade for grade, name in GRADE_NAMES.items()},
    "requires improvement to be good": REQUIRES_IMPROVEMENT,
    "require improvement": REQUIRES_IMPROVEMENT,
    "require improvement to be good": REQUIRES_IMPROVEMENT,
    "not judged": NOT_JUDGED,
}

# Every grade cell as printed, lower case with single spaces. SLAC's headings print "Grade 3
# (adequate)"; a PDF may split a cell over lines ("Requires" / "Improvement").
GRADE_CELLS = {
    **_WORDS,
    "grade 1 (outstanding)": OUTSTANDING,
    "grade 2 (good)": GOOD,
    "grade 3 (adequate)": ADEQUATE,
    "grade 4 (inadequate)": INADEQUATE,
}

_GRADE_ALTERNATIVES = (
    r"requires?\s+improvement(?:\s+to\s+be\s+good)?|not\s+judged|grade\s+[1-4]\s*\(\s*"
    r"(?:outstanding|good|adequate|inadequate)\s*\)|outstanding|good|inadequate|adequate"
)
# A cell that ends with a grade after its label ("Staying safe Good", "Quality of provision\tGood").
TRAILING_GRADE_RE = re.compile(rf"^(?P<label>.*?\S)\s+(?P<grade>{_GRADE_ALTERNATIVES})\s*$", re.I)
_WHITESPACE_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, single spaces, straight apostrophes: the form cells are compared in."""
    return _WHITESPACE_RE.sub(" ", text.replace("\u2019", "'")).strip().lower()


def grade_of(text: str) -> str | None:
    """The grade key of a whole cell, "not_judged", or None when the cell is not a grade."""
    return GRADE_CELLS.get(normalise(text))
