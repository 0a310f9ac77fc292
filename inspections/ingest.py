"""Storing what a document says: the ingest's database side.

`store(result)` runs in the main process, inside one transaction per document, on the
`ReadResult` a worker read (`inspections.reading`): it joins the document to its inspection (one
inspection, many sources), fills what the inspection lacks, flags disagreements instead of
resolving them by order, and never writes over a staff correction. Storing a document already
stored (the same SHA-256) is a reparse: its row is updated in place and the judgements it is the
source of are read again (see `store`). The file itself is kept under its content hash
(`inspections.kept_files`). A document no authority could be named for is stored unplaced, with
its reading, until an editor places it (`place`).
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from authorities.models import LocalAuthority

from .kept_files import keep_file
from .models import Inspection, Judgement, SourceDocument, grade_in_words
from .parsing import ParsedDocument, authority_aliases, authority_reason
from .publications import Publication
from .reading import INGESTED, UNPLACED, ReadResult

FOLDER_URN_RE = re.compile(r"^(\d{5,8})_")
# Two documents are one report when half the smaller one's sampled word runs are in the other.
SAME_TEXT_OVERLAP = 0.5


@dataclass
class Outcome:
    """What storing one document did, for the summary and the --json line."""

    status: str
    reason: str = ""
    inspection: Inspection | None = None
    document: SourceDocument | None = None
    inspection_created: bool = False
    inspection_changed: bool = False
    judgements_stored: int = 0
    flagged: int = 0
    review_reasons: list[str] = field(default_factory=list)
    # A reparse of a stored document: what its new reading changed, in words, and counts.
    reparsed: bool = False
    changes: list[str] = field(default_factory=list)
    judgements_changed: int = 0
    judgements_added: int = 0
    judgements_lost: int = 0
    # The catalogue entry of Ofsted's that this report is, when the catalogue holds it.
    publication: Publication | None = None


def authority_names():
    """The name-to-code mapping the parser matches authorities with, from the database: read
    in the main process and handed to each worker's `read_document`."""
    rows = LocalAuthority.objects.values("la_code", "name", "aliases")
    return authority_aliases(
        {"la_code": r["la_code"], "name": r["name"], "aliases": "; ".join(r["aliases"])}
        for r in rows
    )


def folder_urn(path):
    """An Ofsted URN from a download folder named like '80472_hampshire', or None."""
    match = FOLDER_URN_RE.match(Path(path).parent.name)
    return match.group(1) if match else None


def store(result: ReadResult) -> Outcome:
    """Store one parsed document: all of it or, on any error, none of it.

    The file is written to storage last, inside the document's transaction. If anything fails,
    the commit included, a file this call wrote is deleted again, so a rollback leaves no file
    behind. A file an enclosing transaction's rollback (or a crash) leaves is named by its
    content hash: the next ingest of those bytes finds it and uses it rather than writing again.
    """
    written = []
    try:
        with transaction.atomic():
            outcome = _store_unplaced(result) if result.status == UNPLACED else _store(result)
            keep_file(outcome.document, result.path, written)
            outcome.publication = Publication.match_document(outcome.document)
            return outcome
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _store_unplaced(result: ReadResult) -> Outcome:
    """Keep a document no authority could be named for, and its reading, without an inspection.
    One an editor placed stays where it was placed: its reparse is stored there."""
    document = SourceDocument.objects.filter(sha256=result.sha256).first()
    if document is not None and document.inspection_id is not None:
        placed = _placed(result.parsed, document.inspection.authority)
        return _store(replace(result, parsed=placed, status=INGESTED))
    document = _save_document(
        document,
        result,
        inspection=None,
        status=SourceDocument.Status.UNPLACED,
        error="\n".join([result.reason, *result.parsed.review_reasons]),
        reading=result.parsed.as_json(),
    )
    return Outcome(status=UNPLACED, reason=result.reason, document=document)


def _save_document(document, result, **fields):
    """The document's row as this reading leaves it: created, or updated in place (a reparse)."""
    fields = {
        "path": result.path,
        "kind": result.parsed.kind,
        "pages": result.pages,
        "size_bytes": result.size,
        "text_fingerprint": result.fingerprint,
        **fields,
    }
    if document is None:
        return SourceDocument.objects.create(
            file_name=result.file_name, sha256=result.sha256, **fields
        )
    for name, value in fields.items():
        setattr(document, name, value)
    document.save()
    return document


