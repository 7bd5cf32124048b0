"""Deterministic synthetic people and companies for the demo and the tests (valid Chinese identifiers)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from disputes.validators import credit_code_check_char, id_number_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红梅玉兰海波宇浩然欣怡子轩雨辰"
COMPANY_WORDS = "申闵莘虹梅浦吴马华颛七宝江川古新锦沪达信诚恒通安泰鑫源盛利"
COMPANY_KINDS = (
    "科技有限公司",
    "物流有限公司",
    "餐饮管理有限公司",
    "建筑工程有限公司",
    "电子有限公司",
    "商贸有限公司",
    "网络科技有限公司",
    "人力资源有限公司",
)
PLATFORMS = ("美团", "饿了么", "滴滴出行", "顺丰同城", "达达快送", "货拉拉")
# Administrative-division prefixes of real places (Shanghai Minhang, Anhui, Henan, Sichuan, Jiangsu).
REGION_CODES = ("310112", "340102", "410102", "510104", "320102", "360102", "430102")
CREDIT_ORG_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_number(rng: random.Random) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    first17 = f"{rng.choice(REGION_CODES)}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_number_check_char(first17)


def credit_code(rng: random.Random) -> str:
    body = "".join(rng.choice(CREDIT_ORG_CODE_CHARS) for _ in range(9))
    first17 = f"91310112{body}"
    return first17 + credit_code_check_char(first17)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def company_name(rng: random.Random) -> str:
    return "上海" + "".join(rng.sample(COMPANY_WORDS, 2)) + rng.choice(COMPANY_KINDS)
