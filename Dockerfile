# Image for the web app, the Celery worker and Celery beat (docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run build:css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=csp.settings.production
# WeasyPrint needs Pango; fonts for the PDF reports.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
COPY --from=assets /app/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
COPY --from=assets /app/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY --from=assets /app/static/build static/build
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "csp.wsgi:application", "--config", "/app/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
