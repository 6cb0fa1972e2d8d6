#!/usr/bin/env bash
# Make sure this machine can provide RabbitMQ and PostgreSQL to the harness.
# - With a Docker engine, nothing is needed (the docker back-end uses testcontainers).
# - Otherwise rabbitmq-server and PostgreSQL must be installed: as root this installs them from
#   Debian's packages; as another user it stops with the exact command to run.
# - A RabbitMQ already running here gets its management plugin (needed for topology checks).
set -euo pipefail

# The locations are overridable so the harness's tests can exercise the "nothing installed" branch.
RABBIT_SERVER=${HARNESS_RABBIT_SERVER:-/usr/lib/rabbitmq/bin/rabbitmq-server}
PG_CTL_GLOB=${HARNESS_PG_CTL_GLOB:-/usr/lib/postgresql/*/bin/pg_ctl}
have_docker() { docker info >/dev/null 2>&1; }
have_servers() { [ -x "$RABBIT_SERVER" ]; }
have_pg() { compgen -G "$PG_CTL_GLOB" >/dev/null; }
install_cmd="apt-get update && apt-get install -y --no-install-recommends rabbitmq-server postgresql"

if ! have_docker && ! { have_servers && have_pg; }; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "ensure-services: installing RabbitMQ and PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends rabbitmq-server postgresql >/dev/null
  else
    echo "ensure-services: no Docker engine and no local RabbitMQ/PostgreSQL. Run as root: sudo sh -c '$install_cmd'" >&2
    exit 2
  fi
fi

# A broker already listening on 5672 (the external back-end) needs its management API.
if (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/15672) 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v rabbitmq-plugins >/dev/null; then
    rabbitmq-plugins enable rabbitmq_management >/dev/null
    for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/15672) 2>/dev/null && break; sleep 0.5; done
  else
    echo "ensure-services: the running RabbitMQ has no management API; run as root: rabbitmq-plugins enable rabbitmq_management" >&2
  fi
fi
