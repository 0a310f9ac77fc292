"""Reading one inspection document: hash, extract, parse.

`read_document(path, authorities)` runs in the ingest's worker processes (inspections/workers.py):
it hashes, extracts and parses one file and returns a `ReadResult`. It never raises for bad input
(the reason is in `result.reason`) and never touches the database: the main process stores what
it read (`inspections.ingest.store`).
"""

import hashlib
import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .parsing import NOT_A_REPORT, NotAReport, ParsedDocument, ParseError, parse_document
from .pdf import PdfError, extract_pages

SUFFIXES = (".pdf", ".txt")
WORD_RE = re.compile(r"[a-z0-9]+")
SHINGLE_WORDS = 8
# Keep one shingle hash in 8 (chosen by value, so two copies of a text keep the same ones).
FINGERPRINT_SAMPLE = 8
FINGERPRINT_MAX = 2000

INGESTED, UNCHANGED, REFUSED, FAILED = "ingested", "unchanged", "refused", "failed"
UNPLACED = "unplaced"  # stored without an inspection: no authority could be named


@dataclass
class ReadResult:
    path: str
    sha256: str
    size: int
    pages: int | None = None
    parsed: ParsedDocument | None = None
    fingerprint: list[int] = field(default_factory=list)
    status: str = INGESTED
    reason: str = ""
    # Refused because the file is not a report at all (an empty file, a saved web page), as
    # opposed to a report that could not be read or placed.
    not_a_report: bool = False

    @property
    def file_name(self):
        return Path(self.path).name


class NotARegularFile(OSError):
    """A FIFO, device or socket given as a document: reading it could wait for ever."""


def find_documents(paths):
    """Every .pdf and .txt under the given files or folders, sorted, each once. In a folder only
    regular files are found (a FIFO or device there is passed over); a path named on its own is
    returned whatever it is, for `sha256_of` to refuse."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]
        else:
            found.append(path)
    return sorted(set(found))


def sha256_of(path):
    """The file's SHA-256; raises NotARegularFile, without waiting, for anything but a regular
    file (opening a FIFO for reading would wait for a writer, and a device never ends)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
            raise NotARegularFile(f"{path}: not a regular file ({what})")
        return hashlib.file_digest(f, "sha256").hexdigest()


def text_fingerprint(pages):
    """A sample of hashed 8-word runs: the same for two copies of a report in any layout."""
    words = WORD_RE.findall(" ".join(pages).lower())
    hashes = {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    }
    return sorted(h for h in hashes if h % FINGERPRINT_SAMPLE == 0)[:FINGERPRINT_MAX]


def read_text(path):
    data = Path(path).read_bytes()
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise NotAReport(f"{path}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(f"{path}: the text is UTF-16; convert it to UTF-8 and ingest it again")
    if b"\x00" in data:
        raise NotAReport(f"{path}: not a text file (it holds binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(
            f"{path}: the text is not UTF-8 (undecodable byte 0x{data[e.start]:02x} at offset "
            f"{e.start}); convert it to UTF-8 and ingest it again"
        ) from e


def read_document(path, authorities, sha256=None, size=None):
    """Extract and parse one file. Bad input comes back as status 'refused' with its reason."""
    path = str(path)
    result = ReadResult(path=path, sha256=sha256 or "", size=size or 0)
    try:
        if not result.sha256:
            result.sha256 = sha256_of(path)
        if not result.size:
            result.size = Path(path).stat().st_size
        if path.lower().endswith(".pdf"):
            try:
                pages = extract_pages(path)
            except RecursionError as e:  # pdfminer resolves nested objects recursively
                raise PdfError(f"{path}: corrupt PDF (objects nested too deep to read)") from e
            result.pages = len(pages)
        else:
            pages = [read_text(path)]
        result.parsed = parse_document(
            pages, source=path, paged=result.pages is not None, authorities=authorities
        )
        result.fingerprint = text_fingerprint(pages)
        if result.parsed.kind == NOT_A_REPORT:
            result.status, result.reason = REFUSED, f"{path}: not an inspection report"
            result.not_a_report = True
        elif result.parsed.authority_code is None:
            # A report all the same: kept, unplaced, for an editor to name its authority.
            result.status = UNPLACED
            why = (
                f"it names {result.parsed.authority_as_printed!r}, which more than one "
                "authority may be"
                if result.parsed.authority_candidates
                else "no authority found in its title block or running headers"
            )
            result.reason = f"{path}: {why}; stored unplaced for an editor to place"
    except (ParseError, PdfError) as e:
        result.status, result.reason = REFUSED, _with_path(path, str(e))
        result.not_a_report = isinstance(e, NotAReport)
    except NotARegularFile as e:
        result.status, result.reason = REFUSED, str(e)
    except OSError as e:
        result.status, result.reason = REFUSED, f"{path}: cannot read the file ({e.strerror})"
    except MemoryError:  # past the worker's cap (workers.py): a decompression bomb, say
        result.status = REFUSED
        result.reason = (
            f"{path}: reading it needed more than {settings.INGEST_WORKER_MEMORY_MB} MB of memory "
            "(INGEST_WORKER_MEMORY_MB)"
        )
    except Exception as e:  # a parser bug must not stop the run: report it for this file only
        result.status, result.reason = FAILED, f"{path}: unexpected error {type(e).__name__}: {e}"
    return result


def _with_path(path, message):
    return message if message.startswith(path) else f"{path}: {message}"
