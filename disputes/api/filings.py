"""Filing receipts: what `POST /api/v1/cases/` with `Prefer: respond-async` answers, and where to follow it."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from disputes.api import examples
from disputes.models import Filing, FilingState

PREFER_ASYNC = "respond-async"


def prefers_async(request: Request) -> bool:
    """RFC 7240: `Prefer: respond-async` asks for 202 and a receipt instead of waiting for the whole intake."""
    preferences = request.headers.get("Prefer", "")
    return any(part.strip().lower() == PREFER_ASYNC for part in preferences.replace(";", ",").split(","))


def receipt_url(receipt: Filing) -> str:
    return f"{_receipts_path(get_script_prefix())}{receipt.pk}/"


@lru_cache
def _receipts_path(script_prefix: str) -> str:
    """Where receipts live under this script prefix, resolved once (reverse() costs more than the rest here)."""
    return reverse("filing-list")


def receipt_response(receipt: Filing, *, replayed: bool = False) -> Response:
    """202 with the receipt, where to follow it, and that the asynchronous answer was applied."""
    headers = {"Location": receipt_url(receipt), "Preference-Applied": PREFER_ASYNC}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(FilingReceiptSerializer(receipt).data, status=202, headers=headers)


@extend_schema_serializer(
    examples=[
        examples.response("received", examples.FILING_RECEIPT),
        examples.response("registered", examples.FILING_REGISTERED),
    ]
)
class FilingReceiptSerializer(serializers.Serializer):
    # Declared rather than a ModelSerializer: it answers every asynchronous filing, and building fields from the
    # model for each answer cost more than the rest of the answer.
    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=FilingState.choices, read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    settled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    case_url = serializers.SerializerMethodField()
    # DRF's metaclass takes declared fields off the class, so this one does not hide `Serializer.errors`.
    errors = serializers.JSONField(  # type: ignore[assignment]
        read_only=True, help_text="未予登记的原因，格式同 400 错误 / why it was rejected"
    )

    def get_url(self, receipt: Filing) -> str:
        return receipt_url(receipt)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case_url(self, receipt: Filing) -> str | None:
        return reverse("case-detail", args=[receipt.case_id]) if receipt.case_id else None


class FilingViewSet(viewsets.ReadOnlyModelViewSet):
    """Your filing receipts, newest first: received → registered (with the case) or rejected (with the reasons)."""

    serializer_class = FilingReceiptSerializer

    def get_queryset(self) -> QuerySet[Filing]:
        return Filing.objects.filter(filed_by_id=self.request.user.pk).order_by("-received_at", "-id")
