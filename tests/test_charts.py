"""The compare page's charts and tables, called directly: rows read for drawing (dashboards/charts.py),
the figures (chart_figure.py, chart_layout.py, figures.py)."""
