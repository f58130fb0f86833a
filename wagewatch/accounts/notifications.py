"""Notifications any app can send: an in-app inbox plus e-mail where the user has an address."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Department, Notification, Role, Township

log = logging.getLogger(__name__)


def recipients(
    *,
    roles: Iterable[str] = (),
    township: Township | int | None = None,
    department: Department | int | None = None,
) -> QuerySet[User]:
    """Active users of ``roles``; inspectors only of ``township``, department users only of ``department``."""
    q = Q(profile__role__in=[r for r in roles if r in (Role.OFFICE, Role.ADMIN)])
    if Role.INSPECTOR in roles and township is not None:
        q |= Q(profile__role=Role.INSPECTOR, profile__townships=township)
    if Role.DEPARTMENT in roles and department is not None:
        q |= Q(profile__role=Role.DEPARTMENT, profile__department=department)
    return get_user_model().objects.filter(q, is_active=True).distinct()


def notify(*, users: Iterable[User], event_key: str, title: str, body: str = "", url: str = "") -> int:
    """One message per user for this event (a repeat sends nothing); returns how many are new."""
    users = list(users)
    have = set(
        Notification.objects.filter(event_key=event_key, user__in=users).values_list("user_id", flat=True)
    )
    fresh = [
        Notification(user=u, event_key=event_key, title=title, body=body, url=url)
        for u in users
        if u.pk not in have
    ]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    for n in fresh:
        _email_once(n.user, event_key, title, body, url)
    return len(fresh)


def _email_once(user: User, event_key: str, title: str, body: str, url: str) -> None:
    if not user.email:
        return
    claimed = Notification.objects.filter(user=user, event_key=event_key, emailed=False).update(emailed=True)
    if not claimed:
        return
    link = f"\n\n{settings.SITE_URL}{url}" if url else ""
    try:
        send_mail(f"[WageWatch] {title}", f"{body}{link}", settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # mail server down: the inbox still has it
        log.warning("e-mail to %s failed for %s", user.pk, event_key, exc_info=True)


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user: User) -> int:
    """Mark every unread message of ``user`` read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
