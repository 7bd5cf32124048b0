"""Forms of the staff steps (the same fields as the REST actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disputes.models import ClaimCategory, MediationOutcome, Performance


class AcceptanceForm(forms.Form):
    decision = forms.ChoiceField(label=_("受理决定"), choices=[("accept", _("受理")), ("decline", _("不予受理"))])
    reason = forms.CharField(label=_("不予受理理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=MediationOutcome.choices)
    note = forms.CharField(label=_("调解情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    signed_on = forms.DateField(label=_("协议签订日期"), required=False)
    item_description = forms.CharField(label=_("协议事项"), required=False)
    item_amount = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0, decimal_places=2)
    item_pay_by = forms.DateField(label=_("履行期限"), required=False)


class FollowUpForm(forms.Form):
    performance = forms.ChoiceField(
        label=_("履行情况"), choices=[c for c in Performance.choices if c[0] != Performance.PENDING]
    )
    amount_paid = forms.DecimalField(label=_("已支付金额（元）"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("回访记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApplicationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审查决定"),
        choices=[("accept", _("受理")), ("supplement", _("通知补正")), ("refuse", _("不予受理"))],
    )
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("结案方式"), choices=[("award", _("裁决")), ("mediation", _("仲裁调解书"))])
    decided_on = forms.DateField(label=_("裁决（签收）日期"))
    served_on = forms.DateField(label=_("裁决书送达日"), required=False)
    category = forms.ChoiceField(label=_("裁决事项"), choices=ClaimCategory.choices, required=False)
    amount = forms.DecimalField(label=_("裁决金额（元）"), required=False, min_value=0, decimal_places=2)
