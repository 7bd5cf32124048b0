"""API shapes: input serializers check shape only; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from disputes import deadlines
from disputes.api import examples
from disputes.api.validation import SharedFieldsSerializer
from disputes.clock import RULES
from disputes.limitation import limitation_warnings
from disputes.models import (
    Arbitration,
    Award,
    AwardItem,
    Case,
    CaseEvent,
    ClaimCategory,
    ClaimItem,
    Clock,
    Employer,
    Industry,
    Organization,
    Street,
    Worker,
)
from disputes.models.cases import ENTRY_TIER_CHOICES
from disputes.permissions import can_read_every_id_number


class ClaimantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, label=_("姓名"))
    id_number = serializers.CharField(max_length=18, label=_("居民身份证号码"))
    mobile = serializers.CharField(max_length=20, label=_("手机号码"))
    is_gig_worker = serializers.BooleanField(default=False, label=_("新就业形态劳动者"))
    platform = serializers.CharField(max_length=80, required=False, allow_blank=True, default="", label=_("平台"))
    is_representative = serializers.BooleanField(default=False, label=_("集体争议代表"))


class RespondentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, label=_("单位名称"))
    credit_code = serializers.CharField(max_length=18, label=_("统一社会信用代码"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    street = serializers.IntegerField(required=False, allow_null=True, default=None, label=_("住所地街镇"))
    industry = serializers.ChoiceField(choices=Industry.choices, default=Industry.OTHER, label=_("行业"))
    # Where the employer's invitation to negotiate or mediate is sent (SMS and/or email); optional.
    contact_mobile = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", label=_("单位联系手机号码")
    )
    contact_email = serializers.CharField(
        max_length=254, required=False, allow_blank=True, default="", label=_("单位联系电子邮箱")
    )


class ClaimItemInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ClaimCategory.choices, label=_("请求类别"))
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, label=_("金额（元）")
    )
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_serializer(examples=[examples.request("online filing", examples.FILING)])
class CaseFilingSerializer(SharedFieldsSerializer):
    tier = serializers.ChoiceField(
        choices=ENTRY_TIER_CHOICES,
        label=_("申请阶段"),
    )
    workplace_street = serializers.IntegerField(label=_("用工所在街镇"))
    knew_of_infringement_on = serializers.DateField(label=_("知道或应当知道权利被侵害之日"))
    employment_ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    facts = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None, label=_("收件时间"))
    organization = serializers.IntegerField(
        required=False, allow_null=True, default=None, label=_("选择的调解组织（企业或行业调解组织）")
    )
    claimants = ClaimantInputSerializer(many=True, allow_empty=True)
    respondents = RespondentInputSerializer(many=True, allow_empty=True)
    claim_items = ClaimItemInputSerializer(many=True, allow_empty=True)


@extend_schema_serializer(examples=[examples.request("withdraw", {"reason": "已与单位自行和解。"})])
class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_serializer(examples=[examples.response("street", examples.STREET)])
class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "code", "name", "kind"]


@extend_schema_serializer(examples=[examples.response("mediation centre", examples.ORGANIZATION)])
class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "code", "name", "kind", "parent", "street", "handles_gig_disputes"]


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _mask_id_number(value: str) -> str:
    return value[:6] + "*" * 8 + value[14:]


class ClaimantSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    is_representative = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = ["id", "name", "id_number", "mobile", "is_gig_worker", "platform", "is_representative"]

    def get_id_number(self, worker: Worker) -> str:
        """Full numbers for staff and the worker; masked for the other side."""
        user = self.context["request"].user
        if can_read_every_id_number(user) or worker.user_id == user.pk:
            return worker.id_number
        return _mask_id_number(worker.id_number)

    def get_is_representative(self, worker: Worker) -> bool:
        return worker.pk in self.context.get("representative_ids", ())


class RespondentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "name", "credit_code", "address", "street", "industry"]


class ClaimItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimItem
        fields = ["id", "category", "amount", "description"]


class ClockSerializer(serializers.ModelSerializer):
    title_zh = serializers.SerializerMethodField()
    title_en = serializers.SerializerMethodField()
    remaining_days = serializers.SerializerMethodField()

    class Meta:
        model = Clock
        fields = [
            "id",
            "rule",
            "title_zh",
            "title_en",
            "started_on",
            "state",
            "due_on",
            "provisional",
            "suspended_since",
            "ended_on",
            "remaining_days",
        ]

    def get_title_zh(self, clock: Clock) -> str:
        return RULES[clock.rule].title_zh

    def get_title_en(self, clock: Clock) -> str:
        return RULES[clock.rule].title_en

    def get_remaining_days(self, clock: Clock) -> int | None:
        """Calendar days from today (Asia/Shanghai) to the due date; negative once it has passed."""
        if clock.due_on is None or not clock.is_open:
            return None
        return (clock.due_on - timezone.localdate()).days


@extend_schema_serializer(examples=[examples.response("mediation window", examples.CLOCK_DETAIL)])
class ClockDetailSerializer(ClockSerializer):
    explanation = serializers.SerializerMethodField()

    class Meta(ClockSerializer.Meta):
        fields = [*ClockSerializer.Meta.fields, "explanation"]

    def get_explanation(self, clock: Clock) -> dict[str, Any]:
        """The due date's working, step by step, from the clock's ledger."""
        return deadlines.compute(clock.rule, clock.started_on, clock.ledger()).to_dict()


class AwardItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardItem
        fields = ["category", "description", "amount", "granted", "final", "finality_reason"]


class AwardSerializer(serializers.ModelSerializer):
    items = AwardItemSerializer(many=True)

    class Meta:
        model = Award
        fields = ["id", "decided_on", "served_on", "is_partial", "by_default", "took_effect_on", "items"]


class ArbitrationSerializer(serializers.ModelSerializer):
    awards = AwardSerializer(many=True)

    class Meta:
        model = Arbitration
        fields = [
            "id",
            "number",
            "tribunal",
            "received_at",
            "supplement_requested_at",
            "supplement_completed_on",
            "accepted_on",
            "refused_on",
            "refusal_reason",
            "arbitrator",
            "served_on",
            "defence_received_on",
            "closure",
            "closed_on",
            "awards",
        ]


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message_zh = serializers.CharField()
    message_en = serializers.CharField()


@extend_schema_serializer(examples=[examples.response("mediation case", examples.CASE)])
class CaseSerializer(serializers.ModelSerializer):
    workplace_street = NamedRefSerializer()
    current_organization = NamedRefSerializer(allow_null=True)
    claimants = serializers.SerializerMethodField()
    respondents = RespondentSerializer(many=True)
    claim_items = ClaimItemSerializer(many=True)
    tier_display = serializers.CharField(source="get_tier_display")
    clocks = ClockSerializer(many=True)
    warnings = serializers.SerializerMethodField()
    arbitration = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "tier",
            "tier_display",
            "channel",
            "filed_at",
            "knew_of_infringement_on",
            "employment_ended_on",
            "workplace_street",
            "current_organization",
            "is_collective",
            "facts",
            "claimants",
            "respondents",
            "claim_items",
            "closed_at",
            "closure_kind",
            "clocks",
            "warnings",
            "arbitration",
        ]

    @extend_schema_field(ArbitrationSerializer(allow_null=True))
    def get_arbitration(self, case: Case) -> dict[str, Any] | None:
        """The latest arbitration of the case, with its awards."""
        latest = max(case.arbitrations.all(), key=lambda a: a.received_at, default=None)
        return dict(ArbitrationSerializer(latest).data) if latest else None

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, case: Case) -> list[dict[str, str]]:
        return limitation_warnings(case)

    def get_claimants(self, case: Case) -> list[dict[str, Any]]:
        links = list(case.claimant_links.all())
        context = {**self.context, "representative_ids": {link.worker_id for link in links if link.is_representative}}
        return list(ClaimantSerializer([link.worker for link in links], many=True, context=context).data)


@extend_schema_serializer(examples=[examples.response("mediation case", examples.CASE_ROW)])
class CaseListSerializer(serializers.ModelSerializer):
    workplace_street = NamedRefSerializer()
    current_organization = NamedRefSerializer(allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "tier",
            "channel",
            "filed_at",
            "workplace_street",
            "current_organization",
            "is_collective",
            "closed_at",
            "closure_kind",
        ]


@extend_schema_serializer(examples=[examples.response("mediation accepted", examples.CASE_EVENT)])
class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", default=None)

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "kind", "actor", "before", "after", "note"]
