"""The shell scripts the dump, restore and measuring helpers run, per engine.

They run in the target's own image (POSIX sh and the engine's client tools; coreutils'
``mktemp``, ``sleep``, ``dd``). What they report for the adapter goes to stderr as
``containr-fact<TAB>…`` lines: ``version<TAB>v``, ``table<TAB>schema.name<TAB>rows``,
``keys<TAB>n``. Connection details come from the environment (``CONTAINR_DB_*`` and the
tools' own password variables), so no value is ever spliced into a script.
"""

from __future__ import annotations

from application.backup_ports import DatabaseTarget
from domain.service_spec import DatabaseEngine

_EMIT_FACTS = r"""
emit_facts() {
  while IFS= read -r fact || [ -n "$fact" ]; do
    case "$fact" in version*|table*|keys*) printf 'containr-fact\t%s\n' "$fact" >&2;; esac
  done < "$1"
}
"""

# PostgreSQL: the counts and pg_dump share one exported snapshot, held by this session.
_PG_FACTS_SQL = r"""
SELECT 'version' || E'\t' || split_part(current_setting('server_version'), ' ', 1);
SELECT format('SELECT %L || count(*) FROM %I.%I',
              'table' || E'\t' || n.nspname || '.' || c.relname || E'\t', n.nspname, c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
 ORDER BY 1 \gexec
"""

_PG_DUMP = (
    r"""set -u
w=$(mktemp -d)
export CONTAINR_WORK="$w"
cat > "$w/session.sql" <<'SQL'
\set ON_ERROR_STOP 1
\o :facts
BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;
SELECT pg_export_snapshot() AS snapshot \gset
"""
    + _PG_FACTS_SQL
    + r"""
\setenv CONTAINR_SNAPSHOT :snapshot
\! pg_dump -Fc --snapshot="$CONTAINR_SNAPSHOT" || touch "$CONTAINR_WORK/failed"
COMMIT;
SQL
"""
    + _EMIT_FACTS
    + r"""
psql -X -q -A -t -v facts="$w/facts" -f "$w/session.sql" || exit 3
[ ! -e "$w/failed" ] || exit 3
emit_facts "$w/facts"
"""
)

_PG_FACTS = (
    r"""set -u
w=$(mktemp -d)
cat > "$w/session.sql" <<'SQL'
\set ON_ERROR_STOP 1
\o :facts
BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;
"""
    + _PG_FACTS_SQL
    + r"""
COMMIT;
SQL
"""
    + _EMIT_FACTS
    + r"""
psql -X -q -A -t -v facts="$w/facts" -f "$w/session.sql" || exit 3
emit_facts "$w/facts"
"""
)

# One transaction, committed only when pg_restore read the whole dump: what the database
# held is dropped first (every schema of its own, public recreated as PostgreSQL makes it),
# so a failure, or a stream cut off, leaves the database exactly as it was.
_PG_RESTORE = r"""set -u
w=$(mktemp -d)
cat > "$w/clean.sql" <<'SQL'
\set ON_ERROR_STOP 1
BEGIN;
DO $containr$
DECLARE
  p int;
  s name;
BEGIN
  -- Close the other connections to the database (those this user may close).
  FOR p IN SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
  LOOP
    BEGIN
      PERFORM pg_terminate_backend(p);
    EXCEPTION WHEN insufficient_privilege THEN
      NULL;
    END;
  END LOOP;
  FOR s IN SELECT nspname FROM pg_namespace
            WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\_%'
              AND nspname NOT IN (SELECT e.extnamespace::regnamespace::name FROM pg_extension e
                                   WHERE e.extname = 'plpgsql')
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  CREATE SCHEMA public;
  IF current_setting('server_version_num')::int >= 150000 THEN
    ALTER SCHEMA public OWNER TO pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
  ELSE
    GRANT ALL ON SCHEMA public TO PUBLIC;
  END IF;
END
$containr$;
SQL
{
  cat "$w/clean.sql"
  if pg_restore --clean --if-exists --no-owner --no-privileges -f - 2> "$w/restore.err"; then
    echo "COMMIT;"
  else
    touch "$w/failed"
  fi
} | psql -X -q -v ON_ERROR_STOP=1 -f - > /dev/null || exit 3
if [ -e "$w/failed" ]; then cat "$w/restore.err" >&2; exit 3; fi
"""

_MYSQL_TOOLS = r"""set -u
client=$(command -v mariadb || command -v mysql) || { echo "no mysql client" >&2; exit 3; }
dumper=$(command -v mariadb-dump || command -v mysqldump) || { echo "no dump tool" >&2; exit 3; }
w=$(mktemp -d)
db() { "$client" -h "$CONTAINR_DB_HOST" -P "$CONTAINR_DB_PORT" -u "$CONTAINR_DB_USER" \
  --connect-timeout=10 "$@"; }
"""

