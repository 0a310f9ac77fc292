import csv
import hashlib
from datetime import date
from itertools import groupby
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from authorities.models import LocalAuthority
from inspections import frameworks as fw
from inspections.models import Inspection, Judgement, SourceDocument

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_judgements.csv"


def _date(value):
    return date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = (
        "Load the demo inspections (Hampshire, Poole, BCP and Southampton, 2011-2025, as published "
        "by Ofsted). Inspections already in the database are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEMO_FILE)

    def handle(self, *args, file, **options):
        try:
            content = file.read_bytes()
        except OSError as e:
            raise CommandError(f"{file}: cannot read the demo data ({e.strerror})") from e
        rows = list(csv.DictReader(content.decode("utf-8").splitlines()))
        key = lambda r: (r["la_code"], r["framework"], r["inspection_start"])  # noqa: E731
        loaded = skipped = 0
        with transaction.atomic():
            for (la_code, framework, start), group in groupby(sorted(rows, key=key), key=key):
                group = list(group)
                authority = LocalAuthority.objects.get(la_code=la_code)
                if Inspection.objects.filter(
                    authority=authority, framework=framework, start_date=_date(start)
                ).exists():
                    skipped += 1
                    continue
                self._load_inspection(authority, framework, group, content)
                loaded += 1
        self.stdout.write(f"Demo data: {loaded} inspections loaded, {skipped} already present.")

    def _load_inspection(self, authority, framework, rows, content):
        first = rows[0]
        inspection = Inspection(
            authority=authority,
            framework=framework,
            start_date=_date(first["inspection_start"]),
            end_date=_date(first["inspection_end"]),
            published=_date(first["published"]),
            lead_inspector=first["lead_inspector"],
        )
        inspection._change_reason = Judgement.DEMO_DATA_REASON
        inspection.save()
        identity = f"{authority.la_code}/{framework}/{first['inspection_start']}".encode()
        document = SourceDocument.objects.create(
            inspection=inspection,
            file_name=f"{DEMO_FILE.name} ({first['source']})",
            sha256=hashlib.sha256(content + identity).hexdigest(),
            kind=SourceDocument.Kind.DEMO_DATA,
            size_bytes=len(content),
        )
        for row in rows:
            grade_words = fw.GRADE_NAMES[row["grade"]]
            judgement = Judgement(
                inspection=inspection,
                area=row["area"],
                label=row["label"],
                grade=row["grade"],
                parsed_grade=row["grade"],
                grade_as_printed=grade_words,
                source_document=document,
                page=int(row["page"]) if row["page"] else None,
                evidence_text=f"{row['label']}: {grade_words} ({row['source']})",
            )
            judgement._change_reason = Judgement.DEMO_DATA_REASON
            judgement.save()
