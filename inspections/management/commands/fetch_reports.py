import dataclasses
import os
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from authorities.models import LocalAuthority
from inspections import ingest, reading
from inspections.fetch import (
    FetchError,
    NotAPdf,
    OfstedClient,
    file_id,
    parse_provider_page,
    provider_url,
)
from inspections.ingest_lock import one_ingest_at_a_time
from inspections.management.commands.ingest import _progress, _read, _user
from inspections.models import ImportProblem, ImportRun, SourceDocument
from inspections.publications import Publication, kind_of
from inspections.workers import Readers

# Entries whose file is here or was refused: a re-run asks Ofsted nothing about them.
HELD = (Publication.State.STORED, Publication.State.REFUSED)


class Command(BaseCommand):
    help = (
        "Read Ofsted's provider page of each current authority, record every children's services "
        "publication listed in the catalogue, and download and ingest each file not yet held."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--authority",
            action="append",
            default=[],
            metavar="SLUG",
            help="Only this authority (repeatable; default: every current authority).",
        )
        parser.add_argument(
            "--base-url",
            default=settings.OFSTED_REPORTS_URL,
            help=f"Ofsted's reports site (default: {settings.OFSTED_REPORTS_URL}).",
        )
        parser.add_argument(
            "--delay",
            type=float,
            default=1.0,
            help="Seconds between one request and the next (default: 1).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the pages and say what would be downloaded; store and download nothing.",
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:  # stores nothing
            return self._fetch_reports(dry_run=dry_run, **options)
        # One storing run at a time, an ingest's or a fetch's (see inspections/ingest_lock.py).
        with one_ingest_at_a_time(self.stderr.write):
            return self._fetch_reports(dry_run=dry_run, **options)

    def _fetch_reports(self, *, authority, base_url, delay, dry_run, **options):
        authorities = _authorities(authority)
        if not settings.OFSTED_FETCH_CONTACT:
            self.stderr.write(
                "OFSTED_FETCH_CONTACT is not set: the User-Agent names no one Ofsted could contact."
            )
        self.dry_run = dry_run
        self.names = ingest.authority_names()
        self.code_of_urn = {a.ofsted_urn: a.la_code for a in LocalAuthority.objects.all()}
        self.counts = dict.fromkeys(
            ("pages", "listed", "new", "downloaded", "held", "stored", "unchanged", "refused",
             "refused_ungraded", "failed", "would_download"),
            0,
        )  # fmt: skip
        self.problems = []  # (ImportProblem, fails the run?)
        self.run = None
        if not dry_run:
            self.run = ImportRun.objects.create(
                started_by=f"manage.py fetch_reports ({_user()})",
                paths=[provider_url(base_url, a.ofsted_urn) for a in authorities],
            )
        client = OfstedClient(
            contact=settings.OFSTED_FETCH_CONTACT,
            timeout=settings.OFSTED_FETCH_TIMEOUT,
            retries=settings.OFSTED_FETCH_RETRIES,
            backoff=settings.OFSTED_FETCH_BACKOFF,
            delay=delay,
        )
        # Each file is read in a worker process, capped in memory and time as the ingest's are:
        # a file from the web may be a decompression bomb (inspections/workers.py).
        self.readers = Readers(
            partial(_read, authorities=self.names),
            jobs=1,
            memory_mb=settings.INGEST_WORKER_MEMORY_MB,
            seconds=settings.INGEST_DOCUMENT_SECONDS,
        )
        progress = _progress(len(authorities), self.stderr)
        try:
            for each in authorities:
                self._authority(client, each, provider_url(base_url, each.ofsted_urn))
                progress.update()
        finally:
            progress.close()
            client.close()
            self.readers.close()
        self._summary(len(authorities), client.requests)

    def _authority(self, client, authority, page_url):
        try:
            listed = parse_provider_page(client.get_page(page_url), page_url)
        except FetchError as e:
            self._problem(page_url, authority, "failed", f"{authority}: {e}", fails=True)
            return
        self.counts["pages"] += 1
        listed = [item for item in listed if kind_of(item.title) != Publication.Kind.OTHER]
        self.counts["listed"] += len(listed)
        if self.dry_run:
            held = set(
                Publication.objects.filter(url__in=[i.url for i in listed], state__in=HELD)
                .values_list("url", flat=True)
            )  # fmt: skip
            for item in listed:
                if item.url not in held:
                    self.counts["would_download"] += 1
                    self.stdout.write(f"would download: {authority}: {item.title} {item.url}")
            return
        entries, new = Publication.record_listing(
            authority, listed, seen=timezone.now(), source=page_url
        )
        self.counts["new"] += new
        folder = download_folder(authority)
        for entry in entries:
            if entry.state in HELD:
                self.counts["held"] += 1
                continue
            if entry.authority_id != authority.pk:  # listed by another authority's page first
                continue
            self._fetch(client, entry, folder / f"{file_id(entry.url)}.pdf")

    def _fetch(self, client, entry, path):
        """Download one entry's file (unless it is here already) and ingest it."""
        if not path.exists():
            try:
                client.download(entry.url, path)
            except NotAPdf as e:
                self._record(entry, "refused", str(e), path=entry.url)
                return
            except FetchError as e:
                self._record(entry, "failed", str(e), path=entry.url)
                return
            self.counts["downloaded"] += 1
        entry.record(state=Publication.State.FETCHED)
        sha256 = reading.sha256_of(path)
        document = SourceDocument.objects.filter(sha256=sha256).first()
        if document:
            self.counts["unchanged"] += 1
            entry.record(state=Publication.State.STORED, document=document)
            return
        result = self._read(path, sha256, entry.authority.ofsted_urn)
        if result.status == reading.INGESTED:
            try:
                outcome = ingest.store(result)
            except Exception as e:  # rolled back: this document only, the run goes on
                result.status = reading.FAILED
                result.reason = f"{result.path}: not stored, {type(e).__name__}: {e}"
            else:
                self.counts["stored"] += 1
                entry.record(state=Publication.State.STORED, document=outcome.document)
                for reason in outcome.review_reasons:
                    self.stdout.write(f"flagged for review: {entry.url}: {reason}")
                return
        self._record(entry, result.status, result.reason, path=str(path))

    def _read(self, path, sha256, urn):
        """read_document, with the URN as provenance: the file came from the authority's own
        page, so a report whose text names no authority is that authority's. (A report naming
        another authority keeps that name and is flagged by `store`, from the download
        folder's URN.)"""
        result, lost = self.readers.read_one(str(path), sha256)
        if lost:
            status, why = lost
            result = reading.ReadResult(
                path=str(path),
                sha256=sha256,
                size=os.path.getsize(path),
                status=status,
                reason=f"{path}: {why}",
            )
        parsed = result.parsed
        if (
            parsed is not None
            and parsed.authority_code is None
            and parsed.kind != "not_a_report"
            and result.status != reading.FAILED
            and self.code_of_urn.get(urn)
        ):
            result.parsed = dataclasses.replace(parsed, authority_code=self.code_of_urn[urn])
            result.status, result.reason = reading.INGESTED, ""
        return result

    def _record(self, entry, status, reason, *, path):
        entry.record(state=status, reason=reason)
        graded = entry.is_graded
        if status == "refused":
            self.counts["refused" if graded else "refused_ungraded"] += 1
        else:
            self.counts["failed"] += 1
        # A letter of an ungraded visit the parser cannot read is kept in the catalogue with its
        # link and reason, but holds no grade: it does not fail the run.
        self._problem(path, entry.authority, status, reason, fails=graded or status == "failed")

    def _problem(self, path, authority, status, reason, *, fails):
        self.stderr.write(reason)
        problem = ImportProblem(
            path=path,
            file_name=os.path.basename(path.rstrip("/")),
            status=status,
            reason=reason,
            authority=authority,
        )
        self.problems.append((problem, fails))

    def _summary(self, total, requests):
        c = self.counts
        failed_pages = total - c["pages"]
        if self.dry_run:
            summary = (
                f"Dry run, nothing stored: read {c['pages']} of {total} provider pages "
                f"({failed_pages} failed); {c['listed']} children's services publications "
                f"listed; {c['would_download']} files would be downloaded; {requests} requests."
            )
        else:
            summary = (
                f"Read {c['pages']} of {total} provider pages ({failed_pages} failed); "
                f"{c['listed']} children's services publications listed, {c['new']} new; "
                f"{c['held']} already held; {c['downloaded']} files downloaded; "
                f"{c['stored']} stored, {c['unchanged']} already stored, {c['refused']} refused, "
                f"{c['refused_ungraded']} ungraded letters refused, {c['failed']} failed; "
                f"{requests} requests."
            )
        self.stdout.write(summary)
        for problem, _ in self.problems:
            self.stdout.write(f"  {problem.status}: {problem.reason}")
        if self.run:
            self.run.files = c["downloaded"] + c["unchanged"]
            self.run.finish(
                counts={**c, "failed_pages": failed_pages, "requests": requests},
                summary=summary,
                problems=[problem for problem, _ in self.problems],
            )
        fatal = sum(fails for _, fails in self.problems)
        if fatal:
            raise CommandError(
                f"{fatal} provider pages or reports failed or were refused (see above)."
            )


def download_folder(authority):
    """MEDIA_ROOT/downloads/<URN>_<slug>/: the ingest reads the URN from the folder's name as
    the file's provenance (`ingest.folder_urn`)."""
    return Path(settings.MEDIA_ROOT) / "downloads" / f"{authority.ofsted_urn}_{authority.slug}"


def _authorities(slugs):
    if not slugs:
        found = list(LocalAuthority.objects.current().exclude(ofsted_urn="").order_by("name"))
        if not found:
            raise CommandError("No authorities in the database: run manage.py load_authorities.")
        return found
    by_slug = {a.slug: a for a in LocalAuthority.objects.filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in by_slug:
            raise CommandError(f"No authority has the slug {slug!r}.")
        if not by_slug[slug].ofsted_urn:
            raise CommandError(f"{by_slug[slug]} has no Ofsted URN.")
    return [by_slug[slug] for slug in dict.fromkeys(slugs)]
