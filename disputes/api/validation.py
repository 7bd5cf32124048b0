"""Input validation that reports each field error in Chinese and English."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from rest_framework import serializers

from disputes.api.errors import BilingualInputError


def validated_input(serializer_class: type[serializers.Serializer], data: Any, **context: Any) -> dict[str, Any]:
    """Validate in Chinese; on failure validate again in English, so both texts reach the client."""
    with translation.override("zh-hans"):
        serializer = serializer_class(data=data, context=context)
        if serializer.is_valid():
            return dict(serializer.validated_data)
        errors_zh = serializer.errors
    with translation.override("en"):
        english = serializer_class(data=data, context=context)
        english.is_valid()
        errors_en = english.errors
    raise BilingualInputError(errors_zh, errors_en)
