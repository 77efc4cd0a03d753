#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis the test suite needs, when they are not answering.
set -euo pipefail

pg_host=127.0.0.1
redis_port=6379

if ! pg_isready -q -h "$pg_host" -p 5432; then
  echo "PostgreSQL is not answering on $pg_host:5432: starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 30); do pg_isready -q -h "$pg_host" -p 5432 && break; sleep 1; done
fi
pg_isready -h "$pg_host" -p 5432 >/dev/null || { echo "PostgreSQL did not start" >&2; exit 1; }

if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
  echo "Redis is not answering on 127.0.0.1:$redis_port: starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 30); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null || { echo "Redis did not start" >&2; exit 1; }
echo "PostgreSQL and Redis are answering"
