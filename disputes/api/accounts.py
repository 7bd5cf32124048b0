"""Worker accounts over the API: send a one-time code, sign up, sign in by mobile, reset the password.

POST /api/v1/accounts/codes/, …/register/, …/token/, …/password-reset/ — the portal's twins, calling the
same services (disputes.services.accounts). Answers carry an API token (send it as `Authorization: Token …`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from disputes.api.documents import error_response as schema_error
from disputes.api.errors import error_response
from disputes.api.throttling import ScopedRateThrottle
from disputes.api.validation import validated_input
from disputes.services import accounts
from disputes.services.accounts import CodePurpose, Registration, TooManyAttempts


def client_address(request: HttpRequest | Request) -> str:
    """The client's address as DRF's throttles see it (X-Forwarded-For counted through NUM_PROXIES)."""
    return str(BaseThrottle().get_ident(request))  # type: ignore[arg-type]  # reads only META


class SendCodeInput(serializers.Serializer):
    mobile = serializers.CharField(max_length=20, label=_("手机号码"))
    purpose = serializers.ChoiceField(choices=CodePurpose.choices, default=CodePurpose.SIGN_UP, label=_("用途"))


class SendCodeOutput(serializers.Serializer):
    mobile = serializers.CharField(help_text=_("规范化后的手机号码"))
    expires_in = serializers.IntegerField(help_text=_("验证码有效秒数"))
    resend_after = serializers.IntegerField(help_text=_("多少秒后可以重新获取"))


class RegisterInput(serializers.Serializer):
    mobile = serializers.CharField(max_length=20, label=_("手机号码"))
    code = serializers.CharField(max_length=10, label=_("验证码"))
    name = serializers.CharField(max_length=60, label=_("姓名"))
    id_number = serializers.CharField(max_length=18, label=_("居民身份证号码"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)


class AccountOutput(serializers.Serializer):
    user = serializers.IntegerField()
    username = serializers.CharField()
    worker = serializers.IntegerField()
    token = serializers.CharField()


class SignInInput(serializers.Serializer):
    mobile = serializers.CharField(max_length=150, label=_("手机号码"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)


class ResetInput(serializers.Serializer):
    mobile = serializers.CharField(max_length=20, label=_("手机号码"))
    code = serializers.CharField(max_length=10, label=_("验证码"))
    password = serializers.CharField(label=_("新密码"), style={"input_type": "password"}, trim_whitespace=False)


class AccountTokenOutput(serializers.Serializer):
    token = serializers.CharField()


RATE_LIMITED = {
    "error": {
        "code": "rate_limited",
        "message_zh": "尝试次数过多，请 15 分钟后再试。",
        "message_en": "Too many attempts, try again in 15 minutes.",
        "fields": {},
    }
}
CODE_INVALID = {
    "error": {
        "code": "invalid_input",
        "message_zh": "提交的内容有误，请检查标出的字段。",
        "message_en": "Some fields are invalid; see the marked fields.",
        "fields": {
            "code": [
                {
                    "code": "code_invalid",
                    "message_zh": "验证码不正确，还可以再试 4 次。",
                    "message_en": "The code is wrong; 4 tries left.",
                }
            ]
        },
    }
}
TOO_MANY = schema_error("尝试次数过多，或请求过于频繁 / too many attempts or requests", RATE_LIMITED)
TOKEN_EXAMPLE = OpenApiExample("token", value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}, response_only=True)


class AccountView(APIView):
    """Anonymous, throttled per client address; an attempt limit answers 429 with Retry-After."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sign_up"

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after)}
            return error_response(exc.code, exc.message, status.HTTP_429_TOO_MANY_REQUESTS, exc.fields, headers)
        return super().handle_exception(exc)


def _token(user: Any) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)


