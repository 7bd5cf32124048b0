"""Forms of the staff steps (the same fields as the REST actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disputes.models import MediationOutcome, Performance


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
