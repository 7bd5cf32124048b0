"""Evidence uploads: accepted by content and size, stored privately by random name, served only as attachments."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook
from PIL import Image

from disputes import evidence_types
from disputes.errors import ActionForbidden, DomainError
from disputes.models import Case, CaseEvent, Employer, Evidence
from disputes.services.evidence import attach_evidence, clean_name
from disputes.tasks import purge_orphan_evidence_files
from tests.conftest import Driver, client_for

pytestmark = pytest.mark.django_db
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


# --- tiny real files -----


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def image_bytes(format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, format=format)
    return buffer.getvalue()


def heic_bytes() -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"heic" + b"\x00\x00\x00\x00" + b"mif1heic"
    return ftyp + struct.pack(">I", 8) + b"meta"


def office_bytes(main_part: str, part_name: str, extra: dict[str, bytes] | None = None) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{part_name}" ContentType="{main_part}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr(part_name, "<document/>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "工资"  # type: ignore[index]
    workbook.save(buffer)
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
ALLOWED = [
    ("工资条.pdf", pdf_bytes, "application/pdf"),
    ("考勤.png", png_bytes, "image/png"),
    ("聊天记录.jpg", lambda: image_bytes("JPEG"), "image/jpeg"),
    ("截图.webp", lambda: image_bytes("WEBP"), "image/webp"),
    ("现场.heic", heic_bytes, "image/heic"),
    ("劳动合同.docx", lambda: office_bytes(DOCX_MAIN, "word/document.xml"), evidence_types.DOCX.mime),
    ("加班统计.xlsx", xlsx_bytes, evidence_types.XLSX.mime),
]


# --- fixtures and helpers -----


@pytest.fixture(autouse=True)
def private_root(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()  # filing is rate limited per user, counted in the cache
    return Path(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def case_id(driver: Driver, worker_user: Any) -> int:
    return int(driver.file(worker_user, key="evidence-case")["id"])


def upload(user: Any, case_id: int, name: str, content: bytes, content_type: str = "", **data: Any) -> Any:
    file = SimpleUploadedFile(name, content, content_type=content_type or "application/octet-stream")
    return client_for(user).post(f"/api/v1/cases/{case_id}/evidence/", {"file": file, **data}, format="multipart")


def stored_files(root: Path) -> list[Path]:
    directory = root / "evidence"
    return sorted(directory.iterdir()) if directory.exists() else []


def assert_nothing_stored(root: Path) -> None:
    assert Evidence.objects.count() == 0
    assert stored_files(root) == []
    assert not CaseEvent.objects.filter(kind="evidence_added").exists()


# --- accepted files -----


@pytest.mark.parametrize(("name", "make", "mime"), ALLOWED, ids=[row[2] for row in ALLOWED])
def test_each_allowed_type_is_stored_privately_with_its_detected_type(
    worker_user: Any, case_id: int, private_root: Path, name: str, make: Any, mime: str
) -> None:
    content = make()
    response = upload(worker_user, case_id, name, content, note="十月")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["content_type"], body["original_name"], body["size"]) == (mime, name, len(content))
    assert (body["side"], body["kind"], body["note"], body["uploaded_by"]) == ("worker", "evidence", "十月", "rider")
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    [path] = stored_files(private_root)
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert name not in path.name and "." not in path.name  # random, and no extension to act upon


def test_upload_is_recorded_in_the_audit_log(worker_user: Any, case_id: int) -> None:
    evidence_id = upload(worker_user, case_id, "a.pdf", pdf_bytes()).json()["id"]
    event = CaseEvent.objects.get(case_id=case_id, kind="evidence_added")
    assert event.actor == worker_user
    assert event.after["evidence"] == evidence_id and event.after["side"] == "worker"


def test_list_shows_the_case_evidence_to_staff_on_the_case(worker_user: Any, mediator: Any, case_id: int) -> None:
    upload(worker_user, case_id, "a.pdf", pdf_bytes())
    upload(mediator, case_id, "b.png", png_bytes(), note="窗口收取")
    response = client_for(mediator).get(f"/api/v1/cases/{case_id}/evidence/")
    assert response.status_code == 200
    assert [(row["original_name"], row["side"]) for row in response.json()] == [("a.pdf", "worker"), ("b.png", "staff")]


def test_a_name_without_extension_is_accepted_and_downloads_with_the_right_one(worker_user: Any, case_id: int) -> None:
    body = upload(worker_user, case_id, "scan", pdf_bytes()).json()
    response = client_for(worker_user).get(body["download_url"])
    assert "scan.pdf" in response["Content-Disposition"]


def test_the_kept_name_loses_directories_and_control_characters() -> None:
    assert clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\王\\工资\x00条.pdf") == "工资_条.pdf"
    assert clean_name("...") == "evidence"


# --- refused files: the specific error, and nothing stored -----


def test_an_oversized_file_is_refused_and_nothing_is_stored(
    settings: Any, worker_user: Any, case_id: int, private_root: Path
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    response = upload(worker_user, case_id, "big.pdf", pdf_bytes() + b" " * 2048)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "file_too_large"
    assert error["message_zh"] == "文件过大：每个文件不能超过 1 KB。"
    assert error["message_en"].startswith("The file is too large")
    assert_nothing_stored(private_root)


def test_a_body_far_beyond_the_limit_is_refused_before_parsing(
    settings: Any, worker_user: Any, case_id: int, private_root: Path
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    response = upload(worker_user, case_id, "huge.pdf", pdf_bytes() + b" " * 200_000)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert_nothing_stored(private_root)


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("photo.jpg", HTML, "image/jpeg"),
        ("contract.pdf", EXE, "application/pdf"),
        ("setup.exe", EXE, "application/octet-stream"),
        ("page.html", HTML, "text/html"),
        ("photo.jpg", pdf_bytes(), "image/jpeg"),  # a real PDF dressed as a photo
        ("scan.pdf", png_bytes(), ""),  # a real PNG named as a PDF
        ("contract.pdf", pdf_bytes(), "text/html"),  # a PDF declared as a web page
        ("notes.docx", office_bytes(DOCM_MAIN, "word/document.xml"), ""),  # macro-enabled Word
        ("notes.docx", office_bytes(DOCX_MAIN, "word/document.xml", {"word/vbaProject.bin": b"x"}), ""),
        ("archive.docx", office_bytes("application/xml", "data.xml"), ""),  # any other zip
        ("cut.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n", ""),  # no end-of-file marker
        ("empty.pdf", b"", ""),
    ],
    ids=[
        "html-as-jpg",
        "exe-as-pdf",
        "exe",
        "html",
        "pdf-as-jpg",
        "png-as-pdf",
        "pdf-declared-html",
        "docm",
        "docx-with-macros",
        "zip",
        "truncated-pdf",
        "empty",
    ],
)
def test_a_disguised_or_unaccepted_file_is_refused_and_nothing_is_stored(
    worker_user: Any, case_id: int, private_root: Path, name: str, content: bytes, declared: str
) -> None:
    response = upload(worker_user, case_id, name, content, declared)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] in {"file_type_not_allowed", "invalid_input"}
    if content:
        assert response.json()["error"]["code"] == "file_type_not_allowed"
        assert "Please upload a PDF" in response.json()["error"]["message_en"]
    assert_nothing_stored(private_root)


def test_a_failed_write_of_the_row_leaves_no_file(
    worker_user: Any, case_id: int, private_root: Path, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("disputes.services.evidence.record_event", broken)
    case = Case.objects.get(pk=case_id)
    with pytest.raises(RuntimeError):
        attach_evidence(case, SimpleUploadedFile("a.pdf", pdf_bytes(), "application/pdf"), by=worker_user)
    assert Evidence.objects.count() == 0
    assert stored_files(private_root) == []


def test_a_file_left_by_an_outer_rollback_is_purged_once_old(
    worker_user: Any, case_id: int, private_root: Path
) -> None:
    case = Case.objects.get(pk=case_id)
    kept = attach_evidence(case, SimpleUploadedFile("kept.pdf", pdf_bytes(), "application/pdf"), by=worker_user)
    with pytest.raises(RuntimeError), transaction.atomic():
        attach_evidence(case, SimpleUploadedFile("lost.pdf", pdf_bytes(), "application/pdf"), by=worker_user)
        raise RuntimeError("the caller's filing failed after the upload")
    assert len(stored_files(private_root)) == 2 and Evidence.objects.count() == 1
    assert purge_orphan_evidence_files.delay().get() == 0  # too young: its transaction might still be open
    for path in stored_files(private_root):
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    assert purge_orphan_evidence_files.delay().get() == 1
    assert [path.name for path in stored_files(private_root)] == [kept.stored_name.split("/")[1]]


# --- who may add -----


def test_the_employers_representative_adds_a_defence_and_the_worker_cannot(
    worker_user: Any, employer_user: Any, case_id: int
) -> None:
    Employer.objects.get(credit_code="91350100M000100Y43").representatives.add(employer_user)
    response = upload(employer_user, case_id, "答辩书.pdf", pdf_bytes(), kind="defence")
    assert response.status_code == 201
    assert (response.json()["side"], response.json()["kind"]) == ("employer", "defence")
    refused = upload(worker_user, case_id, "答辩书.pdf", pdf_bytes(), kind="defence")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "defence_by_respondent_only"


def test_a_district_leader_sees_the_case_but_adds_no_evidence(leader: Any, case_id: int) -> None:
    response = upload(leader, case_id, "a.pdf", pdf_bytes())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_case_party"


def test_the_service_refuses_someone_outside_the_case(other_worker_user: Any, case_id: int) -> None:
    case = Case.objects.get(pk=case_id)
    with pytest.raises(ActionForbidden):
        attach_evidence(case, SimpleUploadedFile("a.pdf", pdf_bytes()), by=other_worker_user)


def test_the_service_refuses_an_unknown_kind(worker_user: Any, case_id: int) -> None:
    case = Case.objects.get(pk=case_id)
    with pytest.raises(DomainError) as refused:
        attach_evidence(case, SimpleUploadedFile("a.pdf", pdf_bytes()), by=worker_user, kind="gossip")
    assert refused.value.code == "unknown_evidence_kind"


def test_a_closed_case_takes_no_more_evidence(driver: Driver, worker_user: Any, case_id: int) -> None:
    driver.act(worker_user, case_id, "withdraw")
    response = upload(worker_user, case_id, "a.pdf", pdf_bytes())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "case_closed"


# --- downloads -----


def test_download_is_an_attachment_with_the_detected_type_and_no_sniffing(worker_user: Any, case_id: int) -> None:
    body = upload(worker_user, case_id, "聊天记录.jpg", image_bytes("JPEG")).json()
    response = client_for(worker_user).get(body["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%81%8A%E5%A4%A9%E8%AE%B0%E5%BD%95.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert hashlib.sha256(response.content).hexdigest() == body["sha256"]


def test_another_worker_and_another_streets_mediator_get_404(
    worker_user: Any, other_worker_user: Any, qibao_mediator: Any, case_id: int
) -> None:
    body = upload(worker_user, case_id, "a.pdf", pdf_bytes()).json()
    for outsider in (other_worker_user, qibao_mediator):
        client = client_for(outsider)
        assert client.get(body["download_url"]).status_code == 404
        assert client.get(f"/api/v1/cases/{case_id}/evidence/").status_code == 404
        assert upload(outsider, case_id, "b.pdf", pdf_bytes()).status_code == 404
    assert Evidence.objects.count() == 1


def test_evidence_of_one_case_is_not_found_under_another(driver: Driver, worker_user: Any, case_id: int) -> None:
    body = upload(worker_user, case_id, "a.pdf", pdf_bytes()).json()
    other_case = driver.file(worker_user, key="second-case")["id"]
    response = client_for(worker_user).get(f"/api/v1/cases/{other_case}/evidence/{body['id']}/download/")
    assert response.status_code == 404


def test_a_tampered_file_is_refused_with_a_clear_409(worker_user: Any, case_id: int, private_root: Path) -> None:
    body = upload(worker_user, case_id, "a.pdf", pdf_bytes()).json()
    [path] = stored_files(private_root)
    path.write_bytes(pdf_bytes().replace(b"Count 0", b"Count 9"))
    response = client_for(worker_user).get(body["download_url"])
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "evidence_checksum_mismatch"
    assert "篡改" in error["message_zh"] and "tampered" in error["message_en"]


def test_a_missing_file_is_refused_with_a_clear_409(worker_user: Any, case_id: int, private_root: Path) -> None:
    body = upload(worker_user, case_id, "a.pdf", pdf_bytes()).json()
    [path] = stored_files(private_root)
    path.unlink()
    response = client_for(worker_user).get(body["download_url"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "evidence_missing"


# --- detection itself -----


@pytest.mark.parametrize(("name", "make", "mime"), ALLOWED, ids=[row[2] for row in ALLOWED])
def test_detection_reads_the_content_and_rewinds(name: str, make: Any, mime: str) -> None:
    stream = io.BytesIO(make())
    found = evidence_types.detect(stream)
    assert found is not None and found.mime == mime
    assert stream.tell() == 0


def test_a_corrupt_zip_is_not_an_office_file() -> None:
    assert evidence_types.detect(io.BytesIO(b"PK\x03\x04" + b"\x00" * 100)) is None


def test_declared_types_with_parameters_and_aliases_are_understood() -> None:
    assert evidence_types.JPEG.accepts_declared("image/pjpeg")
    assert evidence_types.PDF.accepts_declared("application/pdf; charset=binary")
    assert not evidence_types.PNG.accepts_declared("image/jpeg")
