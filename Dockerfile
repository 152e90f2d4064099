# 支部助手 — production image. Data (database, config) lives in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    BRANCHBOT_CONFIG=/data/config.toml

RUN useradd --create-home --uid 10001 branchbot \
    && mkdir -p /data \
    && chown branchbot:branchbot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
RUN pip install .

USER branchbot
VOLUME ["/data"]
# Webhook mode listens here; polling mode needs no open port.
EXPOSE 8443
CMD ["python", "-m", "bot"]
