"""A case's detail as the API answers it, rendered once per case version and kept in the cache as JSON bytes.

The key names everything the document depends on besides the case's rows (whose changes move
`Case.detail_version`, disputes/services/case_versions.py): today's date in Asia/Shanghai (remaining days),
the active language (tier_display) and the viewer class (claimants' ID numbers are masked except for staff,
superusers and the claimant themself). Callers check visibility first: the key is only built for a viewer
who may see the case.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from disputes.api.serializers import CaseSerializer
from disputes.models import Case, CaseClaimant
from disputes.permissions import can_read_every_id_number

logger = logging.getLogger(__name__)


def case_detail_json(case_id: int, version: int, request: Request) -> bytes:
    """The detail of a case the requesting user may see, at `version` (read with the visibility check)."""
    key = detail_key(case_id, version, request.user)
    try:
        document: bytes | None = cache.get(key)
    except Exception:  # the cache is an accelerator: with Redis down the detail is built as before
        logger.warning("case detail cache unavailable; building case %s from the database", case_id, exc_info=True)
        return render_case_detail(case_id, request)
    if document is None:
        document = render_case_detail(case_id, request)
        with contextlib.suppress(Exception):
            cache.set(key, document, timeout=settings.CASE_DETAIL_CACHE_SECONDS)
    return document


def detail_key(case_id: int, version: int, user: Any) -> str:
    viewer = "full" if can_read_every_id_number(user) else f"user{user.pk}"
    today, language = timezone.localdate().isoformat(), translation.get_language()
    return f"case-detail:{case_id}:{version}:{today}:{language}:{viewer}"


def render_case_detail(case_id: int, request: Request) -> bytes:
    """CaseSerializer's JSON of the case, built now from the database."""
    case = detailed_cases().get(pk=case_id)
    return JSONRenderer().render(CaseSerializer(case, context={"request": request}).data)


def detailed_cases() -> QuerySet[Case]:
    """Every case, each with what CaseSerializer shows (select the one wanted)."""
    return with_details(Case.objects.select_related("workplace_street", "current_organization"))


def with_details(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with every row CaseSerializer shows, prefetched."""
    claimant_links = CaseClaimant.objects.select_related("worker").order_by("id")
    return cases.prefetch_related(
        Prefetch("claimant_links", queryset=claimant_links),
        "respondents",
        "claim_items",
        "clocks",
        "arbitrations__awards__items",
    )
