"""Finding or registering the parties named in a filing, keyed by their official identifiers."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from disputes.models import Employer, Industry, Worker
from disputes.validators import normalize_mobile, validate_mobile


@dataclass(frozen=True)
class WorkerDetails:
    name: str
    id_number: str
    mobile: str
    is_gig_worker: bool = False
    platform: str = ""


@dataclass(frozen=True)
class EmployerDetails:
    name: str
    credit_code: str
    address: str = ""
    street_id: int | None = None
    industry: str = Industry.OTHER
    # Where the employer's invitation is sent (disputes.services.invitations); not stored on the employer.
    contact_mobile: str = ""
    contact_email: str = ""


def prepare_worker(details: WorkerDetails) -> Worker:
    """The existing worker with this ID number, or a new validated (unsaved) one."""
    return known_worker(clean_worker(details))


def known_worker(worker: Worker) -> Worker:
    """The stored worker with the cleaned worker's ID number, or the cleaned (unsaved) worker itself."""
    return Worker.objects.filter(id_number=worker.id_number).first() or worker


def clean_worker(details: WorkerDetails) -> Worker:
    """A new validated (unsaved) worker from what was submitted; no lookups."""
    worker = Worker(
        name=details.name.strip(),
        id_number=details.id_number.strip().upper(),
        mobile=normalize_mobile(details.mobile),
        is_gig_worker=details.is_gig_worker,
        platform=details.platform.strip(),
    )
    # What was submitted is checked even when the worker is known: bad input is never silently dropped.
    worker.full_clean(validate_unique=False, validate_constraints=False)
    _check_gig_platform(worker)
    return worker


def _check_gig_platform(worker: Worker) -> None:
    if worker.is_gig_worker and not worker.platform:
        raise ValidationError(
            {"platform": ValidationError(_("新就业形态劳动者须填写所在平台。"), code="platform_required")}
        )


def prepare_employer(details: EmployerDetails) -> Employer:
    """The existing employer with this credit code, or a new validated (unsaved) one."""
    return known_employer(clean_employer(details))


def known_employer(employer: Employer) -> Employer:
    """The stored employer with the cleaned employer's credit code, or the cleaned (unsaved) employer itself."""
    return Employer.objects.filter(credit_code=employer.credit_code).first() or employer


def clean_employer(details: EmployerDetails) -> Employer:
    """A new validated (unsaved) employer from what was submitted; no lookups."""
    employer = Employer(
        name=details.name.strip(),
        credit_code=details.credit_code.strip().upper(),
        address=details.address.strip(),
        street_id=details.street_id,
        industry=details.industry,
    )
    employer.full_clean(validate_unique=False, validate_constraints=False)
    _check_contact(details)
    return employer


def _check_contact(details: EmployerDetails) -> None:
    """The optional contact for the invitation: a mainland mobile number and an email address, if given."""
    errors: dict[str, ValidationError] = {}
    if details.contact_mobile.strip():
        try:
            validate_mobile(normalize_mobile(details.contact_mobile))
        except ValidationError as error:
            errors["contact_mobile"] = error
    if details.contact_email.strip():
        try:
            validate_email(details.contact_email.strip())
        except ValidationError:
            errors["contact_email"] = ValidationError(_("电子邮箱格式不正确。"), code="email_format")
    if errors:
        raise ValidationError(errors)
