# Installs (when missing) and starts the system services the tests need, on loopback only.
# Sourced by .ci/run, and by scripts/services.sh for engineers. Each service is added here as the
# tests start to need it. PostgreSQL and Redis run from a temp dir on free loopback ports (or
# SWITCHYARD_SERVICES_PG_PORT / SWITCHYARD_SERVICES_REDIS_PORT) and export the URLs the tests read.
# nginx is only installed: the nginx test starts its own, on free ports, from SWITCHYARD_NGINX.
# python3 is only installed: the playground runs its exported Python program with it.

ci_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# /usr/sbin is not on every user's PATH.
ci_nginx_bin() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }; }

ci_free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

ci_install_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -n "$(ci_pg_bin)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -n "$(ci_nginx_bin)" ] || missing+=(nginx)
  command -v python3 >/dev/null || missing+=(python3)
  [ ${#missing[@]} -eq 0 ] && return 0
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null)
}

ci_postgres_up() {
  local bin port=${SWITCHYARD_SERVICES_PG_PORT:-$(ci_free_port)} dir=$1/postgres
  bin=$(ci_pg_bin)
  mkdir -p "$dir" && chmod 755 "$1"
  # Postgres refuses to run as root: run it as the `postgres` user when we are root.
  local as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U switchyard --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log"; return 1; }
  "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U switchyard switchyard_test || return 1
  export SWITCHYARD_TEST_POSTGRES_URL="postgres://switchyard@127.0.0.1:$port/switchyard_test"
}

ci_redis_up() {
  local port=${SWITCHYARD_SERVICES_REDIS_PORT:-$(ci_free_port)} dir=$1/redis
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || return 1
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null || { cat "$dir/redis.log"; return 1; }
  export SWITCHYARD_TEST_REDIS_URL="redis://127.0.0.1:$port"
}

ci_services_up() {
  ci_install_packages || return 1
  SWITCHYARD_SERVICES_DIR=$(mktemp -d /tmp/switchyard-services.XXXXXX)
  export SWITCHYARD_SERVICES_DIR
  ci_postgres_up "$SWITCHYARD_SERVICES_DIR" || return 1
  ci_redis_up "$SWITCHYARD_SERVICES_DIR" || return 1
  SWITCHYARD_NGINX=$(ci_nginx_bin) || return 1
  export SWITCHYARD_NGINX
  export SWITCHYARD_REQUIRE_SERVICES=1
}

ci_services_down() {
  local dir=${SWITCHYARD_SERVICES_DIR:-}
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -f "$dir/postgres/data/postmaster.pid" ]; then
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$(ci_pg_bin)/pg_ctl" -D "$dir/postgres/data" -m fast -w stop >/dev/null 2>&1
  fi
  [ -f "$dir/redis/redis.pid" ] && kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null
  rm -rf "$dir"
  unset SWITCHYARD_SERVICES_DIR SWITCHYARD_TEST_POSTGRES_URL SWITCHYARD_TEST_REDIS_URL SWITCHYARD_NGINX SWITCHYARD_REQUIRE_SERVICES
  return 0
}
