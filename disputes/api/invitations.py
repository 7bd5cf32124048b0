"""Employer invitations in the API.

The employer's side, authenticated by the signed link itself (no account, no login):
GET /api/v1/employer-invitations/{token}/ and POST …/{token}/answer/ (JSON, or multipart with a defence file).
Staff's side: GET/POST /api/v1/cases/{id}/invitations/ — who was invited, each delivery and first opening.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes.api.documents import error_response, visible_case
from disputes.api.errors import error_response as error_body
from disputes.api.validation import validated_input
from disputes.invitation_links import LinkExpired, LinkInvalid, invitation_from_token
from disputes.models import Invitation, InvitationDelivery, InvitationPurpose
from disputes.services.invitations import answer_invitation_from, invite_employer_at, record_first_opening, summary

TOKEN = OpenApiParameter(
    "token", OpenApiTypes.STR, OpenApiParameter.PATH, description="短信或邮件中链接的签名令牌 / the link's signed token"
)
SUMMARY_EXAMPLE = {
    "case_number": "MH-2026-000123",
    "tier": "negotiation",
    "purpose": "negotiation",
    "purpose_display": "协商",
    "employer": "上海闵达网络科技有限公司",
    "workers": ["王**"],
    "claims": [
        {"category": "unpaid_wages", "category_display": "拖欠劳动报酬", "amount": "12000.00", "description": ""}
    ],
    "total_amount": "12000.00",
    "facts": "平台拖欠配送费及加班费。",
    "filed_on": "2026-11-28",
    "answer_due_on": "2026-12-03",
    "expires_at": "2026-12-18T02:00:00Z",
    "answerable": True,
    "answer": "",
    "answered_at": None,
    "representative_name": "",
    "defences": [],
}
EXPIRED_EXAMPLE = {
    "error": {
        "code": "invitation_link_expired",
        "message_zh": "该链接已过期，请联系承办本案的调解组织。",
        "message_en": "This link has expired. Please contact the mediation organization handling the case.",
        "fields": {},
    }
}
INVITATION_EXAMPLE = {
    "id": 4,
    "employer": 3,
    "employer_name": "上海闵达网络科技有限公司",
    "purpose": "negotiation",
    "mobile": "13900001111",
    "email": "hr@minda.example",
    "created_at": "2026-11-28T02:00:00Z",
    "expires_at": "2026-12-18T02:00:00Z",
    "first_opened_at": "2026-11-28T03:12:40Z",
    "answered_at": None,
    "answer": "",
    "representative_name": "",
    "representative_mobile": "",
    "answer_note": "",
    "deliveries": [
        {
            "channel": "sms",
            "address": "13900001111",
            "status": "sent",
            "attempts": 1,
            "last_error": "",
            "delivered_at": "2026-11-28T02:00:03Z",
        }
    ],
}
ANSWERED_EXAMPLE = {
    **SUMMARY_EXAMPLE,
    "answerable": False,
    "answer": "willing",
    "answered_at": "2026-11-29T01:30:00Z",
    "representative_name": "张经理",
    "defences": ["答辩书.pdf"],
}
INVALID_EXAMPLE = {
    "error": {
        "code": "invitation_link_invalid",
        "message_zh": "该链接无效或已被修改。",
        "message_en": "This link is not valid, or it was altered.",
        "fields": {},
    }
}


class ClaimSerializer(serializers.Serializer):
    category = serializers.CharField()
    category_display = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    description = serializers.CharField()


class InvitationSummarySerializer(serializers.Serializer):
    """What the employer's link shows; the workers' names are partly masked."""

    case_number = serializers.CharField()
    tier = serializers.CharField()
    purpose = serializers.ChoiceField(choices=InvitationPurpose.choices)
    purpose_display = serializers.CharField()
    employer = serializers.CharField()
    workers = serializers.ListField(child=serializers.CharField())
    claims = ClaimSerializer(many=True)
    total_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    facts = serializers.CharField()
    filed_on = serializers.DateField()
    answer_due_on = serializers.DateField(allow_null=True)
    expires_at = serializers.DateTimeField()
    answerable = serializers.BooleanField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    representative_name = serializers.CharField()
    defences = serializers.ListField(child=serializers.CharField())


class AnswerInput(serializers.Serializer):
    willing = serializers.BooleanField(help_text=_("是否同意协商或调解"))
    representative_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default="", help_text=_("单位代表人姓名")
    )
    representative_mobile = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text=_("代表人手机号码")
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", help_text=_("说明"))
    defence = serializers.FileField(required=False, allow_null=True, default=None, help_text=_("答辩材料（可选）"))


class LinkView(APIView):
    """Authenticated by the signed link in the path: no account, no session, no token header."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, LinkExpired):
            return error_body(exc.code, exc.message, 410)
        if isinstance(exc, LinkInvalid):
            return error_body(exc.code, exc.message, 403)
        return super().handle_exception(exc)


