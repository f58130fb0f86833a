"""The law in one place: every legal number the app applies, with its source.

Each is a typed value with its default here; a county whose province sets another figure overrides it
with the same key in ``settings.WAGEWATCH`` (``wagewatch/settings.py``; ``DEPOSIT_RATE`` also from the
environment). Read one by calling it: ``law.DEPOSIT_RATE()``. Reads happen at call time and check the type
and bounds; the system check ``wagewatch.E101``–``E103`` (``wagewatch/lib/checks.py``) reads them all at
start-up, so an out-of-band rate stops ``manage.py check``/``migrate`` instead of failing a page later.

To find a rule: ``grep -rn "DEPOSIT_RATE\\b" --include=*.py .`` gives this definition and every reader.
Risk-rule thresholds stay rows editable by admins; where a row restates a legal number its default comes
from here. Operational values (rate limits, prefixes, reminders) are in ``wagewatch/lib/config.py``.

Sources:
- 条例: 《保障农民工工资支付条例》(国务院令第724号)
- 监察条例: 《劳动保障监察条例》(国务院令第423号); 若干规定: 《关于实施〈劳动保障监察条例〉若干规定》
  (劳动和社会保障部令第25号)
- 保证金规定: 《工程建设领域农民工工资保证金规定》(人社部发〔2021〕65号)
- 专用账户办法: 《工程建设领域农民工工资专用账户管理暂行办法》(人社部发〔2021〕53号)
- 令第45号: 《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》(人力资源社会保障部令第45号)
- 《企业劳动保障守法诚信等级评价办法》(人社部规〔2016〕1号); 《最低工资规定》(劳动和社会保障部令第21号)
"""

from decimal import Decimal

from .config import MaybeValue, Value

# ---- dedicated wage account and labour cost (专用账户, 人工费用) ------------------------------

# days after the contract is signed within which the general contractor opens the dedicated account
ACCOUNT_OPEN_DAYS = Value(
    "ACCOUNT_OPEN_DAYS", int, 30, low=1, source="专用账户办法: 合同签订之日起30日内开立"
)
# the construction unit transfers the labour cost at least this often
LABOUR_COST_CYCLE_MONTHS = Value(
    "LABOUR_COST_CYCLE_MONTHS", int, 1, low=1, source="条例 第二十四条: 人工费用拨付周期不得超过1个月"
)
# share of the contract price that is labour cost, when the contract does not say (a form's default)
LABOUR_COST_SHARE_DEFAULT = Value(
    "LABOUR_COST_SHARE_DEFAULT",
    Decimal,
    Decimal("0.20"),
    low=Decimal(0),
    high=Decimal(1),
    source="条例 第二十四条 (a contract term; 20% is this county's default, no national figure)",
)


def labour_share_default() -> Decimal:
    """``Project.labour_share``'s default (a function, so migrations name it and an override applies)."""
    return LABOUR_COST_SHARE_DEFAULT()


# ---- wage deposit (工资保证金): amount -----------------------------------------------------

