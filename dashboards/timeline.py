"""The authority and inspection pages: an authority's inspections (its predecessors' too), newest
first, each judgement with its evidence and its history of corrections, and every report Ofsted
lists for it placed among them by date. A fixed number of queries, however long the record."""

from collections import defaultdict

from django.db.models import Prefetch

from inspections import frameworks as fw
from inspections.models import ImportProblem, Inspection, Judgement
from inspections.publications import MATCH_WINDOW, Publication

from . import catalogue, evidence
from .charts import area_section


def _histories(judgements):
    """Each judgement's history rows (who, when, why), newest first, in one query."""
    history = defaultdict(list)
    records = (
        Judgement.history.filter(id__in=[j.pk for j in judgements])
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    for record in records:
        record.from_demo_data = record.history_change_reason == Judgement.DEMO_DATA_REASON
        history[record.id].append(record)
    for j in judgements:
        j.history_rows = history[j.pk]
        j.section = area_section(j.area)
    return judgements


def with_judgements(inspections):
    """The inspections of a queryset, each with its judgements (evidence, history) and
    documents at hand."""
    judgements = Judgement.objects.select_related("source_document", "corrected_by")
    inspections = list(
        inspections.prefetch_related(Prefetch("judgements", queryset=judgements), "documents")
    )
    _histories([j for i in inspections for j in i.judgements.all()])
    return inspections


def with_ofsted_entries(inspections, entries):
    """Each inspection's catalogue entries (`i.ofsted_entries`: those whose file is one of its
    documents), and the entries of none, in the order given."""
    by_document = {d.pk: i for i in inspections for d in i.documents.all()}
    for i in inspections:
        i.ofsted_entries = []
    loose = []
    for e in entries:
        inspection = by_document.get(e.document_id) or _covering(e, inspections)
        if inspection:
            inspection.ofsted_entries.append(e)
        else:
            loose.append(e)
    return loose


def _covering(entry, inspections):
    """The graded inspection an entry not stored here is of, when another source of it is here
    (`Publication.with_coverage`): the latest of the authority's that ended in the weeks before
    Ofsted published it."""
    if not getattr(entry, "covered", False):
        return None
    found = [
        i
        for i in inspections
        if i.authority_id == entry.authority_id
        and i.is_graded
        and (i.end_date or i.start_date)
        and entry.published - MATCH_WINDOW <= (i.end_date or i.start_date) <= entry.published
    ]
    return max(found, key=lambda i: i.end_date or i.start_date, default=None)


def merged(inspections, entries):
    """Inspections (newest first, as given) with the catalogue entries of no inspection placed
    by Ofsted's date among them: [("inspection" or "entry", object)]."""
    out, pending = [], sorted(entries, key=lambda e: e.published, reverse=True)
    for i in inspections:
        while pending and i.start_date and pending[0].published >= i.start_date:
            out.append(("entry", pending.pop(0)))
        out.append(("inspection", i))
    return out + [("entry", e) for e in pending]


def authority_page(authority):
    """Everything the authority page shows (`authority` with its catalogue_check at hand)."""
    # Newest first: the latest inspection is what an officer opens the page for.
    inspections = with_judgements(
        Inspection.objects.for_authority(authority)
        .for_dashboard()
        .order_by("-start_date", "authority__name", "-id")
    )
    lineage = {authority.pk, *(i.authority_id for i in inspections)}
    entries = list(
        Publication.objects.filter(authority__in=lineage)
        .select_related("authority")
        .with_coverage()
        .order_by("-published", "-id")
    )
    newest = next((e for e in entries if e.is_graded and e.authority_id == authority.pk), None)
    missing = catalogue.NotLoaded.of(newest) if newest and newest.is_missing else None
    for e in entries:
        e.public_reason = evidence.without_paths(e.reason)
        e.is_newest_missing = e is newest and missing is not None
    loose = with_ofsted_entries(inspections, entries)
    refused = list(ImportProblem.objects.refused_for(authority))
    for problem in refused:
        problem.public_reason = evidence.without_paths(problem.reason, problem.path)
    judgements = [j for i in inspections for j in i.judgements.all()]
    return {
        "authority": authority,
        "inspections": inspections,
        "predecessors": sorted(
            {i.authority for i in inspections if i.authority_id != authority.pk}, key=str
        ),
        "successors": list(authority.successors.all()),
        "flagged": sum(j.needs_review for j in judgements),
        "corrected": sum(j.is_corrected for j in judgements),
        "refused": refused,
        "timeline": merged(inspections, loose),
        "entries": entries,
        "entries_loaded": sum(e.state == Publication.State.STORED for e in entries),
        "check": getattr(authority, "catalogue_check", None),
        "missing": missing,
    }


def inspection_page(pk):
    """Everything the inspection page shows; None when there is no such inspection."""
    found = with_judgements(Inspection.objects.select_related("authority").filter(pk=pk))
    if not found:
        return None
    inspection = found[0]
    with_ofsted_entries(
        found, Publication.objects.filter(document__inspection=inspection).order_by("published")
    )
    judged = {j.area for j in inspection.judgements.all()}
    unjudged = []
    for a in fw.areas_for(inspection.framework):
        if a.key not in judged:
            words = inspection.gap_reason(a.key, judged).words
            unjudged.append((a, words[0].lower() + words[1:]))
    return {"inspection": inspection, "unjudged": unjudged}
