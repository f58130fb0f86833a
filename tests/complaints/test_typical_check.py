"""The personal-data check of a typical case's text (a pure function: no database)."""

import pytest

from complaints.typical import personal_data_found

NAMES = ["王小二", "欧阳娜娜"]


@pytest.mark.parametrize(
    "text",
    [
        "投诉人身份证号110101199003074514反映",
        "身份证 110101 19900307 4514",  # spaces inside
        "证号１１０１０１１９９００３０７４５１４",  # full-width digits
        "证号11010519491231002X。",  # final X
        "旧证号 110101900307451",  # 15 digits, old form
        "号码 110101199003074515",  # 18 digits, bad check digit: still a long run
    ],
)
def test_id_numbers_are_found(text):
    found = personal_data_found(text, [])
    assert found and ("身份证" in found[0])


@pytest.mark.parametrize(
    "text",
    [
        "联系电话13912345678。",
        "电话 139 1234 5678",
        "电话139-1234-5678",
        "电话１３９１２３４５６７８",  # full-width
        "电话１３９－１２３４－５６７８",  # full-width dashes
        "电话 +86 139 1234 5678",
        "电话 0571-87654321",
        "电话（0571）8765 4321",  # full-width brackets
        "电话0755 8765432",
    ],
)
def test_phone_numbers_are_found(text):
    found = personal_data_found(text, [])
    assert len(found) == 1 and found[0].startswith(("手机号码", "固定电话号码")), found


def test_the_message_masks_the_number():
    (found,) = personal_data_found("电话 139 1234 5678", [])
    assert "139****5678" in found and "13912345678" not in found


@pytest.mark.parametrize(
    "text", ["投诉人王小二反映", "工人 王 小 二 等", "欧阳娜娜等5人", "王小二、欧阳娜娜"]
)
def test_names_are_found(text):
    found = personal_data_found(text, NAMES)
    assert found and all("姓名" in f for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "2026年3月5日，某建筑公司拖欠农民工王某等12人工资135,000元，经责令限期支付，已于2026-04-01全额兑付。",
        "拨打12333或12345热线投诉。",
        "追回工资1350000.00元，涉及工人52名。",
        "统一社会信用代码913301001234560031",  # an enterprise's credit code (all digits): public
        "欠薪期间2025年1月至2025年12月，2025-01-01至2025-12-31。",
        "王某、欧阳某等工人",
        "",
    ],
)
def test_ordinary_text_passes(text):
    assert personal_data_found(text, [*NAMES, "王", ""]) == []
