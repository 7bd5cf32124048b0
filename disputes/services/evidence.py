"""Evidence uploads: who may add them, what is accepted (by content and size), and their private storage.

Files live under PRIVATE_MEDIA_ROOT/evidence/ by random name, mode 600, never served directly; each row
keeps the SHA-256 of the bytes received and every read checks it. A refused upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disputes import evidence_types
from disputes.errors import ActionForbidden, DomainError, NotAllowedInState
from disputes.models import Case
from disputes.models.evidence import Evidence, EvidenceKind, EvidenceSide
from disputes.permissions import is_claimant, is_respondent_representative, works_on_case
from disputes.private_files import (
    ChecksumMismatch,
    MissingFile,
    new_private_name,
    private_path,
    private_root,
    read_verified,
    write_private,
)
from disputes.services.audit import record_event

logger = logging.getLogger(__name__)
EVIDENCE_DIR = "evidence"
NAME_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 500
# A file with no row is an orphan once older than this (its transaction cannot still be open).
ORPHAN_GRACE = timedelta(hours=1)
_UNSAFE_NAME_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_BYTES)


def side_of(user: Any, case: Case) -> str | None:
    """Which side this user uploads for on this case, or None when they may not add evidence to it."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_claimant(user, case):
        return EvidenceSide.WORKER
    if is_respondent_representative(user, case):
        return EvidenceSide.EMPLOYER
    if user.is_superuser or works_on_case(user, case):
        return EvidenceSide.STAFF
    return None


def attach_evidence(
    case: Case,
    upload: UploadedFile,
    *,
    by: Any,
    kind: str = EvidenceKind.EVIDENCE,
    note: str = "",
    invitation: Any = None,
) -> Evidence:
    """Store one uploaded file as evidence (or the employer's defence) of `case`, with an audit entry.

    `by` must be a party to the case or staff working on it; `invitation` (the employer's signed link,
    already verified by the caller) stands in for a signed-in employer. Refused with `file_too_large`
    above settings.EVIDENCE_MAX_BYTES and `file_type_not_allowed` when the content is not an allowed type
    or does not match its name or declared type. Nothing is stored when refused or when the write fails.
    """
    side = side_of(by, case) if invitation is None else EvidenceSide.EMPLOYER
    if invitation is not None and invitation.case_id != case.pk:
        side = None  # a link answers for its own case only
    _check_allowed(case, side, kind, note)
    assert side is not None
    file_type = check_upload(upload)
    stored_name, sha256, size = _store(upload)
    try:
        with transaction.atomic():
            return _record(case, upload, file_type, stored_name, sha256, size, by, side, kind, note, invitation)
    except BaseException:
        private_path(stored_name).unlink(missing_ok=True)  # no row, no file
        raise


def _check_allowed(case: Case, side: str | None, kind: str, note: str) -> None:
    if side is None:
        raise ActionForbidden(_("只有本案当事人或承办本案的工作人员可以提交证据。"), code="not_case_party")
    if case.is_closed:
        raise NotAllowedInState(_("案件已结案，不能再提交证据。"), code="case_closed")
    if kind not in EvidenceKind.values:
        raise DomainError(_("未知的材料类别。"), code="unknown_evidence_kind", fields={"kind": [kind]})
    if kind == EvidenceKind.DEFENCE and side == EvidenceSide.WORKER:
        raise ActionForbidden(_("答辩材料由用人单位提交。"), code="defence_by_respondent_only")
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError(_("说明过长，最多500字。"), code="note_too_long", fields={"note": [len(note)]})


def check_upload(upload: UploadedFile) -> evidence_types.FileType:
    """The upload's type, after checking its size, its content, and that its name and declared type agree."""
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise DomainError(
            format_lazy(_("文件过大：每个文件不能超过 {limit}。"), limit=size_text(limit)),
            code="file_too_large",
            fields={"file": [{"size": upload.size, "max_bytes": limit}]},
        )
    file_type = evidence_types.detect(upload)
    name, declared = clean_name(upload.name or ""), upload.content_type or ""
    if file_type is None or not file_type.accepts_name(name) or not file_type.accepts_declared(declared):
        raise DomainError(
            _("不支持该文件类型，或文件内容与扩展名不符。请上传 PDF、JPEG、PNG、WebP、HEIC、Word 或 Excel 文件。"),
            code="file_type_not_allowed",
            fields={"file": [{"detected": file_type.mime if file_type else None}]},
        )
    return file_type


