import csv
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from authorities.models import LocalAuthority, PeerGroup, StatisticalNeighbour

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "local_authorities.csv"

# The group our first users asked for; Poole's line continues as BCP from 1 April 2019.
DEFAULT_PEER_GROUPS = [
    {
        "name": "Hampshire and peers",
        "slug": "hampshire-and-peers",
        "focus": "850",
        "members": ["850", "836", "839", "852"],
        "description": "Hampshire beside Poole (Bournemouth, Christchurch and Poole from "
        "1 April 2019) and Southampton.",
    }
]


def _date(value):
    return date.fromisoformat(value) if value else None


def _int(value):
    return int(value) if value else None


class Command(BaseCommand):
    help = "Load or refresh every English local authority, its lineage and statistical neighbours."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE)

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except OSError as e:
            raise CommandError(f"{file}: cannot read the authority reference ({e.strerror})") from e
        with transaction.atomic():
            created = self._load(rows)
        self.stdout.write(
            f"Loaded {len(rows)} authorities ({created} new), "
            f"{StatisticalNeighbour.objects.count()} statistical neighbour links, "
            f"{PeerGroup.objects.count()} peer groups."
        )

    def _load(self, rows):
        created = 0
        by_code = {}
        # A new layout may move an authority onto a hexagon (or give it a label) another leaves
        # later in the file.
        LocalAuthority.objects.exclude(hex_q=None).update(hex_q=None, hex_r=None)
        LocalAuthority.objects.exclude(short_code="").update(short_code="")
        for row in rows:
            authority, was_created = LocalAuthority.objects.update_or_create(
                la_code=row["la_code"],
                defaults={
                    "name": row["name"],
                    "slug": slugify(row["name"]),
                    "gss_code": row["gss_code"],
                    "ofsted_urn": row["ofsted_urn"],
                    "region": row["region"],
                    "ons_type": row["ons_type"],
                    "existed_from": _date(row["existed_from"]),
                    "existed_until": _date(row["existed_until"]),
                    "aliases": [a.strip() for a in row["aliases"].split(";") if a.strip()],
                    "hex_q": _int(row["hex_q"]),
                    "hex_r": _int(row["hex_r"]),
                    "short_code": row.get("short_code", ""),
                },
            )
            created += was_created
            by_code[authority.la_code] = authority
        for row in rows:
            authority = by_code[row["la_code"]]
            authority.successors.set([by_code[c] for c in row["successors"].split()])
            for version, column in [
                (StatisticalNeighbour.ModelVersion.CURRENT, "statistical_neighbours"),
                (StatisticalNeighbour.ModelVersion.PREVIOUS, "statistical_neighbours_previous"),
            ]:
                self._set_neighbours(authority, version, row[column].split(), by_code)
        for group in DEFAULT_PEER_GROUPS:
            peer_group, _ = PeerGroup.objects.update_or_create(
                slug=group["slug"],
                defaults={
                    "name": group["name"],
                    "description": group["description"],
                    "focus": by_code[group["focus"]],
                },
            )
            peer_group.authorities.set([by_code[c] for c in group["members"]])
        return created

    def _set_neighbours(self, authority, version, codes, by_code):
        wanted = [(rank, by_code[c]) for rank, c in enumerate(codes, start=1) if c in by_code]
        if len(wanted) < len(codes):
            missing = [c for c in codes if c not in by_code]
            self.stderr.write(f"{authority}: neighbour codes not in the reference: {missing}")
        links = authority.neighbour_links.filter(model_version=version)
        current = list(links.order_by("rank").values_list("rank", "neighbour_id"))
        if current == [(rank, n.pk) for rank, n in wanted]:
            return  # unchanged: keep the rows as they are
        # bulk_create sends no post_save; the deletes and the authorities' saves in this same
        # transaction have already told the dashboards' page cache (DataVersion) to start over.
        links.delete()
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(authority=authority, neighbour=n, rank=rank, model_version=version)
            for rank, n in wanted
        )
