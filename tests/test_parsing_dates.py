"""Inspection dates and publication dates as printed in title blocks."""

from datetime import date

import pytest

from inspections.parsing.dates import date_range, parse_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("29 April 2019 to 3 May 2019", (date(2019, 4, 29), date(2019, 5, 3))),
        ("30 October to 3 November 2023", (date(2023, 10, 30), date(2023, 11, 3))),
        ("10 to 14 June 2024", (date(2024, 6, 10), date(2024, 6, 14))),
        ("8 – 12 July 2013", (date(2013, 7, 8), date(2013, 7, 12))),
        ("8 July 2014 - 30 July 2014", (date(2014, 7, 8), date(2014, 7, 30))),
        ("16 September 2014 – 8 October 2014", (date(2014, 9, 16), date(2014, 10, 8))),
        ("27 June and 8 July 2011", (date(2011, 6, 27), date(2011, 7, 8))),
        # An inspection in two parts runs from the first date printed to the last.
        ("1 to 5 July and 15 to 19 July 2019", (date(2019, 7, 1), date(2019, 7, 19))),
        ("28 November 2016 to 2 December 2016 and 9 to 13 January 2017",
         (date(2016, 11, 28), date(2017, 1, 13))),
        ("December 2021", None),
        ("", None),
        ("31 February 2019", None),
        # Day first, as in England; a month past December is no date.
        ("1/01/2015 – 31/12/2015", (date(2015, 1, 1), date(2015, 12, 31))),
        ("12/13/2015", None),
        ("8 July", None),  # no year printed
    ],
)  # fmt: skip
def test_date_range(text, expected):
    assert date_range(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("16 August 2013", date(2013, 8, 16)), ("1st September 2014", date(2014, 9, 1)),
     ("All", None), ("August 2013", None)],
)  # fmt: skip
def test_parse_date(text, expected):
    assert parse_date(text) == expected
