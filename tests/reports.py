"""Short inspection reports written for the ingest tests (plain text, never downloaded)."""

import io

from django.core.management import CommandError, call_command

from inspections.parsing.authorities import authority_aliases

# The authorities these reports name, for reading them without the database: three of the South
# and two councils whose services one company runs under its own name (a name two share).
AUTHORITIES = authority_aliases(
    [
        {"la_code": "852", "name": "Southampton", "aliases": ""},
        {"la_code": "850", "name": "Hampshire", "aliases": ""},
        {"la_code": "836", "name": "Poole", "aliases": ""},
        {"la_code": "839", "name": "Bournemouth, Christchurch and Poole", "aliases": "BCP"},
        {"la_code": "314", "name": "Kingston upon Thames", "aliases": "Achieving for Children"},
        {"la_code": "318", "name": "Richmond upon Thames", "aliases": "Achieving for Children"},
    ]
)

ILACS_TABLE = (
    "Judgement Grade\n"
    "The impact of leaders on social work practice with children and families Good\n"
    "The experiences and progress of children who need help and protection Good\n"
    "The experiences and progress of children in care Good\n"
    "The experiences and progress of care leavers Requires improvement to be good\n"
    "Overall effectiveness Good\n"
)


def ilacs_report(authority="Southampton City Council", dates="6 May to 10 May 2024"):
    """An ILACS report: title block (authority, title, dates, lead inspector) and its table."""
    dated = f"Inspection dates: {dates}\n" if dates else ""
    return (
        f"{authority}\nInspection of children's social care services\n{dated}"
        f"Lead inspector: Jane Smith\n{ILACS_TABLE}"
    )


def run_ingest(*args):
    """Run the ingest; return (stdout, stderr), or raise AssertionError if the run failed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *map(str, args), stdout=out, stderr=err)
    except CommandError as e:
        raise AssertionError(f"{e}\n{out.getvalue()}\n{err.getvalue()}") from e
    return out.getvalue(), err.getvalue()


def ingested_report(tmp_path):
    """Southampton's 2024 ILACS report as a text file, ingested once; its path."""
    path = tmp_path / "southampton-2024.txt"
    path.write_text(ilacs_report(), encoding="utf-8")
    run_ingest(path, "--jobs", "1")
    return path
