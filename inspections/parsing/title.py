"""The title block: what kind of document this is, its framework, authority, dates and lead
inspector.

A report's title block is the top of its first page: the council's name (over one or two
lines: "Royal Borough of Kingston upon" / "Thames Council"), the report's own title ("Inspection
of York local authority children's services", "Re-inspection of services for children in need
of help and protection ..."), then its fields ("Inspection dates:", "Report published:", "Lead
inspector:"). The framework is read from the title alone: reports mention other inspections in
passing ("identified in a 2018 joint targeted area inspection"), and a visit or a joint
inspection is recognised by its own title, never by a mention.
"""

import re
from collections import Counter

from inspections import frameworks as fw

from .authorities import candidates, lookup
from .dates import date_range, parse_date
from .text import Line

HTML_RE = re.compile(r"^\s*<(?:!doctype\s+html|html|head)\b", re.I)
COUNCIL_PAPER_RE = re.compile(
    r"^\s*(?:committee/panel|report from|decision maker|report to)\s*:", re.I | re.M
)
TITLE_BLOCK_LINES = 60  # of a text document, which has no first page
TITLE_LINES = 12  # non-blank lines of a title before its fields
FIELD_RE = re.compile(
    r"^\s*(?:inspection dates?|dates? of (?:the )?inspection|(?:report )?published|"
    r"(?:lead|reporting) inspectors?|judgements?\b|age group)",
    re.I,
)
_INSPECTION = r"\b(?:re-?\s?)?inspection"

# Titles, most specific first: a focused visit letter also says "local authority children's
# services", and the SIF title also names the LSCB review.
FRAMEWORK_TITLES = (
    (fw.FOCUSED_VISIT, re.compile(r"\bfocused visit to\b", re.I)),
    (fw.MONITORING_VISIT, re.compile(r"\bmonitoring visit (?:to|of)\b", re.I)),
    (fw.JTAI, re.compile(r"\bjoint targeted area inspection\b", re.I)),
    (fw.SIF, re.compile(rf"{_INSPECTION} of services for children in need of help\s+and\s+"
                        r"protection", re.I)),
    (fw.SLAC, re.compile(rf"{_INSPECTION} of safeguarding and looked\s+after children", re.I)),
    (fw.LAC, re.compile(rf"{_INSPECTION} of looked\s+after children\s+services", re.I)),
    (fw.ILACS, re.compile(
        rf"{_INSPECTION} of\s+(?:[\w\s,&'’.-]{{1,100}}?\s)?(?:local\s+authority\s+)?children[’']s"
        r"\s+(?:social\s+care\s+)?services", re.I)),
    (fw.LSCB_REVIEW, re.compile(
        r"\breview of the effectiveness of the local\s+safeguarding children", re.I)),
)  # fmt: skip

TITLE_AUTHORITY_RE = re.compile(
    rf"(?:{_INSPECTION} of\s+(?:the\s+)?(?P<name>[A-Z][\w ,&'’.-]{{1,100}}?)\s+local\s+authority"
    r"|[Vv]isit (?:to|of)\s+(?:the\s+)?(?P<visited>[A-Z][\w ,&'’.-]{1,100}?)\s+"
    r"(?:local\s+authority\s+)?)\s*children[’']s\s+services",
    re.I,
)
# A joint targeted area inspection names the area at the end of its title: "... in Westshire".
JTAI_TITLE_RE = re.compile(r"\bjoint targeted area inspection\b(?P<title>[^.:]{0,240})", re.I)
_IN_RE = re.compile(r"\bin\s+")
# A line that opens a report's own title, after the council's name.
TITLE_START_RE = re.compile(
    r"^\s*(?:(?:re-?\s?)?inspection|review|focused|monitoring|joint|report|local authority)\b",
    re.I,
)
COUNCIL_LINE_RE = re.compile(
    r"^(?!.*\b[Ii]nspection\b)(?P<name>[A-Z][\w ,&'’.-]{1,80}?)\s+"
    r"(?:(?:County|City|Borough|Metropolitan|District)\s+)*Council\s*$"
)
RUNNING_HEADER_AUTHORITY_RE = re.compile(
    r"^(?P<name>[A-Z][\w ,&'’-]{1,60}?)\s+(?:County\s+Council\s+|Council\s+)?inspection of\b", re.I
)
# "Children's services in the Blackburn with Darwen Council area are good" (SIF), and the
# first sentence under an ILACS judgement table, name the authority.
SERVICES_IN_RE = re.compile(
    r"^Children[’']s services in (?:the )?(?P<name>[A-Z][\w ,&'’-]{1,60}?)(?:\s+area)?\s+"
    r"(?:are|is|have|has|remain|continue|require|requires)\b"
)

