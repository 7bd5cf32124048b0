"""The staff frontend (viewflow's Site), in Chinese: queues, inboxes, archive and the flow chart."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Application, Site
from viewflow.workflow.flow import FlowAppViewset

from disputes.roles import STAFF_ROLES, has_role
from workflows import views
from workflows.flows import DisputeFlow


class StaffFlowViewset(FlowAppViewset):
    """Only staff see these pages; every list is cut to the user's organization."""

    queue_view_class = views.OrganizationQueueView
    inbox_view_class = views.InboxView
    archive_view_class = views.ArchiveView
    process_list_view_class = views.ProcessListView
    task_list_view_class = views.TaskListView
    process_detail_view_class = views.ProcessDetailView

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        return bool(user.is_authenticated and (user.is_superuser or has_role(user, *STAFF_ROLES)))


site = Site(
    title=_("乐业 · 调解仲裁工作台"),
    menu_template_name="realtime/site_menu.html",  # viewflow's menu plus the alert desk
    viewsets=[
        Application(
            title=_("案件办理"),
            app_name="cases",
            permission=lambda user: user.is_authenticated and (user.is_superuser or has_role(user, *STAFF_ROLES)),
            viewsets=[StaffFlowViewset(DisputeFlow, icon="gavel")],
        ),
    ],
)

auth = AuthViewset(with_profile_view=False)
