"""The dashboards' filter forms (dashboards/filters.py, forms.py): what each filter chooses and how the
choice is described."""
