"""Reading Ofsted's provider pages, and the HTTP client that fetches them and their files.

`parse_provider_page(html, page_url)` is a pure function: the text of an authority's provider
page (`https://reports.ofsted.gov.uk/provider/44/<URN>`) in, the publications it lists out, each
a `ListedPublication(title, url, published)` with the file's URL resolved against the page's and
Ofsted's publication date. A page that has no publication list in the structure below raises
`ProviderPageChanged(url, expected)`: a changed page is never read as "no reports".

The structure relied upon (learned from the public scrapers of the children's services data
community, which read these pages daily: data-to-insight/ofsted-ilacs-scrape-tool and
data-to-insight/ofsted-send-scrape-tool, function `process_provider_links`, and its fork
JT-39/ofsted-ilacs-scrape-tool; facts only, no code taken):

- Each publication is a link `<a class="publication-link" href="https://files.ofsted.gov.uk/v1/
  file/<id>">`, listed newest first. Its visible text is the title ("Children's services
  inspection", "Children's services focused visit", "Joint area child protection inspection",
  "Area SEND full inspection").
- Inside the link a screen-reader span `<span class="nonvisual">` repeats the title with the file
  type and Ofsted's publication date: "Children's services focused visit, pdf - 01 August 2024".
  Older entries print the type oddly ("…inspection,  pdf - 16 August 2013", "single inspection
  of la children's services as pdf - 10 February 2015"); the date is always after the last " - ",
  day month-name year.
- Ofsted's pages group events in `<li class="timeline__day">` items with the day in a `<time>`
  element (seen on the same site's school pages, provider/21); where a link's span carries no
  date, the `<time>` of the item that holds it is read instead.
- One provider page (provider type 44, local authority children's services) lists every
  publication about the authority, so its children's services ones are told apart by title
  (`inspections.publications.kind_of`); area SEND inspections and the like are "other".

`OfstedClient` is the only place that makes requests: one at a time, `delay` seconds apart, with
a User-Agent naming the app and a contact, (connect, read) timeouts, and retries with exponential
backoff on 429 and 5xx that honour Retry-After (urllib3's `Retry` on a requests `HTTPAdapter`).
A request that still fails raises `FetchError(url, reason)`.
"""

import os
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from bs4 import BeautifulSoup
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

APP_NAME = "OfstedCompare"
PROVIDER_PATH = "/provider/44/{urn}"  # provider type 44: local authority children's services
# "<title>[, pdf| as pdf] - <d Month yyyy>", however the type is printed.
NONVISUAL_RE = re.compile(
    r"^(?P<title>.*?)(?:[\s,]+(?:as\s+)?pdf)?\s+[-–]\s+(?P<date>\d{1,2}\s+[A-Za-z]+\s+\d{4})\s*$",
    re.I | re.S,
)
PDF_MAGIC = b"%PDF"
# Longest wait a Retry-After may impose before a retry; a longer one fails the request instead of
# holding the daily run for hours.
MAX_RETRY_AFTER = 300
CHUNK = 1 << 16


class FetchError(Exception):
    """A request that failed after its retries (HTTP error, timeout, refused connection)."""

    def __init__(self, url, reason):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


class ProviderPageChanged(FetchError):
    """A provider page without its publication list in the structure this module reads."""

    def __init__(self, url, expected):
        super().__init__(url, f"the page does not look as expected: {expected}")
        self.expected = expected


class NotAPdf(FetchError):
    """A file that is not a PDF (Ofsted's "not found" page served as the file, say)."""


@dataclass(frozen=True)
class ListedPublication:
    title: str  # as listed, with Ofsted's date: "Children's services inspection - 16 August 2013"
    url: str  # the file, absolute
    published: date  # Ofsted's publication date

    @property
    def file_id(self):
        return file_id(self.url)


def provider_url(base_url, urn):
    return base_url.rstrip("/") + PROVIDER_PATH.format(urn=urn)


