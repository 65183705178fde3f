# The PMIS application image: web (gunicorn), worker and beat all run from it.
FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango (and HarfBuzz's subsetter) plus fonts; gettext compiles the Swahili
# catalogue; postgresql-client gives `manage.py backup`/`restore` pg_dump and pg_restore (15, as the
# compose stack's server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7 \
        fonts-dejavu-core fonts-liberation shared-mime-info postgresql-client \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage \
    WHITENOISE_USE_FINDERS=0 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media \
    BACKUP_DIR=/app/var/backups \
    AUDIT_ANCHOR_FILE=/app/var/anchors/audit-anchors.jsonl

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

# Build-time steps need no secrets: DEBUG=1 here only lets settings load with the development key.
RUN DEBUG=1 python manage.py compilemessages --ignore=.venv -v0 \
    && DEBUG=1 python manage.py collectstatic --noinput -v0 \
    && useradd --system --uid 1000 --home /app pmis \
    && mkdir -p /app/var/media /app/var/backups /app/var/anchors \
    && chown -R pmis /app/var

USER pmis
EXPOSE 8000
CMD ["gunicorn", "pmis.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