class SendCodeView(AccountView):
    @extend_schema(
        summary="发送短信验证码 / text a one-time code",
        description=(
            "向手机发送6位验证码（5分钟内有效，最多试5次，每分钟最多发送一次）。注册时该号码不能已注册；"
            "重设密码时，未注册的号码不会收到短信，但回答相同。 / Texts a 6-digit code (valid 5 minutes, 5 tries, "
            "at most one a minute). For sign-up the mobile must be new; for a reset, an unknown mobile gets no "
            "text but the same answer."
        ),
        request=SendCodeInput,
        responses={
            202: SendCodeOutput,
            400: schema_error("手机号码有误或已注册 / bad or registered mobile"),
            429: TOO_MANY,
        },
        examples=[
            OpenApiExample("sign-up", value={"mobile": "13812345678", "purpose": "sign_up"}, request_only=True),
            OpenApiExample(
                "sent",
                value={"mobile": "13812345678", "expires_in": 300, "resend_after": 60},
                response_only=True,
                status_codes=["202"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated_input(SendCodeInput, request.data)
        mobile = accounts.send_code(data["mobile"], data["purpose"], ip=client_address(request))
        body = {
            "mobile": mobile,
            "expires_in": accounts.code_ttl_seconds(),
            "resend_after": accounts.resend_seconds(),
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


class RegisterView(AccountView):
    @extend_schema(
        summary="注册劳动者账号 / sign up as a worker",
        description=(
            "用收到的验证码开户：账号名为手机号码，同时登记劳动者信息并授予劳动者角色；已由窗口登记、尚无账号的"
            "同一身份证号码劳动者会关联到新账号。 / Opens the account (username = mobile), the worker record and "
            "the worker role; a worker already on record with this ID number and no account is linked."
        ),
        request=RegisterInput,
        responses={201: AccountOutput, 400: schema_error("字段有误 / invalid fields", CODE_INVALID), 429: TOO_MANY},
        examples=[
            OpenApiExample(
                "register",
                value={
                    "mobile": "13812345678",
                    "code": "382910",
                    "name": "王小明",
                    "id_number": "11010519491231002X",
                    "password": "Leye-rider-2026",
                },
                request_only=True,
            ),
            OpenApiExample(
                "registered",
                value={
                    "user": 12,
                    "username": "13812345678",
                    "worker": 30,
                    "token": "9944b09199c62bcf9418ad846dd0e4bb",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated_input(RegisterInput, request.data)
        user = accounts.register_worker(Registration(**data))
        body = {"user": user.pk, "username": user.username, "worker": user.worker.pk, "token": _token(user)}
        return Response(body, status=status.HTTP_201_CREATED)


class SignInView(AccountView):
    throttle_scope = "sign_in"

    @extend_schema(
        summary="手机号码和密码登录 / sign in with mobile and password",
        description=(
            "换取 API 令牌。每个手机号码和每个地址的失败次数有上限。 / Exchanges mobile and password for a token; "
            "failed attempts are limited per mobile and per client address."
        ),
        request=SignInInput,
        responses={
            200: AccountTokenOutput,
            400: schema_error("手机号码或密码不正确 / wrong mobile or password"),
            429: TOO_MANY,
        },
        examples=[
            OpenApiExample(
                "sign-in", value={"mobile": "13812345678", "password": "Leye-rider-2026"}, request_only=True
            ),
            TOKEN_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated_input(SignInInput, request.data)
        user = accounts.sign_in(data["mobile"], data["password"], ip=client_address(request), request=request._request)
        return Response({"token": _token(user)})


class PasswordResetView(AccountView):
    @extend_schema(
        summary="用验证码重设密码 / reset the password with a code",
        description=(
            "先以 purpose=reset 获取验证码；成功后返回新的登录令牌。 / Get a code with purpose=reset first; "
            "answers with a token for the account."
        ),
        request=ResetInput,
        responses={
            200: AccountTokenOutput,
            400: schema_error("字段有误 / invalid fields", CODE_INVALID),
            429: TOO_MANY,
        },
        examples=[
            OpenApiExample(
                "reset",
                value={"mobile": "13812345678", "code": "504113", "password": "New-rider-pass-2026"},
                request_only=True,
            ),
            TOKEN_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated_input(ResetInput, request.data)
        user = accounts.reset_password(data["mobile"], data["code"], data["password"])
        return Response({"token": _token(user)})
