"""The dashboards' page cache: every dashboard page is built once per version of the data and
kept in Django's cache (settings.CACHES: each process's memory, Redis through `cache.py`'s
FailSoftRedisCache, or the database), and readers revalidate it over HTTP.

- The cache key holds the data version's token (`models.DataVersion`, replaced by every write),
  the date, a fingerprint of the release and the page's name among its view's pages (the
  cleaned filters' `page_key()`, or the path of a detail page). A page with filter errors is
  never kept.
- After a write every worker meets the new token at once: the first to ask builds the page and
  the others wait for it rather than build it too (`cache.add` is atomic in every backend).
- `ETag` and `Last-Modified` come from the data version, so a reader who has the page gets a 304;
  `Cache-Control: no-cache` makes browsers and proxies ask each time (a cheap 304), so a
  correction shows at once, and `private` is added behind LOGIN_REQUIRED so that no shared cache
  keeps a signed-in page. `X-Page-Cache: hit` or `miss` says which it was (the load tests count
  them).

Who may read the pages is not decided here: `middleware.LoginRequiredMiddleware` does that.
"""

import functools
import hashlib
from datetime import datetime, time
from pathlib import Path
from time import monotonic, sleep

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from .models import DataVersion

PAGE_CACHE_SECONDS = 3600
# How long a worker waits for another worker that is building the same page before building it
# itself (a build that long has failed or hangs).
BUILD_WAIT_SECONDS = 10


@functools.cache
def release():
    """A fingerprint of the code, templates and static files that draw the pages, so that a new
    release neither serves nor revalidates pages an older one cached."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder, pattern in [("dashboards", "*.py"), ("templates", "**/*"), ("static", "**/*")]:
        for path in sorted((root / folder).glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _version(request):
    """(token, changed_at) of the data version, read once per request."""
    if not hasattr(request, "_data_version"):
        request._data_version = DataVersion.read()
    return request._data_version


def etag(request, *args, **kwargs):
    # A page changes with the data, the day (charts and file names carry the date), a release,
    # and its reader: signed-in staff see the names of the editors, the public does not.
    reader = "staff" if request.user.is_staff else "public"
    return f"{_version(request)[0]}-{timezone.localdate():%Y%m%d}-{release()}-{reader}"


def last_modified(request, *args, **kwargs):
    changed_at = _version(request)[1]
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(changed_at, midnight) if changed_at else midnight


def cached_page(key, build):
    """(response, hit): the page under `key` from the cache, or built (by this worker, or by
    another that is building it already) and stored when it is a 200."""
    response = cache.get(key)
    if response is not None:
        return response, True
    lock = f"{key}:building"
    if not cache.add(lock, 1, BUILD_WAIT_SECONDS):
        deadline = monotonic() + BUILD_WAIT_SECONDS
        while monotonic() < deadline:
            sleep(0.02)
            response = cache.get(key)
            if response is not None:
                return response, True
    try:
        response = build()
        if response.status_code == 200:
            cache.set(key, response, PAGE_CACHE_SECONDS)
    finally:
        cache.delete(lock)
    return response, False


def dashboard_page(read=None):
    """A read-only dashboard page: GET and HEAD only, answered with 304 Not Modified when the
    reader has it already, and served from the cache until the data it shows changes.

    `read(request)` gives the page's filterset or form, which the view is called with after the
    request (`view(request, form, **kwargs)`) and whose `page_key()` names the page among the
    view's others (None: not worth keeping, as filters with errors). Without `read` the page is
    its path: a detail page reads nothing from the query string."""

    def decorator(view):
        @functools.wraps(view)
        def cached(request, *args, **kwargs):
            return serve(request, view, read, args, kwargs)

        return require_safe(condition(etag_func=etag, last_modified_func=last_modified)(cached))

    return decorator


def serve(request, view, read, args, kwargs):
    """The response of a `dashboard_page` view, from the cache or built, with its cache headers.
    (Kept outside the decorator, which runs once at import, so that its lines can be tested.)"""
    if read is None:
        name, arguments = request.path, args
    else:
        form = read(request)
        name, arguments = form.page_key(), (form, *args)
    if name is None:
        response, hit = view(request, *arguments, **kwargs), False
    else:
        digest = hashlib.sha256(name.encode()).hexdigest()
        key = f"page:{view.__name__}:{etag(request)}:{digest}"
        response, hit = cached_page(key, lambda: view(request, *arguments, **kwargs))
    response["X-Page-Cache"] = "hit" if hit else "miss"
    patch_cache_control(response, no_cache=True)
    if settings.LOGIN_REQUIRED:  # a directive has no false form: left out, not "=False"
        patch_cache_control(response, private=True)
    return response
