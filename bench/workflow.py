"""Issues 4 and 5 bench: SQL and ms per workflow transition at 10 k and 1 M cases; a mediator's queue and inbox."""

# Run:   .venv/bin/python bench/workflow.py            # 10,000 then 1,000,000 cases (≈ 1 task per case), ≈ 3 min
#        .venv/bin/python bench/workflow.py --small    # 1,000 then 10,000 cases: a quick check, ≈ 1 min
#        --cases A B  other sizes · --repeat N  cases driven per size and part · --reads N / --rounds N  timed reads
#        --staff N  mediators per centre and arbitrators per tribunal · --keep  keep the database
#        DATABASE_URL  default postgres://…/leye_bench_workflow (PostgreSQL only; dropped and recreated)
# The history is COPYed straight into viewflow_process, disputes_case, viewflow_task (staff tasks with their queue
# stamp) and the arbitration tables (arbitrations, award clocks, hearings, awards, suits), with the column values
# the real flow writes; the timed transitions go through the real code: file_case and the run functions of
# workflows.api.ACTIONS, which the REST actions call. Part 1 (issue 4): a mediation failed to arbitration and a
# negotiation settled, then the queue and inbox reads. Part 2 (issue 5): an arbitration filed at the window,
# accepted, heard, awarded, sued on and decided by the court. Wall ms is the goal; CPU ms (this process and its
# PostgreSQL backend) is printed beside it because other work on the 2-vCPU box inflates wall time only.

# Run as a script: the project root goes on sys.path, and project modules are imported after django.setup().
from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import copy_rows, database_url, fresh_database  # noqa: E402 - after the root is on sys.path

if TYPE_CHECKING:
    from disputes.models import Case

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/leye_bench_workflow"
SIZES = (10_000, 1_000_000)
SMALL_SIZES = (1_000, 10_000)
TIME_GOAL = 1.5  # issue 4: median ms per transition at the large size ≤ 1.5 × at the small one
READ_GOAL = 3.0  # issue 4: a queue or inbox page ≤ 3 × an ORM get(pk), same run
B_COPY_ROWS_PER_S = 380_000  # perf-baselines §3 B_copy (into a table without indexes; here FKs and indexes too)
B_PIDX_MS = 0.30  # perf-baselines §3 B_pidx: server time of a page of 50 on a partial index
BENCH_STREET, OTHER_STREET = "xinzhuang", "qibao"
T = TypeVar("T")


# --- the synthetic history ---------------------------------------------------------------------


@dataclass(frozen=True)
class TaskShape:
    """One task row as the flow leaves it: its node, status, who owns it ("mediator", "arbitrator"), a timer's days."""

    node: str
    status: str
    owner: str = ""
    due_days: int = 0


# How far a loaded case's arbitration went: its disputes_arbitration row and what hangs off it.
RECEIVED, HEARING, MEDIATED, AWARDED, SUED = "received", "hearing", "mediated", "awarded", "sued"
ACCEPTED = (HEARING, MEDIATED, AWARDED, SUED)  # accepted: an award clock, an arbitrator, a number
DECIDED = (AWARDED, SUED)  # a hearing held and an award with one final item; SUED adds a decided suit
ARBITRATION_NODES = ("accept_application", "hear_case")  # staff tasks of the tribunal; the others the centre's
OPEN_STAFF_STATUSES = ("NEW", "ASSIGNED", "STARTED")  # the statuses of the queue and inbox indexes


@dataclass(frozen=True)
class Kind:
    """Where a loaded case stands: weight in %, process status, tier (and closure), task rows, its arbitration."""

    weight: float
    process_status: str
    tier: str
    tasks: tuple[TaskShape, ...]
    closure: str = ""
    arbitration: str = ""  # "" for a case that never reached a tribunal

    @property
    def is_open(self) -> bool:
        return self.process_status == "NEW"

    @property
    def at_tribunal(self) -> bool:
        return bool(self.arbitration)


M, A = "mediator", "arbitrator"
# 10 % open: 4 % in a street centre's or tribunal's queue, 3.5 % in someone's inbox, 2.5 % waiting on a party.
# 90 % finished, one task row kept of each history but for 4.5 % (≈ 1 task per case); values as the flow writes.
# 40.5 % reached a tribunal: an arbitration row each, 39 % an award clock, 28 % an award, 8 % a suit in court.
KINDS = (
    Kind(2.5, "NEW", "mediation", (TaskShape("accept_mediation", "NEW"),)),
    Kind(2.5, "NEW", "mediation", (TaskShape("mediate", "ASSIGNED", M),
                                   TaskShape("mediate__timeout", "SCHEDULED", due_days=15))),
    Kind(1.5, "NEW", "negotiation", (TaskShape("negotiate", "NEW"),
                                     TaskShape("negotiate__timeout", "SCHEDULED", due_days=5))),
    Kind(0.5, "NEW", "negotiation", (TaskShape("choose_next", "NEW"),)),
    Kind(1.5, "NEW", "arbitration", (TaskShape("accept_application", "NEW"),), arbitration=RECEIVED),
    Kind(1.0, "NEW", "arbitration", (TaskShape("hear_case", "ASSIGNED", A),), arbitration=HEARING),
    Kind(0.5, "NEW", "arbitration", (TaskShape("await_litigation", "NEW"),
                                     TaskShape("await_litigation__timeout", "SCHEDULED", due_days=15)),
         arbitration=AWARDED),
    Kind(12, "DONE", "closed", (TaskShape("end_settled", "DONE"),), closure="negotiation_settlement"),
    Kind(20, "DONE", "closed", (TaskShape("follow_up", "DONE", M),), closure="mediation_agreement"),
    Kind(13, "DONE", "closed", (TaskShape("end_withdrawn", "DONE"),), closure="withdrawn"),
    Kind(7.5, "DONE", "closed", (TaskShape("accept_mediation", "DONE", M),), closure="withdrawn"),
    Kind(15, "DONE", "closed", (TaskShape("end_award_effective", "DONE"),), closure="arbitral_award",
         arbitration=AWARDED),
    Kind(10, "DONE", "closed", (TaskShape("hear_case", "DONE", A),), closure="arbitral_mediation",
         arbitration=MEDIATED),
    Kind(8, "DONE", "closed", (TaskShape("mediate", "DONE", M),), closure="court_decision", arbitration=SUED),
    Kind(4.5, "DONE", "closed", (), closure="arbitral_award", arbitration=AWARDED),
)  # fmt: skip
COLLECTIVE_EVERY = 100  # one case in 100 is a collective dispute: first in every queue (Law 7)


