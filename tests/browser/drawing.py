"""Waiting for a page's charts: charts.js draws them one after another (each in a task of its
own, so the first shows while the next is drawn), marking each `data-drawn`."""


def wait_for_charts(page, selector=".plot", timeout=15000):
    """Until every chart (`selector`) on the page is drawn: one at least, then none left."""
    page.wait_for_selector(f"{selector}[data-drawn]", timeout=timeout)
    page.wait_for_selector(f"{selector}:not([data-drawn])", state="detached", timeout=timeout)
