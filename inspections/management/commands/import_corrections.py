import json

from django.core.management.base import BaseCommand, CommandError

from inspections import corrections


class Command(BaseCommand):
    help = (
        "Apply staff corrections, reverts and review decisions written by export_corrections, "
        "after an ingest: each is placed by document hash and area; running it again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A JSON file written by export_corrections.")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as f:
                actions = corrections.read(json.load(f))
        except OSError as e:
            raise CommandError(f"{file}: cannot read it ({e.strerror})") from e
        except ValueError as e:  # JSONDecodeError is one
            raise CommandError(f"{file}: {e}") from e
        report = corrections.apply_actions(actions)
        for username in sorted(report.unknown_users):
            self.stderr.write(
                f"no user {username!r} here: their actions are recorded without a user, the "
                "reason naming them"
            )
        for problem in report.not_placed:
            self.stderr.write(f"not placed: {problem}")
        for problem in report.not_applied:
            self.stderr.write(f"not applied: {problem}")
        for note in report.unneeded:
            self.stderr.write(f"nothing to do: {note}")
        applied = ", ".join(
            f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(report.applied.items())
        )
        self.stdout.write(
            f"Applied {report.applied.total()} staff actions ({applied or 'none'}); "
            f"{report.already} already applied, {len(report.unneeded)} with nothing to do; "
            f"{len(report.not_placed)} not placed, {len(report.not_applied)} not applied."
        )
        if report.not_placed or report.not_applied:
            raise CommandError(
                f"{len(report.not_placed) + len(report.not_applied)} staff actions of {file} "
                "were not applied (listed above)."
            )