DEPOSIT_RATE_MIN = Value(
    "DEPOSIT_RATE_MIN", Decimal, Decimal("0.01"), low=Decimal(0), source="保证金规定 第十一条: 原则上不低于1%"
)
DEPOSIT_RATE_MAX = Value(
    "DEPOSIT_RATE_MAX", Decimal, Decimal("0.03"), high=Decimal(1), source="保证金规定 第十一条: 不超过3%"
)
# base rate of the contract price; the province fixes it inside the band (保证金规定 第十三条)
DEPOSIT_RATE = Value(
    "DEPOSIT_RATE",
    Decimal,
    Decimal("0.02"),
    low=DEPOSIT_RATE_MIN,
    high=DEPOSIT_RATE_MAX,
    source="保证金规定 第十一条、第十三条 (rate set by the province within 1%–3%)",
)
# the rate after the clean-record cut never goes below this
DEPOSIT_RATE_FLOOR = Value(
    "DEPOSIT_RATE_FLOOR",
    Decimal,
    Decimal("0.005"),
    low=Decimal(0),
    high=DEPOSIT_RATE_MIN,
    source="保证金规定 第十一条: 下浮不得低于0.5%",
)
# optional cap on the amount, in yuan (None: no cap)
DEPOSIT_CAP = MaybeValue(
    "DEPOSIT_CAP", Decimal, None, low=Decimal(0), source="保证金规定 第十一条: 合同额较高的可设定存储上限"
)
# years looked back for arrears: a clean record earns the cut, arrears the uplift
DEPOSIT_RECORD_YEARS = Value(
    "DEPOSIT_RECORD_YEARS",
    int,
    2,
    low=1,
    source="保证金规定 第十二条: 连续2年未发生工资拖欠 / 前2年内发生工资拖欠",
)
# the cut of the rate after DEPOSIT_RECORD_YEARS without arrears (None: no cut)
DEPOSIT_CLEAN_RECORD_REDUCTION = MaybeValue(
    "DEPOSIT_CLEAN_RECORD_REDUCTION",
    Decimal,
    Decimal("0.50"),
    low=Decimal("0.50"),
    high=Decimal(1),
    source="保证金规定 第十二条: 降低存储比例，降幅不低于50%",
)
# uplift after arrears in the past DEPOSIT_RECORD_YEARS
DEPOSIT_ARREARS_UPLIFT = Value(
    "DEPOSIT_ARREARS_UPLIFT",
    Decimal,
    Decimal("0.50"),
    low=Decimal("0.50"),
    source="保证金规定 第十二条: 增幅不低于50%",
)
# uplift for a blacklisted contractor; the larger uplift applies, never both
DEPOSIT_BLACKLISTED_UPLIFT = Value(
    "DEPOSIT_BLACKLISTED_UPLIFT",
    Decimal,
    Decimal("1.00"),
    low=Decimal("1.00"),
    source="保证金规定 第十二条: 纳入严重失信主体名单的，增幅不低于100%",
)
# contracts below this price (yuan) with no arrears in DEPOSIT_EXEMPT_RECORD_YEARS may be exempt
DEPOSIT_EXEMPT_BELOW = Value(
    "DEPOSIT_EXEMPT_BELOW",
    Decimal,
    Decimal("3000000"),
    low=Decimal(0),
    source="保证金规定 第十一条: 施工合同额低于300万元 (the province may adjust it)",
)
DEPOSIT_EXEMPT_RECORD_YEARS = Value(
    "DEPOSIT_EXEMPT_RECORD_YEARS",
    int,
    1,
    low=1,
    source="保证金规定 第十一条: 签订施工合同前一年内未发生工资拖欠",
)

# ---- wage deposit: guarantee letters (保函) and return (返还) -----------------------------

GUARANTEE_MIN_VALID_YEARS = Value(
    "GUARANTEE_MIN_VALID_YEARS",
    int,
    1,
    low=1,
    source="保证金规定 第十七条: 保函有效期至少为1年并不得短于合同期",
)
# the contractor is reminded this many days (one month) before a letter ends
GUARANTEE_EXPIRY_WARNING_DAYS = Value(
    "GUARANTEE_EXPIRY_WARNING_DAYS", int, 31, low=1, source="保证金规定 第十七条: 保函到期前一个月提醒"
)
DEPOSIT_NOTICE_DAYS = Value("DEPOSIT_NOTICE_DAYS", int, 30, low=1, source="保证金规定 第二十二条: 公示30日")
DEPOSIT_REVIEW_WORKDAYS = Value(
    "DEPOSIT_REVIEW_WORKDAYS", int, 5, low=1, source="保证金规定 第二十二条: 提交书面申请5个工作日内审核完毕"
)
DEPOSIT_RETURN_WORKDAYS = Value(
    "DEPOSIT_RETURN_WORKDAYS", int, 3, low=1, source="保证金规定 第二十二条: 审核完毕3个工作日内返还"
)

