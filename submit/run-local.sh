#!/usr/bin/env bash
# Runs lstm-spark with an embedded local Spark (local[*]); builds the classes first when needed.
#
#   submit/run-local.sh                                  # the sample job (conf/sample.conf)
#   submit/run-local.sh conf/sample.conf window.stride=4 output.path=out/demo
#   submit/run-local.sh window.stride=4                  # overrides alone apply to conf/sample.conf
#   submit/run-local.sh --conf spark.sql.shuffle.partitions=64   # a Spark setting (or spark.KEY=VALUE)
#   submit/run-local.sh --verbose --log-file out/run.log          # run's options, before or among overrides
#   submit/run-local.sh --command inspect MODEL_DIR      # any other lstm-spark command
#
# Environment: JAVA_OPTS (extra JVM options, e.g. -Xmx8g), SPARK_MASTER (default local[*]).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f target/local-classpath.txt || -n "$(find src pom.xml -newer target/local-classpath.txt -print -quit)" ]]; then
  mvn -q -B -DskipTests process-classes >&2  # stdout is the command's own (JSON results, inspect output)
  touch target/local-classpath.txt
fi

command=run
if [[ "${1:-}" == "--command" ]]; then
  command=$2
  shift 2
elif [[ $# -eq 0 || "$1" == *=* || "$1" == --* ]]; then
  set -- conf/sample.conf "$@"
fi

opens=$(sed -n 's:.*<jvm.opens>\(.*\)</jvm.opens>.*:\1:p' pom.xml)
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# shellcheck disable=SC2086 # option lists are meant to split
exec java $opens ${JAVA_OPTS:-} \
  -Dspark.master="${SPARK_MASTER:-local[*]}" \
  -Dlog4j2.configurationFile=conf/log4j2.properties \
  -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
  -cp "target/classes:$(cat target/local-classpath.txt)" \
  io.lstmspark.cli.Main "$command" "$@"
