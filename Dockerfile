# One image for the gateway (api) and the action server (actions). Rasa uses rasa/rasa:3.6.21.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
# Point TORCH_PIP_ARGS at a CPU-only torch wheel source (e.g. --find-links /wheels) so no CUDA build is pulled in.
ARG TORCH_PIP_ARGS=""
COPY requirements/app.lock.txt requirements/app.lock.txt
RUN pip install --no-cache-dir torch==2.13.0 $TORCH_PIP_ARGS \
 && pip install --no-cache-dir -r requirements/app.lock.txt
COPY pyproject.toml ./
COPY api api
COPY actions actions
COPY knowledge knowledge
RUN pip install --no-cache-dir --no-deps -e . && lyt kb build
# Run as an unprivileged user (docker-compose.yml sets the same uid); only var/ is writable.
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin lyt \
 && mkdir -p /app/var && chown -R 10001:10001 /app/var
USER 10001:10001
EXPOSE 8000 5055
