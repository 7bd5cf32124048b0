"""Resident ID (GB 11643), credit code (GB 32100) and mobile validators on real-format examples."""

import pytest
from django.core.exceptions import ValidationError

from disputes.validators import (
    credit_code_check_char,
    id_number_check_char,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # the standard's own example (Beijing Chaoyang, born 1949-12-31)
        "310112199003071234"[:17] + id_number_check_char("31011219900307123"),  # Shanghai Minhang
        "440524198001010013",  # Guangdong Shantou, born 1980-01-01
        "51010420000229" + "123" + id_number_check_char("51010420000229123"),  # born on 29 February 2000
    ],
)
def test_valid_resident_ids_are_accepted(value: str) -> None:
    validate_id_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_number_checksum"),  # last digit should be X
        ("11010519491231002x", "id_number_format"),  # lower-case x is not the official form
        ("1101051949123100", "id_number_format"),  # 16 digits
        ("11010519491231002XX", "id_number_format"),
        ("A1010519491231002X", "id_number_format"),
        ("99010519491231002X", "id_number_region"),  # 99 is no province
        ("110105194913310029", "id_number_birth_date"),  # month 13
        ("110105190102290023", "id_number_birth_date"),  # 1901-02-29 does not exist
        ("440524188001010014", "id_number_birth_date"),  # born 1880: before any resident ID holder
    ],
)
def test_invalid_resident_ids_are_refused_with_their_reason(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(value)
    assert caught.value.code == code


def test_id_check_character_follows_iso_7064_mod_11_2() -> None:
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("44052419800101001") == "3"


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y43",  # the standard's widely cited example
        "91310112" + "MA1GB1234" + credit_code_check_char("91310112MA1GB1234"),  # a Minhang enterprise
        "12100000400000624D",  # a public institution (登记管理部门 1)
    ],
)
def test_valid_credit_codes_are_accepted(value: str) -> None:
    validate_credit_code(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y44", "credit_code_checksum"),
        ("91350100M000100Y4", "credit_code_format"),  # 17 characters
        ("91350100M000100I43", "credit_code_format"),  # I is not in the GB 32100 alphabet
        ("91350100m000100Y43", "credit_code_format"),  # lower case
        ("9135010AM000100Y43", "credit_code_format"),  # division code must be digits
    ],
)
def test_invalid_credit_codes_are_refused_with_their_reason(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(value)
    assert caught.value.code == code


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "15000000000", "16612345678"])
def test_valid_mobiles_are_accepted(value: str) -> None:
    validate_mobile(value)


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "0213456789a", "+8613812345678"])
def test_invalid_mobiles_are_refused(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_mobile(value)
    assert caught.value.code == "mobile_format"


@pytest.mark.parametrize(("raw", "normal"), [("+86 138-1234-5678", "13812345678"), ("008613812345678", "13812345678")])
def test_mobile_numbers_are_normalized_before_validation(raw: str, normal: str) -> None:
    assert normalize_mobile(raw) == normal
