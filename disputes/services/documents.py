"""Issuing official documents: gather the case's data, render the PDF, store it privately, record it.

Files live under PRIVATE_MEDIA_ROOT by random name (never served directly); each row keeps the SHA-256
of the bytes issued, and every read checks it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from disputes import documents as pdf
from disputes.errors import ActionForbidden, DomainError, NotAllowedInState
from disputes.models import Agreement, Arbitration, Award, Case, CaseDocument, DocumentKind, Hearing
from disputes.permissions import works_on_case
from disputes.private_files import (
    ChecksumMismatch,
    MissingFile,
    new_private_name,
    private_path,
    read_verified,
    write_private,
)
from disputes.roles import STAFF_ROLES, has_role
from disputes.services.audit import record_event

logger = logging.getLogger(__name__)
DOCUMENTS_DIR = "documents"
AWARD_RULE = "arbitration.award"


def can_issue_documents(user: Any, case: Case) -> bool:
    """Staff of the organization (or one above it) that holds the case; parties only read."""
    return bool(user.is_superuser or (has_role(user, *STAFF_ROLES) and works_on_case(user, case)))


@transaction.atomic
def issue_document(case: Case, kind: str, *, by: Any) -> CaseDocument:
    """Render `kind` from the case as it is now and store it as the next version (1, 2 …) of that kind.

    Refused when the case has nothing to put in it yet (no agreement, no acceptance, no hearing, no award).
    """
    if kind not in DocumentKind.values:
        raise DomainError(_("未知的文书类型。"), code="unknown_document_kind", fields={"kind": [kind]})
    if not can_issue_documents(by, case):
        raise ActionForbidden(_("只有承办本案的工作人员可以生成文书。"), code="not_case_staff")
    list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk"))  # one version at a time per case
    content = pdf.render(document_data(case, kind))
    name = _store(content)
    try:
        return _record(case, kind, name, content, by)
    except BaseException:
        private_path(name).unlink(missing_ok=True)  # no row, no file
        raise


def _record(case: Case, kind: str, name: str, content: bytes, by: Any) -> CaseDocument:
    latest = CaseDocument.objects.filter(case=case, kind=kind).aggregate(latest=Max("version"))["latest"]
    document = CaseDocument.objects.create(
        case=case,
        kind=kind,
        version=(latest or 0) + 1,
        file_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        generated_by=by if getattr(by, "pk", None) else None,
    )
    after = {"document": document.pk, "kind": kind, "version": document.version, "sha256": document.sha256}
    record_event(case, "document_issued", actor=by, after=after)
    return document


def read_document(document: CaseDocument) -> bytes:
    """The stored PDF, once its checksum shows it is the very file that was issued."""
    try:
        return read_verified(document.file_name, document.sha256)
    except MissingFile:
        raise NotAllowedInState(_("文书文件缺失，请重新生成。"), code="document_missing") from None
    except ChecksumMismatch:
        raise NotAllowedInState(
            _("文书文件校验失败，可能已被篡改或损坏，请重新生成。"), code="document_checksum_mismatch"
        ) from None


def download_name(document: CaseDocument) -> str:
    with translation.override("zh-hans"):
        title = str(document.get_kind_display())
    return f"{document.case.number}_{title}_v{document.version}.pdf"


def _store(content: bytes) -> str:
    """Write the bytes under a fresh random name (never overwriting) readable by the server user only."""
    name = new_private_name(DOCUMENTS_DIR, ".pdf")
    write_private(name, [content])
    return name


# --- the case's data, per kind of document -----


def document_data(case: Case, kind: str) -> Any:
    """The values a document of `kind` shows, read from the case; Chinese whatever the request's language."""
    gather = {
        DocumentKind.MEDIATION_AGREEMENT: _agreement_data,
        DocumentKind.ACCEPTANCE_NOTICE: _acceptance_data,
        DocumentKind.HEARING_NOTICE: _hearing_data,
        DocumentKind.AWARD_COVER: _award_data,
    }[DocumentKind(kind)]
    with translation.override("zh-hans"):
        return gather(case)


