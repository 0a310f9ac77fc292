"""Tests run the project's one settings module as `make run` does: with DEBUG asked for (so no
HTTPS redirect, no manifest of collected static files), unless the caller's environment says
otherwise. This sets no setting of its own; pytest-django imports it (pyproject.toml)."""

import os

os.environ.setdefault("DEBUG", "true")

from ofsted_compare.settings import *  # noqa: E402, F403
