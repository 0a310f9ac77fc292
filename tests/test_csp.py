"""Content-Security-Policy: every page is served under a policy that runs only the site's own
script files, and no template or script of ours needs more (no inline script, handler, style
block or style attribute); the browser tests check that the pages draw without a violation."""

import re
from pathlib import Path

import pytest

from tests.factories import make_inspection, make_judgement

ROOT = Path(__file__).resolve().parent.parent
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on… handler"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def _policy(response):
    header = response["Content-Security-Policy"]
    return dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/grid/", "/peers/", "/map/", "/export.csv", "/authorities/hampshire/",
            "/admin/login/"],
)  # fmt: skip
def test_every_page_runs_only_the_site_s_own_scripts(client, hampshire, url):
    make_judgement(make_inspection(hampshire))

    policy = _policy(client.get(url))

    assert policy["default-src"] == policy["script-src"] == "'self'"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy["style-src-elem"]


@pytest.mark.parametrize(
    "path",
    sorted(ROOT.glob("templates/**/*.html")) + sorted(ROOT.glob("static/js/*.js")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_template_or_script_of_ours_needs_inline_code(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".js":  # markup a script writes, and the handlers it sets as attributes
        text = " ".join(re.findall(r"""["'][^"']*["']""", text))

    found = [what for pattern, what in INLINE if pattern.search(text)]

    assert found == [], f"{path.relative_to(ROOT)} has {', '.join(found)}: the policy blocks it"
