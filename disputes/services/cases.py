"""Opening and withdrawing cases: the filing of a dispute at any entry tier, online or at a window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.clock import RULES
from disputes.errors import ActionForbidden, NotAllowedInState
from disputes.models import (
    COLLECTIVE_MIN_CLAIMANTS,
    Case,
    CaseClaimant,
    CaseRespondent,
    Channel,
    ClaimItem,
    ClosureKind,
    Employer,
    Organization,
    OrganizationKind,
    Street,
    Tier,
    Worker,
)
from disputes.models.cases import ENTRY_TIERS, MONETARY_CATEGORIES
from disputes.permissions import can_file_case, can_withdraw_case
from disputes.roles import Role, has_role
from disputes.services.arbitration import close_on_withdrawal
from disputes.services.audit import record_event
from disputes.services.clocks import end_open_clocks, start_limitation_at_filing
from disputes.services.closure import close_case
from disputes.services.early_warning import signal_for_new_case
from disputes.services.parties import (
    EmployerDetails,
    WorkerDetails,
    clean_employer,
    clean_worker,
    known_employer,
    known_worker,
)
from disputes.services.routing import initial_organization

T = TypeVar("T")
# Sent inside the transaction when a case is withdrawn, so its process stops waiting.
case_withdrawn = Signal()
A = TypeVar("A")


@dataclass(frozen=True)
class ClaimantDetails(WorkerDetails):
    is_representative: bool = False


@dataclass(frozen=True)
class ClaimItemDetails:
    category: str
    amount: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class CaseFiling:
    """What a worker or a window clerk submits to open a case. Dates are Asia/Shanghai calendar dates."""

    tier: str
    workplace_street_id: int
    knew_of_infringement_on: date
    claimants: Sequence[ClaimantDetails]
    respondents: Sequence[EmployerDetails]
    claim_items: Sequence[ClaimItemDetails]
    employment_ended_on: date | None = None
    facts: str = ""
    # When a window clerk registers a paper application later, the moment it was received.
    received_at: datetime | None = None
    # A mediation organization the applicant chose: an enterprise committee or an industry organization.
    organization_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The filing as JSON values (dates ISO 8601, amounts as strings), read back by `filing_from_json`."""
        return dict(_json_values(self))


