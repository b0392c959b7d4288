FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "wareview.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
