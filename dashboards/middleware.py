import logging

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