LINK_ERRORS = {
    403: error_response("链接无效、被修改或属于其他案件 / an invalid, altered or foreign link", INVALID_EXAMPLE),
    410: error_response("链接已过期 / the link has expired", EXPIRED_EXAMPLE),
}


class EmployerInvitationView(LinkView):
    @extend_schema(
        summary="用人单位查看邀请 / the employer opens the invitation",
        description="首次打开即记录为送达凭证。/ The first opening is recorded as proof of service.",
        parameters=[TOKEN],
        responses={200: InvitationSummarySerializer, **LINK_ERRORS},
        examples=[OpenApiExample("invitation", value=SUMMARY_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, token: str) -> Response:
        invitation = invitation_from_token(token)
        record_first_opening(invitation)
        return Response(InvitationSummarySerializer(summary(invitation)).data)


class EmployerAnswerView(LinkView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="用人单位答复邀请 / the employer answers",
        description=(
            "同意或不同意协商（调解），同意时须指定单位代表人（姓名、手机号码），"
            "可附答辩材料（multipart 的 defence 字段）。"
            "不同意协商即结束协商，由劳动者选择调解或仲裁。"
            " / Willing or not; a willing answer names a representative; a defence file may be attached"
            " (multipart field `defence`). Unwilling to negotiate ends the negotiation."
        ),
        parameters=[TOKEN],
        request={"application/json": AnswerInput, "multipart/form-data": AnswerInput},
        responses={
            200: InvitationSummarySerializer,
            400: error_response("输入有误或答辩材料不被接受 / bad input, or a defence file refused"),
            409: error_response("已答复或答复期限已过 / already answered, or too late"),
            **LINK_ERRORS,
        },
        examples=[
            OpenApiExample(
                "willing",
                value={"willing": True, "representative_name": "张经理", "representative_mobile": "13900001111"},
                request_only=True,
            ),
            OpenApiExample("unwilling", value={"willing": False, "note": "已足额支付"}, request_only=True),
            OpenApiExample(
                "unwilling with a defence",
                value={"willing": False, "note": "已足额支付", "defence": "答辩书.pdf"},
                request_only=True,
                media_type="multipart/form-data",
            ),
            OpenApiExample("answered", value=ANSWERED_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request, token: str) -> Response:
        invitation = invitation_from_token(token)
        record_first_opening(invitation)
        answered = answer_invitation_from(invitation, validated_input(AnswerInput, request.data))
        return Response(InvitationSummarySerializer(summary(answered)).data)


# --- staff: who was invited, and proof of service -----


class DeliverySerializer(serializers.ModelSerializer):
    channel = serializers.CharField(help_text=_("渠道：sms（短信）或 email（电子邮件）"))

    class Meta:
        model = InvitationDelivery
        fields = ["channel", "address", "status", "attempts", "last_error", "delivered_at"]


class InvitationSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="employer.name")
    deliveries = DeliverySerializer(many=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "employer",
            "employer_name",
            "purpose",
            "mobile",
            "email",
            "created_at",
            "expires_at",
            "first_opened_at",
            "answered_at",
            "answer",
            "representative_name",
            "representative_mobile",
            "answer_note",
            "deliveries",
        ]


class InviteInput(serializers.Serializer):
    employer = serializers.IntegerField(help_text=_("被申请单位"))
    purpose = serializers.ChoiceField(choices=InvitationPurpose.choices)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")


class CaseInvitationsView(APIView):
    """The case's invitations with each delivery (proof of service); staff on the case send new ones."""

    @extend_schema(
        summary="用人单位邀请与送达记录 / invitations and their deliveries",
        responses={200: InvitationSerializer(many=True), 404: error_response("案件不存在或无权查看 / no such case")},
        examples=[OpenApiExample("invitations", value=INVITATION_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = visible_case(request, case_id)
        invitations = case.invitations.select_related("employer").prefetch_related("deliveries")
        return Response(InvitationSerializer(invitations.order_by("created_at", "id"), many=True).data)

    @extend_schema(
        summary="发出邀请 / invite an employer (staff)",
        request=InviteInput,
        responses={
            201: InvitationSerializer,
            400: error_response("输入有误 / bad input"),
            403: error_response("不是承办本案的工作人员 / not staff on this case"),
            404: error_response("案件不存在或无权查看 / no such case"),
            409: error_response("案件不在该阶段 / the case is not at that stage"),
        },
        examples=[
            OpenApiExample(
                "invite", value={"employer": 3, "purpose": "mediation", "mobile": "13900001111"}, request_only=True
            ),
            OpenApiExample("invited", value=INVITATION_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = visible_case(request, case_id)
        data: dict[str, Any] = validated_input(InviteInput, request.data)
        invitation = invite_employer_at(
            case, data["employer"], purpose=data["purpose"], mobile=data["mobile"], email=data["email"], by=request.user
        )
        return Response(InvitationSerializer(invitation).data, status=201)
