"""Demo county: ~40 complaint cases across channels and states on the demo projects (idempotent)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from projects.models import Project
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.workdays import add_workdays_info

from .models import CaseEvent, Complaint

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
CHANNELS = Complaint.Channel.values
COUNT = 40


def seed(*, stdout) -> None:
    projects = list(Project.objects.select_related("contractor", "township").order_by("code")[:20])
    if not projects:
        stdout.write("  complaints: no demo projects, skipped")
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    for i in range(COUNT):
        _case(i, rng, projects[i % len(projects)], today)
    stdout.write(f"  complaints {Complaint.objects.filter(number__startswith='TSDEMO').count()}")


def _case(i: int, rng: random.Random, project: Project, today: datetime.date) -> None:
    received = today - datetime.timedelta(days=5 + i * 6)
    received_at = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9, 30)))
    workers = rng.choice([1, 2, 3, 5, 8, 12, 15, 26, 55]) if i % 7 else 60
    state = ["received", "accepted", "filed", "closed", "closed", "closed", "refused"][i % 7]
    accept_due, complete = add_workdays_info(received, 5)
    phone = f"139{rng.randint(10000000, 99999999)}"
    values = {
        "channel": CHANNELS[i % len(CHANNELS)],
        "received_at": received_at,
        "complainant_name": rng.choice(SURNAMES) + rng.choice(["建国", "小二", "德明", "桂兰", "永强"]),
        "complainant_phone": phone,
        "complainant_phone_hash": keyed_hash(phone),
        "respondent": project.contractor,
        "respondent_name": project.contractor.name,
        "project": project,
        "township": project.township,
        "workers_involved": workers,
        "amount_claimed": Decimal(workers * rng.randint(3000, 12000)),
        "description": "反映项目拖欠农民工工资，多次讨要未果。",
        "group_incident": workers >= 10,
        "accept_due": accept_due,
        "calendar_complete": complete,
        "status": state,
        "supervised": i % 11 == 0,
        "leader": "县人社局局长" if i % 13 == 0 else "",
    }
    values.update(_state_fields(state, received, values["amount_claimed"], workers))
    case, created = Complaint.objects.update_or_create(
        number=f"TSDEMO{received.year}-{i + 1:04d}", defaults=values
    )
    if created:
        CaseEvent.objects.create(complaint=case, at=received_at, action="received")
        if state != "received":
            CaseEvent.objects.create(complaint=case, at=received_at, action=state)


def _state_fields(state, received, claimed, workers) -> dict:
    if state in ("received",):
        return {}
    if state == "refused":
        return {"outcome": "refused", "refusal_reason": "不属于劳动保障监察管辖，已告知申请仲裁。"}
    accepted = received + datetime.timedelta(days=2)
    fields = {"accepted_on": accepted}
    if state in ("filed", "closed"):
        close_due, _complete = add_workdays_info(accepted, 60)
        fields.update(filed_on=accepted, close_due=close_due)
    if state == "closed":
        fields.update(
            closed_on=accepted + datetime.timedelta(days=20),
            outcome="mediated" if workers < 20 else "investigated",
            amount_recovered=claimed,
            workers_paid=workers,
        )
    return fields