@dataclass(frozen=True)
class Street:
    """A street with its mediation centre and branch tribunal, and the bench's staff of each."""

    id: int
    code: str
    centre: int
    tribunal: int
    mediators: tuple[int, ...]
    arbitrators: tuple[int, ...]

    def staff(self, role: str, pick: int) -> int:
        people = self.mediators if role == M else self.arbitrators
        return people[pick % len(people)]


@dataclass(frozen=True)
class World:
    streets: tuple[Street, ...]
    arbitration_court: int  # where collective arbitrations go (initial_organization); its clerk files at the window
    peoples_court: int
    clerk: int  # an arbitration clerk of the arbitration court: every tribunal is in their scope
    leader: int  # a bureau leader: every organization's queue, read-only
    worker: int
    flow: str
    nodes: dict[str, tuple[str, str]]  # node name → (flow_task, flow_task_type) as viewflow stores them

    def street(self, code: str) -> Street:
        return next(s for s in self.streets if s.code == code)


@dataclass
class Batch:
    """``count`` cases to load: the first id of each table, and per case its kind, street, filing moment, staff pick."""

    first: dict[str, int]
    kinds: list[Kind]
    streets: list[Street]
    filed: list[datetime]
    picks: list[int]
    today: date

    def case_id(self, i: int) -> int:
        return self.first["disputes_case"] + i

    def process_id(self, i: int) -> int:
        return self.first["viewflow_process"] + i

    def is_collective(self, i: int) -> bool:
        return self.case_id(i) % COLLECTIVE_EVERY == 7

    def tribunal(self, i: int, world: World) -> int:
        """As initial_organization routes an arbitration: collective ones to the arbitration court."""
        return world.arbitration_court if self.is_collective(i) else self.streets[i].tribunal

    def holder(self, i: int, world: World) -> int:
        """The case's current organization."""
        return self.tribunal(i, world) if self.kinds[i].at_tribunal else self.streets[i].centre


def plan(count: int, world: World, rng: random.Random, now: datetime) -> Batch:
    """Open cases filed in the last 60 days, finished ones over the two years before."""
    kinds = rng.choices(KINDS, weights=[k.weight for k in KINDS], k=count)
    filed = [now - timedelta(days=rng.uniform(0, 60) if k.is_open else rng.uniform(60, 790)) for k in kinds]
    order = sorted(range(count), key=filed.__getitem__)  # ids rise with time, as filed: index inserts append
    streets = rng.choices(world.streets, k=count)
    picks = [rng.randrange(1 << 30) for _ in range(count)]
    first = {table: _next_id(table) for table, _columns, _rows in COPIES}
    return Batch(first, [kinds[i] for i in order], streets, [filed[i] for i in order], picks, now.date())


def process_rows(batch: Batch, world: World) -> Iterator[tuple[Any, ...]]:
    for i, (kind, filed) in enumerate(zip(batch.kinds, batch.filed, strict=True)):
        finished = None if kind.is_open else filed + timedelta(days=30)
        yield batch.process_id(i), world.flow, kind.process_status, filed, finished, "{}"


def case_rows(batch: Batch, world: World) -> Iterator[tuple[Any, ...]]:
    for i, (kind, street, filed) in enumerate(zip(batch.kinds, batch.streets, batch.filed, strict=True)):
        case_id, closed = batch.case_id(i), filed + timedelta(days=30) if kind.closure else None
        yield (case_id, case_number(case_id, filed), kind.tier, ("online", "offline")[i % 3 == 2], filed,
               (filed - timedelta(days=40)).date(), batch.is_collective(i), "", closed, kind.closure,
               closed or filed, batch.holder(i, world), street.id, batch.process_id(i))  # fmt: skip


def case_number(case_id: int, filed: datetime) -> str:
    return f"MH-{filed.year}-{case_id:06d}"


def queue_stamp_json(organization: int, collective: bool, case_id: int, number: str) -> str:
    """Task.data of a staff task as workflows.nodes.queue_stamp writes it at creation (checked in check_stamp)."""
    stamp = {"organization": organization, "collective": int(collective), "case": case_id, "case_number": number}
    return json.dumps(stamp)


def task_rows(batch: Batch, world: World) -> Iterator[tuple[Any, ...]]:
    task_id = batch.first["viewflow_task"]
    for i, kind in enumerate(batch.kinds):
        for shape in kind.tasks:
            owner = batch.streets[i].staff(shape.owner, batch.picks[i]) if shape.owner else None
            data = _data(batch, world, i, shape)
            yield _task_row(task_id, shape, batch.process_id(i), batch.filed[i], owner, world, data)
            task_id += 1


def _data(batch: Batch, world: World, i: int, shape: TaskShape) -> str:
    """Every staff task is stamped when it is created, with the organization that held the case then."""
    if world.nodes[shape.node][1] != "HUMAN":
        return "{}"
    organization = batch.tribunal(i, world) if shape.node in ARBITRATION_NODES else batch.streets[i].centre
    case_id = batch.case_id(i)
    return queue_stamp_json(organization, batch.is_collective(i), case_id, case_number(case_id, batch.filed[i]))


def _task_row(
    task_id: int, shape: TaskShape, process_id: int, filed: datetime, owner: int | None, world: World, data: str
) -> tuple:
    """Timestamps as viewflow sets them: open rows have none; done rows started = finished; `assigned` stays null."""
    created = filed + timedelta(hours=1)
    finished = created + timedelta(days=shape.due_days or 3) if shape.status == "DONE" else None
    scheduled = created + timedelta(days=shape.due_days) if shape.due_days else None
    flow_task, flow_task_type = world.nodes[shape.node]
    return (task_id, flow_task, flow_task_type, shape.status, created, finished, finished, "start",
            owner, process_id, data, scheduled)  # fmt: skip


# --- the arbitration tier of the history (what part 2's transitions read and write) ---


@dataclass(frozen=True)
class Proceedings:
    """A loaded arbitration's dates: acceptance 3 days after filing, award on day 28; none later than today."""

    received_at: datetime
    accepted_on: date
    served_on: date
    defence_on: date
    hearing_on: date
    closed_on: date
    award_served_on: date
    took_effect_on: date
    suit_filed_on: date
    suit_decided_on: date

    @classmethod
    def of(cls, filed: datetime, today: date) -> Proceedings:
        start = filed.date()
        days = (3, 8, 13, 20, 28, 29, 45, 35, 95)
        return cls(filed, *(min(start + timedelta(days=n), today) for n in days))


def _arbitrations(batch: Batch) -> Iterator[tuple[int, int, int | None]]:
    """(case index, arbitration id, award id or None) of the batch's cases that reached a tribunal."""
    arbitration_id, award_id = batch.first["disputes_arbitration"], batch.first["disputes_award"]
    for i, kind in enumerate(batch.kinds):
        if kind.at_tribunal:
            decided = kind.arbitration in DECIDED
            yield i, arbitration_id, award_id if decided else None
            arbitration_id, award_id = arbitration_id + 1, award_id + decided


