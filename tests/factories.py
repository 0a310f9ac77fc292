"""Plain factory functions for tests: sensible defaults, any field overridable."""

from datetime import date, timedelta

from inspections.models import Inspection, Judgement, SourceDocument
from inspections.publications import Publication


def make_inspection(authority, **kwargs):
    kwargs.setdefault("framework", "ILACS")
    kwargs.setdefault("start_date", date(2019, 4, 29))
    if kwargs["start_date"]:
        kwargs.setdefault("end_date", kwargs["start_date"] + timedelta(days=4))
    return Inspection.objects.create(authority=authority, **kwargs)


def make_document(**kwargs):
    kwargs.setdefault("file_name", "report.pdf")
    kwargs.setdefault("sha256", f"{SourceDocument.objects.count():064x}")
    kwargs.setdefault("kind", SourceDocument.Kind.INSPECTION_REPORT)
    return SourceDocument.objects.create(**kwargs)


def make_judgement(inspection, **kwargs):
    kwargs.setdefault("area", "overall_effectiveness")
    kwargs.setdefault("label", "Overall effectiveness")
    kwargs.setdefault("grade", "good")
    kwargs.setdefault("parsed_grade", kwargs["grade"])
    kwargs.setdefault("grade_as_printed", kwargs["grade"].replace("_", " ").capitalize())
    return Judgement.objects.create(inspection=inspection, **kwargs)


def make_publication(authority, published, **kwargs):
    """A graded report Ofsted lists for the authority (not fetched unless `state` says)."""
    kwargs.setdefault(
        "url", f"https://files.ofsted.gov.uk/v1/file/{authority.pk}{published:%Y%m%d}"
    )
    kwargs.setdefault("title", f"Children's services inspection - {published:%-d %B %Y}")
    kwargs.setdefault("kind", Publication.Kind.GRADED_INSPECTION)
    return Publication.objects.create(authority=authority, published=published, **kwargs)