INSPECTION_DATES_RE = re.compile(
    r"^\s*(?:inspection dates?|dates? of (?:the )?inspection)\s*:?\s*(?P<rest>.*)$", re.I
)
# "Published:" may share its line with another field printed in the same column ("Age group:
# Published:<tab>All 16 August 2013"); away from the line's start it needs its colon.
PUBLISHED_RE = re.compile(
    r"^(?:\s*|.*?\s)(?:report )?published(?:\s*:|(?<=^published)|(?<=^report published))\s*"
    r"(?P<rest>.*)$",
    re.I,
)
LEAD_INSPECTOR_RE = re.compile(
    r"^\s*(?:lead|reporting) inspectors?(?: on site)?\s*:?\s*(?P<rest>.*)$", re.I
)
# A line that only carries on a date ("8 August 2019", "January 2014").
DATE_CONTINUATION_RE = re.compile(r"^[\d\s\w.,/–-]{0,40}\b(?:19|20)\d\d\s*$")
# What follows an inspector's name: roles, titles and the punctuation around them.
INSPECTOR_ROLE_RE = re.compile(
    r"\(?\b(?:senior\s+|regional\s+|deputy\s+)?(?:HMI|(?:Her|His)\s+Majesty[’']s\s+Inspectors?|"
    r"Ofsted\s+Inspectors?|Social\s+Care\s+Regulatory\s+Inspectors?|Senior\s+Inspectors?)\b\)?",
    re.I,
)
MAX_NAME_WORDS = 5
INSPECTOR_TITLE_RE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+")
PAPER_DATES_RE = re.compile(
    r"\bcarried out\b[^.]{0,120}?\bbetween\s+(?P<span>[^.]{3,60}?\d{4})\b", re.I
)
PAPER_PUBLISHED_RE = re.compile(r"\bpublished by Ofsted on\s+(?P<date>[^.]{6,30}?\d{4})", re.I)


# A visit's letter opens with an address and a greeting; its title is a heading further down,
# which starts its line ("Focused visit to Westshire local authority children's services").
VISIT_HEADING_RE = re.compile(
    r"^\s*(?:focused visit to|monitoring visit (?:to|of)|joint targeted area inspection of)\b",
    re.I,
)
VISIT_HEADING_LINES = 40


class UnknownAuthority(ValueError):
    """The title block names an authority that is not in the reference."""


def block(lines: list[Line], paged: bool) -> list[Line]:
    """The lines a title block may be in: the first page, or a text's first lines."""
    if paged:
        return [line for line in lines if line.page == 1]
    return lines[:TITLE_BLOCK_LINES]


def title_lines(block_lines: list[Line]) -> list[str]:
    """The title's non-blank lines, before its first field."""
    title = []
    for line in block_lines:
        text = " ".join(line.text.split())
        if not text:
            continue
        if FIELD_RE.match(text) or len(title) >= TITLE_LINES:
            break
        title.append(text)
    return title


def visit_heading(block_lines: list[Line]) -> list[str]:
    """The heading of a visit's letter (its line and the next), or [] when there is none."""
    texts = [" ".join(line.text.split()) for line in block_lines if line.text.strip()]
    for i, text in enumerate(texts[:VISIT_HEADING_LINES]):
        if VISIT_HEADING_RE.match(text):
            return texts[i : i + 2]
    return []


def framework_of(text: str) -> str | None:
    for framework, regex in FRAMEWORK_TITLES:
        if regex.search(text):
            return framework
    return None


def _known_name(text: str, authorities) -> str | None:
    """The longest run of opening words that is an authority's name."""
    words = text.split()[:8]
    for k in range(len(words), 0, -1):
        name = " ".join(words[:k])
        if lookup(name, authorities):
            return name
    return None


