"""Worker accounts: one-time codes by SMS, sign-up, sign-in and password reset, with attempt limits.

Codes and attempt counters live only in Django's cache (no table): a code is stored as an HMAC,
expires after ACCOUNT_CODE_TTL_SECONDS, allows ACCOUNT_CODE_MAX_TRIES guesses and is resent at
most once per ACCOUNT_CODE_RESEND_SECONDS. Attempt limits count per fixed window of the cache.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disputes.errors import DomainError
from disputes.models import Worker
from disputes.roles import Role
from disputes.services.case_versions import cases_of_worker, touch_cases
from disputes.validators import normalize_mobile, validate_id_number, validate_mobile
from realtime.sms import SmsGatewayError, configured_gateway

# name: (attempts allowed, window in seconds); settings.ACCOUNT_RATE_LIMITS overrides any of them.
DEFAULT_RATE_LIMITS = {
    "sign_in_mobile": (5, 900),
    "sign_in_ip": (30, 900),
    "code_mobile": (5, 3600),
    "code_ip": (20, 3600),
}


class CodePurpose(models.TextChoices):
    SIGN_UP = "sign_up", _("注册")
    RESET = "reset", _("重设密码")


class TooManyAttempts(DomainError):
    """An attempt limit is used up; `retry_after` is in seconds (the API answers 429 with Retry-After)."""

    default_code = "rate_limited"

    def __init__(self, retry_after: int, message: Any = None, code: str | None = None):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(message or format_lazy(_("尝试次数过多，请 {minutes} 分钟后再试。"), minutes=minutes), code)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Registration:
    """What a worker gives to open an account; `code` is the one sent to `mobile`."""

    mobile: str
    code: str
    name: str
    id_number: str
    password: str


# --- attempt limits ---------------------------------------------------------------------------------------


def _limit(name: str) -> tuple[int, int]:
    limits = {**DEFAULT_RATE_LIMITS, **getattr(settings, "ACCOUNT_RATE_LIMITS", {})}
    allowed, window = limits[name]
    return int(allowed), int(window)


def _digest(value: str) -> str:
    """Cache keys name mobiles and addresses only by a keyed digest."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def _window(name: str, ident: str) -> tuple[str, int, int]:
    """The counter's key in the current fixed window, the allowance, and seconds until the window ends."""
    allowed, window = _limit(name)
    now = time.time()
    index = int(now // window)
    return f"leye:limit:{name}:{_digest(ident)}:{index}", allowed, math.ceil((index + 1) * window - now)


def _block_key(name: str, ident: str) -> str:
    return f"leye:blocked:{name}:{_digest(ident)}"


def check_limit(name: str, ident: str) -> None:
    """Raise TooManyAttempts while limit `name` for `ident` is used up (a full window from the last attempt)."""
    until = cache.get(_block_key(name, ident))
    if until is not None and float(until) > time.time():
        raise TooManyAttempts(math.ceil(float(until) - time.time()))
    key, allowed, reset_in = _window(name, ident)
    if int(cache.get(key, 0)) >= allowed:
        raise TooManyAttempts(reset_in)


def count_attempt(name: str, ident: str) -> None:
    """Count one attempt against limit `name` for `ident`; the attempt that uses it up blocks a whole window."""
    key, allowed, reset_in = _window(name, ident)
    cache.add(key, 0, timeout=reset_in + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this attempt opens the next window
        cache.set(key, count := 1, timeout=reset_in + 5)
    if count >= allowed:
        window = _limit(name)[1]
        cache.set(_block_key(name, ident), time.time() + window, timeout=window)


def clear_limit(name: str, ident: str) -> None:
    cache.delete_many([_window(name, ident)[0], _block_key(name, ident)])


# --- one-time codes ---------------------------------------------------------------------------------------


def _code_key(purpose: str, mobile: str) -> str:
    return f"leye:otp:{purpose}:{_digest(mobile)}"


def _code_hash(purpose: str, mobile: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _field_error(field: str, message: Any, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def clean_mobile(raw: str) -> str:
    """The mobile number without spaces or +86, or a ValidationError on `mobile`."""
    mobile = normalize_mobile(raw or "")
    try:
        validate_mobile(mobile)
    except ValidationError as error:
        raise ValidationError({"mobile": error}) from None
    return mobile


def _hold_resend(purpose: str, mobile: str) -> None:
    """At most one code per mobile and purpose per resend interval."""
    gap = resend_seconds()
    key, now = f"{_code_key(purpose, mobile)}:sent", time.time()
    if not cache.add(key, now, timeout=gap):
        wait = max(1, math.ceil(gap - (now - float(cache.get(key, now)))))
        message = format_lazy(_("验证码已发送，请 {seconds} 秒后再重新获取。"), seconds=wait)
        raise TooManyAttempts(wait, message, code="code_resend_too_soon")


def send_code(raw_mobile: str, purpose: str, *, ip: str) -> str:
    """Text a fresh 6-digit code to the mobile through settings.SMS_GATEWAY; returns the normalized mobile.

    Sign-up refuses a mobile that already has an account. A reset for a mobile without one sends
    nothing but answers alike, so the answer does not tell which numbers are registered.
    """
    mobile = clean_mobile(raw_mobile)
    registered = User.objects.filter(username=mobile).exists()
    if purpose == CodePurpose.SIGN_UP and registered:
        raise _field_error("mobile", _("该手机号码已注册，请直接登录。"), "mobile_registered")
    for name, ident in (("code_mobile", mobile), ("code_ip", ip)):
        check_limit(name, ident)
    _hold_resend(purpose, mobile)
    count_attempt("code_mobile", mobile)
    count_attempt("code_ip", ip)
    if purpose == CodePurpose.RESET and not registered:
        return mobile
    _deliver_code(purpose, mobile)
    return mobile


def _deliver_code(purpose: str, mobile: str) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    ttl = code_ttl_seconds()
    key = _code_key(purpose, mobile)
    cache.set(key, _code_hash(purpose, mobile, code), timeout=ttl)
    cache.delete(f"{key}:tries")
    text = gettext("【乐业】您的验证码是 %(code)s，%(minutes)s 分钟内有效，请勿告诉他人。") % {
        "code": code,
        "minutes": ttl // 60,
    }
    try:
        configured_gateway().send(mobile, text)
    except SmsGatewayError:
        cache.delete_many([key, f"{key}:sent"])
        raise DomainError(_("短信发送失败，请稍后再试。"), code="sms_failed") from None


def code_ttl_seconds() -> int:
    return int(getattr(settings, "ACCOUNT_CODE_TTL_SECONDS", 300))


def resend_seconds() -> int:
    return int(getattr(settings, "ACCOUNT_CODE_RESEND_SECONDS", 60))


def verify_code(mobile: str, purpose: str, code: str) -> None:
    """Check a code without using it up; every check counts against the code's tries."""
    key = _code_key(purpose, mobile)
    stored = cache.get(key)
    if stored is None:
        raise _field_error("code", _("验证码已失效或未获取，请重新获取验证码。"), "code_expired")
    max_tries = int(getattr(settings, "ACCOUNT_CODE_MAX_TRIES", 5))
    cache.add(f"{key}:tries", 0, timeout=code_ttl_seconds())
    tries = cache.incr(f"{key}:tries")
    if tries > max_tries:
        cache.delete(key)
        raise _field_error("code", _("验证码错误次数过多，请重新获取验证码。"), "code_attempts_exceeded")
    if not hmac.compare_digest(stored, _code_hash(purpose, mobile, (code or "").strip())):
        if tries >= max_tries:
            cache.delete(key)
            raise _field_error("code", _("验证码错误次数过多，请重新获取验证码。"), "code_attempts_exceeded")
        left = format_lazy(_("验证码不正确，还可以再试 {n} 次。"), n=max_tries - tries)
        raise _field_error("code", left, "code_invalid")


def _use_code(mobile: str, purpose: str) -> None:
    key = _code_key(purpose, mobile)
    cache.delete_many([key, f"{key}:tries"])


# --- sign-up, sign-in, reset ------------------------------------------------------------------------------


def _check_registration(details: Registration, mobile: str) -> tuple[str, str, Worker | None]:
    """Every field checked at once: one ValidationError naming each wrong field."""
    errors: dict[str, list[ValidationError]] = {}
    name, id_number = details.name.strip(), details.id_number.strip().upper()
    if not name or len(name) > 60:
        errors.setdefault("name", []).append(ValidationError(_("请填写姓名（不超过60个字）。"), code="name_required"))
    try:
        validate_id_number(id_number)
    except ValidationError as error:
        errors.setdefault("id_number", []).extend(error.error_list)
    try:
        validate_password(details.password, user=User(username=mobile, first_name=name))
    except ValidationError as error:
        errors.setdefault("password", []).extend(error.error_list)
    if User.objects.filter(username=mobile).exists():
        errors.setdefault("mobile", []).append(
            ValidationError(_("该手机号码已注册，请直接登录。"), code="mobile_registered")
        )
    known = Worker.objects.filter(id_number=id_number).first() if "id_number" not in errors else None
    if known is not None and known.user_id is not None:
        message = _("该身份证号码已绑定其他账号。")
        errors.setdefault("id_number", []).append(ValidationError(message, code="id_number_registered"))
    elif known is not None and known.name != name:
        message = _("姓名与该身份证号码的登记信息不一致。")
        errors.setdefault("name", []).append(ValidationError(message, code="name_mismatch"))
    if errors:
        raise ValidationError(errors)
    return name, id_number, known


def register_worker(details: Registration) -> User:
    """Open a worker's account: the user (username = mobile), the worker record and the WORKER role.

    The code sent to the mobile must match. A worker already on record with this ID number (filed
    for at a window) and no account is linked to the new account instead of being duplicated.
    """
    mobile = clean_mobile(details.mobile)
    name, id_number, known = _check_registration(details, mobile)
    verify_code(mobile, CodePurpose.SIGN_UP, details.code)
    try:
        user = _create_account(mobile, name, id_number, details.password, known)
    except IntegrityError:  # a concurrent sign-up with the same mobile or ID number won
        raise _field_error("mobile", _("该手机号码已注册，请直接登录。"), "mobile_registered") from None
    _use_code(mobile, CodePurpose.SIGN_UP)
    return user


@transaction.atomic
def _create_account(mobile: str, name: str, id_number: str, password: str, known: Worker | None) -> User:
    user = User.objects.create_user(username=mobile, password=password, first_name=name)
    user.groups.add(Group.objects.get_or_create(name=Role.WORKER)[0])
    if known is None:
        Worker.objects.create(name=name, id_number=id_number, mobile=mobile, user=user)
        return user
    linked = Worker.objects.filter(pk=known.pk, user__isnull=True).update(user=user, mobile=mobile)
    if linked != 1:  # linked to another account since it was read
        raise IntegrityError("worker already linked")
    touch_cases(cases_of_worker(known.pk))  # their cases show the new mobile, and the full ID number to them
    return user


def _username_of(raw: str) -> str:
    """A mobile number as stored (username); any other name (a demo or staff account) as typed."""
    mobile = normalize_mobile(raw)
    try:
        validate_mobile(mobile)
    except ValidationError:
        return raw.strip()
    return mobile


def record_gig_work(user: Any, *, is_gig_worker: bool, platform: str) -> None:
    """Keep the worker's platform work as their latest request states it (one-stop gig mediation reads it)."""
    worker = getattr(user, "worker", None)
    platform = platform.strip() if is_gig_worker else ""
    if worker is None or (is_gig_worker and not platform):  # no worker, or a filing that will be refused
        return
    if (worker.is_gig_worker, worker.platform) != (is_gig_worker, platform):
        Worker.objects.filter(pk=worker.pk).update(is_gig_worker=is_gig_worker, platform=platform)
        touch_cases(cases_of_worker(worker.pk))
        worker.is_gig_worker, worker.platform = is_gig_worker, platform


def sign_in(raw_mobile: str, password: str, *, ip: str, request: Any = None) -> User:
    """The account of this mobile and password, within the per-mobile and per-address attempt limits."""
    mobile = _username_of(raw_mobile or "")
    check_limit("sign_in_mobile", mobile)
    check_limit("sign_in_ip", ip)
    user = authenticate(request, username=mobile, password=password)
    if user is None or not user.is_active:
        count_attempt("sign_in_mobile", mobile)
        count_attempt("sign_in_ip", ip)
        raise DomainError(_("手机号码或密码不正确。"), code="invalid_credentials")
    clear_limit("sign_in_mobile", mobile)
    return user


def reset_password(raw_mobile: str, code: str, password: str) -> User:
    """Set a new password after the reset code sent to the mobile; its sign-in limit starts afresh."""
    mobile = clean_mobile(raw_mobile)
    user = User.objects.filter(username=mobile, is_active=True).first()
    if user is not None:
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise ValidationError({"password": error.error_list}) from None
    verify_code(mobile, CodePurpose.RESET, code)
    if user is None:  # a code is only ever sent to a registered mobile
        raise _field_error("code", _("验证码已失效或未获取，请重新获取验证码。"), "code_expired")
    user.set_password(password)
    user.save(update_fields=["password"])
    _use_code(mobile, CodePurpose.RESET)
    clear_limit("sign_in_mobile", mobile)
    return user
