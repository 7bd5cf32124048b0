"""Periodic workflow jobs: firing viewflow's due timers, which nothing else fires."""

from celery import shared_task


@shared_task(name="workflows.tasks.fire_workflow_timers", acks_late=True)
def fire_workflow_timers() -> int:
    """Fire every viewflow timer task whose scheduled moment has passed; returns how many fired."""
    from viewflow.workflow.timers import fire_due_timers

    return int(fire_due_timers() or 0)