@transaction.atomic
def place(document: SourceDocument, authority: LocalAuthority, *, reason: str, user) -> Outcome:
    """Store an unplaced document's reading under the authority an editor chose, by the same
    path as the ingest: its inspection is found or created and its grades stored, each with a
    history row naming the editor."""
    if document.status != SourceDocument.Status.UNPLACED or not document.reading:
        raise ValueError(f"{document} is not an unplaced document")
    parsed = _placed(ParsedDocument.from_json(document.reading), authority)
    result = ReadResult(
        path=document.path,
        sha256=document.sha256,
        size=document.size_bytes,
        pages=document.pages,
        parsed=parsed,
        fingerprint=document.text_fingerprint,
    )
    started = timezone.now()
    outcome = _store(result)
    outcome.document.reading = {}
    outcome.document.save(update_fields=["reading"])
    reason = f"Placed under {authority}: {reason}"
    for record in [outcome.inspection, *outcome.inspection.judgements.all()]:
        latest = record.history.first()
        if latest is not None and latest.history_date >= started:
            latest.history_change_reason = reason
            latest.history_user = user
            latest.save(update_fields=["history_change_reason", "history_user"])
    return outcome


def _placed(parsed, authority):
    """The reading under the authority an editor chose: its doubt about the authority is
    settled, so it no longer flags the inspection."""
    return replace(
        parsed,
        authority_code=authority.la_code,
        review_reasons=tuple(r for r in parsed.review_reasons if not authority_reason(r)),
    )


def _store(result: ReadResult) -> Outcome:
    """Store one parsed document's rows (see `store`).

    A document already stored (the same SHA-256) is reparsed: its row is updated in place. It
    stays with its inspection while the new reading names the same authority and framework, and
    otherwise moves to the inspection that reading matches (the one it leaves is flagged). Its
    judgements are stored by `_store_judgements`; the inspection's details by
    `Inspection.merge_reading`, which replaces metadata the document alone supplied. The demo
    data of an inspection a document now covers is dropped (`Inspection.drop_demo_data`).
    """
    parsed = result.parsed
    outcome = Outcome(status=INGESTED)
    authority = LocalAuthority.objects.get(la_code=parsed.authority_code)
    reasons = [*parsed.review_reasons, *_folder_reasons(result.path, authority)]
    document = (
        SourceDocument.objects.select_related("inspection").filter(sha256=result.sha256).first()
    )
    outcome.reparsed = document is not None
    inspection = _inspection_for(document, authority, result, reasons, outcome)

    left = document.inspection if document else None
    document = _save_document(
        document,
        result,
        inspection=inspection,
        status=SourceDocument.Status.NEEDS_REVIEW if reasons else SourceDocument.Status.INGESTED,
        error="\n".join(reasons),
    )
    if left and left.pk != inspection.pk:
        left.flag([f"the reparse of {document.file_name} reads it as {inspection}; it moved there"])
        outcome.changes.append(f"moved from {left} to {inspection}")
    if parsed.not_judged:
        inspection.add_not_judged(parsed.not_judged)
    _store_judgements(outcome, inspection, document, parsed.judgements)
    inspection.drop_demo_data()
    if reasons:
        inspection.flag(reasons)
    outcome.inspection = inspection
    outcome.document = document
    outcome.review_reasons = reasons
    return outcome


def _folder_reasons(path, authority):
    """A reason to review when the file's download folder names another authority's URN."""
    urn = folder_urn(path)
    if not urn or urn == authority.ofsted_urn:
        return []
    lineage_urns = {a.ofsted_urn for a in authority.lineage()} | {
        s.ofsted_urn for s in authority.successors.all()
    }
    if urn in lineage_urns:
        return []
    folder_authority = LocalAuthority.objects.filter(ofsted_urn=urn).first()
    return [
        f"the folder names Ofsted URN {urn} ({folder_authority or 'unknown'}) but the document "
        f"names {authority}"
    ]


def _inspection_for(document, authority, result, reasons, outcome):
    """The inspection the document describes, found (its details merged from this reading) or
    created from its reading. A note on a match that needs a human's eye goes to `reasons`."""
    parsed = result.parsed
    if document:
        inspection, how = _reparse_inspection(document, authority, parsed, result.fingerprint)
    else:
        inspection, how = _find_inspection(authority, parsed, result.fingerprint)
    if inspection is None:
        outcome.inspection_created = True
        return Inspection.from_reading(authority=authority, parsed=parsed)
    if how:
        reasons.append(how)
    only_source = (
        document is not None
        and document.inspection_id == inspection.pk
        and not inspection.documents.exclude(pk=document.pk).exists()
    )
    changes = inspection.merge_reading(parsed, source=result.file_name, replace=only_source)
    outcome.inspection_changed = bool(changes)
    if document:
        outcome.changes += changes
    return inspection


