"""Reading inspection documents and storing what they say.

`read_document(path, authorities)` runs in worker processes: it hashes, extracts and parses one
file and returns a `ReadResult` (never raises for bad input; the reason is in `result.reason`).
`store(result)` runs in the main process inside one transaction per document: it joins the
document to its inspection (one inspection, many sources), fills what the inspection lacks, flags
disagreements instead of resolving them by order, and never writes over a staff correction.
Storing a document already stored (the same SHA-256) is a reparse: its row is updated in place
and the judgements it is the source of are read again (see `store`). The file itself is kept in
Django's default storage under its content hash (see `keep_file`). A document no authority
could be named for is stored unplaced, with its reading, until an editor places it (`place`).
"""

import hashlib
import os
import re
import stat
import tempfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from authorities.models import LocalAuthority

from .models import Inspection, Judgement, SourceDocument, grade_in_words
from .parsing import (
    NOT_A_REPORT,
    NotAReport,
    ParsedDocument,
    ParseError,
    authority_aliases,
    authority_reason,
    parse_document,
)
from .pdf import PdfError, extract_pages
from .publications import Publication

SUFFIXES = (".pdf", ".txt")
FOLDER_URN_RE = re.compile(r"^(\d{5,8})_")
WORD_RE = re.compile(r"[a-z0-9]+")
SHINGLE_WORDS = 8
# Keep one shingle hash in 8 (chosen by value, so two copies of a text keep the same ones).
FINGERPRINT_SAMPLE = 8
FINGERPRINT_MAX = 2000
# Two documents are one report when half the smaller one's sampled word runs are in the other.
SAME_TEXT_OVERLAP = 0.5

INGESTED, UNCHANGED, REFUSED, FAILED = "ingested", "unchanged", "refused", "failed"
UNPLACED = "unplaced"  # stored without an inspection: no authority could be named


@dataclass
class ReadResult:
    path: str
    sha256: str
    size: int
    pages: int | None = None
    parsed: ParsedDocument | None = None
    fingerprint: list[int] = field(default_factory=list)
    status: str = INGESTED
    reason: str = ""
    # Refused because the file is not a report at all (an empty file, a saved web page), as
    # opposed to a report that could not be read or placed.
    not_a_report: bool = False

    @property
    def file_name(self):
        return Path(self.path).name


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


class NotARegularFile(OSError):
    """A FIFO, device or socket given as a document: reading it could wait for ever."""


def find_documents(paths):
    """Every .pdf and .txt under the given files or folders, sorted, each once. In a folder only
    regular files are found (a FIFO or device there is passed over); a path named on its own is
    returned whatever it is, for `sha256_of` to refuse."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]
        else:
            found.append(path)
    return sorted(set(found))


def sha256_of(path):
    """The file's SHA-256; raises NotARegularFile, without waiting, for anything but a regular
    file (opening a FIFO for reading would wait for a writer, and a device never ends)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
            raise NotARegularFile(f"{path}: not a regular file ({what})")
        return hashlib.file_digest(f, "sha256").hexdigest()


def authority_names():
    """The name-to-code mapping the parser matches authorities with, from the database."""
    rows = LocalAuthority.objects.values("la_code", "name", "aliases")
    return authority_aliases(
        {"la_code": r["la_code"], "name": r["name"], "aliases": "; ".join(r["aliases"])}
        for r in rows
    )


def text_fingerprint(pages):
    """A sample of hashed 8-word runs: the same for two copies of a report in any layout."""
    words = WORD_RE.findall(" ".join(pages).lower())
    hashes = {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    }
    return sorted(h for h in hashes if h % FINGERPRINT_SAMPLE == 0)[:FINGERPRINT_MAX]


