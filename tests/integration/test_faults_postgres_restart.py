"""Fault: PostgreSQL restarts while requests are in flight.

A private cluster (initdb, another port) is migrated and served by gunicorn with the production settings.
Office users create projects (Project + its creation history row in one request) and register complaints
(Complaint + its "received" CaseEvent + history rows) from several threads while the cluster is stopped
with `pg_ctl stop -m fast` (cutting the sessions of the requests in flight), held down until requests have
met the outage, and started again. The test checks that requests were in flight when it stopped, that
every error answer is the project's own clean page (templates/500.html, whole: never a traceback or
gunicorn's bare error), that afterwards no record is half-written and that requests after the restart
succeed again (CONN_HEALTH_CHECKS reconnects)."""

import datetime
import subprocess
import threading
import time
from dataclasses import dataclass

import psycopg2
import pytest
import requests

from tests.integration import faults_support as fs
from tests.integration.private_services import free_port, private_postgres

pytestmark = pytest.mark.postgres

PASSWORD = "Fault-pass-2026"
SETUP = f"""
from django.contrib.auth.models import User
from projects.models import Enterprise
from wagewatch.accounts.models import Department, Profile, Role, Township
from tests.projects.factories import valid_uscc
t = Township.objects.create(code="TA", name="甲镇")
d = Department.objects.create(code="ZJ", name="县住建局")
b = Enterprise.objects.create(uscc=valid_uscc(1), name="建设单位", legal_representative="甲", kind="builder")
c = Enterprise.objects.create(
    uscc=valid_uscc(2), name="施工单位", legal_representative="乙", kind="contractor"
)
u = User.objects.create_user("office", password="{PASSWORD}")
Profile.objects.create(user=u, role=Role.OFFICE, is_approver=True)
print(t.pk, d.pk, b.pk, c.pk)
"""


def _project_form(ids, code):
    township, department, builder, contractor = ids
    today = datetime.date.today()  # noqa: DTZ011  (form input, as a browser would send it)
    return {
        "code": code,
        "name": f"故障测试项目{code}",
        "township": township,
        "department": department,
        "investment_type": "government",
        "builder": builder,
        "contractor": contractor,
        "address": "某路1号",
        "contract_price": "5000000.00",
        "contract_date": (today - datetime.timedelta(days=30)).isoformat(),
        "start_date": (today - datetime.timedelta(days=20)).isoformat(),
        "planned_finish": (today + datetime.timedelta(days=300)).isoformat(),
        "status": "building",
        "labour_share": "0.20",
        "payday": "15",
        "wage_admin": "王劳资",
        "wage_admin_phone": "13800000000",
        "notice_board": "on",
    }


def _complaint_form(ids, n):
    return {
        "channel": "12333",
        "complainant_name": "刘大力",
        "complainant_phone": "13700001234",
        "respondent": "施工单位",
        "township": ids[0],
        "workers_involved": "3",
        "amount_claimed": "12000",
        "description": f"故障测试投诉{n}",
    }


def _logged_in(base: str) -> requests.Session:
    """A signed-in office session, made before the fault (so a thread never dies on its login)."""
    s = requests.Session()
    fs.login(s, base, "office", PASSWORD)
    return s


@dataclass(frozen=True)
class Answer:
    start: float
    end: float
    status: int
    body: str
    content_type: str


class Load:
    """Office users saving projects and complaints in a loop; every answer kept with its start and end."""

    def __init__(self, base: str, ids: list[str], users: int = 4):
        self.base, self.ids = base, ids
        self.results: list[Answer] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.person, args=(n, _logged_in(base)), daemon=True)
            for n in range(users)
        ]

    def person(self, n: int, s: requests.Session) -> None:
        i = 0
        while not self.stop.is_set():
            i += 1
            if i % 2:
                path, fields = "/projects/new/", _project_form(self.ids, f"F{n}-{i}")
            else:
                path, fields = "/complaints/new/", _complaint_form(self.ids, f"{n}-{i}")
            form = self.call(s.get, self.base + path)
            if form.status != 200:
                time.sleep(0.05)
                continue
            data = {**fields, "csrfmiddlewaretoken": fs.csrf_of(form.body), **fs.once_of(form.body)}
            headers = {"Referer": self.base + path}
            self.call(s.post, self.base + path, data=data, headers=headers, allow_redirects=False)

    def call(self, method, url: str, **kw) -> "Answer":
        start = time.monotonic()
        try:
            r = method(url, timeout=15, **kw)
            answer = Answer(start, time.monotonic(), r.status_code, r.text, r.headers.get("Content-Type", ""))
        except requests.RequestException as exc:  # a dropped connection is a failure too
            answer = Answer(start, time.monotonic(), -1, repr(exc), "")
        with self.lock:
            self.results.append(answer)
        return answer

    def count(self, test) -> int:
        with self.lock:
            return sum(1 for a in self.results if test(a))


