"""Who acts on a blacklist step: the user recorded in history, and the approver check (listing decisions and
certificates)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wagewatch.accounts import roles


def _user(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _require_approver(user: User) -> None:
    if not roles.is_approver(user):
        raise PermissionDenied(_("只有具有审批权限的人员才能作出决定"))
