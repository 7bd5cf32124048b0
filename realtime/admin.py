"""Notifications in the admin: read only, with every delivery attempt; they change only through delivery."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from realtime.models import Notification, NotificationAttempt


class NotificationAttemptInline(admin.TabularInline):
    model = NotificationAttempt
    extra = 0
    can_delete = False
    fields = ("at", "ok", "error")
    readonly_fields = ("at", "ok", "error")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "case", "kind", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "status", "kind"]
    search_fields = ["recipient__username", "case__number", "dedupe_key"]
    list_select_related = ["recipient", "case"]
    inlines = [NotificationAttemptInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
