"""The employer's pages, reached only through the signed link of an invitation: read the case, answer it.

Server-rendered, no JavaScript, no account. A bad or foreign link is a 403 page, an old one 410: never the case.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from disputes.errors import DomainError
from disputes.invitation_links import LinkExpired, LinkInvalid, invitation_from_token
from disputes.models import Invitation
from disputes.services.invitations import answer_invitation_from, record_first_opening, summary

_FILE_CODES = ("file_too_large", "file_type_not_allowed")


class AnswerForm(forms.Form):
    willing = forms.TypedChoiceField(
        choices=[("yes", _("同意")), ("no", _("不同意"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    representative_name = forms.CharField(
        label=_("单位代表人姓名"), max_length=60, required=False, help_text=_("同意时必填")
    )
    representative_mobile = forms.CharField(
        label=_("代表人手机号码"),
        max_length=20,
        required=False,
        help_text=_("同意时必填"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    defence = forms.FileField(
        label=_("答辩材料（可选）"),
        required=False,
        help_text=_("PDF、图片、Word 或 Excel，不超过上限大小"),
    )

    def __init__(self, *args: Any, purpose_display: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["willing"].label = _("贵单位是否同意%(purpose)s？") % {"purpose": purpose_display}


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: keep it out of caches, other sites' referrers and search engines.

    `same-origin`, not `no-referrer`: with no referrer at all, browsers send `Origin: null` on the form's POST and
    Django's CSRF check refuses it."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request: HttpRequest, error: DomainError, status: int) -> HttpResponse:
    return _private(
        render(request, "employer/refused.html", {"message": error.message, "status": status}, status=status)
    )


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the case and the form (or the confirmation once answered); POST answers."""
    try:
        invitation = invitation_from_token(token)
    except LinkExpired as error:
        return _refused(request, error, 410)
    except LinkInvalid as error:
        return _refused(request, error, 403)
    record_first_opening(invitation)
    facts = summary(invitation)
    if invitation.is_answered:
        return _private(render(request, "employer/answered.html", {"s": facts, "invitation": invitation}))
    form = AnswerForm(request.POST or None, request.FILES or None, purpose_display=facts["purpose_display"])
    if request.method == "POST" and form.is_valid() and _answer(invitation, form):
        return _private(HttpResponseRedirect(request.path))
    status = 400 if request.method == "POST" else 200
    return _private(render(request, "employer/invitation.html", {"s": facts, "form": form}, status=status))


def _answer(invitation: Invitation, form: AnswerForm) -> bool:
    """Answer through the service; its refusals become the form's errors."""
    try:
        answer_invitation_from(invitation, form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)  # a dict of field errors lands on those fields
        return False
    except DomainError as error:
        _show(form, error)
        return False
    return True


def _show(form: AnswerForm, error: DomainError) -> None:
    form.add_error("defence" if error.code in _FILE_CODES else None, str(error.message))
