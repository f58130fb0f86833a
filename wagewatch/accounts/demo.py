"""Demo county: townships, departments and one user of each role (idempotent)."""

from io import TextIOBase

from django.contrib.auth.models import User

from .models import Department, Profile, Role, Township

DEMO_PASSWORD = "Demo-2026!"

TOWNSHIPS = [
    ("CG", "城关镇"),
    ("DJ", "东郊街道"),
    ("XH", "西河镇"),
    ("NS", "南山乡"),
    ("BP", "北坪镇"),
    ("QS", "青石镇"),
]
DEPARTMENTS = [
    ("ZJ", "县住房和城乡建设局", "industry"),
    ("JT", "县交通运输局", "industry"),
    ("SL", "县水利局", "industry"),
    ("RS", "县人力资源和社会保障局", "member"),
    ("FG", "县发展和改革局", "member"),
    ("GA", "县公安局", "member"),
]
# username, full name, role, township codes, department code, approver
USERS = [
    ("admin", "系统管理员", Role.ADMIN, [], None, True),
    ("office", "王主任", Role.OFFICE, [], None, True),
    ("office2", "陈干事", Role.OFFICE, [], None, False),
    ("inspector_a", "李监察", Role.INSPECTOR, ["CG", "DJ", "XH"], None, False),
    ("inspector_b", "赵监察", Role.INSPECTOR, ["NS", "BP", "QS"], None, False),
    ("dept_zj", "刘科长", Role.DEPARTMENT, [], "ZJ", False),
    ("dept_jt", "孙科长", Role.DEPARTMENT, [], "JT", False),
]


def seed(*, stdout: TextIOBase) -> None:
    for i, (code, name) in enumerate(TOWNSHIPS):
        Township.objects.update_or_create(code=code, defaults={"name": name, "sort": i})
    for i, (code, name, kind) in enumerate(DEPARTMENTS):
        Department.objects.update_or_create(code=code, defaults={"name": name, "kind": kind, "sort": i})
    for username, full_name, role, towns, dept, approver in USERS:
        _user(username, full_name, role, towns, dept, approver)
    stdout.write(
        f"  townships {Township.objects.count()}, departments {Department.objects.count()}, "
        f"users {User.objects.count()}"
    )


def _user(
    username: str, full_name: str, role: Role, towns: list[str], dept: str | None, approver: bool
) -> None:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"last_name": full_name, "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={
            "role": role,
            "is_approver": approver,
            "department": Department.objects.filter(code=dept).first() if dept else None,
        },
    )
    profile.townships.set(Township.objects.filter(code__in=towns))
