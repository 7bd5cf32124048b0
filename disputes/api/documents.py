"""A case's official documents: staff issue them, everyone who sees the case lists and downloads them.

POST/GET /api/v1/cases/{id}/documents/ and GET …/documents/{doc_id}/download/ (the PDF as an attachment).
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
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes.api.validation import validated_input
from disputes.models import Case, CaseDocument, DocumentKind
from disputes.services.documents import download_name, issue_document, read_document

ERROR_EXAMPLE = {
    "error": {
        "code": "no_agreement",
        "message_zh": "该案件尚未达成调解协议，不能生成调解协议书。",
        "message_en": "The case has no mediation agreement yet, so no agreement document can be issued.",
        "fields": {},
    }
}
TAMPERED_EXAMPLE = {
    "error": {
        "code": "document_checksum_mismatch",
        "message_zh": "文书文件校验失败，可能已被篡改或损坏，请重新生成。",
        "message_en": "The document's file fails its checksum: it may have been tampered with or damaged. "
        "Please issue it again.",
        "fields": {},
    }
}
DOCUMENT_EXAMPLE = {
    "id": 7,
    "case": 1,
    "kind": "mediation_agreement",
    "kind_display": "调解协议书",
    "version": 2,
    "sha256": "9f2c4e1b7d0a8c3e5f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6",
    "size": 48213,
    "generated_at": "2026-11-28T02:15:00Z",
    "generated_by": "med-xinzhuang",
    "download_url": "/api/v1/cases/1/documents/7/download/",
}


ERROR_DETAIL = inline_serializer(
    "ErrorDetail",
    fields={
        "code": serializers.CharField(),
        "message_zh": serializers.CharField(),
        "message_en": serializers.CharField(),
        "fields": serializers.DictField(),
    },
)


class ErrorBodySerializer(serializers.Serializer):
    """The one error body of the API (disputes/api/errors.py), for the schema."""

    error = ERROR_DETAIL


def error_response(description: str, example: dict[str, Any] | None = None) -> OpenApiResponse:
    examples = [OpenApiExample(example["error"]["code"], value=example)] if example else []
    return OpenApiResponse(ErrorBodySerializer, description=description, examples=examples)


class IssueDocumentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, help_text=_("文书类型"))


class CaseDocumentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", help_text=_("文书名称"))
    generated_by = serializers.CharField(source="generated_by.get_username", default=None, help_text=_("生成人"))
    download_url = serializers.SerializerMethodField(help_text=_("下载地址（PDF 附件）"))

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "case",
            "kind",
            "kind_display",
            "version",
            "sha256",
            "size",
            "generated_at",
            "generated_by",
            "download_url",
        ]

    def get_download_url(self, document: CaseDocument) -> str:
        return reverse("case-document-download", args=[document.case_id, document.pk])


def visible_case(request: Request, case_id: int) -> Case:
    """The case if this user may see it; otherwise 404, as if it did not exist."""
    return get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)


class CaseDocumentsView(APIView):
    """The documents issued for a case, newest first; staff handling the case issue new ones."""

    def documents(self, case: Case) -> QuerySet[CaseDocument]:
        return case.documents.select_related("generated_by").order_by("-generated_at", "-id")

    @extend_schema(
        summary="案件文书列表 / list the case's documents",
        responses={200: CaseDocumentSerializer(many=True)},
        examples=[OpenApiExample("documents", value=DOCUMENT_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = visible_case(request, case_id)
        return Response(CaseDocumentSerializer(self.documents(case), many=True).data)

    @extend_schema(
        summary="生成文书（PDF）/ issue a document",
        description=(
            "调解协议书、受理通知书、开庭通知书或裁决书封面，按案件当前数据生成；再次生成即新增一个版本。"
            " / Rendered from the case as it is now; issuing again adds a version."
        ),
        request=IssueDocumentInput,
        responses={
            201: CaseDocumentSerializer,
            400: error_response("文书类型有误 / unknown kind"),
            403: error_response("不是承办本案的工作人员 / not staff on this case"),
            404: error_response("案件不存在或无权查看 / no such case for this user"),
            409: error_response("案件尚无可写入该文书的内容 / nothing to put in it yet", ERROR_EXAMPLE),
        },
        examples=[
            OpenApiExample("issue", value={"kind": "mediation_agreement"}, request_only=True),
            OpenApiExample("issued", value=DOCUMENT_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = visible_case(request, case_id)
        data = validated_input(IssueDocumentInput, request.data)
        document = issue_document(case, data["kind"], by=request.user)
        return Response(CaseDocumentSerializer(document).data, status=201)


class CaseDocumentDownloadView(APIView):
    """The stored PDF, as an attachment, after its checksum was verified."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is a PDF whatever the client accepts; refusals still come as the JSON error body.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="下载文书 / download a document (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF 附件 / the PDF"),
            404: error_response("案件或文书不存在 / no such case or document for this user"),
            409: error_response(
                "文件缺失或校验失败 / the stored file is missing or fails its checksum", TAMPERED_EXAMPLE
            ),
        },
    )
    def get(self, request: Request, case_id: int, document_id: int) -> HttpResponse:
        case = visible_case(request, case_id)
        document = get_object_or_404(case.documents.select_related("case"), pk=document_id)
        response = HttpResponse(read_document(document), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, download_name(document)) or "attachment"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
