"""No-arrears certificates: each refusing condition, issue, PDF, public verification."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from blacklist import selectors, services
from blacklist.models import NoArrearsCertificate
from complaints.services import order_comply
from projects.models import Hazard, RiskRule

from .factories import make_complaint, make_listed, make_pay_order, make_project

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 2)


@pytest.fixture
def project(township_a, department):
    return make_project(township_a, department)


def _refusal(enterprise, user) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        services.certificate_issue(enterprise=enterprise, purpose="投标", user=user, on=TODAY)
    return exc.value.messages


def test_refused_when_blacklisted(office, project):
    entry = make_listed(user=office, project=project, listed_on=D(2026, 6, 1))
    order_comply(order=entry.basis_order, on=D(2026, 7, 1), user=office)  # arrears since paid
    services.grade_override(enterprise=project.contractor, year=2026, grade="B", reason="复核", user=office)
    assert _refusal(project.contractor, office) == ["该企业已列入失信联合惩戒名单"]


def test_refused_when_graded_c(office, project):
    services.grade_override(
        enterprise=project.contractor, year=2026, grade="C", reason="妨碍检查", user=office
    )
    assert _refusal(project.contractor, office) == ["该企业守法诚信等级为C级"]


def test_refused_with_open_arrears(office, project):
    make_pay_order(user=office, project=project, deadline=D(2027, 1, 31))  # not yet due, not paid either
    assert _refusal(project.contractor, office) == ["该企业有尚未履行的责令支付工资文书（存在未清偿欠薪）"]


def test_refused_with_open_case(office, project):
    make_complaint(user=office, project=project)
    assert _refusal(project.contractor, office) == ["该企业有尚未办结的欠薪投诉案件"]


def _hazard(project, severity):
    rule = RiskRule.objects.get_or_create(code="TEST_RULE", defaults={"name": "测试规则", "severity": 2})[0]
    return Hazard.objects.create(
        project=project, rule=rule, severity=severity, department=project.department, deadline=TODAY
    )


def test_refused_with_serious_open_hazard(office, project):
    _hazard(project, 2)
    assert _refusal(project.contractor, office) == ["该企业承建项目存在未销号的严重欠薪隐患"]


def test_general_hazard_or_closed_case_does_not_refuse(office, project):
    from complaints.services import complaint_close

    _hazard(project, 1)
    case = make_complaint(user=office, project=project)
    complaint_close(complaint=case, user=office, outcome="mediated", on=D(2026, 5, 1))
    cert = services.certificate_issue(enterprise=project.contractor, purpose="投标", user=office, on=TODAY)
    assert cert.serial == "WQZM202600001"
    assert cert.valid_until == D(2027, 1, 30)


def test_only_approvers_issue(office_clerk, project):
    with pytest.raises(PermissionDenied):
        services.certificate_issue(enterprise=project.contractor, purpose="投标", user=office_clerk, on=TODAY)


@pytest.fixture
def cert(office, project):
    return services.certificate_issue(enterprise=project.contractor, purpose="投标", user=office, on=TODAY)


def test_genuine_certificate_verifies(cert):
    result = selectors.certificate_verify(serial=cert.serial, code=cert.code, on=TODAY)
    assert result["genuine"] and result["valid"]
    assert result["message"] == "该证明真实有效"


def test_forged_or_altered_serial_or_code_fails(office, cert, township_a, department):
    other = services.certificate_issue(
        enterprise=make_project(township_a, department).contractor, purpose="投标", user=office, on=TODAY
    )
    altered_code = cert.code[:-1] + ("0" if cert.code[-1] != "0" else "1")
    for serial, code in [
        ("WQZM202699999", cert.code),  # forged serial
        (cert.serial, altered_code),  # altered code
        (other.serial, cert.code),  # a real serial with another certificate's code
        (cert.serial, ""),  # no code
        (cert.serial[:-1] + "2", cert.code),  # altered serial
    ]:
        result = selectors.certificate_verify(serial=serial, code=code, on=TODAY)
        assert not result["genuine"] and not result["valid"], (serial, code)


def test_record_altered_in_database_fails(cert):
    NoArrearsCertificate.objects.filter(pk=cert.pk).update(valid_until=D(2030, 1, 1))
    assert not selectors.certificate_verify(serial=cert.serial, code=cert.code, on=TODAY)["genuine"]


def test_expired_or_revoked_certificate_is_genuine_but_not_valid(office, cert):
    later = selectors.certificate_verify(
        serial=cert.serial, code=cert.code, on=cert.valid_until + D.resolution
    )
    assert later["genuine"] and not later["valid"] and later["message"] == "该证明已过有效期"
    services.certificate_revoke(cert=cert, reason="发现欠薪", user=office)
    result = selectors.certificate_verify(serial=cert.serial, code=cert.code, on=TODAY)
    assert result["genuine"] and not result["valid"] and result["message"] == "该证明已被撤销"


def test_refused_when_last_years_grade_is_c(office, project):
    services.grade_override(
        enterprise=project.contractor, year=2025, grade="C", reason="拒不整改", user=office
    )
    assert _refusal(project.contractor, office) == ["该企业守法诚信等级为C级"]
