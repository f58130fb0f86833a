"""Rankings of the weekly dispatch and monthly bulletin: townships and departments by open hazards,
overdue cases, labour-cost transfers and payroll missed (from rows the report has already read)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _


def _blank(names: dict[int, str]) -> dict[int, dict]:
    return {
        pk: {"pk": pk, "label": name, "projects": 0, "hazards": 0, "serious": 0, "overdue": 0,
             "transfer": 0, "wages": 0}
        for pk, name in names.items()
    }  # fmt: skip


def _rank(table: dict[int, dict]) -> list[dict]:
    rows = list(table.values())
    for r in rows:
        r["score"] = r["hazards"] + r["overdue"] + r["transfer"] + r["wages"]
    rows.sort(key=lambda r: (-r["score"], -r["serious"], r["label"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def rankings(
    *,
    projects: list[dict],
    hazards: list[Mapping[str, Any]],
    cases: list[Mapping[str, Any]],
    towns: dict[int, str],
    depts: dict[int, str],
) -> dict[str, Any]:
    """{"townships": [...], "departments": [...]}, worst first; units with nothing to report stay listed."""
    out: dict[str, Any] = {}
    for key, names, p_field, h_field, c_field in (
        ("townships", towns, "township_id", "project__township_id", "township_id"),
        ("departments", depts, "department_id", "department_id", "project__department_id"),
    ):
        table = _blank(names)
        for p in projects:
            unit = table.get(p[p_field])
            if unit is None:
                continue
            unit["projects"] += 1
            unit["transfer"] += not p["checks"]["transfer"]
            unit["wages"] += not p["checks"]["wages"]
        for h in hazards:
            if h[h_field] in table:
                table[h[h_field]]["hazards"] += h["n"]
                table[h[h_field]]["serious"] += h["serious"]
        for c in cases:
            if c[c_field] in table:
                table[c[c_field]]["overdue"] += c["n"]
        out[key] = [r for r in _rank(table) if r["projects"] or r["score"]]
    out["columns"] = [_("在建项目"), _("未销号隐患"), _("其中严重"), _("超期案件"), _("未按月拨付"),
                      _("未按月足额发薪")]  # fmt: skip
    return out
