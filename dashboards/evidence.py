"""Where a grade's evidence is: its source document opened at its page or line, and the
authority's page on Ofsted's site."""

import re
from pathlib import Path
from urllib.parse import quote

from django.urls import reverse

OFSTED_PROVIDER_URL = "https://reports.ofsted.gov.uk/provider/44/{urn}"
# What a kept file is served as, by its kind; a text source is shown as HTML, a line per anchor.
PDF, TEXT = ".pdf", ".txt"
UNSAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
# The folders of a path in a reason ("/srv/reports/80472_hampshire/" of ".../report.pdf: not a
# PDF"), at the start or after a space, bracket or quote (not the "/" of "text/html" or a URL):
# an absolute path's, or a relative one's before a file name.
FOLDERS_RE = re.compile(
    r"""(?:^|(?<=[\s("'“]))
    (?: (?:[A-Za-z]:)?(?:\.{1,2})?[/\\](?:[^/\\\n:]+[/\\])+
      | (?:[^/\\\s:]+[/\\])+(?=[^/\\\n]+\.(?:pdf|txt|html?)\b) )""",
    re.VERBOSE,
)


def ofsted_provider_url(urn):
    """Ofsted's page of the provider with this URN (every report of the authority), or ""."""
    return OFSTED_PROVIDER_URL.format(urn=quote(urn, safe="")) if urn else ""


def file_kind(document):
    """PDF or TEXT for a document whose file is kept, else None (demo data, or not kept)."""
    if not document or not document.file:
        return None
    return PDF if Path(document.file.name).suffix.lower() == PDF else TEXT


def evidence_url(judgement):
    """The judgement's source document at its evidence: `…/documents/<id>/#page=N` (the PDF
    viewer opens the page) or `#line-N` (the anchor of the text's line); "" with no file."""
    document = judgement.source_document
    if file_kind(document) is None:
        return ""
    url = reverse("dashboards:document", args=[document.pk])
    if judgement.page:
        return f"{url}#page={judgement.page}"
    if judgement.line:
        return f"{url}#line-{judgement.line}"
    return url


def safe_file_name(name, suffix):
    """A file name for a Content-Disposition header: ASCII letters, digits, '.', '-' and '_'
    only, ending in `suffix`."""
    stem = UNSAFE_NAME_RE.sub("-", Path(name).stem).strip(".-_")[:120] or "document"
    return f"{stem}{suffix}"


def text_lines(document):
    """The lines of a kept text file, numbered as the parser numbers them (split on '\\n')."""
    with document.file.open("rb") as f:
        text = f.read().decode("utf-8-sig", errors="replace")
    return [line.rstrip("\r") for line in text.split("\n")]


def without_paths(reason, path=""):
    """A reason as the public may read it: a file named by its name, never by the server's
    folders ("/srv/reports/x/report.pdf: not a PDF" -> "report.pdf: not a PDF")."""
    if path:
        reason = reason.replace(path, Path(path).name)
    return FOLDERS_RE.sub("", reason)
