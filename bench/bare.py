"""The floor bench/api.py measures the API against: a bare Django insert view and a bare authenticated detail view.

Each does the least its API counterpart must: the insert parses the JSON body and INSERTs one row; the detail
finds the user by the `Authorization: Token …` header (the query DRF's TokenAuthentication runs) and reads one
case row by primary key. The same settings and middleware as the product, so only the views differ.
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.models import Token

from disputes.models import Case

TABLE = "bench_bare_row"
CREATE_TABLE = f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, created_at timestamptz, body jsonb)"
CASE_FIELDS = ("id", "number", "tier", "channel", "filed_at", "workplace_street_id", "current_organization_id")


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    """POST a JSON body: one row stored, its id answered (201)."""
    if request.method != "POST":
        return HttpResponse(status=405)
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (created_at, body) VALUES (now(), %s) RETURNING id", [json.dumps(body)])
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk}, status=201)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET one case row by primary key, for the holder of a valid token (401 otherwise)."""
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return JsonResponse({"error": "unauthorized"}, status=401)
    row = Case.objects.filter(pk=pk).values(*CASE_FIELDS).first()
    return JsonResponse(row) if row else JsonResponse({"error": "not_found"}, status=404)


urlpatterns = [path("bare/insert/", insert), path("bare/cases/<int:pk>/", detail)]
