"""The wage reconciliation rules: each opens its hazard with the workers behind it, updates it when the
list changes, closes it when the lines clear; one query per rule whatever the number of lines."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Hazard, Project, RiskRule, SweepRun
from risk.registry import GENERAL, SERIOUS
from risk.services import risk_rules_sync, sweep_run
from risk.sweep import evaluate_rule
from tests.projects.factories import make_roster_entry
from tests.wages.factories import CARD, make_pay_line
from wages.models import PayLine
from wagewatch.lib import workdays
from wagewatch.lib.cardhash import card_hash
from wagewatch.lib.masking import mask_id
from wagewatch.lib.periods import month_start

from .factories import healthy_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
OLD = month_start(TODAY, -2)  # its payday (in the month after) has passed whatever the payday
OLDER = month_start(TODAY, -3)
WAGE_RULES = ["WORKER_UNPAID", "WORKER_SHORT", "CARD_MISMATCH", "OFF_ACCOUNT", "BANK_FAILED"]
LONG_AGO = TODAY - datetime.timedelta(days=20)


def finding(code, project, today=TODAY):
    risk_rules_sync()
    found, failures = evaluate_rule(RiskRule.objects.get(code=code), Project.objects.active_on(today), today)
    assert not failures
    return found.get(project.pk)


def run_sweep():
    return sweep_run(run=SweepRun.objects.create(), today=TODAY)


@pytest.fixture
def project(township_a, department):
    return healthy_project(township_a, department)


def entry_of(project, **kw):
    return make_roster_entry(project, card_hash=card_hash(CARD), **kw)


# what makes each rule fire on one line, and what clears it
BREAK = {
    "WORKER_UNPAID": {"net": None, "paid_on": None, "bank_status": ""},
    "WORKER_SHORT": {"net": Decimal("4500.00")},
    "CARD_MISMATCH": {"card": "6222020000000000001"},
    "OFF_ACCOUNT": {"via_account": False, "source": PayLine.Source.SHEET, "card": ""},
    "BANK_FAILED": {"bank_status": PayLine.BankStatus.FAILED, "paid_on": LONG_AGO, "bank_reason": "户名不符"},
}
MONTH = {"CARD_MISMATCH": month_start(TODAY, -1), "OFF_ACCOUNT": month_start(TODAY, -1)}
CLEAR = {
    "WORKER_UNPAID": {"net": Decimal("6000.00"), "paid_on": TODAY, "bank_status": "ok"},
    "WORKER_SHORT": {"net": Decimal("6000.00")},
    "CARD_MISMATCH": {"card_hash": card_hash(CARD)},
    "OFF_ACCOUNT": {"via_account": True},
    "BANK_FAILED": {"bank_status": "ok", "paid_on": TODAY},
}


def test_the_five_rules_are_registered_with_their_thresholds():
    risk_rules_sync()
    rows = {r.code: r for r in RiskRule.objects.filter(code__in=WAGE_RULES)}
    assert set(rows) == set(WAGE_RULES)
    assert rows["BANK_FAILED"].thresholds == {"days": 5, "serious_workers": 10}
    assert rows["WORKER_UNPAID"].thresholds == {"days": 0, "serious_workers": 10}
    assert rows["CARD_MISMATCH"].thresholds == {"lookback_months": 3, "serious_workers": 10}


def test_paid_lines_fire_no_wage_rule(project):
    for month in (OLDER, OLD):
        make_pay_line(entry_of(project), month)
    for code in WAGE_RULES:
        assert finding(code, project) is None, code


@pytest.mark.parametrize("code", WAGE_RULES)
def test_rule_fires_names_the_worker_masked_and_clears(project, code):
    entry = entry_of(project)
    line = make_pay_line(entry, MONTH.get(code, OLD), **BREAK[code])
    severity, detail = finding(code, project)
    worker = entry.worker
    assert severity == GENERAL
    assert worker.name in detail and mask_id(worker.id_number) in detail
    assert worker.id_number not in detail
    PayLine.objects.filter(pk=line.pk).update(**CLEAR[code])
    assert finding(code, project) is None


def test_unpaid_counts_a_worker_without_due_as_amount_unknown(project):
    make_pay_line(entry_of(project), OLD, due=None, net=None, paid_on=None, bank_status="")
    make_pay_line(entry_of(project), OLD, net=None, paid_on=None, bank_status="")
    _severity, detail = finding("WORKER_UNPAID", project)
    assert detail.startswith("2名工人") and "合计6000.00元" in detail and "1人应发金额未登记" in detail


def test_unpaid_waits_for_payday_plus_grace_plus_days(project, settings):
    Project.objects.filter(pk=project.pk).update(payday=15)
    make_pay_line(entry_of(project), OLDER, net=None, paid_on=None, bank_status="")
    payday = month_start(OLDER, 1).replace(day=15)

    def fires(day, days=0):
        RiskRule.objects.filter(code="WORKER_UNPAID").update(thresholds={"days": days})
        return finding("WORKER_UNPAID", project, today=day) is not None

    risk_rules_sync()
    assert not fires(payday) and fires(payday + datetime.timedelta(days=1))
    assert not fires(payday + datetime.timedelta(days=3), days=3)
    assert fires(payday + datetime.timedelta(days=4), days=3)
    settings.WAGEWATCH = {**settings.WAGEWATCH, "WAGE_PAY_GRACE_DAYS": 2}
    assert not fires(payday + datetime.timedelta(days=5), days=3)
    assert fires(payday + datetime.timedelta(days=6), days=3)


def test_failed_bank_line_is_not_counted_unpaid_and_waits_its_repay_days(project):
    entry = entry_of(project)
    line = make_pay_line(entry, OLD, bank_status="failed", paid_on=TODAY - datetime.timedelta(days=2))
    assert finding("WORKER_UNPAID", project) is None
    assert finding("BANK_FAILED", project) is None  # 2 days ago: the bank still has 5 days
    PayLine.objects.filter(pk=line.pk).update(paid_on=LONG_AGO)
    assert finding("BANK_FAILED", project) is not None


def test_card_mismatch_needs_both_hashes(project):
    entry = make_roster_entry(project)  # no card registered: nothing to compare
    make_pay_line(entry, month_start(TODAY, -1), card="6222020000000000001")
    assert finding("CARD_MISMATCH", project) is None


def test_serious_when_many_workers(project):
    risk_rules_sync()
    RiskRule.objects.filter(code="WORKER_SHORT").update(thresholds={"serious_workers": 3})
    for _ in range(3):
        make_pay_line(entry_of(project), OLD, net=Decimal("100.00"))
    severity, detail = finding("WORKER_SHORT", project)
    assert severity == SERIOUS and "少发合计17700.00元" in detail


def test_detail_names_at_most_the_list_limit(project, monkeypatch):
    monkeypatch.setattr("risk.rules.paylines.LIST_LIMIT", 2)
    amounts = [Decimal("1000.00"), Decimal("5000.00"), Decimal("3000.00")]
    entries = [entry_of(project) for _ in amounts]
    for entry, amount in zip(entries, amounts, strict=True):
        make_pay_line(entry, OLD, net=Decimal("6000.00") - amount)
    _severity, detail = finding("WORKER_SHORT", project)
    lines = detail.split("\n")
    assert len(lines) == 4 and lines[-1] == "……另有1人"
    assert entries[1].worker.name in lines[1] and entries[2].worker.name in lines[2]  # largest first
    assert "少发合计9000.00元" in lines[0]


def test_sweep_opens_updates_and_closes_one_hazard_as_the_lines_change(project):
    first = make_pay_line(entry_of(project), OLD, net=None, paid_on=None, bank_status="")
    run_sweep()
    hazard = Hazard.objects.get(project=project, rule__code="WORKER_UNPAID", status="open")
    assert first.entry.worker.name in hazard.detail
    second = make_pay_line(entry_of(project), OLDER, net=None, paid_on=None, bank_status="")
    run = run_sweep()
    assert (run.hazards_opened, run.hazards_changed) == (0, 1)
    hazard.refresh_from_db()
    assert hazard.status == "open" and second.entry.worker.name in hazard.detail
    assert hazard.detail.startswith("2名工人")
    assert run_sweep().hazards_changed == 0  # same list: no new history row
    PayLine.objects.filter(pk__in=[first.pk, second.pk]).update(net=Decimal("6000"), paid_on=TODAY)
    run = run_sweep()
    hazard.refresh_from_db()
    assert run.hazards_closed == 1 and hazard.status == "closed" and hazard.auto_closed
    assert hazard.history.count() == 3  # opened, list changed, closed
    project.refresh_from_db()
    assert project.risk_grade == 0


def _lines_for(project, n):
    """n lines that break every wage rule, spread over n/2 workers."""
    for i in range(n // 2):
        entry = entry_of(project)
        make_pay_line(entry, OLD, **BREAK[WAGE_RULES[i % 5]])
        make_pay_line(entry, month_start(TODAY, -1), **BREAK[WAGE_RULES[(i + 1) % 5]])


def queries_of(code) -> int:
    rule = RiskRule.objects.get(code=code)
    with CaptureQueriesContext(connection) as ctx:
        evaluate_rule(rule, Project.objects.active_on(TODAY), TODAY)
    return len(ctx.captured_queries)


def test_each_rule_takes_one_query_with_2_and_with_20_lines(project):
    risk_rules_sync()
    _lines_for(project, 2)
    # one: the workers behind each project (ranked, at most LIST_LIMIT), the project totals alongside
    assert [queries_of(code) for code in WAGE_RULES] == [1] * 5
    _lines_for(project, 18)
    assert [queries_of(code) for code in WAGE_RULES] == [1] * 5
    assert all(finding(code, project) for code in WAGE_RULES)


def test_sweep_query_count_is_the_same_with_2_and_20_lines(project):
    risk_rules_sync()
    _lines_for(project, 2)
    run_sweep()

    def count():
        workdays.clear_cache()
        with CaptureQueriesContext(connection) as ctx:
            run_sweep()
        return len(ctx.captured_queries)

    small = count()
    _lines_for(project, 18)
    run_sweep()  # the details change once
    assert count() == small


def test_project_sweep_on_demand_touches_only_that_project(project, township_a, department, client_for):
    from tests.conftest import make_user
    from wagewatch.accounts.models import Role

    other = healthy_project(township_a, department)
    make_pay_line(entry_of(other), OLD, net=None, paid_on=None, bank_status="")
    run_sweep()
    other_hazard = Hazard.objects.get(project=other, rule__code="WORKER_UNPAID")
    line = make_pay_line(entry_of(project), OLD, net=None, paid_on=None, bank_status="")
    PayLine.objects.filter(project=other).update(net=Decimal("6000"), paid_on=TODAY)
    inspector = make_user("insp", Role.INSPECTOR, townships=[township_a])
    url = reverse("risk:project_sweep", args=[project.pk])
    response = client_for(inspector).post(url, follow=True)
    assert response.status_code == 200 and "已重新核查" in response.content.decode()
    hazard = Hazard.objects.get(project=project, rule__code="WORKER_UNPAID", status="open")
    assert line.entry.worker.name in hazard.detail
    other_hazard.refresh_from_db()
    assert other_hazard.status == "open"  # the other project waits for its own check or the nightly sweep


def test_project_sweep_refused_outside_the_township(project, inspector_b, dept_user, client_for):
    url = reverse("risk:project_sweep", args=[project.pk])
    assert client_for(inspector_b).post(url).status_code == 404
    assert client_for(dept_user).post(url).status_code == 403
    assert client_for(dept_user).get(reverse("risk:project_tab", args=[project.pk])).status_code == 200


def test_the_sweep_finds_with_one_statement_what_each_rule_finds_alone(project, township_a, department):
    """The sweep evaluates the five rules in one statement (paylines.evaluate_many): the same findings, in
    the same order of workers, as each rule evaluated alone (a close-out, a project's sweep)."""
    from risk.rules.paylines import evaluate_many

    risk_rules_sync()
    other = healthy_project(township_a, department)
    _lines_for(project, 14)
    _lines_for(other, 6)  # three of the rules
    RiskRule.objects.filter(code="WORKER_SHORT").update(thresholds={"days": 0, "serious_workers": 2})
    rules = {r.code: r for r in RiskRule.objects.filter(code__in=WAGE_RULES)}
    projects = Project.objects.active_on(TODAY)
    with CaptureQueriesContext(connection) as ctx:
        together = evaluate_many(projects, {code: r.thresholds for code, r in rules.items()}, TODAY)
    assert len(ctx.captured_queries) == 1
    alone = {code: evaluate_rule(rules[code], projects, TODAY)[0] for code in WAGE_RULES}
    for code in WAGE_RULES:
        found, failures = together[code]
        assert not failures and project.pk in found, code
        assert {
            pk: (severity or rules[code].severity, detail) for pk, (severity, detail) in found.items()
        } == {pk: tuple(rated) for pk, rated in alone[code].items()}, code
    run_sweep()
    for code in WAGE_RULES:
        hazards = Hazard.objects.filter(rule__code=code, status="open")
        assert {h.project_id: (h.severity, h.detail) for h in hazards} == alone[code], code


def test_a_failing_pay_line_rule_leaves_the_others_their_findings(project, monkeypatch):
    """A rule of the batch that raises fails the batch's statement's rules only; the sweep logs each."""
    from risk.rules import paylines

    risk_rules_sync()
    make_pay_line(entry_of(project), OLD, **BREAK["WORKER_UNPAID"])

    def broken(projects, thresholds, today):
        raise RuntimeError("boom")

    monkeypatch.setitem(paylines._LINES, "CARD_MISMATCH", broken)
    run = run_sweep()
    assert {e["rule"] for e in run.errors} == set(WAGE_RULES)
    assert not Hazard.objects.filter(rule__code="WORKER_UNPAID").exists()
    monkeypatch.undo()
    run_sweep()
    assert Hazard.objects.filter(project=project, rule__code="WORKER_UNPAID", status="open").exists()