def _restart(pg, load: Load) -> tuple[float, float]:
    """Stop the cluster (fast: open sessions are cut), keep it down until requests have met the outage,
    start it again; (when the stop began, when the server was up again)."""
    down = time.monotonic()
    pg._run("pg_ctl", "-D", str(pg.data), "-m", "fast", "-w", "stop")
    stopped = time.monotonic()
    fs.wait_for(
        lambda: load.count(lambda a: a.start > stopped and a.status >= 500) >= 4,
        timeout=30,
        what="answers while the database is down",
    )
    pg.start()
    return down, time.monotonic()


def test_postgres_restart_mid_requests_gives_clean_errors_and_no_half_records(db):
    clean_page = (fs.ROOT / "templates" / "500.html").read_text(encoding="utf-8")
    with private_postgres() as pg:
        admin = psycopg2.connect(pg.url)
        admin.autocommit = True
        admin.cursor().execute("CREATE DATABASE ww")
        admin.close()
        db = pg.url.rsplit("/", 1)[0] + "/ww"
        env = fs.child_env(DATABASE_URL=db, DEBUG="1")
        fs.clone_test_database(db)
        out = subprocess.run(
            [fs.PY, "manage.py", "shell", "-c", SETUP],
            cwd=fs.ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        ids = out.split()[-4:]

        with fs.gunicorn(database=db, port=free_port(), workers=2, threads=2) as base:
            load = Load(base, ids)
            for t in load.threads:
                t.start()
            fs.wait_for(lambda: load.count(lambda a: a.status == 302) >= 8, timeout=60, what="writes")
            down, up = _restart(pg, load)
            fs.wait_for(
                lambda: load.count(lambda a: a.start > up and a.status == 302) >= 8,
                timeout=40,
                what="writes after the restart",
            )
            load.stop.set()
            for t in load.threads:
                t.join(30)
            assert not any(t.is_alive() for t in load.threads)

        results = load.results

        def phase(a: Answer) -> str:
            return "before" if a.end < down else "after" if a.start > up else "restart"

        statuses = {}
        for a in results:
            statuses.setdefault(phase(a), {}).setdefault(a.status, 0)
            statuses[phase(a)][a.status] += 1
        print("answers by phase:", statuses)
        # requests were being served when the server went down: begun before it, answered after
        cut = [a for a in results if a.start < down < a.end]
        assert cut, "no request was in flight when PostgreSQL stopped"
        errors = [a for a in results if a.status >= 500]
        assert sum(1 for a in errors if phase(a) == "restart") >= 4
        for a in results:
            assert a.status in (200, 302, 500, 503), (phase(a), a.status, a.body[:300])
        assert "<title>服务暂时不可用</title>" in clean_page
        for a in errors:  # the project's own page, whole: not a traceback, not gunicorn's bare error
            assert a.body == clean_page, a.body[:500]
            assert a.content_type.startswith("text/html"), a.content_type
        assert {phase(a) for a in errors} == {"restart"}  # before and after it, every request succeeds

        conn = psycopg2.connect(db)
        with conn.cursor() as c:
            c.execute("SELECT count(*) FROM projects_project")
            projects = c.fetchone()[0]
            c.execute(
                "SELECT count(*) FROM projects_project p WHERE NOT EXISTS (SELECT 1 FROM"
                " projects_historicalproject h WHERE h.id = p.id AND h.history_type = '+')"
            )
            without_history = c.fetchone()[0]
            c.execute(
                "SELECT count(*) FROM projects_historicalproject h WHERE h.history_type = '+' AND NOT EXISTS"
                " (SELECT 1 FROM projects_project p WHERE p.id = h.id)"
            )
            orphan_history = c.fetchone()[0]
            c.execute("SELECT count(*) FROM complaints_complaint")
            complaints = c.fetchone()[0]
            c.execute(
                "SELECT count(*) FROM complaints_complaint k WHERE NOT EXISTS (SELECT 1 FROM"
                " complaints_caseevent e WHERE e.complaint_id = k.id AND e.action = 'received')"
                " OR NOT EXISTS (SELECT 1 FROM complaints_historicalcomplaint h WHERE h.id = k.id"
                " AND h.history_type = '+')"
            )
            half_complaints = c.fetchone()[0]
        conn.close()
        created = sum(1 for a in results if a.status == 302)
        print(f"saved: {projects} projects, {complaints} complaints; redirects {created}")
        assert projects + complaints == created  # every redirect is a saved record, nothing else was saved
        assert projects > 0 and complaints > 0
        assert without_history == 0 and orphan_history == 0 and half_complaints == 0
