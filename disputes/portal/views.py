"""The worker portal's pages: short views over the account, filing, room and step services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from disputes.api.accounts import client_address
from disputes.api.validation import validated_input
from disputes.errors import DomainError
from disputes.models import Case, CaseClaimant, Employer
from disputes.permissions import can_decide_for_claimant
from disputes.portal import filing, status
from disputes.portal.forms import ClaimItemFormSet, FilingForm, MobileForm, ResetForm, SignInForm, SignUpForm
from disputes.portal.timeline import timeline
from disputes.roles import STAFF_ROLES, has_role
from disputes.services import accounts
from disputes.services.accounts import CodePurpose, Registration
from realtime.models import AuthorRole, RoomMessage
from realtime.permissions import can_join_room, can_read_room
from realtime.services import post_message
from workflows.api import ACTIONS

SIGN_UP_MOBILE = "portal_sign_up_mobile"
RESET_MOBILE = "portal_reset_mobile"
BACKEND = "django.contrib.auth.backends.ModelBackend"
ROOM_HISTORY = 200
View = Callable[..., HttpResponse]


def is_staff_user(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser or has_role(user, *STAFF_ROLES))


def worker_page(view: View) -> View:
    """Signed-in people only (others go to the portal's sign-in); staff belong on the workbench."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:sign-in"))
        if is_staff_user(request.user):
            return redirect("index")
        return view(request, *args, **kwargs)

    return wrapped


def room_page(view: View) -> View:
    """Signed-in people only: the room is shared by the parties and the case's mediator (staff included)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:sign-in"))
        return view(request, *args, **kwargs)

    return wrapped


def _refuse(form: Form, error: Exception, rename: dict[str, str] | None = None) -> None:
    """A service's refusal beside the field it concerns, or above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = (rename or {}).get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error)
    else:
        form.add_error(None, str(getattr(error, "message", error)))


def _masked(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else mobile


def _landing(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("index") if is_staff_user(request.user) else reverse("portal:home")


# --- accounts -----------------------------------------------------------------------------------------------


def _send_code(request: HttpRequest, purpose: str, session_key: str, next_page: str, template: str) -> HttpResponse:
    form = MobileForm(request.POST or None, initial={"mobile": request.session.get(session_key, "")})
    if request.method == "POST" and form.is_valid():
        try:
            mobile = accounts.send_code(form.cleaned_data["mobile"], purpose, ip=client_address(request))
        except (ValidationError, DomainError) as error:
            _refuse(form, error)
        else:
            request.session[session_key] = mobile
            messages.success(request, _("验证码已发送至 %(mobile)s，5 分钟内有效。") % {"mobile": _masked(mobile)})
            return redirect(next_page)
    return render(request, template, {"form": form})


def sign_up(request: HttpRequest) -> HttpResponse:
    """Step 1 of 2: the mobile number, to which a one-time code is sent."""
    return _send_code(request, CodePurpose.SIGN_UP, SIGN_UP_MOBILE, "portal:sign-up-verify", "portal/sign_up.html")


def sign_up_verify(request: HttpRequest) -> HttpResponse:
    """Step 2 of 2: the code, the name, the ID number and a password; signs the new worker in."""
    mobile = request.session.get(SIGN_UP_MOBILE)
    if not mobile:
        return redirect("portal:sign-up")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = Registration(mobile, data["code"], data["name"], data["id_number"], data["password1"])
        try:
            user = accounts.register_worker(details)
        except (ValidationError, DomainError) as error:
            _refuse(form, error, {"password": "password1"})
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("注册成功，欢迎使用乐业。"))
            return redirect("portal:home")
    context = {"form": form, "mobile": mobile, "masked_mobile": _masked(mobile)}
    return render(request, "portal/sign_up_verify.html", context)


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_landing(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.sign_in(data["mobile"], data["password"], ip=client_address(request), request=request)
        except DomainError as error:
            _refuse(form, error)
        else:
            login(request, user)
            return redirect(_landing(request))
    return render(request, "portal/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:sign-in")


def reset(request: HttpRequest) -> HttpResponse:
    """Forgotten password, step 1: a code to the registered mobile."""
    return _send_code(request, CodePurpose.RESET, RESET_MOBILE, "portal:reset-verify", "portal/reset.html")


def reset_verify(request: HttpRequest) -> HttpResponse:
    mobile = request.session.get(RESET_MOBILE)
    if not mobile:
        return redirect("portal:reset")
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.reset_password(mobile, form.cleaned_data["code"], form.cleaned_data["password1"])
        except (ValidationError, DomainError) as error:
            _refuse(form, error, {"password": "password1"})
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("密码已重设。"))
            return redirect(_landing(request))
    return render(request, "portal/reset_verify.html", {"form": form, "masked_mobile": _masked(mobile)})


# --- cases --------------------------------------------------------------------------------------------------


def _cases(user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related("workplace_street", "current_organization")


@worker_page
def home(request: HttpRequest) -> HttpResponse:
    """The worker's cases: number, tier, next deadline and status."""
    cases = list(_cases(request.user).prefetch_related("clocks").order_by("-filed_at", "-id"))
    steps = status.open_steps(cases)
    rows = [
        {
            "case": c,
            "deadline": status.next_deadline(c),
            "status": status.step_words(c, steps.get(c.process_id or 0, set())),
        }
        for c in cases
    ]
    can_file = hasattr(request.user, "worker")
    return render(request, "portal/home.html", {"rows": rows, "can_file": can_file})


@worker_page
def employers(request: HttpRequest) -> JsonResponse:
    """Registered employers by name or credit code, for the request form's suggestions (at most 10)."""
    query = request.GET.get("q", "").strip()
    if len(query) < 2:
        return JsonResponse({"results": []})
    found = Employer.objects.filter(Q(name__icontains=query) | Q(credit_code__istartswith=query.upper()))
    results = [{"name": e.name, "credit_code": e.credit_code} for e in found.order_by("name")[:10]]
    return JsonResponse({"results": results})


@worker_page
def new_case(request: HttpRequest) -> HttpResponse:
    """The online mediation request: filed like POST /api/v1/cases/, its files attached in the same transaction."""
    worker = getattr(request.user, "worker", None)
    if worker is None:
        messages.error(request, _("只有劳动者账号可以在网上申请调解。"))
        return redirect("portal:home")
    if request.method == "POST" and (earlier := filing.filed_case(request.user, request.POST.get("filing_key", ""))):
        messages.info(request, _("这份申请已经提交过，以下是已登记的案件。"))
        return redirect("portal:case", case_id=earlier.pk)
    form = FilingForm(request.POST or None, request.FILES or None)
    items = ClaimItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST":
        valid = all([form.is_valid(), items.is_valid()])  # both, so every error shows at once
        refusals = filing.refused_uploads(form.cleaned_data.get("evidence", []))
        if refusals:
            form.add_error("evidence", [str(refusal) for refusal in refusals])
        elif valid:
            case = _file(request, worker, form, items)
            if case is not None:
                return redirect("portal:case", case_id=case.pk)
    return render(request, "portal/new_case.html", {"form": form, "items": items})


def _file(request: HttpRequest, worker: Any, form: FilingForm, items: Any) -> Case | None:
    """The case filed from valid forms, or None with the services' refusals put on the forms."""
    portal_filing = filing.build_filing(worker, form.cleaned_data, [f.cleaned_data for f in items.forms])
    try:
        case, first = filing.submit(request.user, form.cleaned_data["filing_key"], portal_filing)
    except ValidationError as error:
        filing.show_errors(error, form, items, portal_filing.item_rows)
        return None
    except DomainError as error:
        form.add_error("evidence" if error.code.startswith("file_") else None, str(error.message))
        return None
    if first:
        messages.success(request, _("申请已提交，案件编号 %(number)s。") % {"number": case.number})
    return case


def _visible_case(request: HttpRequest, case_id: int) -> Case:
    claimants = CaseClaimant.objects.select_related("worker")
    cases = _cases(request.user).prefetch_related("clocks", "claim_items", Prefetch("claimant_links", claimants))
    return get_object_or_404(cases, pk=case_id)


@worker_page
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """Countdowns, the timeline in plain words, documents, evidence, the room and the escalation offer."""
    case = _visible_case(request, case_id)
    steps = status.open_steps([case]).get(case.process_id or 0, set())
    context = {
        "case": case,
        "status": status.step_words(case, steps),
        "limitation": status.limitation_countdown(case),
        "limitation_notes": status.limitation_notes(case),
        "countdowns": status.tier_countdowns(case),
        "offered": status.escalation_offered(steps) and can_decide_for_claimant(request.user, case),
        "entries": timeline(case.events.all()),
        "documents": case.documents.order_by("-generated_at", "-id"),
        "evidence": case.evidence.order_by("uploaded_at", "id"),
        "respondents": case.respondents.all(),
        "room": can_read_room(request.user, case),
    }
    return render(request, "portal/case.html", context)


@require_POST
@worker_page
def escalate(request: HttpRequest, case_id: int) -> HttpResponse:
    """One tap: the worker accepts the offer to arbitrate, through the API's decide_escalation step."""
    case = _visible_case(request, case_id)
    spec = next(action for action in ACTIONS if action.name == "decide_escalation")
    try:
        spec.run(case, request.user, validated_input(spec.serializer, {"accept": True}))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已申请劳动仲裁。您的请求、证据和调解记录已一并转交仲裁院。"))
    return redirect("portal:case", case_id=case.pk)


# --- the mediation room -------------------------------------------------------------------------------------


def _room_case(request: HttpRequest, case_id: int) -> Case:
    case = _visible_case(request, case_id)
    if not can_read_room(request.user, case):
        raise Http404
    return case


@room_page
def room(request: HttpRequest, case_id: int) -> HttpResponse:
    """The online mediation room: history rendered here; the page's script sends and receives live."""
    case = _room_case(request, case_id)
    if request.method == "POST":  # without script: the same service as the socket and the API
        try:
            post_message(case, request.user, request.POST.get("body", ""))
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect(reverse("portal:room", args=[case.pk]) + "#latest")
    recent = RoomMessage.objects.filter(case=case).select_related("author").order_by("-pk")[:ROOM_HISTORY]
    context = {
        "case": case,
        "room_messages": list(reversed(recent)),
        "can_post": can_join_room(request.user, case),
        "roles": dict(AuthorRole.choices),
    }
    return render(request, "portal/room.html", context)
