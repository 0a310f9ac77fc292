"""Safe defaults: production unless DEBUG is asked for, `check --deploy` clean with two
variables, no 500 from a hostile query string, admin sign-in locked after repeated failures,
and names typed in the admin drawn as text in the charts."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from authorities.models import PeerGroup
from ofsted_compare.settings import proxy_ssl_header
from tests.factories import make_inspection, make_judgement

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "ofsted-compare.example.gov.uk",
}
SHOW_SETTINGS = (
    "from django.conf import settings as s; import json; print(json.dumps([s.DEBUG,"
    " s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
    " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE,"
    " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY]))"
)


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_only_secret_key_and_allowed_hosts():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_is_the_default_and_debug_only_when_asked():
    production = _manage("shell", "-v", "0", "-c", SHOW_SETTINGS, env=PRODUCTION)
    asked = _manage("shell", "-v", "0", "-c", SHOW_SETTINGS, env={"DEBUG": "true"})

    assert production.returncode == asked.returncode == 0, production.stderr + asked.stderr
    assert json.loads(production.stdout) == [
        False,  # DEBUG
        None,  # no proxy header is trusted unless named
        True,  # HTTPS redirect
        31536000,  # HSTS for a year...
        False,  # ...without subdomains
        False,  # ...or preload, both opt-in
        True,  # session cookie: Secure
        True,  # and HttpOnly
        True,  # CSRF cookie: Secure
        True,  # and HttpOnly
    ]
    assert json.loads(asked.stdout)[:3] == [True, None, False]


def test_hsts_subdomains_and_preload_are_opt_in():
    env = {**PRODUCTION, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SECURE_HSTS_PRELOAD": "true"}

    result = _manage("shell", "-v", "0", "-c", SHOW_SETTINGS, env=env)

    assert json.loads(result.stdout)[4:6] == [True, True]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("", None),
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("X-Forwarded-Ssl: on", ("HTTP_X_FORWARDED_SSL", "on")),
    ],
)
def test_the_proxy_ssl_header_is_trusted_only_as_configured(value, expected):
    assert proxy_ssl_header(value) == expected


def test_a_malformed_proxy_ssl_header_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER=X Forwarded"):
        proxy_ssl_header("X Forwarded")


# --- Hostile query strings ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", ["/", "/grid/", "/export.csv", "/authorities/hampshire/"])
@pytest.mark.parametrize("repeats", [999, 5000])
def test_thousands_of_repeated_parameters_get_400_never_500(
    client, hampshire, settings, debug, url, repeats
):
    settings.DEBUG = debug
    query = "&".join(["authority=hampshire"] * (repeats // 2) + ["framework=SIF"] * (repeats // 2))

    response = client.get(f"{url}?{query}")

    assert response.status_code in (200, 400)
    assert response.status_code == (400 if repeats > 1000 else 200)


# --- Admin sign-in --------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_sign_in_is_locked_after_repeated_failures_and_logged(client, staff_user, caplog):
    url = reverse("admin:login")
    wrong = {"username": "staff", "password": "guess", "next": "/admin/"}

    with caplog.at_level(logging.WARNING, logger="axes"):
        failures = [client.post(url, wrong).status_code for _ in range(5)]
        right = client.post(url, {**wrong, "password": "pw-staff-1"})

    assert failures[:4] == [200] * 4  # the form again, with its error
    assert failures[4] == right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert any("locking out" in r.getMessage().lower() for r in caplog.records), caplog.text


@pytest.mark.django_db
def test_a_right_password_still_signs_in_before_the_limit(client, staff_user):
    url = reverse("admin:login")
    client.post(url, {"username": "staff", "password": "guess"})

    response = client.post(url, {"username": "staff", "password": "pw-staff-1", "next": "/admin/"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


@pytest.mark.parametrize("password", ["password", "12345678901", "short1!"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password)


# --- Names typed in the admin, drawn by plotly.js -------------------------------------------

LINK = '<a href="https://evil.example/">click</a>'
BOLD = "<b>loud</b>"
ESCAPED = ['&lt;a href="https://evil.example/"&gt;click&lt;/a&gt;', "&lt;b&gt;loud&lt;/b&gt;"]


def _figure_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _figure_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _figure_strings(v)


@pytest.mark.django_db
def test_markup_typed_in_the_admin_is_text_in_every_chart(client, poole, bcp, editor):
    """Authority names reach hover text, legends, the subtitle and the join labels; a peer
    group's name the subtitle; a judgement's label the hover text; a reason nothing."""
    poole.name = f"Poole {LINK} {BOLD}"
    poole.save()
    bcp.name = f"BCP {LINK} {BOLD}"
    bcp.save()
    group = PeerGroup.objects.create(name=f"Group {LINK} {BOLD}", slug="hostile", focus=bcp)
    group.authorities.add(bcp)
    before = make_judgement(
        make_inspection(poole, framework="SIF", start_date=make_date(2016)),
        label=f"Overall effectiveness {LINK} {BOLD}",
    )
    make_judgement(make_inspection(bcp, start_date=make_date(2021)), label=f"Leaders {BOLD}")
    before.correct(grade="inadequate", reason=f"Checked {LINK} {BOLD}", user=editor)

    page = client.get("/", {"group": "hostile"}).content.decode()

    data = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
    figures = [chart["figure"] for chart in json.loads(data.group(1))]
    assert [s for s in _figure_strings(figures) if LINK in s or BOLD in s] == []
    escaped = " ".join(ESCAPED)
    overall = figures[0]
    hover = "\n".join(_figure_strings([t["customdata"] for t in overall["data"]]))
    legend = [t["name"] for t in overall["data"]]
    annotations = "\n".join(a["text"] for a in overall["layout"]["annotations"])
    subtitle = overall["layout"]["title"]["subtitle"]["text"].replace("<br>", " ")  # wrapped
    assert f"Poole {escaped}" in hover
    assert f"Overall effectiveness {escaped}" in hover
    assert legend[0] == f"Poole {escaped} → BCP {escaped}"
    assert "Poole &lt;a href=" in annotations  # the join label, wrapped
    assert f"Group {escaped}" in subtitle


def make_date(year):
    from datetime import date

    return date(year, 3, 1)
