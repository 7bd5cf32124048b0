"""The Chinese admin: reference data is edited here; cases change only through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from disputes.errors import DomainError
from disputes.models import (
    CalendarDay,
    CalendarYear,
    Case,
    CaseClaimant,
    CaseDocument,
    CaseEvent,
    CaseRespondent,
    ClaimItem,
    Clock,
    ClockEvent,
    Employer,
    Evidence,
    IdempotencyKey,
    Invitation,
    InvitationDelivery,
    MinimumWage,
    Organization,
    StaffMembership,
    Street,
    Worker,
)
from disputes.services.calendar import publish_calendar_year, unpublish_calendar_year
from disputes.services.cases import withdraw_case

admin.site.site_header = _("乐业 · 劳动争议调解仲裁")
admin.site.site_title = _("乐业")
admin.site.index_title = _("管理首页")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [name for name in self.fields or [] if isinstance(name, str)]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "street", "parent", "handles_gig_disputes", "is_active"]
    list_filter = ["kind", "street", "handles_gig_disputes", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "employer"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "title"]
    list_filter = ["organization__kind", "organization"]
    search_fields = ["user__username", "user__first_name", "organization__name"]
    autocomplete_fields = ["organization"]


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ["name", "id_number", "mobile", "is_gig_worker", "platform", "created_at"]
    list_filter = ["is_gig_worker", "platform"]
    search_fields = ["name", "id_number", "mobile"]
    raw_id_fields = ["user"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "street", "industry"]
    list_filter = ["industry", "street"]
    search_fields = ["name", "credit_code"]
    filter_horizontal = ["representatives"]


class ClaimantInline(ReadOnlyInline):
    model = CaseClaimant
    fields = ["worker", "is_representative"]


class RespondentInline(ReadOnlyInline):
    model = CaseRespondent
    fields = ["employer"]


class ClaimItemInline(ReadOnlyInline):
    model = ClaimItem
    fields = ["category", "amount", "description"]


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "kind", "actor", "before", "after", "note"]
    ordering = ["at", "id"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "tier",
        "channel",
        "workplace_street",
        "current_organization",
        "is_collective",
        "filed_at",
    ]
    list_filter = ["tier", "channel", "is_collective", "workplace_street", "closure_kind", "filed_at"]
    search_fields = [
        "number",
        "claimants__name",
        "claimants__id_number",
        "respondents__name",
        "respondents__credit_code",
    ]
    date_hierarchy = "filed_at"
    list_select_related = ["workplace_street", "current_organization"]
    inlines = [ClaimantInline, RespondentInline, ClaimItemInline, CaseEventInline]
    actions = ["withdraw_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Every change to a case goes through a service, so the form shows and never writes.
        return [f.name for f in Case._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("撤回所选案件的申请"), permissions=["view"])
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        for case in queryset:
            try:
                withdraw_case(case, by=request.user, reason=str(_("管理后台登记撤回")))
            except DomainError as error:
                self.message_user(request, f"{case}: {error.message}", level=messages.ERROR)


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    """The audit log: readable, never added to, changed or deleted by hand."""

    list_display = ["at", "case", "kind", "actor"]
    list_filter = ["kind", "at"]
    search_fields = ["case__number", "kind", "actor__username"]
    list_select_related = ["case", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ["day", "kind", "holiday_name"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Publishing or correcting a year re-projects every open clock it affects (one service does both)."""

    list_display = ["year", "source", "updated_at"]
    search_fields = ["year", "source"]
    inlines = [CalendarDayInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        year = CalendarYear.objects.prefetch_related("days").get(pk=form.instance.pk)
        moved = publish_calendar_year(year.as_year_calendar(), by=request.user)
        self.message_user(request, _("已重新推算 %(count)d 个未结束的期限。") % {"count": moved})

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        unpublish_calendar_year(obj.year, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for year in list(queryset.values_list("year", flat=True)):
            unpublish_calendar_year(year, by=request.user)


class ClockEventInline(ReadOnlyInline):
    model = ClockEvent
    fields = ["kind", "on", "days", "reason", "approved_by", "recorded_by", "recorded_at"]


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Clocks move only through their services; the admin shows them and their ledgers."""

    list_display = ["case", "rule", "started_on", "state", "due_on", "provisional", "suspended_since"]
    list_filter = ["rule", "state", "provisional", "due_on"]
    search_fields = ["case__number"]
    list_select_related = ["case"]
    inlines = [ClockEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Clock._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MinimumWage)
class MinimumWageAdmin(admin.ModelAdmin):
    list_display = ["region", "monthly_amount", "effective_on", "source"]
    list_filter = ["region"]
    search_fields = ["region", "source"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "key", "method", "path", "status_code"]
    search_fields = ["key", "user__username", "path"]
    readonly_fields = ["user", "key", "method", "path", "request_hash", "status_code", "response_body", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(CaseDocument)
class CaseDocumentAdmin(admin.ModelAdmin):
    """Issued documents: listed with their checksums; issued and downloaded only through the API."""

    list_display = ["generated_at", "case", "kind", "version", "size", "generated_by"]
    list_filter = ["kind", "generated_at"]
    search_fields = ["case__number", "sha256"]
    list_select_related = ["case", "generated_by"]
    readonly_fields = ["case", "kind", "version", "file_name", "sha256", "size", "generated_at", "generated_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (uploads, invitations): listed for staff, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(_ReadOnlyAdmin):
    """Uploaded evidence with its checksum; the files are downloaded only through the API."""

    list_display = ["uploaded_at", "case", "side", "kind", "original_name", "content_type", "size"]
    list_filter = ["side", "kind", "content_type"]
    search_fields = ["case__number", "sha256", "original_name"]
    list_select_related = ["case"]


class InvitationDeliveryInline(admin.TabularInline):
    model = InvitationDelivery
    fields = ["channel", "address", "status", "attempts", "last_error", "delivered_at"]
    readonly_fields = ["channel", "address", "status", "attempts", "last_error", "delivered_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyAdmin):
    """Employer invitations: each delivery and the first opening of the link are the proof of service."""

    list_display = ["created_at", "case", "employer", "purpose", "first_opened_at", "answer", "answered_at"]
    list_filter = ["purpose", "answer"]
    search_fields = ["case__number", "employer__name", "mobile", "email"]
    list_select_related = ["case", "employer"]
    inlines = [InvitationDeliveryInline]
