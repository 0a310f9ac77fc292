import dataclasses
import getpass
import json
import multiprocessing
import os
import sys
from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from authorities.models import LocalAuthority
from inspections import ingest, reading
from inspections.ingest_lock import one_ingest_at_a_time
from inspections.models import ImportProblem, ImportRun, SourceDocument
from inspections.workers import Readers

# What the summary line counts (inspections are counted as sets of ids, so that the summary is
# the same whatever order the workers finish in).
COUNTS = (
    "read",
    "unchanged",
    "judgements",
    "flagged",
    "documents_flagged",
    "reparsed",
    "judgements_changed",
    "judgements_added",
    "judgements_lost",
)


class Command(BaseCommand):
    help = "Ingest Ofsted inspection documents (PDF or text) into the database."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders (searched recursively).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report, store nothing."
        )
        parser.add_argument("--json", action="store_true", help="One JSON object per document.")
        parser.add_argument(
            "--reparse",
            action="store_true",
            help="Read documents already stored again with today's parser (corrections stay).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Worker processes that parse (default: the number of cores; 1 still reads in "
            "a worker, so that the memory and time limits hold).",
        )
        parser.add_argument(
            "--start-method",
            choices=multiprocessing.get_all_start_methods(),
            help="How worker processes start (default: Python's default for the platform).",
        )

    def handle(self, *args, paths, dry_run, **options):
        files = reading.find_documents(paths)
        missing = [str(p) for p in files if not p.exists()]
        if missing:
            raise CommandError(f"{missing[0]}: no such file or folder")
        if dry_run:  # stores nothing: another run storing meanwhile changes nothing it says
            return self._ingest(paths, files, dry_run=dry_run, **options)
        with one_ingest_at_a_time(self.stderr.write):
            return self._ingest(paths, files, dry_run=dry_run, **options)

    def _ingest(self, paths, files, *, dry_run, json, jobs, reparse, start_method, **options):
        names = ingest.authority_names()
        if not names:
            raise CommandError("No authorities in the database: run manage.py load_authorities.")
        self.as_json, self.dry_run = json, dry_run
        self.counts = dict.fromkeys(COUNTS, 0)
        self.inspections = {"new": set(), "changed": set(), "joined": set()}
        self.problems = []
        self.reparse_changes = []  # (path, [what changed]) per reparsed document
        # la_code -> {name, la_code, gss_code} for the --json lines: one query for the run.
        authorities = list(
            LocalAuthority.objects.values("pk", "name", "la_code", "gss_code", "ofsted_urn")
        )
        self.authority_of = {
            a["la_code"]: {k: a[k] for k in ("name", "la_code", "gss_code")} for a in authorities
        }
        # Where a refused file belongs: by its parse's LA code, else by its folder's Ofsted URN.
        self.authority_pk = {a["la_code"]: a["pk"] for a in authorities}
        self.authority_pk_by_urn = {
            a["ofsted_urn"]: a["pk"] for a in authorities if a["ofsted_urn"]
        }

        # Every run that may store something is recorded, with what it refused (see the admin).
        self.run = None
        if not dry_run:
            self.run = ImportRun.objects.create(
                started_by=f"manage.py ingest ({_user()})",
                paths=[str(p) for p in paths],
                reparse=reparse,
                files=len(files),
            )
        hashes, self.copies = {}, {}
        for path in map(str, files):
            try:
                hashes[path] = reading.sha256_of(path)
            except OSError as e:  # a FIFO or a device (NotARegularFile), or unreadable
                reason = str(e) if isinstance(e, reading.NotARegularFile) else e.strerror
                self._handle(
                    reading.ReadResult(
                        path=path,
                        sha256="",
                        size=0,
                        status=reading.REFUSED,
                        reason=reason if reason.startswith(path) else f"{path}: {reason}",
                    )
                )
        stored = dict(  # sha256 -> the file name it was first ingested under
            SourceDocument.objects.filter(sha256__in=hashes.values()).values_list(
                "sha256", "file_name"
            )
        )
        # The same bytes twice in one run are read once, and the copy reported with the first
        # (unchanged, or refused as it was). Under another suffix they are read another way.
        to_read, first_path = [], {}
        for path in (str(p) for p in files if str(p) in hashes):
            digest, suffix = hashes[path], os.path.splitext(path)[1].lower()
            if digest in stored and not reparse:
                self._report_unchanged(path, f"already ingested as {stored[digest]}")
            elif (digest, suffix) in first_path:
                self.copies.setdefault(first_path[digest, suffix], []).append(path)
            else:
                first_path[digest, suffix] = path
                to_read.append(path)

        progress = _progress(len(to_read), self.stderr)
        # Every document is read in a worker process, --jobs 1 included, so that one needing too
        # much memory or time is refused and the worker replaced, and one that kills its worker
        # fails alone (inspections/workers.py). Workers never touch the database; forked ones
        # inherit its connection and leave without closing it (os._exit), so it stays open and
        # keeps the ingest's lock. Each worker sets Django up itself, so the pool works whether
        # workers fork or start afresh (spawn, forkserver: Python 3.14's default on Linux).
        readers = Readers(
            partial(_read, authorities=names),
            jobs=min(jobs, len(to_read)),
            memory_mb=settings.INGEST_WORKER_MEMORY_MB,
            seconds=settings.INGEST_DOCUMENT_SECONDS,
            start_method=start_method,
        )
        # Largest files first, so no worker is left with a big one at the end. Each document
        # is stored as soon as its worker finishes: the progress bar and the --json lines
        # follow completion, and the summary does not depend on the order.
        largest_first = sorted(to_read, key=os.path.getsize, reverse=True)
        with readers:
            for path, result, lost in readers.read((p, hashes[p]) for p in largest_first):
                if lost:
                    status, why = lost
                    result = reading.ReadResult(
                        path=path,
                        sha256=hashes[path],
                        size=os.path.getsize(path),
                        status=status,
                        reason=f"{path}: {why}",
                    )
                self._handle(result)
                progress.update()
        progress.close()
        self._summary(len(files))

    def _handle(self, result):
        self.counts["read"] += 1
        outcome = None
        if result.status in (reading.INGESTED, reading.UNPLACED) and not self.dry_run:
            try:
                outcome = ingest.store(result)
            except Exception as e:  # rolled back: this document only, the run goes on
                result.status = reading.FAILED
                result.reason = f"{result.path}: not stored, {type(e).__name__}: {e}"
        if result.status in (reading.REFUSED, reading.FAILED, reading.UNPLACED):
            self.problems.append(result)
            self.stderr.write(result.reason)
        if outcome and outcome.inspection:
            pk = outcome.inspection.pk
            if outcome.inspection_created:
                self.inspections["new"].add(pk)
            self.inspections["changed" if outcome.inspection_changed else "joined"].add(pk)
            self.counts["judgements"] += outcome.judgements_stored
            self.counts["flagged"] += outcome.flagged
            self.counts["documents_flagged"] += bool(outcome.review_reasons)
            if outcome.reparsed:
                self.counts["reparsed"] += 1
                for name in ("judgements_changed", "judgements_added", "judgements_lost"):
                    self.counts[name] += getattr(outcome, name)
                if outcome.changes:
                    self.reparse_changes.append((result.path, outcome.changes))
        if self.as_json:
            line = _as_json(result, outcome, self.dry_run, self.authority_of)
            self.stdout.write(json.dumps(line, default=str))
        for path in self.copies.pop(result.path, []):
            if result.status in (reading.REFUSED, reading.FAILED):
                reason = result.reason.replace(result.path, path, 1)
                self._handle(dataclasses.replace(result, path=path, reason=reason))
            else:
                self._report_unchanged(path, f"the same file as {result.path}")

    def _report_unchanged(self, path, reason):
        self.counts["unchanged"] += 1
        if self.as_json:
            line = {"path": path, "document": os.path.basename(path), "status": reading.UNCHANGED}
            line["reason"] = reason
            self.stdout.write(json.dumps(line))

    def _summary(self, total):
        c = self.counts
        new = self.inspections["new"]
        updated = self.inspections["changed"] - new
        same = self.inspections["joined"] - updated - new
        refused = [r for r in self.problems if r.status == reading.REFUSED]
        failed = [r for r in self.problems if r.status == reading.FAILED]
        unplaced = [r for r in self.problems if r.status == reading.UNPLACED]
        verb = "Parsed (dry run, nothing stored)" if self.dry_run else "Read"
        summary = (
            f"{verb} {total} documents ({c['unchanged']} unchanged, skipped); inspections "
            f"{len(new)} new, {len(updated)} updated, {len(same)} unchanged by a further source; "
            f"{c['judgements']} judgements stored; flagged for review: {c['flagged']} judgements, "
            f"{c['documents_flagged']} documents; {len(unplaced)} unplaced (no authority named: "
            f"an editor places them in the admin), {len(refused)} refused, {len(failed)} failed."
        )
        out = self.stderr if self.as_json else self.stdout
        out.write(summary)
        if c["reparsed"]:
            out.write(
                f"Reparsed {c['reparsed']} stored documents, {len(self.reparse_changes)} read "
                f"differently: {c['judgements_changed']} judgements changed, "
                f"{c['judgements_added']} found for the first time, {c['judgements_lost']} no "
                "longer found (kept and flagged); staff corrections kept."
            )
            for path, changes in sorted(self.reparse_changes):
                out.write(f"  reparsed: {path}: {'; '.join(changes)}")
        for result in sorted(self.problems, key=lambda r: r.path):
            out.write(f"  {result.status}: {result.reason}")
        if self.run:
            self.run.finish(
                counts={**c, "new": len(new), "updated": len(updated), "same": len(same),
                        "unplaced": len(unplaced), "refused": len(refused), "failed": len(failed)},
                summary=summary,
                problems=[self._problem(r) for r in self.problems],
            )  # fmt: skip
        if refused or failed:
            raise CommandError(f"{len(refused) + len(failed)} documents were refused or failed.")

    def _problem(self, result):
        """An unsaved ImportProblem, placed at the authority its parse or its folder names."""
        code = result.parsed.authority_code if result.parsed else None
        authority_pk = self.authority_pk.get(code) or self.authority_pk_by_urn.get(
            ingest.folder_urn(result.path)
        )
        return ImportProblem(
            path=result.path,
            file_name=os.path.basename(result.path),
            status=result.status,
            reason=result.reason,
            authority_id=authority_pk,
        )


def _user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "unknown user"


def _read(path, sha256, authorities):
    return reading.read_document(path, authorities, sha256=sha256)


def _progress(total, stream):
    """A progress bar on a terminal; nothing when output is piped or captured."""
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr, disable=not stream.isatty())


def _as_json(result, outcome, dry_run, authority_of):
    """The corpus README's 'Expected format', plus path, status, reason and review flags."""
    line = {
        "path": result.path,
        "document": result.file_name,
        "status": result.status,
        "reason": result.reason or None,
    }
    parsed = result.parsed
    if parsed is None or result.status in (reading.REFUSED, reading.FAILED):
        # A file refused before parsing holds nothing to ingest; only one that is no report at
        # all (empty, a saved web page) is "not_a_report": a report refused for any other
        # reason (encrypted, a scan, an unknown authority) is still a report.
        line["kind"] = "not_a_report" if result.not_a_report else None
        return line
    line["dry_run"] = dry_run
    line.update(parsed.as_json(authority_of.get(parsed.authority_code)))
    if outcome:
        line["review_reasons"] = outcome.review_reasons
    if outcome and outcome.inspection:
        line["inspection_id"] = outcome.inspection.pk
    return line
