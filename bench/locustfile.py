"""The people of bench/load.py, run by locust in its own processes (no GIL shared with the app).

Each person is logged in (a session cookie bench/load.py made for him, one per person, from the file named
by ``$BENCH_SESSIONS``) and waits ``$BENCH_THINK`` seconds (default 1) between pages.
``OfficePerson`` walks the real mix (desk, project list, a project page, the case ledger, a roster) as the
users of load.py's ``MIX`` in turn (office staff, inspectors, a department head: each his own jurisdiction,
projects drawn from those he may open); ``AdminPerson`` opens the Django admin's project changelist (the
anchor); ``ListPerson`` only the project list, as office staff (closed loop with ``BENCH_THINK=0``).
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, constant, task

THINK = float(os.environ.get("BENCH_THINK", "1"))
with open(os.environ["BENCH_SESSIONS"], encoding="utf-8") as f:
    _SETUP = json.load(f)
_COOKIES = {role: itertools.cycle(cookies) for role, cookies in _SETUP["cookies"].items()}
PROJECTS: list[int] = _SETUP["projects"]
_MIX = itertools.cycle(_SETUP["mix"])


class _Person(FastHttpUser):
    abstract = True
    role = "office"
    wait_time = constant(THINK)

    def on_start(self):
        self.cookie = next(_COOKIES[self.role])

    def page(self, path: str, name: str):
        self.client.get(path, name=name, headers={"Cookie": self.cookie})


class OfficePerson(_Person):
    def on_start(self):
        self.role = next(_MIX)
        self.projects = _SETUP["projects_of"][self.role] or PROJECTS
        super().on_start()

    @task
    def desk(self):
        self.page("/", "desk /")

    @task
    def project_list(self):
        self.page("/projects/", "project list")

    @task
    def project_page(self):
        self.page(f"/projects/{random.choice(self.projects)}/", "project page")

    @task
    def case_ledger(self):
        if self.role.startswith("dept_"):  # cases are the labour office's: a department head has no ledger
            return self.project_list()
        self.page("/complaints/", "case ledger")

    @task
    def roster(self):
        self.page(f"/projects/{random.choice(self.projects)}/roster/", "roster")


class ListPerson(_Person):
    @task
    def project_list(self):
        self.page("/projects/", "project list")


class AdminPerson(_Person):
    role = "admin"

    @task
    def changelist(self):
        self.page("/admin/projects/project/", "admin changelist")
