"""The employer's link: a signed, timestamped token naming one invitation and its case, nothing more.

django.core.signing with its own salt, so no other signed value of the project passes for a link. A link is
refused when altered or foreign (LinkInvalid, 403) and when older than EMPLOYER_LINK_MAX_AGE_DAYS or past
its invitation's expiry (LinkExpired, 410).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from disputes.errors import ActionForbidden, DomainError
from disputes.models import Invitation

SALT = "disputes.employer-invitation"


class LinkInvalid(ActionForbidden):
    """A link that was not signed by us, was altered, or names an invitation of another case (403)."""

    default_code = "invitation_link_invalid"


class LinkExpired(DomainError):
    """A genuine link past its age (410)."""

    default_code = "invitation_link_expired"


def link_max_age() -> timedelta:
    return timedelta(days=settings.EMPLOYER_LINK_MAX_AGE_DAYS)


def invitation_token(invitation: Invitation) -> str:
    """A signed, timestamped token naming the invitation and its case; it expires after link_max_age()."""
    return signing.dumps({"i": invitation.pk, "c": invitation.case_id}, salt=SALT)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, or LinkInvalid (altered, foreign) / LinkExpired (too old)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired:
        raise LinkExpired(_("该链接已过期，请联系承办本案的调解组织。")) from None
    except signing.BadSignature:
        raise LinkInvalid(_("该链接无效或已被修改。")) from None
    found = None
    if isinstance(payload, dict) and isinstance(payload.get("i"), int):
        found = Invitation.objects.select_related("case", "employer").filter(pk=payload["i"]).first()
    if found is None or found.case_id != payload.get("c"):
        raise LinkInvalid(_("该链接无效或已被修改。"))
    if found.expires_at <= timezone.now():
        raise LinkExpired(_("该链接已过期，请联系承办本案的调解组织。"))
    return found


def invitation_path(invitation: Invitation) -> str:
    """The employer's page for this invitation (Chinese, unprefixed), with a fresh token."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("employer-invitation", args=[invitation_token(invitation)])
