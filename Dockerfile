# The Containr image: `containr` with its locked dependencies, the built web dashboard and
# the documentation site.
#
#   docker build -t containr .
#
# Build arguments:
#   PYTHON_IMAGE  the Python 3.11 base of the build and the runtime (python:3.11-slim); any
#                 Debian-like image with python3.11 and pip will do (git is added if missing)
#   NODE_IMAGE    the Node.js 20 image that builds the dashboard (node:20-bookworm-slim)
#   WEB_DIST      `build` (default): npm ci && npm run build inside NODE_IMAGE;
#                 `prebuilt`: use interfaces/web/dist from the build context as it is (for
#                 machines that cannot fetch the Node image: build the dashboard first, and
#                 point NODE_IMAGE at any local image with a shell, e.g. PYTHON_IMAGE)
#   DOCS          `build` (default): the documentation site built with MkDocs (the dev extra,
#                 in a build stage only); `prebuilt`: site/ from the build context as it is
#                 (`mkdocs build` first)
#   UV_VERSION    the uv that installs uv.lock (the one tests/run and CI use)
#
# The image runs as the unprivileged user `containr` (uid and gid 10001). A process that
# talks to the Docker engine (`containr worker`) needs the group of the engine's socket:
# `--group-add "$(stat -c %g /var/run/docker.sock)"` (compose: `group_add`, DOCKER_GID).
# It serves on port 8000 by default and checks itself on /healthz.

ARG PYTHON_IMAGE=python:3.11-slim
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. The locked dependencies, then Containr itself, in a virtual environment (not editable).
FROM ${PYTHON_IMAGE} AS venv
ARG UV_VERSION=0.13.9
# UV_SYSTEM_CERTS: uv trusts the image's certificate store (ca-certificates), like pip does.
ENV UV_PROJECT_ENVIRONMENT=/opt/containr/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_SYSTEM_CERTS=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
RUN python3.11 -m pip install --no-cache-dir --target /opt/uv "uv==${UV_VERSION}"
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project --no-cache --python python3.11
COPY README.md ./
COPY domain ./domain
COPY projections ./projections
COPY application ./application
COPY adapters ./adapters
COPY interfaces ./interfaces
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-editable --no-cache --python python3.11 \
    && /opt/containr/venv/bin/containr --help >/dev/null

# 2. The web dashboard's bundle.
FROM ${NODE_IMAGE} AS web
ARG WEB_DIST=build
WORKDIR /web
COPY interfaces/web/package.json interfaces/web/package-lock.json ./
RUN if [ "$WEB_DIST" = build ]; then npm ci --no-audit --no-fund; fi
COPY interfaces/web/ ./
RUN case "$WEB_DIST" in \
      build) npm run build ;; \
      prebuilt) test -f dist/index.html || { echo "WEB_DIST=prebuilt needs interfaces/web/dist: run npm ci && npm run build in interfaces/web first" >&2; exit 1; } ;; \
      *) echo "WEB_DIST must be build or prebuilt, not $WEB_DIST" >&2; exit 1 ;; \
    esac

# 3. The documentation served at /docs.
FROM venv AS docs
ARG DOCS=build
COPY . ./
RUN case "$DOCS" in \
      build) UV_PROJECT_ENVIRONMENT=/opt/docs UV_COMPILE_BYTECODE=0 /opt/uv/bin/uv sync \
               --frozen --extra dev --no-editable --no-cache --python python3.11 \
             && NO_MKDOCS_2_WARNING=1 /opt/docs/bin/mkdocs build --strict --quiet --site-dir /site ;; \
      prebuilt) test -f site/index.html || { echo "DOCS=prebuilt needs site/: run mkdocs build first" >&2; exit 1; }; \
                cp -r site /site ;; \
      *) echo "DOCS must be build or prebuilt, not $DOCS" >&2; exit 1 ;; \
    esac

# 4. The runtime: the virtual environment, the dashboard, the docs, git (builds clone
# repositories). The dashboard and the docs go where the installed package looks for them
# (interfaces/http/web.py: beside the interfaces package; interfaces/http/docs.py: site/
# beside the package's parent).
FROM ${PYTHON_IMAGE} AS runtime
RUN set -eu; \
    if ! command -v git >/dev/null; then \
      apt-get update; \
      apt-get install -y --no-install-recommends git ca-certificates; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 containr; \
    useradd --system --uid 10001 --gid containr --home-dir /var/lib/containr \
      --shell /usr/sbin/nologin containr; \
    install -d -o containr -g containr -m 0700 /var/lib/containr
COPY --from=venv /opt/containr/venv /opt/containr/venv
COPY --from=web /web/dist /opt/containr/venv/lib/python3.11/site-packages/interfaces/web/dist
COPY --from=docs /site /opt/containr/venv/lib/python3.11/site-packages/site
ENV PATH=/opt/containr/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CONTAINR_DATA_DIR=/var/lib/containr
LABEL org.opencontainers.image.title="Containr" \
      org.opencontainers.image.description="A self-hosted, event-sourced platform-as-a-service" \
      org.opencontainers.image.licenses="Apache-2.0"
USER containr
WORKDIR /var/lib/containr
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/containr/venv/bin/python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["containr"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