def _agreement_data(case: Case) -> pdf.MediationAgreement:
    agreement = Agreement.objects.filter(case=case).select_related("mediation__organization").order_by("-id").first()
    if agreement is None:
        raise NotAllowedInState(_("该案件尚未达成调解协议，不能生成调解协议书。"), code="no_agreement")
    mediator = agreement.mediation.mediator
    items = [
        pdf.Item(item.description, item.amount, f"于{pdf.chinese_date(item.pay_by)}前履行" if item.pay_by else "")
        for item in agreement.items.order_by("id")
    ]
    return pdf.MediationAgreement(
        heading=pdf.Heading(agreement.mediation.organization.name, str(case.number)),
        parties=_parties(case),
        claims=_claims(case),
        facts=case.facts,
        items=items,
        mediator=_person(mediator) if mediator else "",
        signed_on=agreement.signed_on,
    )


def _accepted_arbitration(case: Case) -> Arbitration:
    arbitration = Arbitration.objects.filter(case=case).select_related("tribunal", "arbitrator").current()
    if arbitration is None or arbitration.accepted_on is None:
        raise NotAllowedInState(_("该案件的仲裁申请尚未受理，不能生成仲裁文书。"), code="arbitration_not_accepted")
    return arbitration


def _arbitration_heading(case: Case, arbitration: Arbitration) -> pdf.Heading:
    return pdf.Heading(arbitration.tribunal.name, str(case.number), arbitration.number)


def _acceptance_data(case: Case) -> pdf.AcceptanceNotice:
    arbitration = _accepted_arbitration(case)
    assert arbitration.accepted_on is not None
    clock = case.clocks.filter(rule=AWARD_RULE).order_by("-id").first()
    return pdf.AcceptanceNotice(
        heading=_arbitration_heading(case, arbitration),
        parties=_parties(case),
        claims=_claims(case),
        received_on=timezone.localdate(arbitration.received_at),
        accepted_on=arbitration.accepted_on,
        award_due_on=clock.due_on if clock else None,
    )


def _hearing_data(case: Case) -> pdf.HearingNotice:
    arbitration = _accepted_arbitration(case)
    hearing = Hearing.objects.filter(arbitration=arbitration, postponed_on__isnull=True).order_by("-id").first()
    if hearing is None:
        raise NotAllowedInState(_("该案件尚未安排开庭，不能生成开庭通知书。"), code="no_hearing")
    return pdf.HearingNotice(
        heading=_arbitration_heading(case, arbitration),
        parties=_parties(case),
        claims=_claims(case),
        hearing_on=hearing.scheduled_on,
        served_on=hearing.notice_served_on,
        arbitrator=_person(arbitration.arbitrator) if arbitration.arbitrator else "",
    )


def _award_data(case: Case) -> pdf.AwardCover:
    award = Award.objects.filter(arbitration__case=case).select_related("arbitration__tribunal").order_by("-id").first()
    if award is None:
        raise NotAllowedInState(_("该案件尚无裁决，不能生成裁决书封面。"), code="no_award")
    arbitration = award.arbitration
    flags = [flag for flag, on in (("部分裁决", award.is_partial), ("缺席裁决", award.by_default)) if on]
    return pdf.AwardCover(
        heading=_arbitration_heading(case, arbitration),
        parties=_parties(case),
        items=[_award_item(item) for item in award.items.order_by("id")],
        decided_on=award.decided_on,
        served_on=award.served_on,
        arbitrator=_person(arbitration.arbitrator) if arbitration.arbitrator else "",
        flags=flags,
    )


def _award_item(item: Any) -> pdf.Item:
    finding = "支持" if item.granted else "不予支持"
    finality = "终局裁决" if item.final else "非终局裁决"
    return pdf.Item(_labelled(item.get_category_display(), item.description), item.amount, f"{finding}；{finality}")


def _parties(case: Case) -> list[pdf.Party]:
    claimants = [
        pdf.Party("申请人", link.worker.name, f"居民身份证号码：{link.worker.id_number}")
        for link in case.claimant_links.select_related("worker").order_by("id")
    ]
    respondents = [
        pdf.Party(
            "被申请人",
            link.employer.name,
            f"统一社会信用代码：{link.employer.credit_code}",
            f"住所地：{link.employer.address}" if link.employer.address else "",
        )
        for link in case.respondent_links.select_related("employer").order_by("id")
    ]
    return claimants + respondents


def _claims(case: Case) -> list[pdf.Item]:
    return [
        pdf.Item(_labelled(item.get_category_display(), item.description), item.amount)
        for item in case.claim_items.order_by("id")
    ]


def _labelled(label: Any, description: str) -> str:
    return f"{label}：{description}" if description else str(label)


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())
