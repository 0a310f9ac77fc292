"""Inspection of local authority children's services (2018 on).

Until 2022 children in care and care leavers were one judgement; from 2023 they are two. From
April 2026 ILACS has no overall effectiveness judgement (see `frameworks.RETIRED_AREAS`):
a report of that framework lists four judgements, and its overall effectiveness is "not judged
under this framework", neither missing nor invented.
"""

from datetime import date

from inspections import frameworks as fw

from .judgements import FoundJudgement


def care_rows(judgements: list[FoundJudgement], not_judged: list[str]) -> list[str]:
    """Reasons to review when the care judgements are neither the combined one nor both split."""
    present = {j.area for j in judgements} | set(not_judged)
    combined = fw.ILACS_COMBINED in present
    split = fw.ILACS_SPLIT & present
    if combined and split:
        return ["the ILACS table prints both the combined and the split care rows"]
    if not combined and len(split) < 2:
        return ["no ILACS judgement found for children in care and care leavers"]
    return []


def overall(
    judgements: list[FoundJudgement], not_judged: list[str], start: date | None
) -> list[str]:
    """A reason to review when an inspection from before April 2026 (or of no known date) has
    no overall effectiveness judgement; from April 2026 there is none to find."""
    present = {j.area for j in judgements} | set(not_judged)
    if "overall_effectiveness" in present or fw.retired(fw.ILACS, "overall_effectiveness", start):
        return []
    return ["no ILACS judgement found for overall_effectiveness"]
