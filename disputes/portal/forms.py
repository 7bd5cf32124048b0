"""The portal's forms: they check shape only; the account and filing services decide the rules."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from disputes.models import ClaimCategory, Street

MAX_UPLOADS = 10
MAX_CLAIM_ITEMS = 10
MIN_AMOUNT = Decimal("0.01")


def _text(autocomplete: str, **attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, **attrs})


def _password(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"), max_length=20, widget=_text("tel", inputmode="tel", placeholder="13800000000")
    )


class NewPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=_password("new-password"),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(label=_("再次输入密码"), strip=False, widget=_password("new-password"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", ValidationError(_("两次输入的密码不一致。"), code="password_mismatch"))
        return data


class CodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        widget = _text("one-time-code", inputmode="numeric", pattern="[0-9]*", maxlength="6")
        super().__init__(label=_("短信验证码"), max_length=6, widget=widget, **kwargs)


class SignUpForm(NewPasswordForm):
    code = CodeField()
    name = forms.CharField(label=_("姓名"), max_length=60, widget=_text("name"))
    id_number = forms.CharField(
        label=_("居民身份证号码"), max_length=18, widget=_text("off", autocapitalize="characters")
    )
    field_order = ["code", "name", "id_number", "password1", "password2"]


class ResetForm(NewPasswordForm):
    code = CodeField()
    field_order = ["code", "password1", "password2"]


class SignInForm(forms.Form):
    mobile = forms.CharField(label=_("手机号码"), max_length=150, widget=_text("username", inputmode="tel"))
    password = forms.CharField(label=_("密码"), strip=False, widget=_password("current-password"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the evidence service, not here."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        files = [super(MultipleFileField, self).clean(item, initial) for item in files]
        if len(files) > MAX_UPLOADS:
            raise ValidationError(_("一次最多上传 %(n)s 个文件。"), code="too_many_files", params={"n": MAX_UPLOADS})
        return files


class FilingForm(forms.Form):
    """An online mediation request by the signed-in worker, against one employer."""

    required_css_class = "required"

    filing_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    employer_name = forms.CharField(
        label=_("用人单位名称"),
        max_length=200,
        widget=_text("organization", list="employer-options"),
        help_text=_("输入名称或统一社会信用代码可查找已登记的单位。"),
    )
    employer_credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        widget=_text("off", autocapitalize="characters"),
        help_text=_("18位，见营业执照；可在“国家企业信用信息公示系统”查询。"),
    )
    # Where the invitation to answer goes (SMS and email with a signed link), if the worker knows it.
    employer_mobile = forms.CharField(
        label=_("用人单位联系人手机（选填）"),
        max_length=11,
        required=False,
        widget=_text("off", inputmode="tel"),
        help_text=_("填写后，系统会以短信向单位发送应答邀请。"),
    )
    employer_email = forms.EmailField(
        label=_("用人单位联系邮箱（选填）"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    is_gig_worker = forms.BooleanField(
        label=_("我是新就业形态劳动者（外卖、网约车、快递等平台从业人员）"), required=False
    )
    platform = forms.CharField(label=_("所在平台"), max_length=80, required=False, widget=_text("off"))
    # Any number passes the form: an unknown street is the filing service's refusal (unknown_street).
    workplace_street = forms.IntegerField(
        label=_("工作地点所在街镇"), widget=forms.Select, error_messages={"required": _("请选择工作地点所在街镇。")}
    )
    knew_of_infringement_on = forms.DateField(
        label=_("您知道权益受到侵害的日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("例如公司应发而未发工资的日期、被辞退的日期。"),
    )
    employment_ended_on = forms.DateField(
        label=_("劳动关系结束日期（仍在职可不填）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    facts = forms.CharField(
        label=_("事实与理由"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("用自己的话说明发生了什么、您希望得到什么。"),
    )
    evidence = MultipleFileField(
        label=_("证据材料（可多选）"),
        required=False,
        help_text=_("如劳动合同、工资条、聊天记录截图。支持 PDF、图片、Word、Excel。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        streets = [(street.pk, street.name) for street in Street.objects.all()]
        self.fields["workplace_street"].widget.choices = [("", _("请选择街镇")), *streets]
        if not self.is_bound:
            self.initial.setdefault("filing_key", secrets.token_urlsafe(24))


class ClaimItemForm(forms.Form):
    category = forms.ChoiceField(
        label=_("请求类别"),
        choices=[("", _("请选择")), *ClaimCategory.choices],
        error_messages={"required": _("请选择请求类别。")},
    )
    amount = forms.DecimalField(
        label=_("金额（元）"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    description = forms.CharField(label=_("具体内容（可不填）"), max_length=500, required=False)

    def clean_amount(self) -> Decimal | None:
        amount: Decimal | None = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise ValidationError(_("金额不能为负数。"), code="negative_amount")
        if amount is not None and amount < MIN_AMOUNT:
            raise ValidationError(_("金额至少为 0.01 元。"), code="amount_too_small")
        return amount


class BaseClaimItemFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("请至少填写一项请求。"), code="claim_item_required")


ClaimItemFormSet = forms.formset_factory(
    ClaimItemForm, formset=BaseClaimItemFormSet, extra=3, max_num=MAX_CLAIM_ITEMS, validate_max=True
)
