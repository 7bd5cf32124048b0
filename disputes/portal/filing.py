"""Filing from the portal's form through the API's own path: file_case, then the evidence, in one transaction.

The form's hidden one-time key plays the API's Idempotency-Key: a double submit finds the first case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.forms import Form
from django.utils.text import format_lazy

from disputes.errors import DomainError
from disputes.models import Case, IdempotencyKey, Tier, Worker
from disputes.services.accounts import record_gig_work
from disputes.services.cases import CaseFiling, ClaimantDetails, ClaimItemDetails
from disputes.services.evidence import attach_evidence, check_upload, clean_name
from disputes.services.parties import EmployerDetails
from workflows.intake import file_case

KEY_PREFIX = "portal-filing:"
# The service's field paths, as the portal form names them.
FIELD_OF_PATH = {
    "workplace_street": "workplace_street",
    "knew_of_infringement_on": "knew_of_infringement_on",
    "employment_ended_on": "employment_ended_on",
    "facts": "facts",
    "claimants.0.platform": "platform",
    "claimants.0.is_gig_worker": "is_gig_worker",
    "respondents.0.name": "employer_name",
    "respondents.0.credit_code": "employer_credit_code",
    "respondents.0.contact_mobile": "employer_mobile",
    "respondents.0.contact_email": "employer_email",
}


@dataclass(frozen=True)
class PortalFiling:
    filing: CaseFiling
    uploads: list[UploadedFile]
    # Positions of the filled claim rows in the formset, in filing order.
    item_rows: list[int]


def build_filing(worker: Worker, data: dict[str, Any], items: list[dict[str, Any]]) -> PortalFiling:
    """The worker's online mediation request as the API would receive it (claimant = the worker)."""
    rows = [(index, item) for index, item in enumerate(items) if item.get("category")]
    claimant = ClaimantDetails(
        name=worker.name,
        id_number=worker.id_number,
        mobile=worker.mobile,
        is_gig_worker=data["is_gig_worker"],
        platform=data["platform"] if data["is_gig_worker"] else "",
    )
    filing = CaseFiling(
        tier=Tier.MEDIATION,
        workplace_street_id=data["workplace_street"],
        knew_of_infringement_on=data["knew_of_infringement_on"],
        employment_ended_on=data["employment_ended_on"],
        facts=data["facts"],
        claimants=[claimant],
        respondents=[
            EmployerDetails(
                name=data["employer_name"],
                credit_code=data["employer_credit_code"],
                contact_mobile=data.get("employer_mobile", ""),
                contact_email=data.get("employer_email", ""),
            )
        ],
        claim_items=[ClaimItemDetails(i["category"], i["amount"], i.get("description", "")) for _, i in rows],
    )
    return PortalFiling(filing, list(data["evidence"]), [index for index, _ in rows])


def refused_uploads(uploads: list[UploadedFile]) -> list[Any]:
    """Each refused file's message, naming the file (checked by content and size before anything is stored)."""
    refusals = []
    for upload in uploads:
        try:
            check_upload(upload)
        except DomainError as error:
            refusals.append(format_lazy("{name}：{message}", name=clean_name(upload.name or ""), message=error.message))
    return refusals


def filed_case(user: Any, key: str) -> Case | None:
    """The case a submit with this one-time key already filed, if any."""
    stored = IdempotencyKey.objects.filter(user=user, key=KEY_PREFIX + key).first()
    case_id = (stored.response_body or {}).get("id") if stored else None
    return Case.objects.visible_to(user).filter(pk=case_id).first() if case_id else None


def submit(user: Any, key: str, request: PortalFiling) -> tuple[Case, bool]:
    """File the case and attach every upload, or store nothing; (case, False) when the key was used before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=KEY_PREFIX + key, method="POST", path="/portal/cases/new/", request_hash=""
                )
        except IntegrityError:  # a double submit: the first one committed (PostgreSQL waited for it)
            earlier = filed_case(user, key)
            if earlier is None:
                raise
            return earlier, False
        claimant = request.filing.claimants[0]
        record_gig_work(user, is_gig_worker=claimant.is_gig_worker, platform=claimant.platform)
        case = file_case(request.filing, by=user)
        for upload in request.uploads:
            attach_evidence(case, upload, by=user)
        record.status_code, record.response_body = 201, {"id": case.pk, "number": case.number}
        record.save(update_fields=["status_code", "response_body"])
    return case, True


def show_errors(error: ValidationError, form: Form, items: Any, item_rows: list[int]) -> None:
    """Put the filing service's errors beside the fields they concern (unknown paths go on top of the form)."""
    by_path = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    for path, errors in by_path.items():
        parts = path.split(".")
        if parts[0] == "claim_items" and len(parts) == 3 and int(parts[1]) < len(item_rows):
            row = items.forms[item_rows[int(parts[1])]]
            row.add_error(parts[2] if parts[2] in row.fields else None, errors)
        else:
            form.add_error(FIELD_OF_PATH.get(path), errors)
