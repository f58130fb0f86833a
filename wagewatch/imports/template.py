"""The .xlsx template of an import, built from its own column map (issue 18 item 9): a first sheet with the
header row the import reads (frozen, sized) and no data, and a 说明 sheet listing each column: required or
not, its format and a valid example. The data sheet holds no example row, so a template uploaded as it was
downloaded creates nothing; the preview reads the first sheet only, so 说明 is never imported."""

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wagewatch.lib.xlsx import write_workbook

from .cells import Choice, Date, Month, Number, Text, mobile, yes_no
from .kinds import Column, ImportKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def template_columns(kind: ImportKind) -> list[Column]:
    """The columns a template carries, in order."""
    if not kind.template_columns:
        return list(kind.columns)
    by_key = {c.key: c for c in kind.columns}
    return [by_key[key] for key in kind.template_columns]


def template_workbook(kind: ImportKind, *, title: "StrOrPromise") -> bytes:
    """The template of ``kind``: the header sheet named ``title``, then the 说明 sheet."""
    columns = template_columns(kind)
    headers = [c.headers[0] for c in columns]
    notes = [
        [c.headers[0], _requirement(kind, c), _format(c), _example(c), "、".join(c.headers[1:])]
        for c in columns
    ]
    notes_headers = [_("列名"), _("是否必填"), _("格式"), _("示例"), _("也可写作")]
    return write_workbook([(str(title), headers, []), (_("说明"), notes_headers, notes)])


def _requirement(kind: ImportKind, column: Column) -> str:
    shown = {c.key: c.headers[0] for c in template_columns(kind)}
    for required in kind.required_columns:
        if required == column.key:
            return _("必填")
        if isinstance(required, tuple) and column.key in required:
            others = "、".join(shown[key] for key in required if key != column.key and key in shown)
            if not others:  # the template carries one of the alternatives: that one is needed
                return _("必填")
            return _("与“%(others)s”至少填一列") % {"others": others}
    return _("必填") if getattr(column.type, "required", None) else _("选填")


def _format(column: Column) -> str:
    if column.note:
        return str(column.note)
    kind: Any = column.type
    if isinstance(kind, Text):
        return _("文本，最多%(n)d字") % {"n": kind.max_length} if kind.max_length else _("文本")
    if isinstance(kind, Date):
        return _("日期，如 2024-03-05、2024/3/5、2024年3月5日")
    if isinstance(kind, Month):
        return _("月份，如 2024-02、2024年2月")
    if isinstance(kind, Number):
        return _("数字，%(low)s至%(high)s") % {"low": kind.low, "high": kind.high}
    if isinstance(kind, Choice):
        return _("填以下之一：%(labels)s") % {"labels": "、".join(str(label) for _v, label in kind.choices())}
    if kind is yes_no:
        return _("是 / 否")
    if kind is mobile:
        return _("11位手机号码")
    return _("文本")


def _example(column: Column) -> object:
    return str(column.example) if column.example not in (None, "") else ""
