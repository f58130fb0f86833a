"""Gap-free numbers per (sequence, year), for every numbered document in the county's books."""

from .models import NumberCounter


def next_number(*, name: str, year: int) -> int:
    """The next number of a per-year sequence; call inside a transaction (the counter row stays locked)."""
    NumberCounter.objects.bulk_create([NumberCounter(name=name, year=year, value=0)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(name=name, year=year)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