def file_id(url):
    """The last segment of a file's URL ("50204404" of …/v1/file/50204404), safe as a name."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", last) or "file"


def _parse_date(text):
    for fmt in ("%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(" ".join(text.split()), fmt).date()
        except ValueError:
            continue
    return None


def parse_provider_page(html, page_url):
    """The publications a provider page lists, in its order (newest first).

    Raises ProviderPageChanged when no `a.publication-link` is found, or when a link's title or
    date cannot be read: better an authority reported failed than a report silently missed.
    """
    soup = BeautifulSoup(html, "html.parser")
    links = soup.select("a.publication-link[href]")
    if not links:
        raise ProviderPageChanged(
            page_url,
            'a list of publications, each a link <a class="publication-link" href="…"> with '
            '<span class="nonvisual">title, pdf - day month year</span>; found no such link',
        )
    listed = []
    for link in links:
        href = link["href"].strip()
        span = link.select_one("span.nonvisual")
        described = " ".join((span.get_text() if span else "").split())
        match = NONVISUAL_RE.match(described)
        if match:
            title, day_text = match["title"].strip(" ,"), match["date"]
        else:
            # The title as shown, and the day of the timeline item that holds the link.
            if span:
                span.extract()
            title = " ".join(link.get_text().split())
            day = link.find_parent("li", class_="timeline__day")
            when = day.find("time") if day else None
            day_text = " ".join(when.get_text().split()) if when else ""
        published = _parse_date(day_text)
        if not title or published is None:
            raise ProviderPageChanged(
                page_url,
                f"a title and a publication date for the link to {href} (its <span "
                f'class="nonvisual"> reads "{described}")',
            )
        listed.append(
            ListedPublication(
                title=f"{title} - {published.day:02d} {published:%B %Y}",
                url=urljoin(page_url, href),
                published=published,
            )
        )
    return listed


class _Retry(Retry):
    def get_backoff_time(self):
        # urllib3 retries the first time at once; Ofsted is asked again only after a pause:
        # backoff, 2 x backoff, 4 x backoff.
        return max(super().get_backoff_time(), self.backoff_factor if self.history else 0)

    def get_retry_after(self, response):
        after = super().get_retry_after(response)
        return None if after is None else min(after, MAX_RETRY_AFTER)


def user_agent(contact):
    return f"{APP_NAME}/1.0 (Ofsted children's services reports; contact: {contact or 'not set'})"


class OfstedClient:
    """One session for a run: every request in turn, `delay` seconds after the previous one."""

    def __init__(self, *, contact, timeout, retries, backoff, delay):
        self.timeout, self.delay = timeout, delay
        self.requests = 0  # made by this client (retries not counted)
        self._last = None
        retry = _Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=("GET",),
            respect_retry_after_header=True,
            raise_on_status=False,  # the last answer is returned, and reported with its status
        )
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent(contact)
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def close(self):
        self.session.close()

    def _get(self, url, **kwargs):
        if self._last is not None:
            wait = self.delay - (time.monotonic() - self._last)
            if wait > 0:
                time.sleep(wait)
        self.requests += 1
        try:
            response = self.session.get(url, timeout=self.timeout, **kwargs)
        except requests.exceptions.RetryError as e:
            raise FetchError(url, f"still failing after retries ({_cause(e)})") from e
        except requests.exceptions.RequestException as e:
            # requests reports a read timeout that used up its retries as a ConnectionError:
            # the innermost cause says what happened.
            timed_out = isinstance(e, requests.exceptions.Timeout) or isinstance(
                _root(e), urllib3.exceptions.TimeoutError
            )
            what = "timed out" if timed_out else "request failed"
            raise FetchError(url, f"{what} ({_cause(e)})") from e
        finally:
            self._last = time.monotonic()
        if response.status_code >= 400:
            response.close()
            raise FetchError(url, f"HTTP {response.status_code} {response.reason or ''}".strip())
        return response

    def get_page(self, url):
        """The text of a page."""
        response = self._get(url)
        try:
            return response.text
        except requests.exceptions.RequestException as e:
            raise FetchError(url, f"the page could not be read ({_cause(e)})") from e

    def download(self, url, dest):
        """Save the file at `url` as `dest` (a PDF): written to a temporary file in the same
        folder first, so `dest` is either whole or absent. Raises NotAPdf for anything else."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        response = self._get(url, stream=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".download-", suffix=".part")
        try:
            with response, os.fdopen(fd, "wb") as f:
                for chunk in response.iter_content(CHUNK):
                    f.write(chunk)
            with open(tmp, "rb") as f:
                head = f.read(1024)
            if not head.lstrip().startswith(PDF_MAGIC):
                kind = response.headers.get("Content-Type", "no content type").split(";")[0]
                what = "an HTML page" if b"<html" in head.lower() or "html" in kind else kind
                raise NotAPdf(url, f"not a PDF: the server sent {what}")
            os.replace(tmp, dest)
            self._last = time.monotonic()  # the next request waits from the end of this one
        except requests.exceptions.RequestException as e:
            raise FetchError(url, f"the download was cut off ({_cause(e)})") from e
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return dest


def _root(error):
    """The innermost exception behind a requests/urllib3 error."""
    seen = error
    for _ in range(10):
        inner = getattr(seen, "reason", None)
        if not isinstance(inner, BaseException):
            first = seen.args[0] if seen.args else None
            inner = first if isinstance(first, BaseException) else None
        if inner is None or inner is seen:
            break
        seen = inner
    return seen


def _cause(error):
    """The innermost reason of a requests/urllib3 error, in a few words."""
    text = str(_root(error))
    # urllib3 prefixes the pool ("HTTPConnectionPool(host=…, port=…): …"): keep the reason.
    return text.split("): ", 1)[-1] if "Pool(" in text else text
