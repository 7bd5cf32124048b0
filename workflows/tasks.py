"""Workflow jobs: registering received filings, and firing viewflow's due timers, which nothing else fires."""

from celery import shared_task


@shared_task(name="workflows.tasks.fire_workflow_timers", acks_late=True)
def fire_workflow_timers() -> int:
    """Fire every viewflow timer task whose scheduled moment has passed; returns how many fired."""
    from viewflow.workflow.timers import fire_due_timers

    return int(fire_due_timers() or 0)


@shared_task(name="workflows.tasks.drain_filings", acks_late=True)
def drain_filings() -> int:
    """Register the waiting filing receipts (idempotent: a settled receipt is left as it is); how many."""
    from workflows.intake import drain_waiting_filings

    return drain_waiting_filings()


@shared_task(name="workflows.tasks.register_waiting_filings", acks_late=True)
def register_waiting_filings() -> int:
    """Catch up: register receipts whose task was lost; how many were settled."""
    from workflows.intake import register_waiting_filings as catch_up

    return catch_up()
