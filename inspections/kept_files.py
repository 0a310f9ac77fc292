"""Each source document's file, kept whole in Django's default storage under its content hash.

`keep_file(document, path, written)` stores a document's file unless the same bytes are there
already, and points the document's row at it. A kept file is never seen half written, and one a
crash or a full disk cut short is written again. `inspections.ingest.store` calls it last, inside
the document's transaction, and deletes again a file it wrote if that transaction fails.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage


def document_file_name(sha256, path):
    """Where a document's file is kept: named by its content, so the same bytes are kept once."""
    return f"documents/{sha256}{Path(path).suffix.lower()}"


def keep_file(document, path, written):
    """Put the document's file in the default storage unless it is there already, whole, and
    point the row at it. A file already under its name is used only if its bytes are the
    document's (size, then SHA-256): one a crash or a full disk cut short is written again, so a
    reparse repairs it. A name this call created is appended to `written`, so that `store` can
    take the file back if the row is not stored."""
    name = document_file_name(document.sha256, path)
    existed = default_storage.exists(name)
    if not (existed and _holds(name, document.sha256, os.path.getsize(path))):
        _write_whole(name, path)
        if not existed:
            written.append(name)
    if document.file.name != name:
        document.file.name = name
        document.save(update_fields=["file"])


def _holds(name, sha256, size):
    """Whether the stored file `name` holds exactly the bytes hashing to sha256."""
    if default_storage.size(name) != size:
        return False
    with default_storage.open(name, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest() == sha256


def _write_whole(name, path):
    """Store the file at `path` as `name`, replacing what is there, so that `name` is never seen
    half written. On a local folder the bytes go to a temporary file beside it, synced, then
    renamed over `name` (atomic); a remote storage (S3) stores one upload whole or not at all."""
    try:
        target = Path(default_storage.path(name))
    except NotImplementedError:  # no local path: a remote storage
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(path, "rb") as f:
            saved = default_storage.save(name, File(f))
        if saved != name:  # another ingest stored the same bytes meanwhile: keep one copy
            default_storage.delete(saved)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=target.suffix)
    try:
        with open(fd, "wb") as out, open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, getattr(default_storage, "file_permissions_mode", None) or 0o644)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
