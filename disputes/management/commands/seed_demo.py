"""Seed the demo: every organization, one user per role, and a few hundred cases through the services."""

from __future__ import annotations

import functools
import json
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from disputes import demo
from disputes.models import (
    Case,
    ClaimCategory,
    Employer,
    Industry,
    Organization,
    OrganizationKind,
    StaffMembership,
    Street,
    Tier,
)
from disputes.roles import Role, ensure_role_groups
from disputes.services.cases import CaseFiling, ClaimantDetails, ClaimItemDetails, withdraw_case
from disputes.services.parties import EmployerDetails, WorkerDetails, prepare_employer, prepare_worker

DATA = Path(__file__).resolve().parents[2] / "data" / "minhang_organizations.json"
DEMO_PASSWORD = "leye-demo-2026"
DEMO_MARK = "【演示】"
# username, role, organization code, display name
DEMO_USERS = (
    ("worker", Role.WORKER, None, "王小明"),
    ("employer", Role.EMPLOYER_REPRESENTATIVE, None, "李经理"),
    ("mediator", Role.MEDIATOR, "xinzhuang-mediation", "陈调解"),
    ("lead", Role.MEDIATION_LEAD, "xinzhuang-mediation", "周主任"),
    ("arbitrator", Role.ARBITRATOR, "xinzhuang-tribunal", "吴仲裁"),
    ("clerk", Role.ARBITRATION_CLERK, "mh-arbitration-court", "郑书记员"),
    ("director", Role.COMMISSION_DIRECTOR, "mh-commission", "冯主任"),
    ("leader", Role.BUREAU_LEADER, None, "蒋局长"),
    ("admin", Role.ADMINISTRATOR, "mh-commission", "系统管理员"),
)
DEMO_ISSUES = ("拖欠工资", "加班费", "解除劳动合同", "工伤待遇")
MONEY_CATEGORIES = (
    ClaimCategory.UNPAID_WAGES,
    ClaimCategory.OVERTIME,
    ClaimCategory.ECONOMIC_COMPENSATION,
    ClaimCategory.DAMAGES,
    ClaimCategory.INJURY_MEDICAL,
)
OTHER_CATEGORIES = (
    ClaimCategory.SOCIAL_INSURANCE,
    ClaimCategory.WORKING_HOURS_REST,
    ClaimCategory.EMPLOYMENT_RELATIONSHIP,
    ClaimCategory.TERMINATION,
)


class Command(BaseCommand):
    help = "创建演示数据（组织、各角色演示账号、数百件案件）；可重复执行。Seed demo data; idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=300, help="演示案件数 / number of demo cases")

    def handle(self, *args: Any, cases: int, **options: Any) -> None:
        ensure_role_groups()
        with transaction.atomic():
            load_organizations()
            users = {username: seed_user(username, role, org, name) for username, role, org, name in DEMO_USERS}
            employers = seed_employers(users["employer"])
        existing = Case.objects.filter(facts__startswith=DEMO_MARK).count()
        seed_cases(users, employers, max(0, cases - existing))
        self.stdout.write(f"demo ready: {Case.objects.count()} cases; users {', '.join(users)} / {DEMO_PASSWORD}")


@functools.cache
def demo_password_hash() -> str:
    # Hashing once: PBKDF2 per user would make the seed take seconds per dozen users.
    return make_password(DEMO_PASSWORD)


def load_organizations() -> None:
    """Create or update every organization listed in data/minhang_organizations.json."""
    streets = {s.code: s for s in Street.objects.all()}
    for row in json.loads(DATA.read_text(encoding="utf-8"))["organizations"]:
        Organization.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "street": streets.get(row.get("street", "")),
                "parent": Organization.objects.filter(code=row.get("parent", "")).first(),
                "handles_gig_disputes": row.get("handles_gig_disputes", False),
            },
        )


def seed_user(username: str, role: str, org_code: str | None, name: str) -> Any:
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.password = demo_password_hash()
    user.is_staff = role not in (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE)
    user.is_superuser = role == Role.ADMINISTRATOR
    user.save()
    user.groups.add(Group.objects.get(name=role))
    if role == Role.WORKER and not hasattr(user, "worker"):
        rng = random.Random(username)
        worker = prepare_worker(
            WorkerDetails(
                name=name, id_number=demo.id_number(rng), mobile=demo.mobile(rng), is_gig_worker=True, platform="美团"
            )
        )
        worker.user = user
        worker.save()
    if org_code:
        StaffMembership.objects.update_or_create(
            user=user, defaults={"organization": Organization.objects.get(code=org_code)}
        )
    return user


def seed_employers(representative: Any) -> list[Employer]:
    rng = random.Random(7)
    streets = list(Street.objects.all())
    employers = []
    for index in range(40):
        details = EmployerDetails(
            name=demo.company_name(rng) + ("" if index else "（演示）"),
            credit_code=demo.credit_code(rng),
            address="上海市闵行区",
            street_id=rng.choice(streets).pk,
            industry=rng.choice(Industry.values),
        )
        employer = prepare_employer(details)
        employer.save()
        employers.append(employer)
    employers[0].representatives.add(representative)
    committee_for(employers[1])
    return employers


