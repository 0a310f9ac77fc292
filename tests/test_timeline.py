"""An authority's page: its timeline of inspections and catalogue entries (dashboards/timeline.py),
the evidence lines (evidence.py), the views, the sign-in middleware and the data version."""
