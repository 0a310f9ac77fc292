import json
from collections import Counter

from django.core.management.base import BaseCommand

from inspections import corrections


class Command(BaseCommand):
    help = (
        "Write every staff correction, revert and review decision, with who, when and why and "
        "the document hash and area it applies to, as JSON (see import_corrections)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file to write ('-' for standard output).")

    def handle(self, *args, file, **options):
        document, unplaceable = corrections.export()
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if file == "-":
            self.stdout.write(text, ending="")
        else:
            with open(file, "w", encoding="utf-8") as f:
                f.write(text)
        for problem in unplaceable:
            self.stderr.write(f"not exported: {problem}")
        counts = ", ".join(
            f"{n} {kind.replace('_', ' ')}"
            for kind, n in sorted(Counter(a["action"] for a in document["actions"]).items())
        )
        summary = f"Exported {len(document['actions'])} staff actions ({counts or 'none'})"
        out = self.stderr if file == "-" else self.stdout
        out.write(f"{summary}; {len(unplaceable)} name no document and were left out.")
