"""Staff pages: the step forms of the viewflow frontend, and task lists filtered by organization."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.utils import viewprop
from viewflow.views import FormLayoutMixin
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.flow.views import mixins

from disputes.errors import DomainError
from disputes.models import Case
from disputes.services import arbitration
from disputes.services.arbitration import AwardItemDetails
from disputes.services.mediation import AgreementDetails, AgreementItemDetails
from workflows import forms, queues, steps


class StepView(
    FormLayoutMixin,
    mixins.SuccessMessageMixin,
    mixins.TaskSuccessUrlMixin,
    mixins.TaskViewTemplateNames,
    generic.FormView,
):
    """A staff step: the form's data goes to the same step function as the REST action."""

    template_filename = "task.html"
    success_message = _("任务 {task} 已完成。")

    @property
    def activation(self) -> Any:
        """Set on the request by viewflow's task-view wrapper, under the flow lock."""
        return getattr(self.request, "activation")  # noqa: B009 - not an attribute of HttpRequest's type

    def case(self) -> Case:
        return Case.objects.get(process_id=self.activation.process.pk)

    # Each step page says what its form does, by calling the step function of workflows.steps.
    perform: Callable[[Case, dict[str, Any]], None]

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.perform(self.case(), form.cleaned_data)
        except (DomainError, ValidationError) as error:
            form.add_error(None, str(getattr(error, "message", error)))
            return self.form_invalid(form)
        self.activation.execute()
        return HttpResponseRedirect(self.get_success_url())


class AcceptMediationView(StepView):
    form_class = forms.AcceptanceForm

    def perform(self, case: Case, data: dict[str, Any]) -> None:
        steps.perform_acceptance(case, self.request.user, data["decision"] == "accept", data["reason"])


class MediationOutcomeView(StepView):
    form_class = forms.OutcomeForm

    def perform(self, case: Case, data: dict[str, Any]) -> None:
        agreement = None
        if data["signed_on"] and data["item_description"]:
            item = AgreementItemDetails(data["item_description"], data["item_amount"], data["item_pay_by"])
            agreement = AgreementDetails(signed_on=data["signed_on"], items=[item])
        steps.perform_outcome(case, self.request.user, data["outcome"], data["note"], agreement)


class PaymentFollowUpView(StepView):
    form_class = forms.FollowUpForm

    def perform(self, case: Case, data: dict[str, Any]) -> None:
        steps.perform_follow_up(case, self.request.user, data["performance"], data["amount_paid"], data["note"])


class AcceptApplicationView(StepView):
    form_class = forms.ApplicationForm

    def perform(self, case: Case, data: dict[str, Any]) -> None:
        steps.perform_application_decision(case, self.request.user, data["decision"], data["reason"])


class HearCaseView(StepView):
    """The decision that closes the hearing: an award (one item here; more through the API) or a 调解书."""

    form_class = forms.DecisionForm

    def perform(self, case: Case, data: dict[str, Any]) -> None:
        if data["decision"] == "mediation":
            arbitration.record_arbitral_mediation(case, data["decided_on"], by=self.request.user)
            return
        item = AwardItemDetails(data["category"] or "other", data["amount"])
        arbitration.issue_award(
            case,
            [item],
            by=self.request.user,
            decided_on=data["decided_on"],
            served_on=data["served_on"] or data["decided_on"],
        )


class OrganizationQueueView(flow_views.FlowQueueListView):
    title = _("本组织待认领")

    @viewprop
    def queryset(self) -> Any:
        return queues.organization_queue(self.request.user)


class InboxView(flow_views.FlowInboxListView):
    title = _("我的待办")

    @viewprop
    def queryset(self) -> Any:
        return queues.inbox(self.request.user)


class ArchiveView(flow_views.FlowArchiveListView):
    title = _("已办")

    @viewprop
    def queryset(self) -> Any:
        return queues.archive(self.request.user)


class ProcessListView(flow_views.DashboardProcessListView):
    def get_queryset(self) -> Any:
        visible = Case.objects.visible_to(self.request.user).values("process_id")
        return super().get_queryset().filter(pk__in=visible)


class TaskListView(flow_views.DashboardTaskListView):
    @viewprop
    def queryset(self) -> Any:
        visible = Case.objects.visible_to(self.request.user).values("process_id")
        tasks = self.model._default_manager.filter(process__flow_class=self.flow_class, process_id__in=visible)
        return tasks.select_related("process")


class ProcessDetailView(flow_views.DetailProcessView):
    def get_queryset(self) -> Any:
        visible = Case.objects.visible_to(self.request.user).values("process_id")
        return super().get_queryset().filter(pk__in=visible)
