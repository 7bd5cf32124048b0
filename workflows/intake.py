"""One window for every filing (一口受理): the case is opened and its process started, or neither.

A filing can also be received now and registered a moment later (`receive_filing`, the API's
`Prefer: respond-async`): the receipt is stored durably in one insert, the intake runs in a worker, and a
catch-up sweep registers any receipt whose task was lost. The case counts as filed when it was received.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from disputes.errors import DomainError
from disputes.models import Case, Filing, FilingState
from disputes.models.idempotency import KeyClaim
from disputes.services.cases import CaseFiling, case_withdrawn, check_filing, filing_from_json, open_case
from disputes.services.invitations import invite_on_filing

logger = logging.getLogger(__name__)
# A receipt still waiting this long after it arrived lost its task (a broker restart, a worker killed).
CATCH_UP_AFTER = timedelta(seconds=settings.FILING_CATCH_UP_AFTER_SECONDS)
CATCH_UP_BATCH = 500
DRAIN_LIMIT = 5000  # receipts one drain task registers before handing on to a fresh task
INTAKE_WAKE_KEY = "leye:intake:wake"
INTAKE_WAKE_SECONDS = 60  # a task lost with its key: the catch-up sweep registers its receipts meanwhile
FILING_REJECTED = "filing_rejected"


@transaction.atomic
def file_case(filing: CaseFiling, *, by: Any, received_at: datetime | None = None) -> Case:
    """Open the case (online or at the window) and start its process in the same transaction.

    `received_at`: when the system received an online filing registered later (the case's filing moment).
    """
    from workflows.flows import DisputeFlow

    case = open_case(filing, by=by, received_at=received_at)
    DisputeFlow.start.run(case=case, by=by)
    case.refresh_from_db()
    invite_on_filing(case, filing.respondents, by=by)  # the employer hears of it by SMS/email, after commit
    return case


@receiver(case_withdrawn, dispatch_uid="workflows_end_process_on_withdrawal")
def end_process_on_withdrawal(sender: Any, case: Case, **kwargs: Any) -> None:
    """A withdrawn case leaves its process: waiting tasks are cancelled; with none running, it ends."""
    if case.process_id is None:
        return
    open_tasks = Task.objects.filter(
        process_id=case.process_id, status__in=(STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED)
    )
    for task in open_tasks:
        task.flow_task.activation_class(task).cancel()
    process = case.process
    if process is not None and not Task.objects.filter(process=process, finished__isnull=True).exists():
        process.status = PROCESS.CANCELED
        process.save(update_fields=["status"])


def receive_filing(filing: CaseFiling, *, by: Any, key: KeyClaim) -> Filing | None:
    """Check a filing as far as no party lookup is needed, store its receipt, and wake the intake after commit.

    Raises what `open_case` raises for the same input; a receipt stored is registered or rejected, never lost.
    The receipt claims the Idempotency-Key `key` as it is stored: None when the key is taken (nothing stored).
    """
    check_filing(filing, by=by)
    receipt = Filing.objects.receive(by, filing.to_json(), key)
    if receipt is not None:
        transaction.on_commit(wake_intake)
    return receipt


def wake_intake() -> None:
    """Send the intake one task for however many receipts arrive meanwhile: a cache key, not a message, per filing.

    The task drops the key before it looks for waiting receipts, so a receipt stored after its last look finds
    the key gone and sends a new task; one stored before is seen.
    """
    from workflows.tasks import drain_filings

    if cache.add(INTAKE_WAKE_KEY, 1, timeout=INTAKE_WAKE_SECONDS):
        drain_filings.delay()


def drain_waiting_filings() -> int:
    """Register every waiting receipt, oldest first, until none is left (or DRAIN_LIMIT); how many were settled."""
    settled, tried = 0, set[int]()
    while len(tried) < DRAIN_LIMIT:
        cache.delete(INTAKE_WAKE_KEY)
        waiting = _waiting(timezone.now(), besides=tried)  # one that failed here waits for the catch-up sweep
        if not waiting:
            break
        tried.update(waiting)
        settled += sum(_registered(filing_id) for filing_id in waiting)
    else:
        wake_intake()  # a long queue: the next task goes on, and other workers may take a share
    return settled


def _registered(filing_id: int) -> bool:
    """Register one receipt; a failure other than a refusal is logged and left for the catch-up sweep."""
    try:
        return register_filing(filing_id) is not None
    except Exception:
        logger.exception("filing receipt %s could not be registered; the catch-up sweep will retry it", filing_id)
        return False


def _waiting(received_before: datetime, besides: set[int] | frozenset[int] = frozenset()) -> list[int]:
    waiting = Filing.objects.filter(state=FilingState.RECEIVED, received_at__lte=received_before)
    waiting = waiting.exclude(pk__in=besides) if besides else waiting
    return list(waiting.order_by("received_at", "id").values_list("pk", flat=True)[:CATCH_UP_BATCH])


def register_filing(filing_id: int) -> Filing | None:
    """Open the case of a waiting receipt, once; a refusal marks it rejected with the reasons and tells the filer.

    Returns the receipt as settled now, or None when it was settled already or is being settled elsewhere.
    """
    try:
        with transaction.atomic():
            receipt = _claim(filing_id)
            if receipt is None:
                return None
            case = file_case(filing_from_json(receipt.payload), by=receipt.filed_by, received_at=receipt.received_at)
            receipt.state, receipt.case, receipt.settled_at = FilingState.REGISTERED, case, timezone.now()
            receipt.save(update_fields=["state", "case", "settled_at"])
            return receipt
    except (ValidationError, DomainError) as refusal:
        return _reject(filing_id, refusal)


def _claim(filing_id: int) -> Filing | None:
    # OF self: the filer's row is read, not locked; locking it too made a second worker skip every other receipt
    # of the same filer while one was being registered.
    waiting = Filing.objects.select_for_update(skip_locked=True, of=("self",)).select_related("filed_by")
    return waiting.filter(pk=filing_id, state=FilingState.RECEIVED).first()


@transaction.atomic
def _reject(filing_id: int, refusal: Exception) -> Filing | None:
    from disputes.api.errors import exception_handler
    from disputes.services.escalations import channels_for
    from realtime.notifications import compose, notify

    receipt = _claim(filing_id)
    if receipt is None:
        return None
    answer = exception_handler(refusal, {})
    receipt.state, receipt.settled_at = FilingState.REJECTED, timezone.now()
    receipt.errors = answer.data["error"] if answer is not None else {"code": "invalid_input"}
    receipt.save(update_fields=["state", "errors", "settled_at"])
    message = compose(
        FILING_REJECTED,
        _("您的网上申请未予登记"),
        _("申请内容有误，未能立案登记，请查看原因后重新提交。"),
        link=f"/api/v1/filings/{receipt.pk}/",
    )
    notify([receipt.filed_by], message, channels=channels_for(FILING_REJECTED), dedupe=f"filing:{receipt.pk}")
    return receipt


def register_waiting_filings(now: datetime | None = None) -> int:
    """Register the receipts whose task was lost (waiting past CATCH_UP_AFTER), oldest first; how many settled."""
    settled = sum(_registered(pk) for pk in _waiting((now or timezone.now()) - CATCH_UP_AFTER))
    if settled:
        logger.warning("registered %d filings whose intake task was lost", settled)
    return settled
