"""Waiting for a page's charts: charts.js draws them one after another (each in a task of its
own, so the first shows while the next is drawn), marking each `data-drawn`; and waiting for any
other condition on the page."""

import time


def wait_for_charts(page, selector=".plot", timeout=15000):
    """Until every chart (`selector`) on the page is drawn: one at least, then none left."""
    page.wait_for_selector(f"{selector}[data-drawn]", timeout=timeout)
    page.wait_for_selector(f"{selector}:not([data-drawn])", state="detached", timeout=timeout)


def wait_until(page, function, arg=None, timeout=5000):
    """Until the page's JavaScript `function` (of `arg`) returns true, asked every 50 ms.
    Playwright's wait_for_function would poll by eval inside the page, which the page's own
    Content-Security-Policy refuses; page.evaluate is not the page's script."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(function, arg):
        assert time.monotonic() < deadline, f"not true within {timeout} ms: {function}"
        page.wait_for_timeout(50)