def authority(
    title: list[str], lines: list[Line], authorities
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(LA code, name as printed, shared) from the title, the running headers or the opening
    sentence.

    Every name in the title block counts, and the longest wins ("Bournemouth, Christchurch and
    Poole" over "Poole"). When names of the same length are different authorities', or the only
    name is one several authorities share (a company that runs two councils' services), no code
    is chosen: `shared` lists the codes it may be, for a person to choose. Raises
    UnknownAuthority when the title names a council the reference does not know.
    """
    title_text = " ".join(title[:6])
    names: list[tuple[str, bool]] = []  # (name, whether a miss means an unknown authority)
    m = TITLE_AUTHORITY_RE.search(title_text)
    if m:
        names.append((m["name"] or m["visited"], True))
    # The council's own name opens the title block, over one line or two.
    opening = []
    for text in title[:3]:
        if TITLE_START_RE.match(text):
            break
        opening.append(text)
    for k in range(len(opening), 0, -1):
        name = " ".join(opening[:k])
        names.append((name, bool(COUNCIL_LINE_RE.match(name))))
    # Or stands alone under the title ("Inspection of ... services" / "Westshire").
    names.extend((text, False) for text in title[:6])
    m = JTAI_TITLE_RE.search(title_text)
    if m:
        for place in _IN_RE.finditer(m["title"]):
            name = _known_name(m["title"][place.end() :], authorities)
            if name:
                names.append((name, False))
    found: list[tuple[str, tuple[str, ...]]] = []
    unknown = None
    for name, strict in names:
        codes = candidates(name, authorities)
        if codes:
            found.append((" ".join(name.split()), codes))
        elif strict and unknown is None:
            unknown = name
    if found:
        return _longest_name(found)
    if unknown:
        raise UnknownAuthority(unknown)
    # Running headers: "Hampshire inspection of safeguarding and looked after children services".
    counts = Counter()
    for line in lines:
        m = RUNNING_HEADER_AUTHORITY_RE.match(line.text.strip())
        if m and lookup(m["name"], authorities):
            counts[m["name"]] += 1
    if counts:
        name = counts.most_common(1)[0][0]
        return lookup(name, authorities), name, ()
    for line in lines[:200]:
        m = SERVICES_IN_RE.match(line.text.strip())
        if m and lookup(m["name"], authorities):
            return lookup(m["name"], authorities), m["name"], ()
    return None, None, ()


def _longest_name(found: list[tuple[str, tuple[str, ...]]]):
    """The authority of the longest name found; see `authority`."""
    one = [(name, codes[0]) for name, codes in found if len(codes) == 1]
    if not one:
        # Only shared names: an authority every one of them names, else a person's choice.
        common = set.intersection(*(set(codes) for _name, codes in found))
        if len(common) == 1:
            return common.pop(), found[0][0], ()
        return None, found[0][0], tuple(sorted(common or {c for _n, cs in found for c in cs}))
    longest = max(len(name) for name, _code in one)
    top = [(name, code) for name, code in one if len(name) == longest]
    codes = sorted({code for _name, code in top})
    if len(codes) == 1:
        return codes[0], top[0][0], ()
    return None, " / ".join(dict.fromkeys(name for name, _code in top)), tuple(codes)


def field(block_lines: list[Line], regex, accept, continues=None):
    """The value of a title-block field, as `accept` reads it: after the field's name or on one
    of the next lines (a PDF may read "Published:" / "All" / "16 August 2013"); lines that
    `continues` accepts are added first ("... 7 August 2019 to" / "8 August 2019")."""
    for i, line in enumerate(block_lines):
        m = regex.match(line.text)
        if not m or line.text.strip().lower().startswith("deputy"):
            continue
        after = [" ".join(b.text.split()) for b in block_lines[i + 1 : i + 4] if b.text.strip()]
        candidates = [" ".join(m["rest"].split()), *after]
        for k, value in enumerate(candidates):
            if not value:
                continue
            for more in candidates[k + 1 :]:
                if continues is None or FIELD_RE.match(more) or not continues(value, more):
                    break
                value = f"{value} {more}"
            found = accept(value)
            if found:
                return found
        return None
    return None


def _date_continues(value: str, more: str) -> bool:
    return bool(DATE_CONTINUATION_RE.match(more)) and not re.search(r"(?:19|20)\d\d\s*$", value)


def _name_continues(value: str, more: str) -> bool:
    return value.rstrip().endswith((",", " and", "(")) and not FIELD_RE.match(more)


def inspector(text: str | None) -> str | None:
    """A name without titles, roles or punctuation ("Karen Wareing (HMI)" -> "Karen Wareing");
    two names stay joined by "and"."""
    if not text:
        return None
    text = INSPECTOR_ROLE_RE.sub(",", text.replace("\t", " "))
    names = []
    for part in re.split(r"\s*,?\s+and\s+|\s*&\s*", text):
        name = part.split(",")[0]
        name = INSPECTOR_TITLE_RE.sub("", " ".join(name.split())).strip(" :*()-–.")
        if name:
            names.append(name)
    # A "name" of many words is a sentence the field ran into: better no inspector than a wrong one.
    if any(len(name.split()) > MAX_NAME_WORDS for name in names):
        return None
    return " and ".join(names) or None


def dates(block_lines: list[Line]):
    return field(block_lines, INSPECTION_DATES_RE, date_range, _date_continues)


def published(block_lines: list[Line]):
    return field(block_lines, PUBLISHED_RE, parse_date)


def lead_inspector(block_lines: list[Line], lines: list[Line]) -> str | None:
    """From the title block or, in SIF reports, "The inspection team" near the end."""
    return field(block_lines, LEAD_INSPECTOR_RE, inspector, _name_continues) or field(
        lines, LEAD_INSPECTOR_RE, inspector, _name_continues
    )


def paper_dates(text: str):
    """A council paper's inspection dates and publication date, from its opening paragraphs."""
    start = end = when = None
    m = PAPER_DATES_RE.search(text)
    if m:
        span = date_range(m["span"].replace(" and ", " to "))
        if span:
            start, end = span
    m = PAPER_PUBLISHED_RE.search(text)
    if m:
        when = parse_date(m["date"])
    return start, end, when
