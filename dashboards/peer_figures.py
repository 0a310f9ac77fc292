"""The peer page's figures: a stacked bar per group (the authority, its statistical neighbours,
its region, England) of the share of its graded authorities at each grade, and England's shares
year by year with the authority's own grade marked in its band. Built on `figures.base_layout`;
every name is escaped.
"""

from inspections import frameworks as fw

from .figures import (
    BAND_LOOK,
    SOURCE_LINES,
    base_layout,
    below_plot,
    legend_below,
    source_annotation,
    text,
)

BANDS = fw.BAND_NAMES


def _pct(share):
    return "–" if share is None else f"{share:.0%}"


def _band_traces(distributions, orientation, labels):
    traces = []
    for band, name in BANDS.items():
        colour, pattern, ink = BAND_LOOK[band]
        shares = [d.share(band) for d in distributions]
        values = [None if s is None else round(100 * s, 1) for s in shares]
        axis = {"x": values, "y": labels} if orientation == "h" else {"x": labels, "y": values}
        traces.append(
            {
                "type": "bar",
                "orientation": orientation,
                **axis,
                "name": name,
                "marker": {
                    "color": colour,
                    "line": {"color": "#505a5f", "width": 0.5},
                    "pattern": {
                        "shape": pattern,
                        "fgcolor": ink,
                        "fillmode": "overlay",
                        "size": 7,
                        "solidity": 0.2,
                    },
                },
                # A group of one is the authority itself: its bar names its grade.
                "text": [
                    (name if d.members == 1 else str(d.counts[band])) if d.counts[band] else ""
                    for d in distributions
                ],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"color": ink},
                "customdata": [
                    [text(d.label), d.counts[band], d.graded, _pct(s), d.ungraded, d.not_loaded]
                    for d, s in zip(distributions, shares, strict=True)
                ],
                "hovertemplate": f"<b>%{{customdata[0]}}</b><br>{name}: %{{customdata[1]}} of "
                "%{customdata[2]} with a grade (%{customdata[3]})<br>"
                "No grade: %{customdata[4]}<br>"
                "Newer report not loaded: %{customdata[5]}<extra></extra>",
            }
        )
    return traces


GROUP_ROW_PX = 60
TOP_MARGIN_PX = 80


def _layout(title, subtitle, today, plot_px, legend_top_px, legend_rows, **extra):
    """The base layout with stacked bars, the legend under the plot and the source under it."""
    source_top, bottom = below_plot(legend_top_px, legend_rows)
    source = f"{SOURCE_LINES},<br>via Ofsted Compare. Drawn {today:%-d %B %Y}."
    return base_layout(
        title,
        [subtitle],
        margin={"l": 10, "r": 10, "t": TOP_MARGIN_PX, "b": bottom},
        height=TOP_MARGIN_PX + plot_px + bottom,
        barmode="stack",
        legend=legend_below(legend_top_px, plot_px, traceorder="normal"),
        annotations=[source_annotation(source, source_top, plot_px)],
        **extra,
    )


def position_figure(theme, distributions, subtitle, today):
    """One theme: a stacked bar per group (the authority, its neighbours, region, England),
    shares of the group's graded authorities, counts written in the bars."""
    # Each group is named above its bar rather than beside it, so that the bars keep the width of
    # a phone's screen.
    labels = [
        text(d.label if d.members == 1 else f"{d.label}: {d.graded} of {d.members} graded")
        for d in distributions
    ]
    layout = _layout(
        fw.THEMES[theme],
        subtitle,
        today,
        GROUP_ROW_PX * len(distributions),
        30,
        len(BANDS),
        xaxis={"range": [0, 100], "ticksuffix": "%", "fixedrange": True, "gridcolor": "#d0d0d0"},
        yaxis={"autorange": "reversed", "showticklabels": False, "fixedrange": True},
        bargap=0.5,
    )
    layout["annotations"] += [
        {
            "x": 0,
            "y": label,
            "xref": "paper",
            "yref": "y",
            "xanchor": "left",
            "yanchor": "bottom",
            "yshift": GROUP_ROW_PX / 4,
            "showarrow": False,
            "text": label,
            "font": {"size": 12},
        }
        for label in labels
    ]
    return {"data": _band_traces(distributions, "h", labels), "layout": layout}


def over_time_figure(theme, years, own, authority_name, subtitle, today):
    """England's shares by year, stacked, with the authority's latest grade at each year's end
    drawn in the middle of its band."""
    labels = [year for year, _, _ in years]
    traces = _band_traces([d for _, _, d in years], "v", labels)
    xs, ys, hover = [], [], []
    for (year, day, d), mine in zip(years, own, strict=True):
        if mine is None or not d.graded:
            continue
        below = sum(d.share(b) for b in list(BANDS)[: list(BANDS).index(mine.band)])
        xs.append(year)
        ys.append(round(100 * (below + d.share(mine.band) / 2), 1))
        hover.append(
            [text(authority_name), f"{day:%-d %b %Y}", text(mine.words), mine.framework,
             f"{mine.date:%-d %b %Y}"]
        )  # fmt: skip
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": xs,
            "y": ys,
            "name": text(f"{authority_name}'s latest grade"),
            "line": {"color": "#0b0c0c", "dash": "dot", "width": 2},
            "marker": {"symbol": "diamond", "size": 13, "color": "#0b0c0c",
                       "line": {"color": "#fff", "width": 2}},
            "customdata": hover,
            "hovertemplate": "<b>%{customdata[0]}</b>, as at %{customdata[1]}<br>"
            "<b>%{customdata[2]}</b> (%{customdata[3]}, %{customdata[4]})<extra></extra>",
        }
    )  # fmt: skip
    layout = _layout(
        fw.THEMES[theme],
        subtitle,
        today,
        300,
        34,
        len(BANDS) + 1,
        xaxis={"tickformat": "d", "fixedrange": True, "automargin": True},
        yaxis={"range": [0, 100], "ticksuffix": "%", "fixedrange": True, "gridcolor": "#d0d0d0",
               "automargin": True, "title": {"text": "Share graded"}},
    )  # fmt: skip
    return {"data": traces, "layout": layout}
