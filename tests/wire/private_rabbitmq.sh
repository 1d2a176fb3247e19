# Sourced by scripts that need a RabbitMQ of their own inside a private
# network namespace (unshare -rn): every file it writes lives in a temp
# directory, port 5672 is the namespace's own, nothing outside is touched.
#   private_rabbitmq_start LOG_DIR    boots it; sets RMQ_DIR, RMQ_PID, RMQ_BOOT_S
#   private_rabbitmq_stop             shuts it down and removes RMQ_DIR
# Needs Debian's rabbitmq-server. Debian's /usr/sbin wrappers su to the
# rabbitmq user and ignore HOME, so the real scripts are called.

private_rabbitmq_start() {
  local log_out="$1"
  ip link set lo up
  RMQ_DIR="$(mktemp -d "${TMPDIR:-/tmp}/warren-rmq.XXXXXX")"
  RMQ_LOG_OUT="$log_out"
  mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  printf 'listeners.tcp.default = 5672\nloopback_users.guest = true\n' > "$RMQ_DIR/rabbitmq.conf"
  echo '[].' > "$RMQ_DIR/enabled_plugins"
  : > "$RMQ_DIR/rabbitmq-env.conf"
  export HOME="$RMQ_DIR/home" \
    RABBITMQ_NODENAME=rabbit@localhost \
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$RMQ_DIR/log" \
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins" \
    RABBITMQ_PID_FILE="$RMQ_DIR/pid" RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config" \
    RABBITMQ_PLUGINS_EXPAND_DIR="$RMQ_DIR/plugins-expand"
  export PATH="/usr/lib/rabbitmq/bin:$PATH"
  local t0 up=0
  t0="${EPOCHREALTIME:-$(date +%s.%N)}"
  rabbitmq-server -detached
  for _ in $(seq 60); do
    if rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1; then up=1; break; fi
    sleep 1
  done
  [ $up = 1 ] || { echo "RabbitMQ did not start; logs in $RMQ_DIR/log" >&2; return 2; }
  RMQ_BOOT_S=$(awk -v a="$t0" -v b="${EPOCHREALTIME:-$(date +%s.%N)}" 'BEGIN { printf "%.1f", b - a }')
  RMQ_PID="$(cat "$RMQ_DIR/pid")"
}

private_rabbitmq_stop() {
  [ -n "${RMQ_DIR:-}" ] || return 0
  timeout 30 rabbitmqctl -q shutdown >/dev/null 2>&1 || true
  if [ -s "$RMQ_DIR/pid" ]; then kill "$(cat "$RMQ_DIR/pid")" 2>/dev/null || true; fi
  epmd -kill >/dev/null 2>&1 || true
  [ -n "${RMQ_LOG_OUT:-}" ] && cp "$RMQ_DIR"/log/*.log "$RMQ_LOG_OUT/" 2>/dev/null || true
  rm -rf "$RMQ_DIR"
  RMQ_DIR=""
}
