"""Database engine images for the managed-database and backup tests, made from Debian.

No registry is reachable here, so the official images (postgres, mariadb, redis) cannot be
pulled. These recipes make stand-ins from bookworm's packages that keep the official images'
interface: the same environment variables on first start (POSTGRES_USER/PASSWORD/DB,
MARIADB_* or MYSQL_*), the same data directories, ports, commands and client tools. The
tests point Containr at them through the same per-engine image settings a user would set
(CONTAINR_POSTGRES_IMAGE, CONTAINR_MYSQL_IMAGE, CONTAINR_REDIS_IMAGE).

    python -m tests.integration.engine_images     # make any that the engine lacks
"""

from __future__ import annotations

import sys

import docker

from tests.integration.debian_images import DebianImage, ensure_debian_image

POSTGRES_VERSION = "15"
MARIADB_VERSION = "10.11"
REDIS_VERSION = "7.0"

_POSTGRES_ENTRYPOINT = r"""#!/bin/sh
# The official image's first-start contract: POSTGRES_PASSWORD (required), POSTGRES_USER
# (default postgres) and POSTGRES_DB (default the user); an initialised PGDATA is left alone.
set -eu
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required on first start}"
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  pwfile="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    # Over the set-up server's socket, whatever PGHOST/PGPORT the service sets for its
    # clients (the official image does the same).
    PGHOST= PGHOSTADDR= createdb -U "$user" "$db"
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
fi
if [ "${1:-}" = postgres ]; then
  shift
  exec postgres -c listen_addresses='*' "$@"
fi
exec "$@"
"""

_MARIADB_ENTRYPOINT = r"""#!/bin/sh
# The official image's first-start contract: MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD),
# and optionally MARIADB_DATABASE/USER/PASSWORD (or their MYSQL_ names).
set -eu
root_pw="${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}"
database="${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}"
user="${MARIADB_USER:-${MYSQL_USER:-}}"
password="${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}"
mkdir -p /var/lib/mysql /run/mysqld
chown -R mysql:mysql /var/lib/mysql /run/mysqld
if [ "${1:-}" = mariadbd ] && [ ! -d /var/lib/mysql/mysql ]; then
  : "${root_pw:?MARIADB_ROOT_PASSWORD is required on first start}"
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db \
    --auth-root-authentication-method=normal >/dev/null
  mariadbd --user=mysql --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  i=0
  until mariadb-admin --socket=/run/mysqld/init.sock ping >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 300 ] || { echo "mariadbd did not start" >&2; exit 1; }
    sleep 0.1
  done
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DELETE FROM mysql.user WHERE user='';"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY '$root_pw';"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "$database" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$database\`;"; fi
    if [ -n "$user" ]; then
      echo "CREATE USER '$user'@'%' IDENTIFIED BY '$password';"
      if [ -n "$database" ]; then echo "GRANT ALL ON \`$database\`.* TO '$user'@'%';"; fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket=/run/mysqld/init.sock -uroot
  mariadb-admin --socket=/run/mysqld/init.sock -uroot -p"$root_pw" shutdown
  wait "$pid" || true
fi
if [ "${1:-}" = mariadbd ]; then
  shift
  exec mariadbd --user=mysql --bind-address=0.0.0.0 --port=3306 "$@"
fi
exec "$@"
"""

_REDIS_ENTRYPOINT = r"""#!/bin/sh
# As the official image: redis-server runs as redis in /data, its arguments passed through.
set -eu
if [ "${1:-}" = redis-server ] && [ "$(id -u)" = 0 ]; then
  chown -R redis:redis /data
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
exec "$@"
"""

_ENTRYPOINT = "/usr/local/bin/docker-entrypoint.sh"

POSTGRES = DebianImage(
    name="postgres",
    packages=(f"postgresql-{POSTGRES_VERSION}", "util-linux"),
    files=((_ENTRYPOINT, _POSTGRES_ENTRYPOINT, 0o755),),
    changes=(
        f"ENV PATH=/usr/lib/postgresql/{POSTGRES_VERSION}/bin:/usr/local/sbin:/usr/local/bin:"
        "/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV PGDATA=/var/lib/postgresql/data",
        "ENV LANG=C.UTF-8",
        f'ENTRYPOINT ["{_ENTRYPOINT}"]',
        'CMD ["postgres"]',
        "EXPOSE 5432",
    ),
)
MARIADB = DebianImage(
    name="mariadb",
    packages=("mariadb-server", "mariadb-client"),
    files=((_ENTRYPOINT, _MARIADB_ENTRYPOINT, 0o755),),
    # Debian's package initialises a data directory; the official image starts empty.
    hooks=('rm -rf "$1"/var/lib/mysql/*',),
    changes=(
        "ENV LANG=C.UTF-8",
        f'ENTRYPOINT ["{_ENTRYPOINT}"]',
        'CMD ["mariadbd"]',
        "EXPOSE 3306",
    ),
)
REDIS = DebianImage(
    name="redis",
    packages=("redis-server", "util-linux"),
    files=((_ENTRYPOINT, _REDIS_ENTRYPOINT, 0o755),),
    changes=(
        "WORKDIR /data",
        f'ENTRYPOINT ["{_ENTRYPOINT}"]',
        'CMD ["redis-server"]',
        "EXPOSE 6379",
    ),
)
RECIPES = {"postgres": POSTGRES, "mysql": MARIADB, "redis": REDIS}
"""Each engine's recipe, by DatabaseEngine value."""
VERSIONS = {"postgres": POSTGRES_VERSION, "mysql": MARIADB_VERSION, "redis": REDIS_VERSION}
"""The engine version each recipe's image runs (bookworm's)."""


def ensure_engine_images(client: docker.APIClient) -> dict[str, str]:
    """Each engine's image reference (by DatabaseEngine value), made when missing."""
    return {engine: ensure_debian_image(client, recipe) for engine, recipe in RECIPES.items()}


def engine_image_settings(images: dict[str, str]) -> dict[str, str]:
    """The CONTAINR_*_IMAGE settings that select these images (the version is fixed)."""
    return {f"CONTAINR_{engine.upper()}_IMAGE": reference for engine, reference in images.items()}


if __name__ == "__main__":
    engine = docker.APIClient(timeout=900)
    for name, reference in ensure_engine_images(engine).items():
        print(f"{name}: {reference}")
    sys.exit(0)