def committee_for(employer: Employer) -> None:
    Organization.objects.get_or_create(
        code=f"enterprise-{employer.credit_code}",
        defaults={
            "name": f"{employer.name}劳动争议调解委员会",
            "kind": OrganizationKind.ENTERPRISE_COMMITTEE,
            "employer": employer,
        },
    )


def seed_cases(users: dict[str, Any], employers: list[Employer], count: int) -> None:
    """File cases through the one window, then walk each into one state of the first tiers."""
    from viewflow.workflow.timers import fire_due_timers

    from workflows import demo
    from workflows.intake import file_case

    rng = random.Random(2026 + Case.objects.count())
    streets = list(Street.objects.all())
    online_filers = [users["worker"]] + [online_worker(i) for i in range(30)]
    mediators = street_mediators(users["mediator"])
    xinzhuang_tribunal = Organization.objects.get(code="xinzhuang-tribunal").pk
    for index in range(count):
        online = index % 3 != 2
        filer = online_filers[index % len(online_filers)] if online else users["clerk"]
        filing = demo_filing(rng, rng.choice(streets), employers, filer if online else None, index)
        case = file_case(filing, by=filer)
        if online and index % 17 == 5:
            withdraw_case(case, by=filer, reason=DEMO_MARK + "双方已自行和解")
        elif case.current_organization_id in mediators:
            demo.advance(case, index, mediators[case.current_organization_id], filer)
        if case.tier == Tier.ARBITRATION and not case.is_closed:
            case.refresh_from_db()
            staff = users["arbitrator"] if case.current_organization_id == xinzhuang_tribunal else users["clerk"]
            demo.advance_arbitration(case, index // 3, staff, users["director"])
    fire_due_timers()  # back-dated window filings reach their deadlines: deemed unwilling, escalation offered


def street_mediators(xinzhuang_mediator: Any) -> dict[int, Any]:
    """One mediator per street centre (莘庄镇's is the demo user `mediator`), keyed by organization id."""
    mediators = {}
    for centre in Organization.objects.filter(kind=OrganizationKind.STREET_MEDIATION_CENTRE):
        if centre.code == "xinzhuang-mediation":
            mediators[centre.pk] = xinzhuang_mediator
            continue
        username = f"mediator_{centre.street.code if centre.street else centre.pk}"
        mediators[centre.pk] = seed_user(username, Role.MEDIATOR, centre.code, f"{centre.street}调解员")
    return mediators


def online_worker(index: int) -> Any:
    rng = random.Random(1000 + index)
    user, created = get_user_model().objects.get_or_create(username=f"worker{index:02d}")
    if created:
        user.password = demo_password_hash()
        user.save()
        user.groups.add(Group.objects.get(name=Role.WORKER))
        worker = prepare_worker(
            WorkerDetails(
                name=demo.person_name(rng),
                id_number=demo.id_number(rng),
                mobile=demo.mobile(rng),
                is_gig_worker=index % 2 == 0,
                platform=demo.PLATFORMS[index % len(demo.PLATFORMS)] if index % 2 == 0 else "",
            )
        )
        worker.user = user
        worker.save()
    return user


def demo_filing(rng: random.Random, street: Street, employers: list[Employer], filer: Any, index: int) -> CaseFiling:
    today = timezone.localdate()
    collective = index % 50 == 7
    claimants = [own_claimant(filer)] if filer else []
    while len(claimants) < (12 if collective else 1):
        claimants.append(
            ClaimantDetails(
                name=demo.person_name(rng),
                id_number=demo.id_number(rng),
                mobile=demo.mobile(rng),
                is_representative=collective and len(claimants) <= 3,
            )
        )
    employer = employers[0] if index % 10 == 0 else rng.choice(employers)
    return CaseFiling(
        tier=rng.choice((Tier.NEGOTIATION, Tier.MEDIATION, Tier.MEDIATION, Tier.MEDIATION, Tier.ARBITRATION)),
        workplace_street_id=street.pk,
        knew_of_infringement_on=today - timedelta(days=rng.randrange(5, 400)),
        employment_ended_on=today - timedelta(days=rng.randrange(5, 200)) if rng.random() < 0.6 else None,
        facts=f"{DEMO_MARK}申请人在被申请人处工作，因{rng.choice(DEMO_ISSUES)}发生争议。",
        received_at=None
        if filer
        else timezone.now() - timedelta(days=rng.randrange(0, 365), hours=rng.randrange(0, 8)),
        claimants=claimants,
        respondents=[EmployerDetails(name=employer.name, credit_code=employer.credit_code)],
        claim_items=demo_claims(rng),
    )


def own_claimant(user: Any) -> ClaimantDetails:
    worker = user.worker
    return ClaimantDetails(
        name=worker.name,
        id_number=worker.id_number,
        mobile=worker.mobile,
        is_gig_worker=worker.is_gig_worker,
        platform=worker.platform,
    )


def demo_claims(rng: random.Random) -> list[ClaimItemDetails]:
    items = [
        ClaimItemDetails(category=c, amount=Decimal(rng.randrange(800, 90000)))
        for c in rng.sample(MONEY_CATEGORIES, rng.choice((1, 2)))
    ]
    if rng.random() < 0.3:
        items.append(ClaimItemDetails(category=rng.choice(OTHER_CATEGORIES), description="请求依法处理"))
    return items
