#!/usr/bin/env bash
# A Spark standalone cluster on this machine: a master and WORKERS workers on 127.0.0.1, each its own JVM
# running Spark's classes from a Spark home assembled from the Maven build (target/spark-home; nothing
# is downloaded). Workers start executors through that Spark home, as on a real cluster.
#
#   submit/local-cluster.sh start     # starts it; prints the master URL, e.g. spark://127.0.0.1:40123
#   submit/local-cluster.sh status    # the master URL and each process; exit 1 unless all are up
#   submit/local-cluster.sh stop      # stops workers (their executors with them) and master
#
#   submit/spark-submit.sh --master "$(cat target/local-cluster/master-url)" -- conf/sample.conf \
#       model.path="$PWD/sample-data/model" output.path=out/cluster
#
# Every port (RPC and web UI) is a free one the JVM picks; the master URL is read from the master's log.
# LOCAL_CLUSTER_DIR (default target/local-cluster) holds master-url, *.pid, logs/ and work/ (one
# directory per worker; executor logs in work/worker-N/app-*/N/stderr). `start` first ends processes
# left by an earlier run of the same directory and empties work/.
#
# Environment: LOCAL_CLUSTER_DIR, WORKERS (2), WORKER_CORES (1 each), WORKER_MEMORY (2g each: memory
# the worker hands to executors), DAEMON_MEMORY (heap of master and workers, 512m), JAVA_HOME.
set -euo pipefail
# shellcheck source=submit/common.sh
source "$(dirname "$0")/common.sh"

dir=$(mkdir -p "${LOCAL_CLUSTER_DIR:-$repo/target/local-cluster}" && cd "${LOCAL_CLUSTER_DIR:-$repo/target/local-cluster}" && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
startup_seconds=90

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# The pid in $dir/NAME.pid if that process is alive and is the Spark daemon we started.
live_pid() {
  local file=$dir/$1.pid pid
  [[ -f "$file" ]] || return 1
  pid=$(cat "$file")
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'org\.apache\.spark\.deploy\.' \
    && echo "$pid"
}

daemons() {
  local file
  for file in "$dir"/worker-*.pid "$dir"/master.pid; do
    [[ -f "$file" ]] && basename "$file" .pid
  done
  return 0
}

launch() {
  local name=$1
  shift
  # Emptied here, not by the background job's redirection: await_log must never read the last run's log.
  : > "$dir/logs/$name.log"
  # shellcheck disable=SC2046 # the option list is meant to split
  nohup "$java" $(jvm_opens) -Xmx"${DAEMON_MEMORY:-512m}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" "$@" \
    > "$dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

# Waits until NAME's log has a line matching PATTERN and prints the line; fails if NAME exits first.
await_log() {
  local name=$1 pattern=$2 line
  for ((i = 0; i < startup_seconds * 2; i++)); do
    line=$(grep -m1 -E "$pattern" "$dir/logs/$name.log" 2> /dev/null || true)
    if [[ -n "$line" ]]; then
      echo "$line"
      return
    fi
    # The pid just launched, not live_pid: until nohup has exec'd java its cmdline is still the shell's.
    if ! kill -0 "$(cat "$dir/$name.pid")" 2> /dev/null; then
      tail -n 30 "$dir/logs/$name.log" >&2
      die "$name exited during start-up (log above, in $dir/logs/$name.log)"
    fi
    sleep 0.5
  done
  tail -n 30 "$dir/logs/$name.log" >&2
  die "$name did not log '$pattern' within ${startup_seconds}s (log above, in $dir/logs/$name.log)"
}

start() {
  if live_pid master > /dev/null; then
    die "a cluster is already running in $dir ($(cat "$dir/master-url" 2>/dev/null)): stop it with $0 stop"
  fi
  stop > /dev/null
  SPARK_HOME=$(spark_home)
  export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
  rm -rf "$dir/work"
  mkdir -p "$dir/logs" "$dir/work"
  # Whatever started is stopped if start-up fails (die exits, which an ERR trap would miss).
  trap 'stop > /dev/null' EXIT

  launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0
  local url
  url=$(await_log master 'Starting Spark master at spark://' | grep -o 'spark://[0-9.]*:[0-9]*')
  for ((n = 1; n <= ${WORKERS:-2}; n++)); do
    launch "worker-$n" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
      --cores "${WORKER_CORES:-1}" --memory "${WORKER_MEMORY:-2g}" --work-dir "$dir/work/worker-$n" "$url"
  done
  for ((n = 1; n <= ${WORKERS:-2}; n++)); do
    await_log "worker-$n" 'Successfully registered with master' > /dev/null
  done
  trap - EXIT
  echo "$url" > "$dir/master-url"
  echo "$url"
}

# Stops the workers (each kills its executors), then the master; ends stragglers by pid.
stop() {
  stop_group "$(daemons | grep '^worker-')"
  stop_group "$(daemons | grep -x master)"
  rm -f "$dir/master-url"
}

# TERM to each named daemon at once, KILL after 10s; then KILL executors the workers left behind.
stop_group() {
  local name pid pids=() executors=()
  for name in $1; do
    if pid=$(live_pid "$name"); then
      mapfile -t -O "${#executors[@]}" executors < <(ps -o pid= --ppid "$pid" | tr -d ' ')
      kill "$pid" 2> /dev/null || true
      pids+=("$pid")
      echo "stopping $name (pid $pid)"
    fi
    rm -f "$dir/$name.pid"
  done
  for ((i = 0; i < 40; i++)); do
    alive=0
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2> /dev/null && alive=1
    done
    ((alive)) || break
    sleep 0.25
  done
  for pid in "${pids[@]}" "${executors[@]}"; do
    kill -9 "$pid" 2> /dev/null && echo "killed pid $pid, still running after 10s"
  done
  return 0
}

status() {
  local name pid up=0
  if [[ -f "$dir/master-url" ]]; then
    echo "master url: $(cat "$dir/master-url")"
  else
    echo "no cluster started in $dir"
  fi
  for name in $(daemons); do
    if pid=$(live_pid "$name"); then
      echo "$name: running (pid $pid)"
    else
      echo "$name: not running"
      up=1
    fi
  done
  [[ -f "$dir/master-url" ]] && return $up
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
