"""Admin sign-in against guessing: whose address a failure counts against, and a back-off per
account for guesses spread over many addresses.

django-axes locks a username at one address after AXES_FAILURE_LIMIT failures (settings). Two
things it cannot do alone are here:

- `client_address(request)` (axes' AXES_CLIENT_IP_CALLABLE): behind the reverse proxy every request
  comes from the proxy. Each of the TRUSTED_PROXY_COUNT proxies in front of the site appends the
  address it was reached from to X-Forwarded-For, so the client is that many entries from the
  right; entries further left are whatever the client sent, and never read.
- `account_backoff` (middleware): a guesser with many addresses stays under the limit at each of
  them. Once a username has SIGNIN_BACKOFF_AFTER failures within AXES_COOLOFF_TIME from all
  addresses together (axes' own records), each further sign-in as that username waits, after
  the latest failure, 1 s, then 2, 4, 8 ... up to SIGNIN_BACKOFF_MAX_SECONDS; a sign-in during the
  wait is refused (429, Retry-After) without its password being tried or counted. A guesser is
  slowed to one guess a minute; the account is never shut for longer than that, and an address
  the account signed in from within SIGNIN_KNOWN_ADDRESS_DAYS is not made to wait at all.
"""

import ipaddress
import logging
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

log = logging.getLogger(__name__)


def client_address(request):
    """The client's address: the one the outermost trusted proxy saw, or REMOTE_ADDR when no
    proxy is trusted or the header does not hold an address where that proxy puts it."""
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if not count:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def backoff_seconds(failures):
    """How long after its latest failure an account waits, having failed `failures` times."""
    if failures < settings.SIGNIN_BACKOFF_AFTER:
        return 0
    return min(2 ** (failures - settings.SIGNIN_BACKOFF_AFTER), settings.SIGNIN_BACKOFF_MAX_SECONDS)


def _wait(username, address):
    """Seconds `username` must still wait before signing in from `address` (0: go ahead)."""
    now = timezone.now()
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gt=now - get_cool_off())
    found = recent.aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    wait = backoff_seconds(found["failures"] or 0)
    if not wait:
        return 0
    left = (found["latest"] + timedelta(seconds=wait) - now).total_seconds()
    if left <= 0:
        return 0
    known_since = now - timedelta(days=settings.SIGNIN_KNOWN_ADDRESS_DAYS)
    known = AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gt=known_since
    )
    return 0 if known.exists() else left


def account_backoff(get_response):
    """Refuses a sign-in as an account that must wait (see the module's docstring)."""

    def middleware(request):
        if request.method == "POST" and request.path == reverse("admin:login"):
            username = request.POST.get("username")
            address = client_address(request)
            left = _wait(username, address) if username else 0
            if left:
                seconds = int(left) + 1
                log.info(
                    "Sign-in as %r from %s refused for %d s (back-off)", username, address, seconds
                )
                return HttpResponse(
                    "Too many failed sign-ins for this account from elsewhere. "
                    f"Try again in {seconds} seconds.",
                    status=429,
                    content_type="text/plain",
                    headers={"Retry-After": str(seconds)},
                )
        return get_response(request)

    return middleware
