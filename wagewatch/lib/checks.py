"""The start-up check of every declared value (``wagewatch/lib/law.py`` and ``wagewatch/lib/config.py``).

Registered by ``wagewatch.accounts`` (the kernel's app) with the tag ``wagewatch``. Ids:
``wagewatch.E101`` a value that does not parse, ``E102`` one outside its bounds (a deposit rate outside
the legal band), ``E103`` an operational value the settings do not define, ``W101`` a key nothing reads
(a misspelt override would otherwise be ignored).
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from . import config, law  # noqa: F401  (importing law declares the legal numbers)


def wagewatch_values(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Read every declared value once; report each fault with the value's source as the hint."""
    faults: dict[str, config.ValueFault] = {}
    for value in config.declared():
        try:
            value.read()
        except config.ValueFault as fault:  # a bad bound is reported once, under its own key
            faults.setdefault(fault.key, fault)
    sources = {value.key: value.source for value in config.declared()}
    messages: list[CheckMessage] = [
        Error(str(fault), hint=sources[key], obj="settings.WAGEWATCH", id=fault.check_id)
        for key, fault in faults.items()
    ]
    for key in sorted(set(settings.WAGEWATCH) - set(sources)):
        messages.append(
            Warning(
                f'settings.WAGEWATCH["{key}"] 未被使用 (nothing reads this key: misspelt?)',
                obj="settings.WAGEWATCH",
                id="wagewatch.W101",
            )
        )
    return messages
