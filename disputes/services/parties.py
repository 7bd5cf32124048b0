"""Finding or registering the parties named in a filing, keyed by their official identifiers."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from disputes.models import Employer, Industry, Worker
from disputes.validators import normalize_mobile


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


def prepare_worker(details: WorkerDetails) -> Worker:
    """The existing worker with this ID number, or a new validated (unsaved) one."""
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
    return Worker.objects.filter(id_number=worker.id_number).first() or worker


def _check_gig_platform(worker: Worker) -> None:
    if worker.is_gig_worker and not worker.platform:
        raise ValidationError(
            {"platform": ValidationError(_("新就业形态劳动者须填写所在平台。"), code="platform_required")}
        )


def prepare_employer(details: EmployerDetails) -> Employer:
    """The existing employer with this credit code, or a new validated (unsaved) one."""
    employer = Employer(
        name=details.name.strip(),
        credit_code=details.credit_code.strip().upper(),
        address=details.address.strip(),
        street_id=details.street_id,
        industry=details.industry,
    )
    employer.full_clean(validate_unique=False, validate_constraints=False)
    return Employer.objects.filter(credit_code=employer.credit_code).first() or employer