_MYSQL_FACTS_SQL = r"""
SET SESSION group_concat_max_len = 16777216;
SELECT CONCAT('version', CHAR(9), VERSION());
SELECT COALESCE(GROUP_CONCAT(CONCAT(
  'SELECT CONCAT(''table'', CHAR(9), ', QUOTE(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME)),
  ', CHAR(9), COUNT(*)) FROM `', REPLACE(TABLE_SCHEMA, '`', '``'), '`.`',
  REPLACE(TABLE_NAME, '`', '``'), '`') SEPARATOR ' UNION ALL '),
  'SELECT 1 FROM DUAL WHERE FALSE') INTO @containr_counts
  FROM information_schema.TABLES
 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE';
PREPARE containr_counts FROM @containr_counts;
EXECUTE containr_counts;
"""

# MySQL: FLUSH TABLES WITH READ LOCK until the dump has written its first table (its
# snapshot is open then); the counts run in this session's snapshot, taken under the lock.
_MYSQL_DUMP = (
    _MYSQL_TOOLS
    + "cat > \"$w/counts.sql\" <<'SQL'\n"
    + _MYSQL_FACTS_SQL
    + "COMMIT;\nSQL\n"
    + _EMIT_FACTS
    + r"""
{
  printf '%s\n' "SET SESSION lock_wait_timeout = 30;" "FLUSH TABLES WITH READ LOCK;" \
    "START TRANSACTION WITH CONSISTENT SNAPSHOT;" "SELECT 'containr-locked';"
  until [ -e "$w/release" ]; do sleep 0.05; done
  echo "UNLOCK TABLES;"
  cat "$w/counts.sql"
} | db -N -B -r -n "$CONTAINR_DB_NAME" > "$w/facts" 2> "$w/session.err" &
session=$!
until grep -q '^containr-locked' "$w/facts" 2>/dev/null; do
  if ! kill -0 "$session" 2>/dev/null; then cat "$w/session.err" >&2; exit 3; fi
  sleep 0.05
done
{
  "$dumper" -h "$CONTAINR_DB_HOST" -P "$CONTAINR_DB_PORT" -u "$CONTAINR_DB_USER" \
    --single-transaction --routines --triggers --events "$CONTAINR_DB_NAME" 2> "$w/dump.err"
  echo $? > "$w/dump.rc"
} | {
  line=
  released=
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case "$line" in
      "-- Table structure"*|"-- Dumping"*|"-- Temporary"*|"-- Final view"*)
        released=1; touch "$w/release"; break;;
    esac
  done
  if [ -z "$released" ]; then printf '%s' "$line"; touch "$w/release"; fi
  cat
}
touch "$w/release"
wait "$session"; session_rc=$?
if [ "$(cat "$w/dump.rc")" != 0 ]; then cat "$w/dump.err" >&2; exit 3; fi
if [ "$session_rc" != 0 ]; then cat "$w/session.err" >&2; exit 3; fi
emit_facts "$w/facts"
"""
)

_MYSQL_FACTS = (
    _MYSQL_TOOLS
    + "cat > \"$w/counts.sql\" <<'SQL'\n"
    + "START TRANSACTION WITH CONSISTENT SNAPSHOT;\n"
    + _MYSQL_FACTS_SQL
    + "COMMIT;\nSQL\n"
    + _EMIT_FACTS
    + r"""
db -N -B -r "$CONTAINR_DB_NAME" < "$w/counts.sql" > "$w/facts" || exit 3
emit_facts "$w/facts"
"""
)

# MySQL: drop what the database holds (tables and views), then play the dump into it.
_MYSQL_RESTORE = "".join(
    (
        _MYSQL_TOOLS,
        r"""cat > "$w/list.sql" <<'SQL'
SELECT CONCAT('DROP ', IF(TABLE_TYPE = 'VIEW', 'VIEW', 'TABLE'), ' IF EXISTS `',
              REPLACE(TABLE_NAME, '`', '``'), '`;')
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE();
SQL
db -N -B -r "$CONTAINR_DB_NAME" < "$w/list.sql" > "$w/drop.sql" || exit 3
{ echo "SET FOREIGN_KEY_CHECKS = 0;"; cat "$w/drop.sql"; } | db "$CONTAINR_DB_NAME" || exit 3
db "$CONTAINR_DB_NAME" || exit 3
""",
    )
)

_REDIS_TOOLS = r"""set -u
w=$(mktemp -d)
cli() { redis-cli -h "$CONTAINR_DB_HOST" -p "$CONTAINR_DB_PORT" "$@"; }
redis_facts() {
  version=$(cli INFO server | tr -d '\r' | sed -n 's/^redis_version://p')
  [ -n "$version" ] || { cli PING >&2; exit 3; }
  total=0
  for keys in $(cli INFO keyspace | tr -d '\r' | sed -n 's/^db[0-9]*:keys=\([0-9]*\),.*/\1/p')
  do total=$((total + keys)); done
}
"""