def read_text(path):
    data = Path(path).read_bytes()
    if not data.strip():
        raise NotAReport(f"{path}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(f"{path}: the text is UTF-16; convert it to UTF-8 and ingest it again")
    if b"\x00" in data:
        raise NotAReport(f"{path}: not a text file (it holds binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(
            f"{path}: the text is not UTF-8 (undecodable byte 0x{data[e.start]:02x} at offset "
            f"{e.start}); convert it to UTF-8 and ingest it again"
        ) from e


def read_document(path, authorities, sha256=None, size=None):
    """Extract and parse one file. Bad input comes back as status 'refused' with its reason."""
    path = str(path)
    result = ReadResult(path=path, sha256=sha256 or sha256_of(path), size=size or 0)
    try:
        if not result.size:
            result.size = Path(path).stat().st_size
        if path.lower().endswith(".pdf"):
            try:
                pages = extract_pages(path)
            except RecursionError as e:  # pdfminer resolves nested objects recursively
                raise PdfError(f"{path}: corrupt PDF (objects nested too deep to read)") from e
            result.pages = len(pages)
        else:
            pages = [read_text(path)]
        result.parsed = parse_document(
            pages, source=path, paged=result.pages is not None, authorities=authorities
        )
        result.fingerprint = text_fingerprint(pages)
        if result.parsed.kind == NOT_A_REPORT:
            result.status, result.reason = REFUSED, f"{path}: not an inspection report"
            result.not_a_report = True
        elif result.parsed.authority_code is None:
            # A report all the same: kept, unplaced, for an editor to name its authority.
            result.status = UNPLACED
            why = (
                f"it names {result.parsed.authority_as_printed!r}, which more than one "
                "authority may be"
                if result.parsed.authority_candidates
                else "no authority found in its title block or running headers"
            )
            result.reason = f"{path}: {why}; stored unplaced for an editor to place"
    except (ParseError, PdfError) as e:
        result.status, result.reason = REFUSED, _with_path(path, str(e))
        result.not_a_report = isinstance(e, NotAReport)
    except OSError as e:
        result.status, result.reason = REFUSED, f"{path}: cannot read the file ({e.strerror})"
    except MemoryError:  # past the worker's cap (workers.py): a decompression bomb, say
        result.status = REFUSED
        result.reason = (
            f"{path}: reading it needed more than {settings.INGEST_WORKER_MEMORY_MB} MB of memory "
            "(INGEST_WORKER_MEMORY_MB)"
        )
    except Exception as e:  # a parser bug must not stop the run: report it for this file only
        result.status, result.reason = FAILED, f"{path}: unexpected error {type(e).__name__}: {e}"
    return result


def _with_path(path, message):
    return message if message.startswith(path) else f"{path}: {message}"


def folder_urn(path):
    """An Ofsted URN from a download folder named like '80472_hampshire', or None."""
    match = FOLDER_URN_RE.match(Path(path).parent.name)
    return match.group(1) if match else None


def document_file_name(sha256, path):
    """Where a document's file is kept: named by its content, so the same bytes are kept once."""
    return f"documents/{sha256}{Path(path).suffix.lower()}"


def keep_file(document, path, written):
    """Put the document's file in the default storage unless it is there already, whole, and
    point the row at it. A file already under its name is used only if its bytes are the
    document's (size, then SHA-256): one a crash or a full disk cut short is written again, so a
    reparse repairs it. A name this call created is appended to `written`, so that `store` can
    take the file back if the row is not stored."""
    name = document_file_name(document.sha256, path)
    existed = default_storage.exists(name)
    if not (existed and _holds(name, document.sha256, os.path.getsize(path))):
        _write_whole(name, path)
        if not existed:
            written.append(name)
    if document.file.name != name:
        document.file.name = name
        document.save(update_fields=["file"])


def _holds(name, sha256, size):
    """Whether the stored file `name` holds exactly the bytes hashing to sha256."""
    if default_storage.size(name) != size:
        return False
    with default_storage.open(name, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest() == sha256


def _write_whole(name, path):
    """Store the file at `path` as `name`, replacing what is there, so that `name` is never seen
    half written. On a local folder the bytes go to a temporary file beside it, synced, then
    renamed over `name` (atomic); a remote storage (S3) stores one upload whole or not at all."""
    try:
        target = Path(default_storage.path(name))
    except NotImplementedError:  # no local path: a remote storage
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(path, "rb") as f:
            saved = default_storage.save(name, File(f))
        if saved != name:  # another ingest stored the same bytes meanwhile: keep one copy
            default_storage.delete(saved)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=target.suffix)
    try:
        with open(fd, "wb") as out, open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, getattr(default_storage, "file_permissions_mode", None) or 0o644)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


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
        placed = replace(result.parsed, authority_code=document.inspection.authority.la_code)
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
    parsed = ParsedDocument.from_json(document.reading)
    parsed = replace(
        parsed,
        authority_code=authority.la_code,
        review_reasons=tuple(r for r in parsed.review_reasons if not authority_reason(r)),
    )
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
