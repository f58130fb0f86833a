from .models import RevealLog


def reveal_record(*, user, obj, field: str, ip_address: str | None = None) -> RevealLog:
    """Log that ``user`` saw the full value of ``obj.field``."""
    return RevealLog.objects.create(
        user=user, object_label=obj._meta.label, object_id=str(obj.pk), field=field, ip_address=ip_address
    )
