"""Single inspection framework (2013-18): the judgement table, the overall sentence and the LSCB.

The overall grade is printed as a sentence above the table, in one of three forms: "The overall
judgement is good", "The overall judgement is that children's services require improvement" or,
in later reports, "Children's services in <authority> are good". The review of the Local
Safeguarding Children Board printed in the same report states its grade as a sentence too ("The
Local Safeguarding Children Board is good"). A sentence counts only as a whole line (or two): the
grade descriptions at the end of SIF reports read like judgements ("An LSCB requires improvement
if ..."), and prose goes on after the grade.
"""

import re
from dataclasses import replace

from inspections import frameworks as fw

from .grades import grade_of
from .judgements import FoundJudgement, judgement
from .tables import Row
from .text import Text

_RI = r"requires?\s+improvement(?:\s+to\s+be\s+good)?"
_GRADE = (
    rf"(?:(?:is|are|remains?)\s+)?(?:judged\s+(?:to\s+be\s+)?)?"
    rf"(?P<grade>outstanding|good|inadequate|{_RI})"
)
# A sentence judgement ends its line, with perhaps a full stop and a footnote number; the next
# line does not carry the sentence on in lower case ("... is outstanding" / "if it leads"),
# except for the "because:" that opens a list of reasons.
_ENDS = r"(?:[ \t]+because:?)?[ \t]*\.?\d{0,2}[ \t]*$(?!\n[ \t]*(?-i:[a-z])(?!ecause))"
# The report's title says whether it includes the review of the LSCB (re-inspections do not).
LSCB_REVIEWED_RE = re.compile(r"\breview of the effectiveness of the local\s+safeguarding", re.I)
# An authority's name: any character of a line up to the verb that states the grade.
_NAME = r"(?:(?!\b(?:are|is|requires?|remains?)\b)[^\n.])"
SIF_OVERALL_RE = re.compile(
    rf"^[ \t]*(?P<label>(?:The\s+overall\s+judgement\s+is(?:\s+that\s+(?:the\s+)?children[’']s"
    rf"\s+services?)?|Children[’']s\s+services\s+in\s+{_NAME}{{2,80}}?(?:\n{_NAME}{{1,60}}?)?)"
    rf"\s+{_GRADE})(?-i:{_ENDS})",
    re.I | re.M,
)
LSCB_RE = re.compile(
    rf"^[ \t]*(?P<label>(?:The\s+judgement\s+(?:for|on)\s+the\s+effectiveness\s+of\s+the|"
    rf"The\s+effectiveness\s+of\s+the|The)\s+(?:Local\s+Safeguarding\s+Children\s+Board"
    rf"(?:\s+\(LSCB\))?|LSCB)\s+{_GRADE})(?-i:{_ENDS})",
    re.I | re.M,
)
# "Children's services in the Blackburn with Darwen Council area are good" names the authority.
SERVICES_IN_RE = re.compile(r"^Children[’']s\s+services\s+in\s+(?P<name>.+?)\s*$", re.I)


def sentence(regex: re.Pattern, text: Text, framework: str, key: str) -> FoundJudgement | None:
    """The first whole-line sentence judgement; later ones must agree or it is flagged."""
    matches = []
    for page_no, page in enumerate(text.pages, 1):
        for m in regex.finditer(page):
            grade = grade_of(m["grade"])
            if grade is None:
                continue
            line = page.count("\n", 0, m.start("label")) + 1
            label = " ".join(m["label"].split())
            matches.append((grade, m, text.evidence_at(page_no, line, label)))
    if not matches:
        return None
    grade, m, evidence = matches[0]
    reason = ""
    if any(g != grade for g, _m, _e in matches[1:]):
        reason = f"the report states more than one grade for {key}"
    printed = " ".join(m["grade"].split())
    return judgement(framework, key, Row(evidence.text, grade, printed, evidence), reason)


def sentences(
    text: Text, judgements: list[FoundJudgement], title: str
) -> tuple[list[FoundJudgement], list[str]]:
    """The overall and LSCB sentences, added where the table has no row for them and compared
    with the row where it has. A missing LSCB is a reason to review only when the title names
    its review (re-inspections have none)."""
    result, reasons = list(judgements), []
    lscb_reviewed = bool(LSCB_REVIEWED_RE.search(title))
    for key, regex in (("overall_effectiveness", SIF_OVERALL_RE), ("lscb", LSCB_RE)):
        found = sentence(regex, text, fw.SIF, key)
        row = next((j for j in result if j.area == key), None)
        if found is None:
            if row is None and (key != "lscb" or lscb_reviewed):
                reasons.append(f"no SIF {key} sentence found")
        elif row is None:
            result.insert(0 if key == "overall_effectiveness" else len(result), found)
        elif row.grade != found.grade and not row.needs_review:
            reason = (
                f"the judgement table reads {row.grade_as_printed!r}, the report says "
                f"{found.evidence.text!r}"
            )
            result[result.index(row)] = replace(row, needs_review=True, review_reason=reason)
    return result, reasons
