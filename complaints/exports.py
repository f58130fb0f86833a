"""Rows of the exports: the case ledger (案件台账, shared by the ledger page and the report workbook) and the
enforcement documents (orders and interviews)."""

from django.utils import timezone

from .forms import ORDER_STATUS_CHOICES
from .models import Complaint, EnforcementOrder, Interview

LEDGER_HEADERS = [
    "案件编号",
    "类别",
    "领域",
    "渠道",
    "登记日期",
    "被投诉单位",
    "涉及项目",
    "所属乡镇",
    "承办人",
    "涉及人数",
    "反映金额（元）",
    "状态",
    "受理期限",
    "立案日期",
    "结案期限",
    "结案日期",
    "处理结果",
    "追回金额（元）",
    "兑付人数",
    "超时效",
    "群体性",
    "挂牌督办",
    "包案领导",
]


def ledger_row(c: Complaint) -> list:
    # The reporter (举报人) is confidential: never exported.
    return [
        c.number,
        c.get_kind_display(),
        c.get_sector_display(),
        c.get_channel_display(),
        timezone.localdate(c.received_at),
        c.respondent_name,
        c.project.name if c.project else "",
        str(c.township or ""),
        (c.handler.get_full_name() or c.handler.username) if c.handler else "",
        c.workers_involved,
        c.amount_claimed,
        c.get_status_display(),
        c.accept_due,
        c.filed_on,
        c.close_due,
        c.closed_on,
        c.get_outcome_display(),
        c.amount_recovered,
        c.workers_paid,
        "是" if c.out_of_time else "",
        "是" if c.group_incident else "",
        "是" if c.supervised else "",
        c.leader,
    ]


ORDER_HEADERS = [
    "文号",
    "类型",
    "当事单位",
    "所属乡镇",
    "关联案件",
    "关联项目",
    "金额（元）",
    "整改/支付事项",
    "签发日期",
    "送达日期",
    "履行期限",
    "履行日期",
    "状态",
    "移送公安日期",
]
INTERVIEW_HEADERS = [
    "文号",
    "约谈日期",
    "被约谈单位",
    "被约谈人",
    "职务",
    "所属乡镇",
    "关联案件",
    "关联项目",
    "约谈事由",
    "议定事项",
    "落实期限",
    "落实日期",
]


def _links(document) -> list:
    """A document's township, case number and project name (blank where it has none)."""
    case, project = document.complaint, document.project
    return [str(document.township or ""), case.number if case else "", project.name if project else ""]


def order_row(o: EnforcementOrder, today) -> list:
    status = dict(ORDER_STATUS_CHOICES)[o.status_on(today)]
    return [
        o.number,
        o.get_kind_display(),
        o.enterprise.name,
        *_links(o),
        o.amount,
        o.requirement,
        o.issued_on,
        o.served_on,
        o.deadline,
        o.complied_on,
        status,
        o.referred_on,
    ]


def interview_row(i: Interview) -> list:
    return [
        i.number,
        i.held_on,
        i.enterprise.name,
        i.interviewee_name,
        i.interviewee_position,
        *_links(i),
        i.reason,
        i.agreed,
        i.deadline,
        i.fulfilled_on,
    ]
