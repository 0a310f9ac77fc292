"""Dates as Ofsted and councils print them: "8 – 12 July 2013", "30 October to 3 November 2023",
"18 Feb 2014 – 12 March 2014", "1/06/2015 – 25/06/2015" (day first, as in England).

`date_range(text)` reads every day, month and year in a span and fills a missing month or year
from the next one that is printed, so an inspection in two parts ("1 to 5 July and 15 to 19 July
2019") runs from the first date printed to the last. Nothing is guessed: a day with no year
after it is not a date.
"""

import re
from datetime import date

_MONTHS = {
    month: number
    for number, month in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"],
        1,
    )
}  # fmt: skip
# Abbreviations as printed ("18 Feb 2014", "3 Sept. 2015"); full names are tried first.
_MONTHS |= {name[:3]: number for name, number in _MONTHS.items()} | {"sept": 9}
_MONTH_ALTERNATIVES = "|".join(sorted(_MONTHS, key=len, reverse=True))
NUMERIC_DATE_RE = re.compile(r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>(?:19|20)\d\d)\b")

# One day with an optional month and year ("8", "30 October", "3 November 2023").
DAY_RE = re.compile(
    rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+(?P<month>{_MONTH_ALTERNATIVES})\b\.?)?"
    rf"(?:\s+(?P<year>(?:19|20)\d\d))?\b",
    re.I,
)
# A full date, for single dates such as "Published: 16 August 2013".
DATE_RE = re.compile(
    rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<month>{_MONTH_ALTERNATIVES})\b\.?\s+"
    rf"(?P<year>(?:19|20)\d\d)\b",
    re.I,
)


def _words(text: str) -> str:
    """Numeric dates spelt out, so that one grammar reads both forms."""
    names = list(_MONTHS)[:12]
    return NUMERIC_DATE_RE.sub(
        lambda m: (
            f"{m['day']} {names[int(m['month']) - 1]} {m['year']}"
            if 1 <= int(m["month"]) <= 12
            else m.group(0)
        ),
        text,
    )


def parse_date(text: str) -> date | None:
    """The first full date in text, or None."""
    m = DATE_RE.search(_words(text))
    if not m:
        return None
    try:
        return date(int(m["year"]), _MONTHS[m["month"].lower()], int(m["day"]))
    except ValueError:
        return None


def date_range(text: str) -> tuple[date, date] | None:
    """The first and last dates of a printed span, or None when it holds no full date."""
    parts = [(m["day"], m["month"], m["year"]) for m in DAY_RE.finditer(_words(text))]
    # Fill month and year backwards: "30 October to 3 November 2023" prints 2023 once.
    month = year = None
    filled = []
    for day, m, y in reversed(parts):
        month = m or month
        year = y or year
        if month and year:
            filled.append((int(year), _MONTHS[month.lower()], int(day)))
        # A bare number with nothing after it (a page number, a footnote) is not a date.
    filled.reverse()
    dates = []
    for y, m, d in filled:
        try:
            dates.append(date(y, m, d))
        except ValueError:
            return None
    if not dates:
        return None
    return dates[0], dates[-1]
