import logging

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpResponseBadRequest

logger = logging.getLogger("django.security.TooManyFieldsSent")


def refuse_unreadable_query(get_response):
    """A query string Django will not read (more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters)
    is a 400 here, before any view reads it, whatever DEBUG says: Django's own debug page reads
    the query string again and fails with a 500."""

    def middleware(request):
        try:
            request.GET  # noqa: B018 - parsed here, once
        except TooManyFieldsSent as e:
            logger.warning("%s: %s", request.path, e)
            return HttpResponseBadRequest("Too many query parameters.", content_type="text/plain")
        return get_response(request)

    return middleware


class LoginRequiredMiddleware(auth.LoginRequiredMiddleware):
    """Django's own, switched by settings.LOGIN_REQUIRED: the dashboards are open to anyone who
    can reach the site unless a council puts them behind the admin's sign-in (which Django marks
    `login_not_required`)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.LOGIN_REQUIRED:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
