"""Private files (issued documents, evidence): random names under PRIVATE_MEDIA_ROOT, mode 600, never served
directly; each is read back only after its SHA-256 matches the one stored with its row."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


class MissingFile(Exception):
    """The row names a file that is not there."""


class ChecksumMismatch(Exception):
    """The file is there but is not the one that was stored."""


def private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT).resolve()


def private_path(name: str) -> Path:
    """The absolute path of a stored name; a name that would leave the private root is refused."""
    path = (private_root() / name).resolve()
    if private_root() not in path.parents:
        raise ValueError(f"path outside the private root: {name}")
    return path


def new_private_name(folder: str, suffix: str = "") -> str:
    """A fresh random name in `folder` (created, mode 700)."""
    (private_root() / folder).mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"{folder}/{secrets.token_hex(16)}{suffix}"


def write_private(name: str, chunks: Iterable[bytes]) -> None:
    """Write the chunks to `name`, which must not exist yet, readable by the server user only; a failure part-way
    (including one raised by the chunks' iterator) leaves no file behind."""
    path = private_path(name)
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def read_verified(name: str, sha256: str) -> bytes:
    """The stored bytes, once their checksum shows they are the very file that was stored."""
    try:
        content = private_path(name).read_bytes()
    except FileNotFoundError:
        logger.error("private file %s is missing", name)
        raise MissingFile(name) from None
    if hashlib.sha256(content).hexdigest() != sha256:
        logger.error("private file %s: checksum mismatch", name)
        raise ChecksumMismatch(name)
    return content