def arbitration_rows(batch: Batch, world: World) -> Iterator[tuple[Any, ...]]:
    for i, arbitration_id, _award in _arbitrations(batch):
        stage, dates = batch.kinds[i].arbitration, Proceedings.of(batch.filed[i], batch.today)
        accepted, closed = stage in ACCEPTED, stage in (MEDIATED, *DECIDED)
        number = f"闵劳人仲（{dates.accepted_on.year}）办字第{batch.case_id(i):06d}号" if accepted else ""
        arbitrator = batch.streets[i].staff(A, batch.picks[i]) if accepted else None
        closed_on = dates.closed_on if closed else None
        yield (arbitration_id, batch.case_id(i), batch.tribunal(i, world), number, dates.received_at,
               dates.accepted_on if accepted else None, "", arbitrator, dates.served_on if accepted else None,
               dates.defence_on if closed else None, ("mediation" if stage == MEDIATED else "award") if closed else "",
               closed_on, closed_on, True if closed else None)  # fmt: skip


def clock_rows(batch: Batch, _world: World) -> Iterator[tuple[Any, ...]]:
    """The award clock of every accepted arbitration: running while heard, met once decided."""
    ids = itertools.count(batch.first["disputes_clock"])
    for i, _arbitration, _award in _arbitrations(batch):
        stage, dates = batch.kinds[i].arbitration, Proceedings.of(batch.filed[i], batch.today)
        if stage in ACCEPTED:
            due_on, provisional = award_due(dates.accepted_on)
            state, ended_on = ("running", None) if stage == HEARING else ("met", dates.closed_on)
            yield (next(ids), batch.case_id(i), "arbitration.award", dates.accepted_on, state, due_on, provisional,
                   ended_on, dates.received_at, dates.received_at)  # fmt: skip


def hearing_rows(batch: Batch, _world: World) -> Iterator[tuple[Any, ...]]:
    ids = itertools.count(batch.first["disputes_hearing"])
    for i, arbitration_id, award_id in _arbitrations(batch):
        if award_id is not None:
            on = Proceedings.of(batch.filed[i], batch.today).hearing_on
            yield next(ids), arbitration_id, on, on - timedelta(days=8), on, True, True


def award_rows(batch: Batch, _world: World) -> Iterator[tuple[Any, ...]]:
    for i, arbitration_id, award_id in _arbitrations(batch):
        if award_id is not None:
            dates, effective = Proceedings.of(batch.filed[i], batch.today), batch.kinds[i].closure == "arbitral_award"
            yield (award_id, arbitration_id, dates.closed_on, False, False, dates.award_served_on,
                   dates.took_effect_on if effective else None)  # fmt: skip


def award_item_rows(batch: Batch, _world: World) -> Iterator[tuple[Any, ...]]:
    ids, reason = itertools.count(batch.first["disputes_awarditem"]), final_reason()
    for _i, _arbitration, award_id in _arbitrations(batch):
        if award_id is not None:
            yield next(ids), award_id, "unpaid_wages", "", WAGES, True, True, reason


def court_filing_rows(batch: Batch, world: World) -> Iterator[tuple[Any, ...]]:
    ids = itertools.count(batch.first["disputes_courtfiling"])
    for i, _arbitration, _award in _arbitrations(batch):
        if batch.kinds[i].arbitration == SUED:
            dates = Proceedings.of(batch.filed[i], batch.today)
            yield (next(ids), batch.case_id(i), "worker_suit", world.peoples_court, dates.suit_filed_on, "judgment",
                   dates.suit_decided_on)  # fmt: skip


WAGES = Decimal("12000.00")  # ≤ 12 × the monthly minimum wage: a final item


@functools.cache
def award_due(accepted_on: date) -> tuple[date | None, bool]:
    """The award clock's due date and provisional flag, as begin_clock stores them (one query per start day)."""
    from disputes import deadlines

    result = deadlines.compute("arbitration.award", accepted_on)
    return result.due, result.provisional


@functools.cache
def final_reason() -> str:
    """The finality reason issue_award stores for the bench's wage item."""
    from django.conf import settings
    from django.utils import timezone

    from disputes.final_award import finality_of_item
    from disputes.models import MinimumWage

    wage = MinimumWage.objects.in_force(settings.MINIMUM_WAGE_REGION, timezone.localdate())
    assert wage is not None, "no minimum wage in force: the migrations seed it"
    return finality_of_item("unpaid_wages", WAGES, wage.monthly_amount).reason_zh


COPIES = (
    ("viewflow_process", "id, flow_class, status, created, finished, data", process_rows),
    ("disputes_case", "id, number, tier, channel, filed_at, knew_of_infringement_on, is_collective, facts, "
     "closed_at, closure_kind, updated_at, current_organization_id, workplace_street_id, process_id", case_rows),
    ("viewflow_task", "id, flow_task, flow_task_type, status, created, started, finished, token, owner_id, "
     "process_id, data, scheduled", task_rows),
    ("disputes_arbitration", "id, case_id, tribunal_id, number, received_at, accepted_on, refusal_reason, "
     "arbitrator_id, served_on, defence_received_on, closure, closed_on, decided_on, decided_on_time",
     arbitration_rows),
    ("disputes_clock", "id, case_id, rule, started_on, state, due_on, provisional, ended_on, created_at, updated_at",
     clock_rows),
    ("disputes_hearing", "id, arbitration_id, scheduled_on, notice_served_on, held_on, applicant_present, "
     "respondent_present", hearing_rows),
    ("disputes_award", "id, arbitration_id, decided_on, is_partial, by_default, served_on, took_effect_on",
     award_rows),
    ("disputes_awarditem", "id, award_id, category, description, amount, granted, final, finality_reason",
     award_item_rows),
    ("disputes_courtfiling", "id, case_id, kind, court_id, filed_on, outcome, decided_on", court_filing_rows),
)  # fmt: skip
TABLES = tuple(table for table, _columns, _rows in COPIES)


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


def load(count: int, world: World, rng: random.Random, now: datetime) -> dict[str, float]:
    """COPY ``count`` more cases, their processes, tasks and arbitration rows in one transaction; VACUUM ANALYZE."""
    from django.db import connection, transaction

    started = time.perf_counter()
    batch = plan(count, world, rng, now)
    _ask_the_database_first(batch)
    with transaction.atomic(), connection.cursor() as cursor:
        rows = {table: copy_rows(cursor.cursor, table, cols, make(batch, world)) for table, cols, make in COPIES}
    copied = time.perf_counter()
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {**rows, "copy_s": copied - started, "vacuum_s": time.perf_counter() - copied}