def _store_judgements(outcome, inspection, document, judgements):
    """Each judgement read is created (`Judgement.from_reading`) or taken as a further reading
    of the stored one (`Judgement.take_reading`, which keeps staff corrections); on a reparse,
    one the document no longer gives is flagged, never deleted. Counted in `outcome`."""
    stored_before = {
        j.area: j for j in inspection.judgements.select_related("source_document")
    }  # one query per document, not one per judgement
    for found in judgements:
        existing = stored_before.get(found.area)
        if existing is None:
            Judgement.from_reading(inspection=inspection, document=document, found=found)
            saved, flagged, change = True, found.needs_review, ""
        else:
            saved, flagged, change = existing.take_reading(found=found, document=document)
        outcome.judgements_stored += saved
        outcome.flagged += flagged
        outcome.inspection_changed |= saved and not outcome.inspection_created
        if outcome.reparsed and existing is None:
            outcome.judgements_added += 1
            change = f"{found.label}: newly read as {grade_in_words(found.grade)}"
        if outcome.reparsed and change:
            outcome.judgements_changed += existing is not None
            outcome.changes.append(change)
    if outcome.reparsed:
        lost, newly_flagged = _flag_no_longer_found(
            document, inspection, {j.area for j in judgements}
        )
        outcome.judgements_lost = len(lost)
        outcome.flagged += newly_flagged
        outcome.changes += [
            f"{j.label}: no longer found, kept as {grade_in_words(j.grade)}" for j in lost
        ]


def _inspections_of(authority, framework):
    """An authority's inspections under a framework, as the parser read them or as corrected."""
    return Inspection.objects.filter(
        Q(parsed_authority=authority) | Q(authority=authority), framework=framework
    )


def _dated(inspections, authority, start):
    """The inspection that started on `start`: as read by the parser first (a new copy of a
    report whose date staff corrected), else as corrected (a source printing the right date)."""
    as_read = inspections.filter(parsed_authority=authority, parsed_start_date=start).first()
    return as_read or inspections.filter(authority=authority, start_date=start).first()


def _find_inspection(authority, parsed, fingerprint):
    """The inspection this document describes, and a note when the match needs a human's eye.

    Same authority, framework and start date is the same inspection, compared on the values the
    parser read (`parsed_*`) and then on the values staff corrected them to. When a source
    prints no dates it joins the inspection whose documents share its text; failing that, the
    single inspection of that authority and framework reporting exactly the same judgements.
    """
    inspections = _inspections_of(authority, parsed.framework)
    if parsed.inspection_start:
        exact = _dated(inspections, authority, parsed.inspection_start)
        if exact:
            return exact, None
    candidates = [
        i
        for i in inspections.prefetch_related("documents", "judgements")
        # two dated sources must agree above
        if not (i.parsed_start_date and parsed.inspection_start)
    ]
    same_text = [i for i in candidates if _shares_text(i, fingerprint)]
    if len(same_text) == 1:
        return same_text[0], None
    grades = {(j.area, j.grade) for j in parsed.judgements}
    same_grades = [
        i for i in candidates if grades and {(j.area, j.parsed_grade) for j in i.judgements.all()}
        == grades
    ]  # fmt: skip
    if len(same_grades) == 1:
        return same_grades[0], (
            "joined to an inspection with the same judgements and grades because one source "
            "prints no dates: check it is the same inspection"
        )
    return None, None


def _reparse_inspection(document, authority, parsed, fingerprint):
    """The inspection a stored document belongs to by its new reading (see `store`)."""
    own = document.inspection
    if parsed.inspection_start:  # a date that is another inspection's is that inspection
        exact = _dated(
            _inspections_of(authority, parsed.framework), authority, parsed.inspection_start
        )
        if exact:
            return exact, None
    if (
        own is not None
        and own.framework == parsed.framework
        and authority.pk in (own.parsed_authority_id, own.authority_id)
    ):
        return own, None
    return _find_inspection(authority, parsed, fingerprint)


def _flag_no_longer_found(document, inspection, found_areas):
    """Flag (never delete) the judgements `document` is the source of that its new reading
    lacks. Returns them and how many were not flagged for it before."""
    lost = list(
        Judgement.objects.filter(source_document=document)
        .exclude(inspection=inspection, area__in=found_areas)
        .select_related("inspection")
    )
    reason = f"the reparse of {document.file_name} no longer finds this judgement; kept as read"
    why = f"Reparse of {document.file_name}"
    return lost, sum(judgement.flag([reason], why=why) for judgement in lost)


def _shares_text(inspection, fingerprint):
    mine = set(fingerprint)
    for document in inspection.documents.all():
        theirs = set(document.text_fingerprint)
        smaller = min(len(mine), len(theirs))
        if smaller and len(mine & theirs) / smaller >= SAME_TEXT_OVERLAP:
            return True
    return False
