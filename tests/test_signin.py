"""Admin sign-in behind the reverse proxy: failures count against the client's address (the one
the trusted proxy put in X-Forwarded-For), a username is locked at one address only, guesses at
one account spread over many addresses are slowed without shutting the account for long, and a
refused ?next= lands on the dashboards."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from ofsted_compare.signin import backoff_seconds, client_address

ROOT = Path(__file__).resolve().parent.parent
PROXY = "127.0.0.1"  # every request reaches gunicorn from the proxy
STRANGER, STAFF_DESK = "198.51.100.7", "203.0.113.9"
RIGHT, WRONG = "pw-staff-1", "guess"


@pytest.fixture
def behind_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1


def _sign_in(client, password, forwarded_for, username="staff", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/", **extra},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_X_FORWARDED_PROTO="https",
    )


def _signed_in(client):
    return "_auth_user_id" in client.session


# --- Whose address -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "proxies, forwarded_for, expected",
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is the client's word
        (1, "203.0.113.9", "203.0.113.9"),  # nginx: $proxy_add_x_forwarded_for
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # what the client sent is left of it
        (1, "2001:db8::1", "2001:db8::1"),
        (1, None, "10.0.0.1"),  # not through the proxy
        (1, "not-an-address", "10.0.0.1"),
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),  # load balancer, then nginx
        (2, "203.0.113.9", "10.0.0.1"),  # shorter than the chain of proxies
    ],
)
def test_the_client_is_the_address_the_trusted_proxy_saw(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)

    assert client_address(request) == expected


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, 0),
        ({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, 1),
        ({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto", "TRUSTED_PROXY_COUNT": "2"}, 2),
    ],
)
def test_one_proxy_is_trusted_behind_the_proxy_ssl_header(env, expected):
    shown = subprocess.run(
        [sys.executable, "-c",
         "from ofsted_compare import settings as s; import json;"
         " print(json.dumps([s.TRUSTED_PROXY_COUNT, s.AXES_CLIENT_IP_CALLABLE]))"],
        cwd=ROOT, env={"PATH": os.environ["PATH"], "DEBUG": "true", **env},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip

    assert json.loads(shown.stdout) == [expected, "ofsted_compare.signin.client_address"]


# --- Lock-out by username and address ------------------------------------------------------


@pytest.mark.django_db
def test_a_stranger_s_failures_do_not_lock_out_staff_signing_in_elsewhere(
    client, staff_user, behind_proxy
):
    stranger = [_sign_in(client, WRONG, STRANGER).status_code for _ in range(6)]
    # Sending the staff's address first changes nothing: the proxy's entry is the last one.
    spoofed = _sign_in(client, WRONG, f"{STAFF_DESK}, {STRANGER}")

    staff = _sign_in(client, RIGHT, STAFF_DESK)

    assert stranger[-2:] == [429, 429] and spoofed.status_code == 429  # the stranger is locked
    assert staff.status_code == 302 and _signed_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {STRANGER}


@pytest.mark.django_db
def test_a_lock_out_is_of_one_username_at_one_address(client, staff_user, editor, behind_proxy):
    for _ in range(5):
        _sign_in(client, WRONG, STRANGER)

    other_user = _sign_in(client, "pw-editor-1", STRANGER, username=editor.username)

    assert _sign_in(client, RIGHT, STRANGER).status_code == 429
    assert other_user.status_code == 302


# --- Guesses spread over many addresses ---------------------------------------------------


@pytest.mark.parametrize(
    "failures, seconds", [(0, 0), (9, 0), (10, 1), (11, 2), (13, 8), (15, 32), (16, 60), (500, 60)]
)
def test_the_wait_doubles_and_is_capped_at_a_minute(settings, failures, seconds):
    assert backoff_seconds(failures) == seconds


def _distributed_guesses(client, addresses=25, each=4):
    """25 addresses × 4 wrong guesses, under axes' limit of 5 at every one of them."""
    return [
        _sign_in(client, WRONG, f"198.51.100.{n}")
        for _ in range(each)
        for n in range(1, addresses + 1)
    ]


def _pass_time(seconds):
    """As if the latest failures were `seconds` older (no test waits for the clock)."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(seconds=seconds)
        attempt.save(update_fields=["attempt_time"])


@pytest.mark.django_db
def test_guesses_from_many_addresses_are_slowed(client, staff_user, behind_proxy):
    answers = _distributed_guesses(client)

    tried = [r for r in answers if r.status_code == 200]  # the form again: a password tried
    refused = [r for r in answers if r.status_code == 429]
    assert len(tried) <= 12 and len(tried) + len(refused) == 100  # 10 free, then 1 s, 2 s ...
    assert all(1 <= int(r["Retry-After"]) <= 60 for r in refused)
    assert "from elsewhere" in refused[0].content.decode()
    # A refused sign-in is not a guess: it neither counts nor lengthens the wait.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == len(tried)


@pytest.mark.django_db
def test_an_account_under_guessing_waits_a_minute_at_most(client, staff_user, behind_proxy):
    _distributed_guesses(client)
    at_once = _sign_in(client, RIGHT, STAFF_DESK)
    assert at_once.status_code == 429 and not _signed_in(client)

    _pass_time(60)
    after_a_minute = _sign_in(client, RIGHT, STAFF_DESK)

    assert after_a_minute.status_code == 302 and _signed_in(client)


@pytest.mark.django_db
def test_an_address_the_account_signed_in_from_does_not_wait(client, staff_user, behind_proxy):
    assert _sign_in(client, RIGHT, STAFF_DESK).status_code == 302
    client.logout()
    _distributed_guesses(client)

    assert _sign_in(client, RIGHT, STAFF_DESK).status_code == 302
    assert _signed_in(client)


# --- Where a sign-in lands -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/"])
def test_a_refused_next_lands_on_the_dashboards(client, staff_user, next_url):
    response = client.post(
        f"{reverse('admin:login')}?next={next_url}",
        {"username": "staff", "password": RIGHT, "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get(response["Location"]).status_code == 200