def _ask_the_database_first(batch: Batch) -> None:
    """Fill the caches the row generators read: no query may run on the connection while it COPYs."""
    final_reason()
    for i, _arbitration, _award in _arbitrations(batch):
        if batch.kinds[i].arbitration in ACCEPTED:
            award_due(Proceedings.of(batch.filed[i], batch.today).accepted_on)


def check_loaded_stamps() -> tuple[int, int]:
    """Open staff tasks, and how many of them lack their case's stamp (organization, collective, case, number)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE jsonb_typeof(t.data -> 'organization') IS DISTINCT FROM 'number' "
            "OR jsonb_typeof(t.data -> 'collective') IS DISTINCT FROM 'number' "
            "OR (t.data ->> 'organization')::bigint IS DISTINCT FROM c.current_organization_id "
            "OR (t.data ->> 'collective')::integer IS DISTINCT FROM c.is_collective::integer "
            "OR (t.data ->> 'case')::bigint IS DISTINCT FROM c.id "
            "OR t.data ->> 'case_number' IS DISTINCT FROM c.number) "
            "FROM viewflow_task t JOIN disputes_case c ON c.process_id = t.process_id "
            "WHERE t.flow_task_type = 'HUMAN' AND t.status = ANY(%s)",
            [list(OPEN_STAFF_STATUSES)],
        )
        total, wrong = cursor.fetchone()
    return int(total), int(wrong)


# --- the people ---------------------------------------------------------------------------------


def build_world(staff_per_organization: int) -> World:
    """Organizations and role groups as seeded, a worker, staff of every street centre and tribunal, a clerk."""
    from disputes.management.commands.seed_demo import load_organizations
    from disputes.models import Organization, OrganizationKind
    from disputes.roles import Role, ensure_role_groups

    ensure_role_groups()
    load_organizations()
    organizations = Organization.objects.select_related("street").order_by("id")
    tribunals = {o.street_id: o for o in organizations.filter(kind=OrganizationKind.BRANCH_TRIBUNAL)}
    centres = organizations.filter(kind=OrganizationKind.STREET_MEDIATION_CENTRE)
    streets = tuple(_street(c, tribunals[c.street_id], staff_per_organization) for c in centres)
    court = organizations.get(kind=OrganizationKind.ARBITRATION_COURT)
    peoples_court = organizations.filter(kind=OrganizationKind.PEOPLES_COURT).first()
    assert peoples_court is not None
    (clerk,) = _staff(court, Role.ARBITRATION_CLERK, 1)
    return World(streets, court.pk, peoples_court.pk, clerk, _leader(), _worker(), *_flow_refs())


def _street(centre: Any, tribunal: Any, count: int) -> Street:
    from disputes.roles import Role

    mediators, arbitrators = _staff(centre, Role.MEDIATOR, count), _staff(tribunal, Role.ARBITRATOR, count)
    return Street(centre.street.pk, centre.street.code, centre.pk, tribunal.pk, mediators, arbitrators)


def _staff(organization: Any, role: str, count: int) -> tuple[int, ...]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from disputes.models import StaffMembership

    users = User.objects.bulk_create(
        User(username=f"{role}-{organization.code}-{n}", password=make_password(None), is_staff=True)
        for n in range(count)
    )
    group = Group.objects.get(name=role)
    User.groups.through.objects.bulk_create(User.groups.through(user=u, group=group) for u in users)
    StaffMembership.objects.bulk_create(StaffMembership(user=u, organization=organization) for u in users)
    return tuple(u.pk for u in users)


def _leader() -> int:
    """A district-wide leader: no organization, every queue (sees_every_case)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from disputes.roles import Role

    user = User.objects.create(username="leader", password=make_password(None), is_staff=True)
    user.groups.add(Group.objects.get(name=Role.BUREAU_LEADER))
    return user.pk


def _worker() -> int:
    """The worker who files every timed case: the claimant named in filing()."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from disputes.models import Worker
    from disputes.roles import Role

    user = User.objects.create(username="rider", password=make_password(None))
    user.groups.add(Group.objects.get(name=Role.WORKER))
    Worker.objects.create(user=user, name="王小明", id_number="11010519491231002X", mobile="13812345678")
    return user.pk


def _flow_refs() -> tuple[str, dict[str, tuple[str, str]]]:
    """flow_class and (flow_task, flow_task_type) of every node, exactly as viewflow writes them."""
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from workflows.flows import DisputeFlow

    names = {shape.node for kind in KINDS for shape in kind.tasks}
    nodes = {name: DisputeFlow.instance.node(name) for name in names}
    return get_flow_ref(DisputeFlow), {n: (get_task_ref(node), node.task_type) for n, node in nodes.items()}


# --- transitions through the real code ----------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    queries: int
    ms: float
    cpu_ms: float  # on a CPU, this process and its PostgreSQL backend: what other work on the box cannot inflate


def cpu_ns(backend_pid: int) -> int:
    """Nanoseconds on a CPU so far: this process (all threads) plus its backend (from /proc/<pid>/schedstat)."""
    return time.process_time_ns() + int(Path(f"/proc/{backend_pid}/schedstat").read_text().split()[0])


def measured(samples: dict[str, Sample], label: str, step: Callable[..., T], *args: Any) -> T:
    """Run one step, keeping its SQL statement count, wall and CPU milliseconds under ``label``."""
    from django.db import connection

    statements = 0

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with connection.execute_wrapper(count):
        cpu_before, started = cpu_ns(backend), time.perf_counter()
        result = step(*args)
        ms, cpu_ms = (time.perf_counter() - started) * 1000, (cpu_ns(backend) - cpu_before) / 1e6
    samples[label] = Sample(statements, ms, cpu_ms)
    return result


def fresh_user(pk: int) -> Any:
    """The user as token authentication loads it for each request: roles and scope not yet cached."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


