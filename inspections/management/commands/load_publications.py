import csv
from datetime import UTC, date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from authorities.models import LocalAuthority
from dashboards.models import DataVersion
from inspections.models import SourceDocument
from inspections.publications import CatalogueCheck, Publication, kind_of

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "ofsted_publications.csv"
# The seed list is what Ofsted's reports site listed on this day (inspections/data/README.md).
SEED_LIST_DATE = date(2026, 8, 22)


class Command(BaseCommand):
    help = (
        "Load the catalogue of Ofsted's graded children's services reports (the seed list) and "
        "link the reports already stored to their entries. Entries already known are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE)
        parser.add_argument(
            "--listed-on",
            type=date.fromisoformat,
            default=SEED_LIST_DATE,
            help="The day the list was taken (default: the seed list's, 2026-08-22).",
        )

    def handle(self, *args, file, listed_on, **options):
        try:
            with open(file, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            raise CommandError(f"{file}: cannot read the publications list ({e.strerror})") from e
        missing = {"urn", "title", "published", "url"} - set(rows[0] if rows else ())
        if missing:
            raise CommandError(f"{file}: no column {', '.join(sorted(missing))}")
        by_urn = {a.ofsted_urn: a for a in LocalAuthority.objects.exclude(ofsted_urn="")}
        if not by_urn:
            raise CommandError("No authorities in the database: run manage.py load_authorities.")
        seen = datetime.combine(listed_on, datetime.min.time(), tzinfo=UTC)
        known = set(Publication.objects.values_list("url", flat=True))
        new = []
        for n, row in enumerate(rows, start=2):
            authority = by_urn.get(row["urn"].strip())
            if authority is None:
                raise CommandError(f"{file}, line {n}: no authority has Ofsted URN {row['urn']}")
            try:
                published = date.fromisoformat(row["published"])
            except ValueError as e:
                raise CommandError(f"{file}, line {n}: {e}") from e
            if row["url"] in known:
                continue
            known.add(row["url"])
            new.append(
                Publication(
                    authority=authority,
                    url=row["url"],
                    title=row["title"],
                    kind=kind_of(row["title"]),
                    published=published,
                    first_seen=seen,
                    last_seen=seen,
                )
            )
        source = f"seed list ({file.name}) of {listed_on:%-d %b %Y}"
        with transaction.atomic():
            Publication.objects.bulk_create(new)
            DataVersion.bump()  # bulk_create sends no post_save: the pages show the catalogue
            listed = {by_urn[row["urn"].strip()].pk for row in rows}
            for pk in listed:
                # A later check (fetch_reports) is never put back to the seed list's date.
                CatalogueCheck.objects.get_or_create(
                    authority_id=pk, defaults={"checked_at": seen, "source": source}
                )
            matched = 0
            for document in SourceDocument.objects.filter(
                inspection__authority__in=listed, publications__isnull=True
            ).select_related("inspection__authority"):
                matched += Publication.match_document(document) is not None
        self.stdout.write(
            f"Publications: {len(new)} new, {len(rows) - len(new)} already known, for "
            f"{len(listed)} authorities; {matched} stored reports linked to their entries."
        )
