import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from authorities.models import LocalAuthority
from inspections import ingest
from inspections.models import SourceDocument

# What the summary line counts.
COUNTS = (
    "read",
    "new",
    "updated",
    "same",
    "unchanged",
    "judgements",
    "flagged",
    "documents_flagged",
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
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Worker processes that parse (default: the number of cores).",
        )

    def handle(self, *args, paths, dry_run, json, jobs, **options):
        names = ingest.authority_names()
        if not names:
            raise CommandError("No authorities in the database: run manage.py load_authorities.")
        files = ingest.find_documents(paths)
        missing = [str(p) for p in files if not p.exists()]
        if missing:
            raise CommandError(f"{missing[0]}: no such file or folder")
        self.as_json, self.dry_run = json, dry_run
        self.counts = dict.fromkeys(COUNTS, 0)
        self.problems = []
        # la_code -> {name, la_code, gss_code} for the --json lines: one query for the run.
        self.authority_of = {
            a["la_code"]: a for a in LocalAuthority.objects.values("name", "la_code", "gss_code")
        }

        hashes = {str(p): ingest.sha256_of(p) for p in files}
        stored = dict(  # sha256 -> the file name it was first ingested under
            SourceDocument.objects.filter(sha256__in=hashes.values()).values_list(
                "sha256", "file_name"
            )
        )
        to_read = [p for p in map(str, files) if hashes[p] not in stored]
        for path in map(str, files):
            if hashes[path] in stored:
                self._report_unchanged(path, stored[hashes[path]])

        progress = _progress(len(to_read), self.stderr)
        read = partial(_read, authorities=names, hashes=hashes)
        if jobs > 1 and len(to_read) > 1:
            # Forked workers must not share the parent's connection; one inside a transaction
            # (a test's) cannot be closed, and workers never touch it and exit with os._exit.
            if not connection.in_atomic_block:
                connections.close_all()
            with ProcessPoolExecutor(max_workers=min(jobs, len(to_read))) as pool:
                # Largest files first, so no worker is left with a big one at the end; results
                # are still stored in path order, so a run's output reads the same every time.
                largest_first = sorted(to_read, key=os.path.getsize, reverse=True)
                futures = {path: pool.submit(read, path) for path in largest_first}
                for path in to_read:
                    self._handle(futures[path].result())
                    progress.update()
        else:
            for result in map(read, to_read):
                self._handle(result)
                progress.update()
        progress.close()
        self._summary(len(files))

    def _handle(self, result):
        self.counts["read"] += 1
        outcome = None
        if result.status == ingest.INGESTED and not self.dry_run:
            try:
                outcome = ingest.store(result)
            except Exception as e:  # rolled back: this document only, the run goes on
                result.status = ingest.FAILED
                result.reason = f"{result.path}: not stored, {type(e).__name__}: {e}"
        if result.status in (ingest.REFUSED, ingest.FAILED):
            self.problems.append(result)
            self.stderr.write(result.reason)
        elif outcome:
            if outcome.inspection_created:
                self.counts["new"] += 1
            else:
                self.counts["updated" if outcome.inspection_changed else "same"] += 1
            self.counts["judgements"] += outcome.judgements_stored
            self.counts["flagged"] += outcome.flagged
            self.counts["documents_flagged"] += bool(outcome.review_reasons)
        if self.as_json:
            line = _as_json(result, outcome, self.dry_run, self.authority_of)
            self.stdout.write(json.dumps(line, default=str))

    def _report_unchanged(self, path, first_name):
        self.counts["unchanged"] += 1
        if self.as_json:
            line = {"path": path, "document": os.path.basename(path), "status": ingest.UNCHANGED}
            line["reason"] = f"already ingested as {first_name}"
            self.stdout.write(json.dumps(line))

    def _summary(self, total):
        c = self.counts
        refused = [r for r in self.problems if r.status == ingest.REFUSED]
        failed = [r for r in self.problems if r.status == ingest.FAILED]
        verb = "Parsed (dry run, nothing stored)" if self.dry_run else "Read"
        summary = (
            f"{verb} {total} documents ({c['unchanged']} unchanged, skipped); inspections "
            f"{c['new']} new, {c['updated']} updated, {c['same']} unchanged by a further source; "
            f"{c['judgements']} judgements stored; flagged for review: {c['flagged']} judgements, "
            f"{c['documents_flagged']} documents; "
            f"{len(refused)} refused, {len(failed)} failed."
        )
        out = self.stderr if self.as_json else self.stdout
        out.write(summary)
        for result in self.problems:
            out.write(f"  {result.status}: {result.reason}")
        if self.problems:
            raise CommandError(f"{len(self.problems)} documents were refused or failed.")


def _read(path, authorities, hashes):
    return ingest.read_document(path, authorities, sha256=hashes[path])


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
    if parsed is None or result.status in (ingest.REFUSED, ingest.FAILED):
        # A file refused before parsing (not a PDF, empty, unreadable) holds nothing to ingest.
        not_a_report = result.status == ingest.REFUSED
        line["kind"] = parsed.kind if parsed else ("not_a_report" if not_a_report else None)
        return line
    line.update(
        {
            "dry_run": dry_run,
            "kind": parsed.kind,
            "authority": authority_of.get(parsed.authority_code),
            "framework": parsed.framework,
            "inspection_start": parsed.inspection_start,
            "inspection_end": parsed.inspection_end,
            "published": parsed.published,
            "lead_inspector": parsed.lead_inspector,
            "judgements": [
                {
                    "area": j.area,
                    "label": j.label,
                    "grade": j.grade,
                    "grade_as_printed": j.grade_as_printed,
                    "evidence": {"page": j.evidence.page, "text": j.evidence.text}
                    if j.evidence.page is not None
                    else {"line": j.evidence.line, "text": j.evidence.text},
                    "needs_review": j.needs_review,
                    "review_reason": j.review_reason or None,
                }
                for j in parsed.judgements
            ],
            "not_judged": list(parsed.not_judged),
            "review_reasons": outcome.review_reasons if outcome else list(parsed.review_reasons),
        }
    )
    if outcome and outcome.inspection:
        line["inspection_id"] = outcome.inspection.pk
    return line