# ---- complaint cases (投诉举报) -----------------------------------------------------------

COMPLAINT_ACCEPT_WORKDAYS = Value(
    "COMPLAINT_ACCEPT_WORKDAYS", int, 5, low=1, source="若干规定 第十八条: 接到投诉之日起5个工作日内依法受理"
)
COMPLAINT_CLOSE_WORKDAYS = Value(
    "COMPLAINT_CLOSE_WORKDAYS", int, 60, low=1, source="监察条例 第十七条: 自立案之日起60个工作日内完成"
)
COMPLAINT_EXTENSION_WORKDAYS = Value(
    "COMPLAINT_EXTENSION_WORKDAYS", int, 30, low=0, source="监察条例 第十七条: 经批准可以延长30个工作日"
)
# arrears ended longer ago than this before receipt are out of time
COMPLAINT_LIMITATION_YEARS = Value(
    "COMPLAINT_LIMITATION_YEARS", int, 2, low=1, source="监察条例 第二十条; 若干规定 第十八条: 发生在2年内"
)
# a case involving at least this many workers is suggested as a group incident (群体性事件)
GROUP_INCIDENT_WORKERS = Value(
    "GROUP_INCIDENT_WORKERS",
    int,
    10,
    low=2,
    source="local practice: no national document fixes the size of a 群体性事件",
)

# ---- blacklist (失信联合惩戒名单) and certificates --------------------------------------------

BLACKLIST_LISTING_YEARS = Value(
    "BLACKLIST_LISTING_YEARS", int, 3, low=1, source="令第45号: 列入名单期限为三年"
)
BLACKLIST_EARLY_REMOVAL_MONTHS = Value(
    "BLACKLIST_EARLY_REMOVAL_MONTHS",
    int,
    6,
    low=0,
    source="令第45号: 偿还拖欠工资后满6个月且作出守信承诺，可申请提前移出",
)
# the statement and defence period after the prior notice (事先告知书)
BLACKLIST_DEFENCE_WORKDAYS = Value(
    "BLACKLIST_DEFENCE_WORKDAYS",
    int,
    10,
    low=1,
    source="令第45号 (right to state and defend; the period is local)",
)
# an enterprise punished this many times in the year is graded C (守法诚信等级)
GRADE_C_PUNISHMENTS = Value(
    "GRADE_C_PUNISHMENTS",
    int,
    3,
    low=1,
    source="《企业劳动保障守法诚信等级评价办法》(人社部规〔2016〕1号): 因违法行为被查处三次以上(含三次)为C级",
)
CERTIFICATE_VALID_DAYS = Value(
    "CERTIFICATE_VALID_DAYS", int, 90, low=1, source="county rule for 无拖欠证明 (no national document)"
)

# ---- wages and hazards ----------------------------------------------------------------

# local monthly minimum wage, set by the province
MINIMUM_WAGE_MONTHLY = Value(
    "MINIMUM_WAGE_MONTHLY",
    Decimal,
    Decimal("1900.00"),
    low=Decimal(0),
    source="《最低工资规定》(劳动和社会保障部令第21号): the province's current figure",
)
# rectification deadline of an arrears-risk hazard, from the day the sweep finds it
HAZARD_RECTIFY_WORKDAYS = Value(
    "HAZARD_RECTIFY_WORKDAYS",
    int,
    10,
    low=1,
    source="county rule for 欠薪隐患 rectification (no national figure)",
)
# days after the agreed payday (the project's 工资支付日 of the month after the wage month) before an unpaid
# pay line counts as owed (DESIGN §8: owed = due − paid on lines whose payday + grace has passed)
WAGE_PAY_GRACE_DAYS = Value(
    "WAGE_PAY_GRACE_DAYS",
    int,
    0,
    low=0,
    high=31,
    source="条例 第十一条: 按照约定的支付周期和具体支付日期足额支付 (grace: a county setting; 0: none)",
)
