from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from wagewatch.lib import workdays

from .models import HolidayYear, RevealLog


def reveal_record(*, user: User, obj: models.Model, field: str, ip_address: str | None = None) -> RevealLog:
    """Log that ``user`` saw the full value of ``obj.field``."""
    return RevealLog.objects.create(
        user=user, object_label=obj._meta.label, object_id=str(obj.pk), field=field, ip_address=ip_address
    )


@transaction.atomic
def holiday_year_mark_complete(*, year: int, user: User | None) -> dict[str, int]:
    """Mark a year's holidays as fully entered and recompute every deadline stored without them."""
    HolidayYear.objects.update_or_create(
        year=year, defaults={"complete": True, "marked_by": user, "marked_at": timezone.now()}
    )
    return workdays.recompute_deadlines(year)
