import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.projects.factories import make_project, make_roster_entry
from tests.wages.factories import make_pay_line
from wages.models import PayLine
from wagewatch.lib.cardhash import card_hash, validate_card_number
from wagewatch.lib.fields import keyed_hash

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def entry(township_a, department):
    return make_roster_entry(make_project(township_a, department))


def test_card_hash_counts_only_the_digits_and_differs_from_the_id_hash():
    assert card_hash("6228 4800-1234 5671") == card_hash("6228480012345671")
    assert card_hash("6228480012345671") != card_hash("6228480012345672")
    assert card_hash("6228480012345671") != keyed_hash("6228480012345671")
    assert len(card_hash("6228480012345671")) == 64
    assert card_hash("") == card_hash(None) == card_hash(" - ") == card_hash("6228 **** **** 1234") == ""


@pytest.mark.parametrize("typed", ["6228 4800 1234 5671", "6228-4800-1234-5671", " 6228480012345671 "])
def test_card_number_typed_with_separators_is_its_digits(typed):
    assert validate_card_number(typed) == "6228480012345671"


@pytest.mark.parametrize(
    "typed", ["", "12345", "6228 **** 1234 5671", "62284800123456712345678901", "６２２８４８００１２３４"]
)
def test_card_number_that_is_not_10_to_25_digits_is_refused_in_chinese(typed):
    with pytest.raises(ValidationError, match="工资卡号应为10至25位数字"):
        validate_card_number(typed)


def test_one_line_per_entry_and_month(entry):
    make_pay_line(entry, MARCH)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pay_line(entry, MARCH)
    make_pay_line(entry, MARCH.replace(month=4))
    assert PayLine.objects.filter(entry=entry).count() == 2


def test_month_is_a_first_day(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pay_line(entry, MARCH.replace(day=2))


@pytest.mark.parametrize("field", ["days", "due", "deductions", "net"])
def test_amounts_are_not_negative(entry, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pay_line(entry, MARCH, **{field: Decimal("-1")})


def test_bank_reference_unique_per_client_and_among_lines_without_client(entry, township_a, department):
    other = make_roster_entry(entry.project)
    make_pay_line(entry, MARCH, bank_reference="R1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_pay_line(other, MARCH, bank_reference="R1")
    make_pay_line(other, MARCH, bank_reference=None)
    make_pay_line(other, MARCH.replace(month=4), bank_reference=None)


def test_line_history_is_kept(entry):
    line = make_pay_line(entry, MARCH, net=None, paid_on=None)
    line.net = Decimal("6000.00")
    line.save()
    assert [h.net for h in line.history.order_by("history_id")] == [None, Decimal("6000.00")]


def test_lines_take_their_project_scope(entry, township_b, department, inspector_a, inspector_b):
    line = make_pay_line(entry, MARCH)
    assert list(PayLine.objects.visible_to(inspector_a)) == [line]
    assert list(PayLine.objects.visible_to(inspector_b)) == []