# Redis: writes paused from the count until the server has forked the RDB it streams.
_REDIS_DUMP = (
    _REDIS_TOOLS
    + r"""
paused=$(cli CLIENT PAUSE "$CONTAINR_PAUSE_MS" WRITE)
[ "$paused" = OK ] || { printf '%s\n' "$paused" >&2; exit 3; }
trap 'cli CLIENT UNPAUSE >/dev/null 2>&1' EXIT
redis_facts
{ cli --rdb - 2> "$w/rdb.err"; echo $? > "$w/rdb.rc"; } | {
  dd bs=1 count=9 2>/dev/null
  cli CLIENT UNPAUSE >/dev/null 2>&1
  cat
}
if [ "$(cat "$w/rdb.rc")" != 0 ]; then cat "$w/rdb.err" >&2; exit 3; fi
printf 'containr-fact\tversion\t%s\n' "$version" >&2
printf 'containr-fact\tkeys\t%s\n' "$total" >&2
"""
)

_REDIS_FACTS = (
    _REDIS_TOOLS
    + r"""
redis_facts
printf 'containr-fact\tversion\t%s\n' "$version" >&2
printf 'containr-fact\tkeys\t%s\n' "$total" >&2
"""
)

# Redis: the RDB is checked and loaded by a server in this helper, and the target copies it
# by replication (REPLICAOF, then REPLICAOF NO ONE): no restart and no access to its files,
# so it works with the official image. A corrupt stream never reaches the target.
_REDIS_RESTORE = (
    _REDIS_TOOLS
    + r"""
give_up=$(($(date +%s) + CONTAINR_SECONDS))
cat > "$w/dump.rdb" || exit 3
redis-check-rdb "$w/dump.rdb" > "$w/check.out" 2>&1 || { tail -n 5 "$w/check.out" >&2; exit 3; }
redis-server --port 6399 --dir "$w" --dbfilename dump.rdb --bind 0.0.0.0 \
  --protected-mode no --save '' --appendonly no --daemonize yes --logfile "$w/server.log" \
  || exit 3
until [ "$(redis-cli -p 6399 PING 2>/dev/null)" = PONG ]; do sleep 0.05; done
me=$(hostname -i | cut -d ' ' -f 1)
ok=$(cli REPLICAOF "$me" 6399)
[ "$ok" = OK ] || { printf '%s\n' "$ok" >&2; exit 3; }
trap 'cli REPLICAOF NO ONE >/dev/null 2>&1' EXIT
synced() {
  info=$(cli INFO replication | tr -d '\r')
  case "$info" in *master_link_status:up*) ;; *) return 1;; esac
  case "$info" in *master_sync_in_progress:0*) ;; *) return 1;; esac
  case "$(cli INFO persistence | tr -d '\r')" in *loading:0*) return 0;; esac
  return 1
}
until synced; do
  if [ "$(date +%s)" -ge "$give_up" ]; then
    echo "the database did not finish copying the dump in time" >&2; exit 3
  fi
  sleep 0.05
done
ok=$(cli REPLICAOF NO ONE)
[ "$ok" = OK ] || { printf '%s\n' "$ok" >&2; exit 3; }
trap - EXIT
"""
)

_REDIS_PAUSE_SECONDS = 30

_SCRIPTS = {
    DatabaseEngine.POSTGRES: (_PG_DUMP, _PG_RESTORE, _PG_FACTS),
    DatabaseEngine.MYSQL: (_MYSQL_DUMP, _MYSQL_RESTORE, _MYSQL_FACTS),
    DatabaseEngine.REDIS: (_REDIS_DUMP, _REDIS_RESTORE, _REDIS_FACTS),
}


def dump_script(target: DatabaseTarget) -> str:
    """The script that streams the dump to stdout and prints the facts taken with it."""
    return _SCRIPTS[target.engine][0]


def restore_script(target: DatabaseTarget) -> str:
    """The script that replaces the target's contents with the dump read from stdin."""
    return _SCRIPTS[target.engine][1]


def facts_script(target: DatabaseTarget) -> str:
    """The script that prints the target's facts now."""
    return _SCRIPTS[target.engine][2]


def environment(target: DatabaseTarget, *, seconds: float = 600) -> dict[str, str]:
    """How the helper's tools reach the target (and how long they have); the password only
    in the tool's own variable."""
    env = {
        "CONTAINR_DB_HOST": target.host,
        "CONTAINR_DB_PORT": str(target.port),
        "CONTAINR_DB_USER": target.user,
        "CONTAINR_DB_NAME": target.database or "",
        # Redis's write pause ends by itself even if the helper is killed before it ends it.
        "CONTAINR_PAUSE_MS": str(int(min(seconds, _REDIS_PAUSE_SECONDS) * 1000)),
        # Steps that must undo themselves (Redis's REPLICAOF) give up a little before the
        # helper is killed.
        "CONTAINR_SECONDS": str(max(1, int(seconds * 0.9))),
    }
    password = target.password.reveal()
    if target.engine is DatabaseEngine.POSTGRES:
        env |= {
            "PGHOST": target.host,
            "PGPORT": str(target.port),
            "PGUSER": target.user,
            "PGDATABASE": target.database or target.user,
            "PGPASSWORD": password,
            "PGCONNECT_TIMEOUT": "10",
        }
    elif target.engine is DatabaseEngine.MYSQL:
        env["MYSQL_PWD"] = password
    elif password:
        env["REDISCLI_AUTH"] = password
    return env
