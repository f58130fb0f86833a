"""Rows of the case ledger export (案件台账), shared by the ledger page and the report workbook."""

from django.utils import timezone

from .models import Complaint

LEDGER_HEADERS = [
    "案件编号",
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
