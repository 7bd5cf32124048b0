"""A case's evidence: parties and staff upload files (multipart) and download them as attachments.

GET/POST /api/v1/cases/{id}/evidence/ and GET …/evidence/{evidence_id}/download/.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes.api.documents import ErrorBodySerializer, error_response, visible_case
from disputes.api.validation import validated_input
from disputes.errors import DomainError
from disputes.models import Case, Evidence, EvidenceKind
from disputes.services.evidence import NOTE_MAX_LENGTH, attach_evidence, download_name, max_bytes, open_evidence

# Room for the multipart envelope and the other fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
EVIDENCE_EXAMPLE = {
    "id": 12,
    "case": 1,
    "side": "worker",
    "side_display": "劳动者",
    "kind": "evidence",
    "kind_display": "证据",
    "original_name": "工资条_2026年10月.pdf",
    "content_type": "application/pdf",
    "size": 183204,
    "sha256": "3b5d5c3712955042212316173ccf37be800939e1f8e0a4bb8a7f6bc4e1b6d1c2",
    "uploaded_at": "2026-11-28T02:15:00Z",
    "uploaded_by": "rider",
    "note": "十月工资条",
    "download_url": "/api/v1/cases/1/evidence/12/download/",
}
TOO_LARGE_EXAMPLE = {
    "error": {
        "code": "file_too_large",
        "message_zh": "文件过大：每个文件不能超过 10 MB。",
        "message_en": "The file is too large: each file may be at most 10 MB.",
        "fields": {"file": [{"size": 15728640, "max_bytes": 10485760}]},
    }
}
DISGUISED_EXAMPLE = {
    "error": {
        "code": "file_type_not_allowed",
        "message_zh": "不支持该文件类型，或文件内容与扩展名不符。"
        "请上传 PDF、JPEG、PNG、WebP、HEIC、Word 或 Excel 文件。",
        "message_en": "This type of file is not accepted, or its content does not match its extension. "
        "Please upload a PDF, JPEG, PNG, WebP, HEIC, Word or Excel file.",
        "fields": {"file": [{"detected": None}]},
    }
}
TAMPERED_EXAMPLE = {
    "error": {
        "code": "evidence_checksum_mismatch",
        "message_zh": "证据文件校验失败，可能已被篡改或损坏，请联系承办人员。",
        "message_en": "The evidence file fails its checksum: it may have been tampered with or damaged. "
        "Please contact the staff handling the case.",
        "fields": {},
    }
}


class EvidenceUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text=_("证据文件：PDF、JPEG、PNG、WebP、HEIC、Word 或 Excel"))
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, default=EvidenceKind.EVIDENCE, help_text=_("材料类别"))
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", help_text=_("说明")
    )


class EvidenceSerializer(serializers.ModelSerializer):
    side_display = serializers.CharField(source="get_side_display", help_text=_("提交方"))
    kind_display = serializers.CharField(source="get_kind_display", help_text=_("材料类别"))
    uploaded_by = serializers.CharField(source="uploaded_by.get_username", default=None, help_text=_("上传人"))
    download_url = serializers.SerializerMethodField(help_text=_("下载地址（附件）"))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "case",
            "side",
            "side_display",
            "kind",
            "kind_display",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "uploaded_by",
            "note",
            "download_url",
        ]

    def get_download_url(self, evidence: Evidence) -> str:
        return reverse("case-evidence-download", args=[evidence.case_id, evidence.pk])


def _refuse_oversized_body(request: Request) -> None:
    """Refuse before parsing when the body alone is far larger than any accepted file."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    limit = max_bytes()
    if length > limit + MULTIPART_OVERHEAD_BYTES:
        raise DomainError(
            _("文件过大。"), code="file_too_large", fields={"file": [{"size": length, "max_bytes": limit}]}
        )


class CaseEvidenceView(APIView):
    """The case's evidence, oldest first; its parties and the staff working on it add more."""

    parser_classes = [MultiPartParser, FormParser]

    def evidence(self, case: Case) -> QuerySet[Evidence]:
        return case.evidence.select_related("uploaded_by").order_by("uploaded_at", "id")

    @extend_schema(
        summary="案件证据列表 / list the case's evidence",
        responses={
            200: EvidenceSerializer(many=True),
            404: error_response("案件不存在或无权查看 / no such case for this user"),
        },
        examples=[OpenApiExample("evidence", value=EVIDENCE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = visible_case(request, case_id)
        return Response(EvidenceSerializer(self.evidence(case), many=True).data)

    @extend_schema(
        summary="上传证据 / upload evidence (multipart)",
        description=(
            "multipart/form-data：file（必填）、kind（evidence 或 defence，默认 evidence）、note。"
            "文件类型按内容判断（PDF、JPEG、PNG、WebP、HEIC、DOCX、XLSX），扩展名须与内容一致；"
            "超过大小上限返回 file_too_large，类型不符返回 file_type_not_allowed，均不保存任何内容。"
            " / The type is told by the content, and the extension must agree with it; oversized files get"
            " file_too_large, others file_type_not_allowed, and nothing is stored."
        ),
        request={"multipart/form-data": EvidenceUploadInput},
        responses={
            201: EvidenceSerializer,
            400: OpenApiResponse(
                ErrorBodySerializer,
                description="文件过大或类型不符 / too large, or a type not accepted",
                examples=[
                    OpenApiExample("file_too_large", value=TOO_LARGE_EXAMPLE),
                    OpenApiExample("file_type_not_allowed", value=DISGUISED_EXAMPLE),
                ],
            ),
            403: error_response("不是本案当事人或承办人员 / neither a party nor staff on this case"),
            404: error_response("案件不存在或无权查看 / no such case for this user"),
            409: error_response("案件已结案 / the case is closed"),
        },
        examples=[
            OpenApiExample(
                "upload",
                value={"file": "工资条_2026年10月.pdf", "kind": "evidence", "note": "十月工资条"},
                request_only=True,
                media_type="multipart/form-data",
            ),
            OpenApiExample("uploaded", value=EVIDENCE_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = visible_case(request, case_id)
        _refuse_oversized_body(request)
        data = validated_input(EvidenceUploadInput, request.data)
        evidence = attach_evidence(case, data["file"], by=request.user, kind=data["kind"], note=data["note"])
        return Response(EvidenceSerializer(evidence).data, status=201)


def attachment_response(evidence: Evidence) -> HttpResponse:
    """The verified bytes as a download that no browser renders inline or sniffs into something else."""
    response = HttpResponse(open_evidence(evidence), content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name(evidence)) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class CaseEvidenceDownloadView(APIView):
    """One evidence file, as an attachment, after its checksum was verified."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is the file whatever the client accepts; refusals still come as the JSON error body.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="下载证据 / download evidence (attachment)",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="附件，类型为检测到的文件类型 / the file, with its detected type"
            ),
            404: error_response("案件或证据不存在 / no such case or evidence for this user"),
            409: error_response(
                "文件缺失或校验失败 / the stored file is missing or fails its checksum", TAMPERED_EXAMPLE
            ),
        },
    )
    def get(self, request: Request, case_id: int, evidence_id: int) -> HttpResponse:
        case = visible_case(request, case_id)
        evidence = get_object_or_404(case.evidence.all(), pk=evidence_id)
        return attachment_response(evidence)
