"""Fault: PostgreSQL restarts while requests are in flight.

A private cluster (initdb, another port) is migrated and served by gunicorn with the production settings.
Office users create projects (Project + its creation history row in one request) and register complaints
(Complaint + its "received" CaseEvent + history rows) from several threads while the cluster is restarted
with `pg_ctl restart -m fast`. Every answer is a redirect, a page, or the
clean "服务暂时不可用" page (templates/500.html) — never a traceback — and afterwards no record is
half-written. Requests after the restart succeed again (CONN_HEALTH_CHECKS reconnects).
"""

import datetime
import subprocess
import threading
import time

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
CLEAN_ERROR = "服务暂时不可用"


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


def test_postgres_restart_mid_requests_gives_clean_errors_and_no_half_records(db):
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

        results: list[tuple[str, int, str]] = []  # (phase, status, body head)
        lock = threading.Lock()
        phase = {"now": "before"}
        stop = threading.Event()

        def person(n: int, base: str):
            s = requests.Session()
            fs.login(s, base, "office", PASSWORD)
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    if i % 2:
                        path, fields = "/projects/new/", _project_form(ids, f"F{n}-{i}")
                    else:
                        path, fields = "/complaints/new/", _complaint_form(ids, f"{n}-{i}")
                    form = s.get(base + path, timeout=15)
                    if form.status_code != 200:
                        with lock:
                            results.append((phase["now"], form.status_code, form.text[:2000]))
                        time.sleep(0.05)
                        continue
                    data = {**fields, "csrfmiddlewaretoken": fs.csrf_of(form.text)}
                    r = s.post(
                        base + path,
                        data=data,
                        headers={"Referer": base + path},
                        timeout=15,
                        allow_redirects=False,
                    )
                    with lock:
                        results.append((phase["now"], r.status_code, r.text[:2000]))
                except requests.RequestException as exc:  # a dropped connection is a failure too
                    with lock:
                        results.append((phase["now"], -1, repr(exc)))

        with fs.gunicorn(database=db, port=free_port(), workers=2, threads=2) as base:
            threads = [threading.Thread(target=person, args=(n, base)) for n in range(4)]
            for t in threads:
                t.start()
            fs.wait_for(lambda: sum(1 for r in results if r[1] == 302) >= 8, timeout=60, what="writes")
            phase["now"] = "restart"
            pg._run("pg_ctl", "-D", str(pg.data), "-l", str(pg.dir / "log"), "-m", "fast", "-w", "restart")
            phase["now"] = "after"
            fs.wait_for(
                lambda: sum(1 for r in results if r[0] == "after" and r[1] == 302) >= 8,
                timeout=40,
                what="writes after the restart",
            )
            stop.set()
            for t in threads:
                t.join(30)

        statuses = {}
        for ph, status, _body in results:
            statuses.setdefault(ph, {}).setdefault(status, 0)
            statuses[ph][status] += 1
        print("answers by phase:", statuses)
        for ph, status, body in results:
            assert status in (200, 302, 500, 503), (ph, status, body[:300])
            if status >= 500:
                assert CLEAN_ERROR in body and "Traceback" not in body, body[:500]

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
        created = sum(1 for _ph, s, _b in results if s == 302)
        print(f"saved: {projects} projects, {complaints} complaints; redirects {created}")
        assert projects + complaints == created  # every redirect is a saved record, nothing else was saved
        assert projects > 0 and complaints > 0
        assert without_history == 0 and orphan_history == 0 and half_complaints == 0
