"""Hovering a plotly point in Chromium reliably: plotly shows a hover on a mouse move onto the
point, and a move may arrive before the plot has settled, so move off and on again."""

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def hover_onto(page, hover, position, away=(40, 0), tries=3):
    """Move the mouse onto `position()` (x, y) until the `hover` locator shows; its (x, y)."""
    for _ in range(tries):
        x, y = position()
        page.mouse.move(x - away[0], y - away[1])
        page.mouse.move(x, y, steps=5)
        try:
            hover.wait_for(timeout=5000)
            break
        except PlaywrightTimeoutError:
            continue
    hover.wait_for(timeout=5000)
    return x, y