def _json_values(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):  # field by field: asdict() deep-copies first
        return {field.name: _json_values(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, dict):
        return {key: _json_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_values(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def filing_from_json(data: dict[str, Any]) -> CaseFiling:
    """The CaseFiling that `CaseFiling.to_json` wrote."""
    received_at, ended_on = data["received_at"], data["employment_ended_on"]
    return CaseFiling(
        tier=data["tier"],
        workplace_street_id=data["workplace_street_id"],
        knew_of_infringement_on=date.fromisoformat(data["knew_of_infringement_on"]),
        employment_ended_on=date.fromisoformat(ended_on) if ended_on else None,
        facts=data["facts"],
        received_at=datetime.fromisoformat(received_at) if received_at else None,
        organization_id=data["organization_id"],
        claimants=[ClaimantDetails(**claimant) for claimant in data["claimants"]],
        respondents=[EmployerDetails(**respondent) for respondent in data["respondents"]],
        claim_items=[
            ClaimItemDetails(
                category=item["category"],
                amount=None if item["amount"] is None else Decimal(item["amount"]),
                description=item["description"],
            )
            for item in data["claim_items"]
        ],
    )


def _today() -> date:
    return timezone.localdate()


class _Errors:
    """Collects validation errors under dotted field paths, so one response names them all."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, path: str, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = path if name == "__all__" else f"{path}.{name}" if path else name
                self.by_field.setdefault(target, []).extend(errors)
        else:
            self.by_field.setdefault(path or "__all__", []).extend(error.error_list)

    def collect(self, path: str, build: Callable[[A], T], details: A) -> T | None:
        try:
            return build(details)
        except ValidationError as error:
            self.add(path, error)
            return None

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def _error(message: Any, code: str) -> ValidationError:
    return ValidationError(message, code=code)


_STREET_IDS: frozenset[int] | None = None


def _street_known(street_id: int) -> bool:
    """Whether the street exists, from the process's list, read again once when it does not name the street."""
    global _STREET_IDS
    if _STREET_IDS is None or street_id not in _STREET_IDS:
        _STREET_IDS = frozenset(Street.objects.values_list("pk", flat=True))
    return street_id in _STREET_IDS


def _check_filing(filing: CaseFiling, errors: _Errors, *, lookup: bool = True) -> Street | None:
    """The filing's own fields; `lookup=False` checks the street exists without reading it (None returned)."""
    if filing.tier not in ENTRY_TIERS:
        errors.add("tier", _error(_("申请阶段只能是协商、调解或仲裁。"), "invalid_entry_tier"))
    if lookup:
        street = Street.objects.filter(pk=filing.workplace_street_id).first()
        known = street is not None
    else:
        street, known = None, _street_known(filing.workplace_street_id)
    if not known:
        errors.add("workplace_street", _error(_("用工所在街镇不存在。"), "unknown_street"))
    today = _today()
    if filing.knew_of_infringement_on > today:
        errors.add("knew_of_infringement_on", _error(_("知道权利被侵害之日不能晚于今天。"), "date_in_future"))
    if filing.employment_ended_on and filing.employment_ended_on > today:
        errors.add("employment_ended_on", _error(_("劳动关系终止之日不能晚于今天。"), "date_in_future"))
    if filing.received_at and filing.received_at > timezone.now():
        errors.add("received_at", _error(_("收件时间不能晚于现在。"), "date_in_future"))
    if not filing.claimants:
        errors.add("claimants", _error(_("至少需要一名申请人。"), "claimant_required"))
    if not filing.respondents:
        errors.add("respondents", _error(_("至少需要一名被申请人。"), "respondent_required"))
    if not filing.claim_items:
        errors.add("claim_items", _error(_("至少需要一项请求。"), "claim_item_required"))
    return street


def _check_chosen_organization(filing: CaseFiling, errors: _Errors) -> Organization | None:
    if filing.organization_id is None:
        return None
    chosen = Organization.objects.filter(pk=filing.organization_id, is_active=True).first()
    chosen_kinds = (OrganizationKind.ENTERPRISE_COMMITTEE, OrganizationKind.INDUSTRY_ORGANIZATION)
    if chosen is None or chosen.kind not in chosen_kinds or filing.tier != Tier.MEDIATION:
        errors.add("organization", _error(_("只能为调解申请选择企业或行业性调解组织。"), "invalid_organization_choice"))
        return None
    codes = {r.credit_code.strip().upper() for r in filing.respondents}
    if chosen.kind == OrganizationKind.ENTERPRISE_COMMITTEE and (
        chosen.employer is None or chosen.employer.credit_code not in codes
    ):
        errors.add("organization", _error(_("企业调解委员会只能调解本企业的争议。"), "committee_of_other_employer"))
        return None
    return chosen


def _prepare_claim_item(details: ClaimItemDetails) -> ClaimItem:
    item = ClaimItem(category=details.category, amount=details.amount, description=details.description.strip())
    item.full_clean(exclude=["case"], validate_constraints=False)
    if item.amount is not None and item.amount < 0:
        raise ValidationError({"amount": _error(_("金额不能为负数。"), "negative_amount")})
    if item.category in MONETARY_CATEGORIES and item.amount is None:
        raise ValidationError({"amount": _error(_("金钱类请求须填写金额。"), "amount_required")})
    return item


def _check_duplicates(filing: CaseFiling, errors: _Errors) -> None:
    ids = [c.id_number.strip().upper() for c in filing.claimants]
    if len(set(ids)) != len(ids):
        errors.add("claimants", _error(_("同一申请人不能重复列出。"), "duplicate_claimant"))
    representatives = sum(1 for c in filing.claimants if c.is_representative)
    if len(filing.claimants) >= COLLECTIVE_MIN_CLAIMANTS and not 3 <= representatives <= 5:
        errors.add("claimants", _error(_("集体争议须推举三至五名代表。"), "representatives_required"))
    codes = [r.credit_code.strip().upper() for r in filing.respondents]
    if len(set(codes)) != len(codes):
        errors.add("respondents", _error(_("同一被申请人不能重复列出。"), "duplicate_respondent"))


def _link_filer(filer: Any, workers: list[Worker], errors: _Errors) -> None:
    """An online filer must be one of the claimants; their account is linked to that worker."""
    own = getattr(filer, "worker", None)
    if own is not None:
        if all(w.pk != own.pk for w in workers):
            errors.add("claimants", _error(_("网上申请人本人须列为申请人之一。"), "filer_not_claimant"))
        return
    first = workers[0]
    if first.user_id and first.user_id != filer.pk:
        errors.add("claimants.0", _error(_("该劳动者已由其他账号登记。"), "worker_has_other_account"))
    else:
        first.user = filer


@dataclass
class _Checked:
    """A filing's parts, validated and not yet looked up or stored; `errors` names every problem found."""

    errors: _Errors
    street: Street | None
    chosen: Organization | None
    workers: list[Worker | None]
    employers: list[Employer | None]
    items: list[ClaimItem | None]
    online: bool


def _check(filing: CaseFiling, by: Any, *, lookup: bool = True) -> _Checked:
    if not can_file_case(by):
        raise ActionForbidden(_("您无权提交或登记案件。"), code="cannot_file_case")
    errors = _Errors()
    street = _check_filing(filing, errors, lookup=lookup)
    chosen = _check_chosen_organization(filing, errors)
    _check_duplicates(filing, errors)
    online = has_role(by, Role.WORKER)
    if online and filing.received_at:
        errors.add("received_at", _error(_("网上申请的收件时间由系统记录。"), "received_at_not_allowed"))
    return _Checked(
        errors,
        street,
        chosen,
        [errors.collect(f"claimants.{i}", clean_worker, c) for i, c in enumerate(filing.claimants)],
        [errors.collect(f"respondents.{i}", clean_employer, r) for i, r in enumerate(filing.respondents)],
        [errors.collect(f"claim_items.{i}", _prepare_claim_item, d) for i, d in enumerate(filing.claim_items)],
        online,
    )


def check_filing(filing: CaseFiling, *, by: Any) -> None:
    """Every check of `open_case` that needs no party lookup, for a filing received now and registered later.

    Raises ValidationError (fields by dotted path) or ActionForbidden, exactly as `open_case` would.
    """
    checked = _check(filing, by, lookup=False)
    own = getattr(by, "worker", None) if checked.online else None  # read with the token (disputes.api)
    if own is not None and all(w is None or w.id_number != own.id_number for w in checked.workers):
        checked.errors.add("claimants", _error(_("网上申请人本人须列为申请人之一。"), "filer_not_claimant"))
    checked.errors.raise_if_any()


@transaction.atomic
def open_case(filing: CaseFiling, *, by: Any, received_at: datetime | None = None) -> Case:
    """Open one case with its parties and claims; all of it is stored, or nothing is.

    `received_at`: the moment the system received an online filing that is registered later (its filing moment).
    """
    checked = _check(filing, by)
    workers = [w and known_worker(w) for w in checked.workers]
    employers = [e and known_employer(e) for e in checked.employers]
    if checked.online and workers and all(workers):
        _link_filer(by, workers, checked.errors)  # type: ignore[arg-type]
    checked.errors.raise_if_any()
    assert checked.street is not None
    return _store_case(
        filing,
        checked.street,
        workers,  # type: ignore[arg-type]
        employers,  # type: ignore[arg-type]
        checked.items,  # type: ignore[arg-type]
        by=by,
        online=checked.online,
        chosen=checked.chosen,
        filed_at=received_at or filing.received_at or timezone.now(),
    )


def _store_case(
    filing: CaseFiling,
    street: Street,
    workers: list[Worker],
    employers: list[Employer],
    items: list[ClaimItem],
    *,
    by: Any,
    online: bool,
    chosen: Organization | None,
    filed_at: datetime,
) -> Case:
    is_collective = len(workers) >= COLLECTIVE_MIN_CLAIMANTS
    case = Case.objects.create(
        tier=filing.tier,
        channel=Channel.ONLINE if online else Channel.OFFLINE,
        filed_at=filed_at,
        knew_of_infringement_on=filing.knew_of_infringement_on,
        employment_ended_on=filing.employment_ended_on,
        workplace_street=street,
        is_collective=is_collective,
        facts=filing.facts.strip(),
        filed_by=by,
        current_organization=chosen or initial_organization(street, filing.tier, is_collective=is_collective),
    )
    case.number = f"MH-{timezone.localtime(case.filed_at).year}-{case.pk:06d}"
    case.save(update_fields=["number"])
    for worker in workers:
        worker.save()
    for employer in employers:
        employer.save()
    representatives = {c.id_number.strip().upper() for c in filing.claimants if c.is_representative}
    CaseClaimant.objects.bulk_create(
        CaseClaimant(case=case, worker=w, is_representative=w.id_number in representatives) for w in workers
    )
    CaseRespondent.objects.bulk_create(CaseRespondent(case=case, employer=e) for e in employers)
    for item in items:
        item.case = case
    ClaimItem.objects.bulk_create(items)
    limitation = start_limitation_at_filing(case)
    signal_for_new_case(case)
    record_event(
        case, "case_opened", actor=by, after={**_snapshot(case), "limitation": _limitation_summary(limitation)}
    )
    return case


def _limitation_summary(clock: Any) -> dict[str, Any] | None:
    if clock is None:
        return None
    return {
        "state": clock.state,
        "started_on": clock.started_on.isoformat(),
        "due_on": clock.due_on.isoformat() if clock.due_on else None,
    }


def _snapshot(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "tier": case.tier,
        "channel": case.channel,
        "current_organization": case.current_organization_id,
        "is_collective": case.is_collective,
    }


@transaction.atomic
def withdraw_case(case: Case, *, by: Any, reason: str = "") -> Case:
    """The applicant withdraws the application (撤回申请); the case closes as withdrawn."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_withdraw_case(by, case):
        raise ActionForbidden(_("只有申请人或承办人员可以撤回申请。"), code="cannot_withdraw_case")
    if case.is_closed:
        raise NotAllowedInState(_("案件已结案，不能撤回。"), code="case_already_closed")
    before = {"tier": case.tier}
    close_case(case, ClosureKind.WITHDRAWN)
    close_on_withdrawal(case)  # an accepted arbitration closes as withdrawn (its award limit met)
    end_open_clocks(
        case, tuple(rule for rule in RULES if rule != "limitation"), timezone.localdate(), outcome="stopped"
    )
    case_withdrawn.send(sender=Case, case=case)
    record_event(
        case,
        "case_withdrawn",
        actor=by,
        before=before,
        after={"tier": case.tier, "closure_kind": case.closure_kind},
        note=reason.strip(),
    )
    return case
