"""Thin API views: validate shape, call one service, serialize the result."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from disputes.api import case_detail, examples
from disputes.api import serializers as s
from disputes.api.filings import PREFER_ASYNC, FilingReceiptSerializer, prefers_async
from disputes.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent_create, idempotent_receipt
from disputes.api.throttling import ScopedRateThrottle
from disputes.api.validation import validated_input
from disputes.errors import DomainError
from disputes.models import Case, Organization, Street
from disputes.roles import roles_of
from disputes.services.cases import CaseFiling, ClaimantDetails, ClaimItemDetails, withdraw_case
from disputes.services.parties import EmployerDetails
from workflows.api import ACTIONS, Action
from workflows.intake import file_case, receive_filing

PREFER_PARAMETER = OpenApiParameter(
    "Prefer",
    {"type": "string", "enum": [PREFER_ASYNC]},
    OpenApiParameter.HEADER,
    description="respond-async：立即返回回执（202），稍后立案登记 / answer with a receipt (202) and register shortly",
)


def _filing_from(data: dict[str, Any]) -> CaseFiling:
    return CaseFiling(
        tier=data["tier"],
        workplace_street_id=data["workplace_street"],
        knew_of_infringement_on=data["knew_of_infringement_on"],
        employment_ended_on=data["employment_ended_on"],
        facts=data["facts"],
        received_at=data["received_at"],
        organization_id=data["organization"],
        claimants=[ClaimantDetails(**c) for c in data["claimants"]],
        respondents=[_employer_details(r) for r in data["respondents"]],
        claim_items=[ClaimItemDetails(**i) for i in data["claim_items"]],
    )


def _employer_details(data: dict[str, Any]) -> EmployerDetails:
    fields = {key: value for key, value in data.items() if key != "street"}
    return EmployerDetails(street_id=data["street"], **fields)


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases visible to the signed-in user; another party's case is 404."""

    throttle_scope = "filing"  # the "filing" rate of DEFAULT_THROTTLE_RATES, applied to create only

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedRateThrottle()] if self.action == "create" else []

    def get_queryset(self) -> QuerySet[Case]:
        cases = Case.objects.visible_to(self.request.user).select_related("workplace_street", "current_organization")
        if self.action == "list":
            return self._filtered(cases)
        return case_detail.with_details(cases)

    def acted_on(self, pk: str) -> Response:
        """The case after an action; shown even when the action moved it out of the actor's view."""
        case = case_detail.detailed_cases().get(pk=pk)
        return Response(s.CaseSerializer(case, context=self.get_serializer_context()).data)

    def _filtered(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        params = self.request.query_params
        if tier := params.get("tier"):
            cases = cases.filter(tier=tier)
        if street := params.get("street"):
            cases = cases.filter(workplace_street_id=int(street)) if street.isdigit() else cases.none()
        return cases.order_by("-is_collective", "-filed_at", "-id")  # collective disputes first (Law 7)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.CaseListSerializer if self.action == "list" else s.CaseSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        # CaseSerializer's JSON of the case's current version, from the cache; the browsable API as before.
        # One query checks visibility and reads the version: the cache is never asked about another's case.
        if not isinstance(request.accepted_renderer, JSONRenderer):
            return super().retrieve(request, *args, **kwargs)
        case = get_object_or_404(Case.objects.visible_to(request.user).only("detail_version"), pk=kwargs["pk"])
        document = case_detail.case_detail_json(case.pk, case.detail_version, request)
        return HttpResponse(document, content_type="application/json")

    @extend_schema(
        request=s.CaseFilingSerializer,
        responses={201: s.CaseSerializer, 202: FilingReceiptSerializer},
        parameters=[IDEMPOTENCY_PARAMETER, PREFER_PARAMETER],
    )
    def create(self, request: Request) -> Response:
        """File a case: a worker online, or a clerk registering a filing at the window.

        With `Prefer: respond-async` the filing is checked, stored and answered at once (202, its receipt at
        `Location`); the case is opened a moment later, dated when the filing was received.
        """

        if prefers_async(request):
            filing = _filing_from(validated_input(s.CaseFilingSerializer, request.data))
            return idempotent_receipt(request, lambda key: receive_filing(filing, by=request.user, key=key))

        def create() -> Response:
            data = validated_input(s.CaseFilingSerializer, request.data)
            case = file_case(_filing_from(data), by=request.user)
            # A window clerk files for another organization, so the answer is not cut to their view.
            response = self.acted_on(str(case.pk))
            response.status_code = 201
            return response

        return idempotent_create(request, create)

    @extend_schema(request=s.WithdrawInputSerializer, responses={200: s.CaseSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The applicant withdraws the application; the case closes as withdrawn."""
        case = self.get_object()
        data = validated_input(s.WithdrawInputSerializer, request.data)
        withdraw_case(case, by=request.user, reason=data["reason"])
        return self.acted_on(pk)

    @extend_schema(responses={200: s.ClockDetailSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list: a case has a handful of clocks
    def clocks(self, request: Request, pk: str) -> Response:
        """The case's statutory clocks, each with the explanation of its due date."""
        clocks = self.get_object().clocks.prefetch_related("events").order_by("id")
        return Response(s.ClockDetailSerializer(clocks, many=True).data)

    @extend_schema(responses={200: s.CaseEventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        """The case's audit log, oldest first."""
        case = self.get_object()
        events = case.events.select_related("actor").order_by("at", "id")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.CaseEventSerializer(page, many=True).data)


def _case_action(spec: Action) -> Any:
    """One REST action per human step: validate, run the step, answer with the case as it now is."""

    def handler(self: CaseViewSet, request: Request, pk: str) -> Response:
        case = self.get_object()  # 404 before anything else: another party's case does not exist
        spec.run(case, request.user, validated_input(spec.serializer, request.data))
        return self.acted_on(pk)

    handler.__name__ = handler.__qualname__ = spec.name  # DRF maps the route to the method by this name
    routed = action(detail=True, methods=["post"], url_path=spec.name, url_name=spec.name)(handler)
    return extend_schema(request=spec.serializer, responses={200: s.CaseSerializer}, summary=spec.summary)(routed)


for _spec in ACTIONS:
    setattr(CaseViewSet, _spec.name, _case_action(_spec))


class StreetViewSet(viewsets.ReadOnlyModelViewSet):
    """The district's streets and towns (public reference data for filing forms)."""

    queryset = Street.objects.all()
    serializer_class = s.StreetSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Active mediation and arbitration organizations (for choosing where to file)."""

    queryset = Organization.objects.filter(is_active=True)
    serializer_class = s.OrganizationSerializer
    pagination_class = None


@extend_schema_serializer(examples=[examples.request("sign in", {"username": "rider", "password": "leye-demo-2026"})])
class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, trim_whitespace=False)


@extend_schema_serializer(examples=[examples.response("token", {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"})])
class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange a username and password for an API token (send it as `Authorization: Token …`)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=TokenInputSerializer, responses={200: TokenOutputSerializer})
    def post(self, request: Request) -> Response:
        data = validated_input(TokenInputSerializer, request.data)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            raise DomainError(_("用户名或密码不正确。"), code="invalid_credentials")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)


@extend_schema_serializer(
    examples=[examples.response("a mediator", {"username": "med-xinzhuang", "roles": ["mediator"], "organization": 15})]
)
class MeOutputSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    organization = serializers.IntegerField(allow_null=True)


class MeView(APIView):
    """Who the signed-in user is: roles and organization."""

    @extend_schema(responses={200: MeOutputSerializer})
    def get(self, request: Request) -> Response:
        membership = getattr(request.user, "membership", None)
        return Response(
            {
                "username": request.user.get_username(),
                "roles": sorted(roles_of(request.user)),
                "organization": membership.organization_id if membership else None,
            }
        )
