"""Validators for Chinese identifiers: resident ID (GB 11643), credit code (GB 32100), mobile."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# First two digits of a resident ID: the province-level division codes of GB/T 2260.
_PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
        "91",
    ]
)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def id_number_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for 17 leading digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(value: str) -> None:
    """Accept an 18-character resident ID with valid province, birth date and check character."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise ValidationError(_("居民身份证号码应为18位，前17位为数字，末位为数字或X。"), code="id_number_format")
    if value[:2] not in _PROVINCE_CODES:
        raise ValidationError(_("居民身份证号码的地址码无效。"), code="id_number_region")
    _validate_birth_date(value[6:14])
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(_("居民身份证号码校验位不正确。"), code="id_number_checksum")


def _validate_birth_date(digits: str) -> None:
    try:
        born_on = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(_("居民身份证号码中的出生日期无效。"), code="id_number_birth_date") from None
    if born_on.year < 1900 or born_on > date(2100, 1, 1):
        raise ValidationError(_("居民身份证号码中的出生日期无效。"), code="id_number_birth_date")


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character (mod 31) for the 17 leading characters."""
    total = sum(_USCC_CHARS.index(char) * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Accept an 18-character unified social credit code with a valid check character."""
    if not _USCC_PATTERN.match(value):
        raise ValidationError(
            _("统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V）。"), code="credit_code_format"
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确。"), code="credit_code_checksum")


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix from a mainland mobile number."""
    digits = re.sub(r"[\s-]", "", value)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def validate_mobile(value: str) -> None:
    """Accept an 11-digit mainland mobile number starting 13–19."""
    if not _MOBILE_PATTERN.match(value):
        raise ValidationError(_("手机号码应为以1开头的11位数字（13–19号段）。"), code="mobile_format")
