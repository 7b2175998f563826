# Habari's service (scheduler, pipeline, search API and web page) for docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HABARI_CONFIG_DIR=/app/config \
    HABARI_DATA_DIR=/data \
    HABARI_API_HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY habari ./habari
COPY settings ./settings
COPY crawlers ./crawlers
COPY pipeline ./pipeline
COPY store ./store
COPY search_api ./search_api
COPY reports ./reports
RUN pip install --no-cache-dir . && useradd --system --uid 10001 --home-dir /data habari \
    && mkdir -p /data && chown habari /data
COPY config ./config

USER habari
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4)"
CMD ["habari", "run"]