def size_text(size: int) -> str:
    """A byte count for people: 10 MB, 1.5 MB, 512 KB."""
    if size >= 1 << 20:
        return f"{round(size / (1 << 20), 1):g} MB"
    return f"{max(1, round(size / 1024))} KB"


def clean_name(name: str) -> str:
    """The file's own name for display: no directories, control or path characters, at most 200 characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = _UNSAFE_NAME_CHARACTERS.sub("_", unicodedata.normalize("NFC", base)).strip(" .")
    return base[-NAME_MAX_LENGTH:] if base else "evidence"


def _record(
    case: Case,
    upload: UploadedFile,
    file_type: evidence_types.FileType,
    stored_name: str,
    sha256: str,
    size: int,
    by: Any,
    side: str,
    kind: str,
    note: str,
    invitation: Any,
) -> Evidence:
    evidence = Evidence.objects.create(
        case=case,
        uploaded_by=by if getattr(by, "pk", None) else None,
        invitation=invitation,
        side=side,
        kind=kind,
        original_name=clean_name(upload.name or ""),
        content_type=file_type.mime,
        size=size,
        sha256=sha256,
        stored_name=stored_name,
        note=note,
    )
    after = {"evidence": evidence.pk, "kind": kind, "side": side, "sha256": sha256, "size": size}
    record_event(case, "evidence_added", actor=by, after=after, note=evidence.original_name)
    return evidence


def open_evidence(evidence: Evidence) -> bytes:
    """The stored bytes, once their checksum shows they are the very file that was uploaded."""
    try:
        return read_verified(evidence.stored_name, evidence.sha256)
    except MissingFile:
        raise NotAllowedInState(_("证据文件缺失，请联系承办人员。"), code="evidence_missing") from None
    except ChecksumMismatch:
        raise NotAllowedInState(
            _("证据文件校验失败，可能已被篡改或损坏，请联系承办人员。"), code="evidence_checksum_mismatch"
        ) from None


def download_name(evidence: Evidence) -> str:
    """The uploaded name, given the detected type's extension when it lacks a matching one."""
    name = evidence.original_name
    file_type = next((t for t in evidence_types.ALLOWED if t.mime == evidence.content_type), None)
    if file_type and PurePosixPath(name).suffix.lower() not in file_type.extensions:
        name += file_type.extensions[0]
    return name


# --- storage -----


def _store(upload: UploadedFile) -> tuple[str, str, int]:
    """Stream the upload to a fresh random name readable by the server user only: (name, sha256, size).

    The size is counted again while writing, so a file larger than it claimed is refused all the same.
    """
    name, digest, counted = new_private_name(EVIDENCE_DIR), hashlib.sha256(), [0]

    def chunks() -> Iterator[bytes]:
        upload.seek(0)
        for chunk in upload.chunks():
            counted[0] += len(chunk)
            if counted[0] > max_bytes():
                raise DomainError(_("文件过大。"), code="file_too_large")
            digest.update(chunk)
            yield chunk

    write_private(name, chunks())
    return name, digest.hexdigest(), counted[0]


def purge_orphan_evidence_files(*, older_than: timedelta = ORPHAN_GRACE) -> int:
    """Delete stored files that no evidence row names, once older than `older_than`; returns how many.

    A file is written before its row commits: a rollback of the caller's outer transaction, or a crash in
    between, leaves it behind. Young files are left alone, as their transaction may still be open.
    """
    directory = private_root() / EVIDENCE_DIR
    if not directory.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    old = [path for path in directory.iterdir() if path.is_file() and path.stat().st_mtime < cutoff]
    removed = 0
    for start in range(0, len(old), 500):
        batch = {f"{EVIDENCE_DIR}/{path.name}": path for path in old[start : start + 500]}
        known = set(Evidence.objects.filter(stored_name__in=batch).values_list("stored_name", flat=True))
        for name in batch.keys() - known:
            batch[name].unlink(missing_ok=True)
            removed += 1
    if removed:
        logger.warning("removed %s orphaned evidence files", removed)
    return removed
