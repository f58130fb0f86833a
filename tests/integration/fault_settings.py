"""Production settings for the fault tests' gunicorn, except static files come from the finders.

collectstatic with the compressed manifest takes over a minute (and writes the shared staticfiles/ folder),
which fault tests neither need nor may do. Everything else is wagewatch.settings with DEBUG off.
"""

from wagewatch.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
