"""What every figure the dashboards draw shares: the base layout (fonts, colours, title block,
the legend under the plot and the source under the legend, placed in pixels), and the escaping
of text typed by people.

Figures are plain dicts and lists in plotly.js's own schema, handed to the page with
`json_script` and drawn by the bundled plotly.js. plotly's Python figure classes validate every
property against the same schema; that adds half again to a cold compare page build (see
README, "Libraries we chose"), so they check every figure in the tests
(tests/test_figures_plotly.py) and are not installed in production.

The figure modules: `chart_figure.py` (a theme's lines over time, the compare page) in the frame
`chart_layout.py` draws round them, `peer_figures.py` (the peer page's bars) and `map_figure.py`
(the England hex map).
"""

import html

from inspections import frameworks as fw

FONT = {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1b1b"}
SOURCE = "Source: Ofsted inspection reports on local authority children's services"
# The source over short lines, to be read whole on a phone.
SOURCE_LINES = SOURCE.replace(" on ", "<br>on ")
# The legend lists one entry a row under the plot, and the source sits under the legend: both
# are placed in pixels from the count of rows, so that at any width neither runs over the other.
LEGEND_ROW_PX = 21
SOURCE_GAP_PX = 10  # between the legend's last row and the source
SOURCE_PX = 52  # three lines of source
# The site's grade colours (site.css) per band: fill, a pattern so that no band is told by colour
# alone, and the ink drawn on the fill.
BAND_LOOK = {
    fw.OUTSTANDING: ("#00703c", "", "#fff"),
    fw.GOOD: ("#9fcbb5", "/", "#0b3b24"),
    fw.REQUIRES_IMPROVEMENT: ("#ffe066", ".", "#594d00"),
    fw.INADEQUATE: ("#a8281a", "x", "#fff"),
}


def text(value):
    """Text for a figure: plotly.js draws a subset of HTML (links, bold, line breaks) in hover
    text, legends, titles and annotations, so names and labels typed by people are escaped."""
    return html.escape(str(value), quote=False)


def source_annotation(source, top_px, plot_px):
    """The source of a figure (plotly text), `top_px` pixels below its plot of `plot_px`."""
    return {
        "x": 0,
        "y": -top_px / plot_px,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "showarrow": False,
        "text": source,
        "font": {"size": 10, "color": "#444"},
    }


def below_plot(legend_top_px, legend_rows):
    """(the source's top, the bottom margin) in pixels under a plot whose legend starts
    `legend_top_px` below it and runs `legend_rows` rows."""
    source_top = legend_top_px + legend_rows * LEGEND_ROW_PX + SOURCE_GAP_PX
    return source_top, source_top + SOURCE_PX


def legend_below(legend_top_px, plot_px, **extra):
    """The legend under the plot, one entry a row."""
    return {
        "orientation": "v",
        "x": 0,
        "y": -legend_top_px / plot_px,
        "yanchor": "top",
        "tracegroupgap": 0,
        **extra,
    }


def base_layout(title, subtitle_lines, *, margin, height=None, **extra):
    """Every figure's layout: white paper, the site's font, closest-point hover, the title (a
    theme, a map) over a subtitle of one or more lines; `title` and `subtitle_lines` are escaped
    here; without `height` the figure takes its container's. `extra` adds to it or replaces
    its parts."""
    layout = {
        "title": {
            "text": text(title),
            "subtitle": {"text": "<br>".join(text(line) for line in subtitle_lines)},
            "x": 0.01,
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": FONT,
        "margin": margin,
        "hovermode": "closest",
        **extra,
    }
    if height is not None:
        layout["height"] = height
    return layout
