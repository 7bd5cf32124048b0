"""Official case documents as A4 PDFs: values in, bytes out (no database, no clock).

Chinese text is set in reportlab's built-in CID font STSong-Light, so no font file is needed and the text
stays extractable. Layout follows GB/T 9704 loosely: red issuing-organization line, centred title, document
number, then the body; dates are written 2026年11月28日 and amounts in yuan with two decimals.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "STSong-Light"
RED = colors.HexColor("#C00000")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
ORDINALS = "〇一二三四五六七八九"


# --- the data each document is made from -----


@dataclass(frozen=True)
class Party:
    role: str  # 申请人 / 被申请人
    name: str
    identity: str = ""  # 居民身份证号码… / 统一社会信用代码…
    address: str = ""


@dataclass(frozen=True)
class Item:
    text: str
    amount: Decimal | None = None
    note: str = ""  # a deadline, or the tribunal's finding on the item


@dataclass(frozen=True)
class Heading:
    organization: str
    case_number: str
    document_number: str = ""


@dataclass(frozen=True)
class MediationAgreement:
    heading: Heading
    parties: Sequence[Party]
    claims: Sequence[Item]
    facts: str
    items: Sequence[Item]
    mediator: str
    signed_on: date


@dataclass(frozen=True)
class AcceptanceNotice:
    heading: Heading
    parties: Sequence[Party]
    claims: Sequence[Item]
    received_on: date
    accepted_on: date
    award_due_on: date | None = None


@dataclass(frozen=True)
class HearingNotice:
    heading: Heading
    parties: Sequence[Party]
    claims: Sequence[Item]
    hearing_on: date
    served_on: date
    arbitrator: str = ""


@dataclass(frozen=True)
class AwardCover:
    heading: Heading
    parties: Sequence[Party]
    items: Sequence[Item]
    decided_on: date
    served_on: date
    arbitrator: str = ""
    flags: Sequence[str] = field(default_factory=tuple)  # 缺席裁决, 部分裁决


# --- Chinese dates, ordinals and amounts -----


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_ordinal(number: int) -> str:
    """一, 二 … 九十九: the numbering of clauses in Chinese official documents."""
    tens, ones = divmod(number, 10)
    if not 0 < number < 100:
        raise ValueError(number)
    if tens == 0:
        return ORDINALS[ones]
    return ("" if tens == 1 else ORDINALS[tens]) + "十" + (ORDINALS[ones] if ones else "")


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def yuan_in_capitals(amount: Decimal) -> str:
    """The amount in financial capitals (大写), as written on agreements: 12000.50 → 壹万贰仟元伍角."""
    cents = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents < 0:
        raise ValueError(amount)
    whole, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _integer_capitals(whole) + "元" if whole else ""
    if jiao == fen == 0:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif whole:
        text += "零"
    return text + (DIGITS[fen] + "分" if fen else "")


def _integer_capitals(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _group_capitals(group) + ("", "万", "亿", "万亿")[index]
        gap = False
    return text


def _group_capitals(group: int) -> str:
    text, gap = "", False
    for position in (3, 2, 1, 0):
        digit = group // 10**position % 10
        if digit == 0:
            gap = bool(text)
            continue
        text += ("零" if gap else "") + DIGITS[digit] + ("", "拾", "佰", "仟")[position]
        gap = False
    return text


def total(items: Iterable[Item]) -> Decimal | None:
    amounts = [item.amount for item in items if item.amount is not None]
    return sum(amounts, Decimal(0)) if amounts else None


# --- the four documents -----


def render_mediation_agreement(doc: MediationAgreement) -> bytes:
    """调解协议书: parties, the dispute, the agreed items with amounts and deadlines, signatures."""
    s = styles()
    story = [*heading(doc.heading, "调解协议书"), *parties_block(doc.parties)]
    story += [para("争议事项：", s["label"]), items_table(doc.claims, "请求事项", "备注")]
    if doc.facts:
        story.append(para(f"事实与理由：{doc.facts}", s["body"]))
    story.append(para("经本组织主持调解，双方当事人自愿达成如下协议：", s["body"]))
    story += [para(f"{chinese_ordinal(n)}、{_clause(item)}", s["body"]) for n, item in enumerate(doc.items, 1)]
    agreed = total(doc.items)
    if agreed is not None:
        story.append(para(f"以上款项合计人民币{yuan(agreed)}元（大写：{yuan_in_capitals(agreed)}）。", s["body"]))
    story.append(
        para(
            "本协议书由双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，"
            "当事人应当履行。一方当事人在协议约定期限内不履行的，另一方当事人可以依法申请仲裁；"
            "因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成的，可以持本协议书依法向人民法院申请支付令。",
            s["body"],
        )
    )
    story += signatures(doc.parties, [("调解员（签名）", doc.mediator)], doc.heading.organization, doc.signed_on)
    return build(story, "调解协议书", doc.heading)


def render_acceptance_notice(doc: AcceptanceNotice) -> bytes:
    """受理通知书 to the applicant: what was received, when it was accepted, the award limit."""
    s = styles()
    claimants = [p for p in doc.parties if p.role == "申请人"]
    respondents = "、".join(p.name for p in doc.parties if p.role != "申请人")
    story = [*heading(doc.heading, "受理通知书"), para("、".join(p.name for p in claimants) + "：", s["body_left"])]
    story.append(
        para(
            f"你（们）与{respondents}劳动人事争议一案，{doc.heading.organization}于{chinese_date(doc.received_on)}收到仲裁申请。"
            f"经审查，符合受理条件，决定于{chinese_date(doc.accepted_on)}立案受理。仲裁请求如下：",
            s["body"],
        )
    )
    story.append(items_table(doc.claims, "仲裁请求", "备注"))
    if doc.award_due_on:
        story.append(para(f"本案审理期限至{chinese_date(doc.award_due_on)}届满（依法中止、延长的除外）。", s["body"]))
    story.append(
        para(
            "请在收到本通知书后按要求提交证据材料，并保持联系方式畅通。当事人可以委托代理人参加仲裁活动，"
            "委托代理人的，应当提交有委托人签名或者盖章的委托书。",
            s["body"],
        )
    )
    story += signatures([], [], doc.heading.organization, doc.accepted_on)
    return build(story, "受理通知书", doc.heading)


def render_hearing_notice(doc: HearingNotice) -> bytes:
    """开庭通知书: the parties, the hearing day, and what absence means (Law 36)."""
    s = styles()
    claimants = "、".join(p.name for p in doc.parties if p.role == "申请人")
    respondents = "、".join(p.name for p in doc.parties if p.role != "申请人")
    story = [*heading(doc.heading, "开庭通知书"), *parties_block(doc.parties)]
    story.append(
        para(
            f"{doc.heading.organization}受理的申请人{claimants}与被申请人{respondents}劳动人事争议一案，"
            f"定于{chinese_date(doc.hearing_on)}开庭审理。请准时到庭。",
            s["body"],
        )
    )
    if doc.arbitrator:
        story.append(para(f"仲裁员：{doc.arbitrator}", s["body"]))
    story += [para("仲裁请求：", s["label"]), items_table(doc.claims, "仲裁请求", "备注")]
    story.append(
        para(
            "申请人收到书面通知，无正当理由拒不到庭或者未经仲裁庭同意中途退庭的，可以视为撤回仲裁申请；"
            "被申请人收到书面通知，无正当理由拒不到庭或者未经仲裁庭同意中途退庭的，可以缺席裁决。"
            "当事人有正当理由的，可以在开庭三日前请求延期开庭。",
            s["body"],
        )
    )
    story.append(para(f"送达日期：{chinese_date(doc.served_on)}", s["body"]))
    story += signatures([], [], doc.heading.organization, doc.served_on)
    return build(story, "开庭通知书", doc.heading)


def render_award_cover(doc: AwardCover) -> bytes:
    """裁决书 cover page: number, parties, the award item by item with its finality, dates."""
    s = styles()
    story = [*heading(doc.heading, "裁 决 书"), *parties_block(doc.parties)]
    if doc.flags:
        story.append(para("、".join(doc.flags), s["center"]))
    story += [para("裁决事项：", s["label"]), items_table(doc.items, "裁决事项", "裁决结果")]
    if doc.arbitrator:
        story.append(para(f"仲裁员：{doc.arbitrator}", s["body"]))
    story.append(para(f"裁决日期：{chinese_date(doc.decided_on)}", s["body"]))
    story.append(para(f"送达日期：{chinese_date(doc.served_on)}", s["body"]))
    story += signatures([], [], doc.heading.organization, doc.decided_on)
    return build(story, "裁决书", doc.heading)


def _clause(item: Item) -> str:
    text = item.text
    if item.amount is not None:
        text += f"，金额人民币{yuan(item.amount)}元"
    if item.note:
        text += f"，{item.note}"
    return text + "。"


# --- building blocks -----


@cache
def styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=13, leading=21, wordWrap="CJK", alignment=TA_JUSTIFY)
    return {
        "organization": ParagraphStyle("org", base, fontSize=18, leading=26, alignment=TA_CENTER, textColor=RED),
        "title": ParagraphStyle("title", base, fontSize=22, leading=32, alignment=TA_CENTER, spaceBefore=6),
        "number": ParagraphStyle("number", base, fontSize=12, alignment=TA_CENTER),
        "label": ParagraphStyle("label", base, spaceBefore=6),
        "body": ParagraphStyle("body", base, firstLineIndent=26, spaceBefore=4),
        "body_left": ParagraphStyle("body_left", base, spaceBefore=6),
        "center": ParagraphStyle("center", base, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", base, fontSize=11, leading=16),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def heading(head: Heading, title: str) -> list[Flowable]:
    s = styles()
    numbers = "　".join(n for n in (head.document_number, f"案件编号：{head.case_number}") if n)
    return [
        para(head.organization, s["organization"]),
        HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=4, spaceAfter=8),
        para(title, s["title"]),
        para(numbers, s["number"]),
        Spacer(1, 6 * mm),
    ]


def parties_block(parties: Sequence[Party]) -> list[Flowable]:
    s = styles()
    rows = []
    for party in parties:
        details = "，".join(x for x in (party.name, party.identity, party.address) if x)
        rows.append([para(f"{party.role}：", s["cell"]), para(details, s["cell"])])
    table = Table(rows, colWidths=[24 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [table, Spacer(1, 3 * mm)]


def items_table(items: Sequence[Item], subject: str, remark: str) -> Table:
    s = styles()
    rows: list[list[Any]] = [[para(h, s["cell"]) for h in ("序号", subject, "金额（元）", remark)]]
    for n, item in enumerate(items, 1):
        amount = yuan(item.amount) if item.amount is not None else "—"
        rows.append(
            [para(str(n), s["cell"]), para(item.text, s["cell"]), para(amount, s["cell"]), para(item.note, s["cell"])]
        )
    summed = total(items)
    if summed is not None:
        rows.append([para("合计", s["cell"]), para("", s["cell"]), para(yuan(summed), s["cell"]), para("", s["cell"])])
    table = Table(rows, colWidths=[12 * mm, None, 32 * mm, 44 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def signatures(
    parties: Sequence[Party], signers: Sequence[tuple[str, str]], organization: str, on: date
) -> list[Flowable]:
    """Signature lines for the parties (signed by hand), named signers, then the issuing seal and date."""
    s = styles()
    lines: list[Flowable] = [Spacer(1, 8 * mm)]
    for party in parties:
        lines.append(para(f"{party.role}（签名或盖章）：{party.name}", s["body_left"]))
    for label, name in signers:
        lines.append(para(f"{label}：{name}", s["body_left"]))
    lines += [Spacer(1, 6 * mm), para(organization, s["right"]), para(chinese_date(on), s["right"])]
    return [KeepTogether(lines)]  # the seal and date never stand alone on a page


def _page_number(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 11)
    canvas.drawCentredString(A4[0] / 2, 18 * mm, f"— {document.page} —")
    canvas.restoreState()


def build(story: list[Flowable], title: str, head: Heading) -> bytes:
    """Lay the story out on A4 with official-document margins and page numbers."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        title=title,
        author=head.organization,
        subject=head.case_number,
        creator="乐业 Leye",
    )
    document.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


RENDERERS: dict[type, Callable[[Any], bytes]] = {
    MediationAgreement: render_mediation_agreement,
    AcceptanceNotice: render_acceptance_notice,
    HearingNotice: render_hearing_notice,
    AwardCover: render_award_cover,
}


def render(doc: MediationAgreement | AcceptanceNotice | HearingNotice | AwardCover) -> bytes:
    return RENDERERS[type(doc)](doc)