def filing(tier: str, street_id: int) -> dict[str, Any]:
    """A valid online filing (tests/conftest.filing_payload) by the bench's worker."""
    return {
        "tier": tier, "workplace_street": street_id, "knew_of_infringement_on": "2026-09-01",
        "employment_ended_on": "2026-08-31", "facts": "平台拖欠配送费及加班费。",
        "claimants": [{"name": "王小明", "id_number": "11010519491231002X", "mobile": "13812345678",
                       "is_gig_worker": True, "platform": "美团"}],
        "respondents": [{"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}],
        "claim_items": [{"category": "unpaid_wages", "amount": "12000.00"},
                        {"category": "working_hours_rest", "description": "确认休息日加班"}],
    }  # fmt: skip


def file(payload: dict[str, Any], user: Any) -> Case:
    """What POST /api/v1/cases/ runs: validate the filing, then file_case."""
    from disputes.api.serializers import CaseFilingSerializer
    from disputes.api.validation import validated_input
    from disputes.api.views import _filing_from
    from workflows.intake import file_case

    return file_case(_filing_from(validated_input(CaseFilingSerializer, payload)), by=user)


def act(name: str, case_id: int, user: Any, data: dict[str, Any], run: Callable[..., Any] | None = None) -> None:
    """What POST /api/v1/cases/{id}/{name}/ runs before its response: the 404 check, validation, the step."""
    from disputes.api.validation import validated_input
    from disputes.models import Case
    from workflows.api import ACTIONS

    spec = next(a for a in ACTIONS if a.name == name)
    case = Case.objects.visible_to(user).get(pk=case_id)
    (run or spec.run)(case, user, validated_input(spec.serializer, data))


def accept_on(day: date) -> Callable[[Case, Any, dict[str, Any]], None]:
    """accept_arbitration's step with the service's `on` (a late registration): the REST action passes today."""
    from disputes.services import arbitration
    from workflows import steps

    return lambda case, user, _data: steps.run_staff_step(
        case, "accept_application", user, lambda c: arbitration.accept_arbitration(c, by=user, on=day)
    )


MEDIATION_STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("claim", "claim", {}),
    ("accept mediation", "accept_mediation", {}),
    ("outcome failed → arbitration", "record_mediation_outcome", {"outcome": "failed", "note": "双方分歧较大"}),
)
TRANSITIONS = ("file (mediation)", *(s[0] for s in MEDIATION_STEPS), "file (negotiation)", "negotiation settled")


def drive_once(world: World) -> dict[str, Sample]:
    """One mediation case filed, claimed, accepted and failed to arbitration; one negotiation settled."""
    samples: dict[str, Sample] = {}
    street, worker, mediator = world.street(BENCH_STREET), world.worker, world.street(BENCH_STREET).mediators[0]
    case = measured(samples, TRANSITIONS[0], file, filing("mediation", street.id), fresh_user(worker))
    for label, name, data in MEDIATION_STEPS:
        measured(samples, label, act, name, case.pk, fresh_user(mediator), data)
    talk = measured(samples, "file (negotiation)", file, filing("negotiation", street.id), fresh_user(worker))
    measured(samples, "negotiation settled", act, "negotiation_outcome", talk.pk, fresh_user(worker),
             {"outcome": "settled"})  # fmt: skip
    _check_case(case.pk, "arbitration")
    _check_case(talk.pk, "closed", "negotiation_settlement")
    return samples


def _check_case(case_id: int, tier: str, closure: str = "") -> None:
    from disputes.models import Case

    reached = Case.objects.values_list("tier", "closure_kind", "process__status").get(pk=case_id)
    expected = (tier, closure, "DONE" if closure else "NEW")
    if reached != expected:
        raise SystemExit(f"FAIL: the driven case {case_id} ended as {reached}, not {expected}")


def bench_transitions(world: World, repeat: int, warmup: int = 3) -> dict[str, list[Sample]]:
    for _ in range(warmup):
        drive_once(world)
    runs = [drive_once(world) for _ in range(repeat)]
    return {label: [run[label] for run in runs] for label in TRANSITIONS}


# --- part 2: one arbitration through to the court's decision (issue 5) ---


@dataclass(frozen=True)
class Calendar:
    """Every step's date, in the past (the services refuse future ones); the hearing with 5 working days' notice."""

    received_at: datetime
    accepted: date
    served: date
    defence: date
    notice: date
    hearing: date
    decided: date
    award_served: date
    suit_filed: date
    suit_decided: date

    @classmethod
    def before(cls, today: date) -> Calendar:
        from django.utils import timezone

        from disputes import deadlines

        day = {n: today - timedelta(days=n) for n in (40, 38, 35, 30, 10, 6, 5, 3, 1)}
        notice = deadlines.compute("arbitration.hearing_notice", day[10]).due  # the latest legal notice day
        assert notice is not None and day[30] <= notice < day[10], notice
        received, zone = day[40], timezone.get_current_timezone()
        received_at = datetime(received.year, received.month, received.day, 9, 30, tzinfo=zone)
        return cls(received_at, day[38], day[35], day[30], notice, day[10], day[6], day[5], day[3], day[1])

    def steps(self, world: World) -> tuple[tuple[str, str, int, dict[str, Any]], ...]:
        """(label, REST action, who, payload) after the filing and the acceptance, as in test_arbitration_flow."""
        arbitrator = world.street(BENCH_STREET).arbitrators[0]
        return (
            ("claim (arbitrator)", "claim", arbitrator, {}),
            ("record_service", "record_service", arbitrator, {"on": str(self.served)}),
            ("record_defence", "record_defence", arbitrator, {"on": str(self.defence)}),
            ("schedule_hearing", "schedule_hearing", arbitrator,
             {"hearing_on": str(self.hearing), "notice_served_on": str(self.notice)}),
            ("record_hearing", "record_hearing", arbitrator,
             {"held_on": str(self.hearing), "applicant_present": True, "respondent_present": True}),
            ("issue_award", "issue_award", arbitrator,
             {"decided_on": str(self.decided), "served_on": str(self.award_served),
              "items": [{"category": "unpaid_wages", "amount": str(WAGES)}]}),
            ("record_court_filing", "record_court_filing", world.worker,
             {"kind": "worker_suit", "filed_on": str(self.suit_filed)}),
            ("record_court_decision", "record_court_decision", world.worker,
             {"outcome": "judgment", "decided_on": str(self.suit_decided)}),
        )  # fmt: skip


LIFECYCLE = ("file (arbitration, window)", "accept_arbitration", "claim (arbitrator)", "record_service",
             "record_defence", "schedule_hearing", "record_hearing", "issue_award", "record_court_filing",
             "record_court_decision")  # fmt: skip


def window_filing(world: World, calendar: Calendar) -> dict[str, Any]:
    """A paper application the arbitration court's clerk registers, received (and back-dated to) 40 days ago."""
    received_on = calendar.received_at.date()
    return {**filing("arbitration", world.street(BENCH_STREET).id), "received_at": calendar.received_at.isoformat(),
            "knew_of_infringement_on": str(received_on - timedelta(days=30)),
            "employment_ended_on": str(received_on - timedelta(days=31))}  # fmt: skip


def drive_arbitration(world: World) -> dict[str, Sample]:
    """One case filed for arbitration at the window, accepted, heard, awarded, sued on, decided by the court."""
    from django.utils import timezone

    samples: dict[str, Sample] = {}
    calendar = Calendar.before(timezone.localdate())
    case = measured(samples, LIFECYCLE[0], file, window_filing(world, calendar), fresh_user(world.clerk))
    measured(samples, LIFECYCLE[1], act, "accept_arbitration", case.pk, fresh_user(world.clerk), {},
             accept_on(calendar.accepted))  # fmt: skip
    for label, name, who, data in calendar.steps(world):
        measured(samples, label, act, name, case.pk, fresh_user(who), data)
    _check_case(case.pk, "closed", "court_decision")
    return samples


def bench_lifecycle(world: World, repeat: int, warmup: int = 3) -> dict[str, list[Sample]]:
    for _ in range(warmup):
        drive_arbitration(world)
    runs = [drive_arbitration(world) for _ in range(repeat)]
    return {label: [run[label] for run in runs] for label in LIFECYCLE}


def check_stamp(world: World) -> list[str]:
    """Real filings (one worker's mediation, one clerk's collective arbitration): their first staff task's data
    must be, as PostgreSQL stores it, what the bench COPYs for the same organization and collective flag."""
    from django.db import connection
    from viewflow.workflow.models import Task

    from disputes import demo

    rng = random.Random(9)
    claimants = [{"name": demo.person_name(rng), "id_number": demo.id_number(rng), "mobile": demo.mobile(rng),
                  "is_representative": n < 3} for n in range(10)]  # fmt: skip
    street = world.street(BENCH_STREET)
    filings = ((filing("mediation", street.id), world.worker),
               ({**filing("arbitration", street.id), "claimants": claimants}, world.clerk))  # fmt: skip
    lines = []
    for payload, who in filings:
        case = file(payload, fresh_user(who))
        task = Task.objects.get(process_id=case.process_id, flow_task_type="HUMAN", status="NEW")
        copied = queue_stamp_json(case.current_organization_id or 0, case.is_collective, case.pk, case.number or "")
        with connection.cursor() as cursor:
            cursor.execute("SELECT data::text, %s::jsonb::text FROM viewflow_task WHERE id = %s", [copied, task.pk])
            real, copied = cursor.fetchone()
        if real != copied:
            raise SystemExit(f"FAIL: a real {task.flow_task.name} task has data {real}, the bench would COPY {copied}")
        lines.append(f"{task.flow_task.name} {real}")
    return lines


# --- reads: the queue, the inbox and a primary-key lookup -----------------------------------------


def _warm(call: Callable[[], Any], calls: int = 20, budget_s: float = 2.0) -> None:
    stop = time.perf_counter() + budget_s
    for _ in range(calls):
        call()
        if time.perf_counter() > stop:
            break


def timed_ms(call: Callable[[], Any], runs: int, budget_s: float = 20.0) -> list[float]:
    """Wall ms of ``runs`` calls after a warm-up; a call too slow for that stops at ``budget_s`` (≥ 5 calls)."""
    _warm(call)
    times: list[float] = []
    stop = time.perf_counter() + budget_s
    while len(times) < runs and (len(times) < 5 or time.perf_counter() < stop):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


GET, QUEUE, INBOX = "Case.objects.get(pk)", "queue_page (25 rows)", "inbox_page (25 rows)"
CLERK_QUEUE = "court clerk's queue_page"  # the arbitration court and every tribunal: 15 organizations
LEADER_QUEUE = "district leader's queue_page"  # every organization: no filter on the stamp
COMPILED, CURSOR = "queue_page: SQL compiled, not run", "queue_page: its SQL on a cursor"
MODELS, FLOOR = "organization_queue[:25] as models", "25 tasks + processes by id"
GOAL_READS = (QUEUE, INBOX)
INFO_READS = (CLERK_QUEUE, LEADER_QUEUE, COMPILED, CURSOR, MODELS, FLOOR)


def read_calls(mediator: Any, clerk: Any, leader: Any, rng: random.Random) -> dict[str, Callable[[], Any]]:
    """The reads: the list pages the product serves (workflows.queues.queue_page / inbox_page, as the task-list API
    and live lists read them); the queues of wider scopes; and, to split the queue's time, its SQL compiled only and
    run on a cursor; for information, the same page as model instances (viewflow's workbench list) and its floor."""
    from django.db import connection
    from viewflow.workflow.models import Task

    from disputes.models import Case
    from workflows.queues import PAGE_SIZE, inbox_page, organization_queue, queue_page, queue_rows

    low, high = Case.objects.order_by("id").values_list("id", flat=True)[0], _next_id("disputes_case") - 1
    ids = itertools.cycle([rng.randint(low, high) for _ in range(10_000)])
    page = [row["id"] for row in queue_page(mediator)]
    sql, params = queue_rows(mediator)[:PAGE_SIZE].query.sql_with_params()

    def on_cursor() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return {
        GET: lambda: Case.objects.get(pk=next(ids)),
        QUEUE: lambda: queue_page(mediator),
        INBOX: lambda: inbox_page(mediator),
        CLERK_QUEUE: lambda: queue_page(clerk),
        LEADER_QUEUE: lambda: queue_page(leader),
        COMPILED: lambda: queue_rows(mediator)[:PAGE_SIZE].query.sql_with_params(),
        CURSOR: on_cursor,
        MODELS: lambda: list(organization_queue(mediator)[:PAGE_SIZE]),
        FLOOR: lambda: list(Task.objects.filter(pk__in=page).select_related("process")),
    }


def statements(call: Callable[[], Any]) -> int:
    """SQL statements one call sends."""
    from django.db import connection

    sent = 0

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call()
    return sent


@dataclass
class Reads:
    rounds_ms: dict[str, list[list[float]]]
    statements: dict[str, int]
    rows: dict[str, int]  # rows on the page (or the page's size)


def bench_reads(world: World, rounds: int, runs: int, rng: random.Random) -> Reads:
    """Timings of each read, interleaved round by round so that all of them see the same box."""
    mediator, clerk, leader = (fresh_user(pk) for pk in (world.street(BENCH_STREET).mediators[0], world.clerk,
                                                         world.leader))  # fmt: skip
    calls = read_calls(mediator, clerk, leader, rng)
    rounds_ms: dict[str, list[list[float]]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            rounds_ms[name].append(timed_ms(call, runs))
    rows = {name: len(result) if isinstance(result := call(), list) else 0 for name, call in calls.items()}
    return Reads(rounds_ms, {name: statements(call) for name, call in calls.items()}, rows)


def read_median(rounds_ms: list[list[float]]) -> float:
    """The median of the round medians (perf-baselines G10)."""
    return statistics.median(statistics.median(times) for times in rounds_ms)


def explain(world: World) -> dict[str, str]:
    from disputes.models import Case
    from workflows.queues import PAGE_SIZE, inbox_rows, queue_rows

    mediator, clerk, leader = (fresh_user(pk) for pk in (world.street(BENCH_STREET).mediators[0], world.clerk,
                                                         world.leader))  # fmt: skip
    one_case = Case.objects.filter(pk=_next_id("disputes_case") // 2).order_by()  # as get() sends it: no ordering
    pages = {GET: one_case, QUEUE: queue_rows(mediator)[:PAGE_SIZE], INBOX: inbox_rows(mediator)[:PAGE_SIZE],
             CLERK_QUEUE: queue_rows(clerk)[:PAGE_SIZE], LEADER_QUEUE: queue_rows(leader)[:PAGE_SIZE]}  # fmt: skip
    return {name: page.explain(analyze=True, buffers=True) for name, page in pages.items()}


# --- reporting ----------------------------------------------------------------------------------


@dataclass
class SizeResult:
    cases: int
    tasks: int
    load: dict[str, float]
    transitions: dict[str, list[Sample]]
    lifecycle: dict[str, list[Sample]] = field(default_factory=dict)
    reads: Reads | None = None


def print_load(size: int, load: dict[str, float]) -> None:
    rows = sum(v for k, v in load.items() if not k.endswith("_s"))
    rate = rows / load["copy_s"]
    tribunal = ", ".join(f"{int(load[t]):,} {t.removeprefix('disputes_')}" for t in TABLES[3:])
    print(f"\n{size:,} cases — COPY {int(load['disputes_case']):,} cases, {int(load['viewflow_process']):,} processes, "
          f"{int(load['viewflow_task']):,} tasks; {tribunal} in {load['copy_s']:.1f} s ({rate:,.0f} rows/s = "
          f"{rate / B_COPY_ROWS_PER_S:.2f}× B_copy) · VACUUM ANALYZE {load['vacuum_s']:.1f} s")  # fmt: skip


def print_shape(world: World) -> int:
    from viewflow.workflow.models import Task

    from disputes.models import Arbitration, Case
    from workflows.queues import inbox, organization_queue

    tasks, human, cases = Task.objects.count(), Task.objects.filter(flow_task_type="HUMAN"), Case.objects.count()
    mine, other = (fresh_user(world.street(code).mediators[0]) for code in (BENCH_STREET, OTHER_STREET))
    arbitrations, clerk = Arbitration.objects.count(), fresh_user(world.clerk)
    print(f"  in the database: {cases:,} cases, {tasks:,} tasks, {arbitrations:,} arbitrations "
          f"({arbitrations / cases:.0%} of cases); open staff tasks "
          f"{human.filter(status='NEW').count():,} queued, {human.filter(status='ASSIGNED').count():,} claimed; "
          f"queue of {BENCH_STREET} {organization_queue(mine).count():,} (of {OTHER_STREET} "
          f"{organization_queue(other).count():,}, of the court clerk {organization_queue(clerk).count():,}); "
          f"inbox of the bench mediator {inbox(mine).count():,}")  # fmt: skip
    total, wrong = check_loaded_stamps()
    if wrong:
        raise SystemExit(f"FAIL: {wrong:,} of {total:,} open staff tasks lack their case's queue stamp")
    print(f"  queue stamp: all {total:,} open staff tasks carry their case's organization and collective flag")
    return tasks


def _cpu_ticks() -> tuple[int, int]:
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # busy (all but idle and iowait), total


def print_box(what: str, seconds: float = 2.0) -> None:
    """CPU used by others while the bench sleeps: on this 2-vCPU box they would slow the figures that follow."""
    busy, total = _cpu_ticks()
    time.sleep(seconds)
    busy_after, total_after = _cpu_ticks()
    share = (busy_after - busy) / max(total_after - total, 1)
    warning = " <<< the box is busy: the ratios below need a quiet box" if share > 0.25 else ""
    print(f"  before the {what}: other work used {share:.0%} of {os.cpu_count()} CPUs{warning}")


def print_transitions(title: str, transitions: dict[str, list[Sample]]) -> None:
    print(f"  {title}, median of {len(next(iter(transitions.values())))} cases "
          "(SQL queries · wall ms (min–max) · CPU ms of bench + backend):")  # fmt: skip
    for label, samples in transitions.items():
        queries, ms, cpu = sorted({s.queries for s in samples}), [s.ms for s in samples], [s.cpu_ms for s in samples]
        print(f"    {label:<30} {'/'.join(map(str, queries)):>7} q · {statistics.median(ms):7.2f} ms "
              f"({min(ms):.1f}–{max(ms):.1f}) · CPU {statistics.median(cpu):6.2f} ms")  # fmt: skip


def print_reads(reads: Reads) -> None:
    base = read_median(reads.rounds_ms[GET])
    print("  reads (median ms of each round → median of rounds, ratio to get(pk); SQL statements, rows; calls timed):")
    for name, rounds_ms in reads.rounds_ms.items():
        medians, median = " · ".join(f"{statistics.median(t):.3f}" for t in rounds_ms), read_median(rounds_ms)
        calls, sent, rows = sum(len(t) for t in rounds_ms), reads.statements[name], reads.rows[name]
        print(f"    {name:<30} {medians} → {median:.3f} ms = {median / base:.2f}× ({sent} q, {rows} rows; "
              f"{calls} calls)")  # fmt: skip
    page, compiled, cursor = (read_median(reads.rounds_ms[name]) for name in (QUEUE, COMPILED, CURSOR))
    built = page - compiled - cursor
    print(f"    → the queue's {page:.2f} ms: building and compiling the query {compiled:.2f} ms "
          f"({compiled / page:.0%}), its SQL on a cursor {cursor:.2f} ms ({cursor / page:.0%}), building the rows "
          f"{built:.2f} ms ({built / page:.0%})")  # fmt: skip


def server_ms(plan_text: str) -> float:
    """Planning and execution: neither the ORM nor its cursor prepares statements, so every call plans again."""
    return sum(float(plan_text.rsplit(f"{phase} Time: ", 1)[1].split()[0]) for phase in ("Planning", "Execution"))


def print_explain(plans: dict[str, str]) -> None:
    for name, plan_text in plans.items():
        print(f"  EXPLAIN (ANALYZE, BUFFERS) {name}:")
        print("\n".join(f"    {line}" for line in plan_text.splitlines()))
        scans = [t for t in ("viewflow_task", "disputes_case", "viewflow_process") if f"Seq Scan on {t}" in plan_text]
        verdict = f"SEQUENTIAL SCAN over {', '.join(scans)} <<<" if scans else "no sequential scan of a large table"
        discarded = discarded_rows(plan_text)
        waste = " <<< far more than the page it returns" if discarded > 100 * 50 else ""
        print(f"    → {verdict}; {discarded:,} rows read and dropped by filters{waste}")
        print(f"    → server time (planning + execution) {server_ms(plan_text):.2f} ms = "
              f"{server_ms(plan_text) / B_PIDX_MS:.1f}× B_pidx (G6, information)")  # fmt: skip


def discarded_rows(plan_text: str) -> int:
    """Rows that plan nodes read and then dropped ("Rows Removed by Filter" times the node's loops)."""
    total, loops = 0, 1
    for line in plan_text.splitlines():
        if found := re.search(r"loops=(\d+)\)", line):
            loops = int(found.group(1))
        if found := re.search(r"Rows Removed by (?:Join )?Filter: (\d+)", line):
            total += int(found.group(1)) * loops
    return total


Row = tuple[str, str, str, float, bool | None]  # goal, target, measured, ratio, passed (None: information)


def transition_rows(label: str, small: list[Sample], large: list[Sample], *, goal: bool = True) -> list[Row]:
    (q0, q1), (ms0, ms1), (cpu0, cpu1) = (
        [statistics.median(pick(s) for s in samples) for samples in (small, large)]
        for pick in (lambda s: s.queries, lambda s: s.ms, lambda s: s.cpu_ms)
    )
    return [
        (f"{label}: SQL queries", "same" if goal else "info", f"{q0:.0f} → {q1:.0f}", q1 / q0,
         q0 == q1 if goal else None),
        (f"{label}: ms", f"≤ {TIME_GOAL}×" if goal else "info", f"{ms0:.1f} → {ms1:.1f}", ms1 / ms0,
         ms1 <= TIME_GOAL * ms0 if goal else None),
        (f"{label}: CPU ms", "info", f"{cpu0:.1f} → {cpu1:.1f}", cpu1 / cpu0, None),
    ]  # fmt: skip


def whole(lifecycle: dict[str, list[Sample]]) -> list[Sample]:
    """Each driven case's whole lifecycle: its transitions' queries and milliseconds added up."""
    runs = zip(*lifecycle.values(), strict=True)
    return [Sample(sum(s.queries for s in run), sum(s.ms for s in run), sum(s.cpu_ms for s in run)) for run in runs]


def read_rows(large: SizeResult, plans: dict[str, str]) -> list[Row]:
    assert large.reads is not None
    median = {name: read_median(rounds) for name, rounds in large.reads.rounds_ms.items()}
    base, rows = median[GET], []
    for name in (*GOAL_READS, *INFO_READS):
        goal = name in GOAL_READS
        verdict = median[name] <= READ_GOAL * base if goal else None
        rows.append((f"{name} / get(pk)", f"≤ {READ_GOAL:.0f}×" if goal else "info",
                     f"{median[name]:.2f} / {base:.2f} ms", median[name] / base, verdict))  # fmt: skip
    for name in (GET, QUEUE, INBOX, CLERK_QUEUE, LEADER_QUEUE):
        server = server_ms(plans[name])
        short = name.replace(" (25 rows)", "")
        rows.append((f"{short}: server time / get(pk)", "info", f"{server:.2f} / {base:.2f} ms", server / base,
                     None))  # fmt: skip
    return rows


def print_summary(small: SizeResult, large: SizeResult, plans: dict[str, str]) -> None:
    print(f"\nSummary: {small.cases:,} → {large.cases:,} cases ({small.tasks:,} → {large.tasks:,} tasks), PostgreSQL")
    print(f"  {'goal':<46} {'target':>8} {'measured':>20} {'ratio':>7}  result")
    sections: tuple[tuple[str, list[Row]], ...] = (
        ("part 1 (issue 4): transitions of the first tiers",
         [r for label in TRANSITIONS for r in transition_rows(label, small.transitions[label],
                                                              large.transitions[label])]),
        ("part 2 (issue 5): an arbitration through the court's decision",
         [r for label in LIFECYCLE for r in transition_rows(label, small.lifecycle[label], large.lifecycle[label])]
         + transition_rows("whole lifecycle", whole(small.lifecycle), whole(large.lifecycle), goal=False)),
        ("part 1 (issue 4): a mediator's queue and inbox", read_rows(large, plans)),
    )  # fmt: skip
    for title, rows in sections:
        print(f"  {title}")
        for name, target, measured_text, ratio, ok in rows:
            verdict = "information" if ok is None else "PASS" if ok else "FAIL  <<<"
            print(f"  {name:<46} {target:>8} {measured_text:>20} {ratio:>6.2f}×  {verdict}")
    goals = [ok for *_, ok in sections[1][1] if ok is not None]
    print(f"  part 2: {sum(goals)} of {len(goals)} goals met — {'PASS' if all(goals) else 'FAIL  <<<'}")


# --- the database and main ----------------------------------------------------------------------


def measure_size(size: int, loaded: int, world: World, args: argparse.Namespace, rng: random.Random) -> SizeResult:
    from django.utils import timezone

    load_stats = load(size - loaded, world, rng, timezone.now())
    print_load(size, load_stats)
    tasks = print_shape(world)
    print_box("part 1's transitions")
    result = SizeResult(size, tasks, load_stats, bench_transitions(world, args.repeat))
    print_transitions("part 1 — mediation and negotiation transitions", result.transitions)
    print_box("part 2's lifecycle")
    result.lifecycle = bench_lifecycle(world, args.repeat)
    print_transitions("part 2 — arbitration lifecycle (back-dated window filing → court decision)", result.lifecycle)
    print_box("reads")
    result.reads = bench_reads(world, args.rounds, args.reads, rng)
    print_reads(result.reads)
    return result


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, nargs=2, default=SIZES, metavar=("SMALL", "LARGE"))
    parser.add_argument("--small", action="store_true", help=f"quick run: --cases {SMALL_SIZES[0]} {SMALL_SIZES[1]}")
    parser.add_argument("--repeat", type=int, default=20, help="cases driven through each part per size")
    parser.add_argument("--reads", type=int, default=200, help="timed calls of each read per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of reads; the median of round medians counts")
    parser.add_argument("--staff", type=int, default=8, help="mediators per centre, arbitrators per tribunal")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    args.cases = SMALL_SIZES if args.small else tuple(args.cases)
    return args


def run(args: argparse.Namespace, url: str, started: float) -> None:
    rng = random.Random(args.seed)
    world = build_world(args.staff)
    print(f"bench/workflow.py on {url} · Python {sys.version.split()[0]} · setup {time.perf_counter() - started:.1f} s")
    for line in check_stamp(world):
        print(f"  a real task filed through file_case has the data the bench COPYs: {line}")
    small = measure_size(args.cases[0], 0, world, args, rng)
    large = measure_size(args.cases[1], args.cases[0], world, args, rng)
    plans = explain(world)
    print_explain(plans)
    print_summary(small, large, plans)


def main() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    args, url, started = parse_args(), database_url(), time.perf_counter()
    with fresh_database(url, keep=args.keep):
        run(args, url, started)
    print(f"\nWhole bench: {time.perf_counter() - started:.0f} s" + (f" (database {url} kept)" if args.keep else ""))


if __name__ == "__main__":
    main()
