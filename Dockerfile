FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-noto-cjk gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e . 2>/dev/null || true
COPY . .
RUN pip install --no-cache-dir -e . \
 && DEBUG=1 python manage.py compilemessages --ignore '.venv/*' \
 && SECRET_KEY=build-only FIELD_ENCRYPTION_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    python manage.py collectstatic --noinput
RUN useradd --create-home wagewatch && mkdir -p var/media && chown -R wagewatch var
USER wagewatch
EXPOSE 8000
# bind, workers, worker class: gunicorn.conf.py in /app
CMD ["gunicorn", "wagewatch.wsgi:application"]
