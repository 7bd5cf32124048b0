"""The case process: viewflow's Process seen through its case (Case.process links them one to one)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task


class DisputeProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("争议处理流程")
        verbose_name_plural = _("争议处理流程")

    @property
    def dispute(self) -> Any:
        """The case this process carries (reverse of Case.process)."""
        return self.case


class DisputeTask(Task):
    class Meta:
        proxy = True
        verbose_name = _("流程任务")
        verbose_name_plural = _("流程任务")
