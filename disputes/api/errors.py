"""Every API error as {"error": {"code", "message_zh", "message_en", "fields"}} with its status."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from disputes.errors import ActionForbidden, DomainError, NotAllowedInState

INVALID_INPUT_MESSAGE = _("提交的内容有误，请检查标出的字段。")


class BilingualInputError(Exception):
    """Serializer errors gathered once in Chinese and once in English (DRF fixes text at creation)."""

    def __init__(self, errors_zh: Any, errors_en: Any):
        super().__init__("invalid input")
        self.errors_zh = errors_zh
        self.errors_en = errors_en


def in_both(message: str | Promise) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = str(message)
    with translation.override("en"):
        en = str(message)
    return zh, en


def error_response(
    code: str,
    message: str | Promise,
    http_status: int,
    fields: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    zh, en = in_both(message)
    body = {"error": {"code": code, "message_zh": zh, "message_en": en, "fields": fields or {}}}
    return Response(body, status=http_status, headers=headers)


def _flatten(errors: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Nested DRF errors as (dotted.path, ErrorDetail) pairs: claimants.0.id_number."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = path if key in ("non_field_errors", "__all__") else f"{path}.{key}" if path else str(key)
            yield from _flatten(value, name)
    elif isinstance(errors, list):
        if all(not isinstance(e, (dict, list)) for e in errors):
            for detail in errors:
                yield path or "__all__", detail
        else:
            for index, value in enumerate(errors):
                yield from _flatten(value, f"{path}.{index}" if path else str(index))
    else:
        yield path or "__all__", errors


def _bilingual_fields(errors_zh: Any, errors_en: Any) -> dict[str, list[dict[str, str]]]:
    fields: dict[str, list[dict[str, str]]] = {}
    for (path, zh), (_path, en) in zip(_flatten(errors_zh), _flatten(errors_en), strict=False):
        fields.setdefault(path, []).append(
            {"code": getattr(zh, "code", "invalid"), "message_zh": str(zh), "message_en": str(en)}
        )
    return fields


def django_validation_fields(error: DjangoValidationError) -> dict[str, list[dict[str, str]]]:
    """A Django ValidationError (lazy messages) rendered in both languages per field."""
    by_field = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    fields: dict[str, list[dict[str, str]]] = {}
    for name, errors in by_field.items():
        for item in errors:
            for single in item.error_list:
                zh, en = _render(single)
                fields.setdefault(name, []).append(
                    {"code": single.code or "invalid", "message_zh": zh, "message_en": en}
                )
    return fields


def _render(error: DjangoValidationError) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = error.messages[0]
    with translation.override("en"):
        en = error.messages[0]
    return zh, en


_DOMAIN_STATUS = {NotAllowedInState: status.HTTP_409_CONFLICT, ActionForbidden: status.HTTP_403_FORBIDDEN}

_SIMPLE = {
    exceptions.NotAuthenticated: ("not_authenticated", _("请先登录。"), status.HTTP_401_UNAUTHORIZED),
    exceptions.AuthenticationFailed: (
        "authentication_failed",
        _("登录凭证无效或已过期。"),
        status.HTTP_401_UNAUTHORIZED,
    ),
    exceptions.PermissionDenied: ("permission_denied", _("您无权执行此操作。"), status.HTTP_403_FORBIDDEN),
    exceptions.NotFound: ("not_found", _("未找到该资源。"), status.HTTP_404_NOT_FOUND),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("不支持该请求方法。"), status.HTTP_405_METHOD_NOT_ALLOWED),
    exceptions.NotAcceptable: ("not_acceptable", _("无法提供所请求的格式。"), status.HTTP_406_NOT_ACCEPTABLE),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", _("不支持该内容类型。"), 415),
    exceptions.Throttled: ("rate_limited", _("请求过于频繁，请稍后再试。"), status.HTTP_429_TOO_MANY_REQUESTS),
    exceptions.ParseError: ("malformed_request", _("请求内容无法解析。"), status.HTTP_400_BAD_REQUEST),
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: map every refusal to the one error body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DomainError):
        return error_response(exc.code, exc.message, _DOMAIN_STATUS.get(type(exc), 400), exc.fields)
    if isinstance(exc, BilingualInputError):
        fields = _bilingual_fields(exc.errors_zh, exc.errors_en)
        return error_response("invalid_input", INVALID_INPUT_MESSAGE, 400, fields)
    if isinstance(exc, DjangoValidationError):
        return error_response("invalid_input", INVALID_INPUT_MESSAGE, 400, django_validation_fields(exc))
    if isinstance(exc, exceptions.ValidationError):
        fields = _bilingual_fields(exc.detail, exc.detail)
        return error_response("invalid_input", INVALID_INPUT_MESSAGE, 400, fields)
    return _simple_response(exc)


def _simple_response(exc: Exception) -> Response | None:
    for exc_class, (code, message, http_status) in _SIMPLE.items():
        if isinstance(exc, exc_class):
            headers = {}
            wait = getattr(exc, "wait", None)
            if wait:
                headers["Retry-After"] = str(int(wait))
            if http_status == 401:
                headers["WWW-Authenticate"] = 'Token realm="api"'
            return error_response(code, message, http_status, headers=headers)
    return None
