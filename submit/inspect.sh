#!/usr/bin/env bash
# Shows what a model exposes, to write a job's model section: tag sets, signatures (keys, tensors,
# dtypes, shapes), placeholders, and with --ops the top-level graph operations matching a regular
# expression (the op:N of a TF1 graph's states). Then it loads a SavedModel (unless it holds ops that
# reach outside the model) and shows its Keras LSTM layers, the lstm:<layer>.<part> outputs that tap
# their states, and the taps' self-check: the model runs on a few random windows. Where no Keras
# layers can be read, the LSTM layers found from their weights. Builds the classes first when needed.
#
#   submit/inspect.sh MODEL_DIR                      # a SavedModel directory
#   submit/inspect.sh model.pb --ops 'step_23/(h|c)$'  # a frozen GraphDef, operations by name
#   submit/inspect.sh MODEL_DIR --json               # for machines
#   submit/inspect.sh MODEL_DIR --tags serve,gpu     # another meta graph
#   submit/inspect.sh MODEL_DIR --files-only         # read the files only; the model is not loaded
#   submit/inspect.sh MODEL_DIR --window-length 24   # check windows' steps, where the input declares none
#
# Environment: JAVA_OPTS (extra JVM options).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -eq 0 ]]; then
  set -- --help
fi

if [[ ! -f target/local-classpath.txt || -n "$(find src pom.xml -newer target/local-classpath.txt -print -quit)" ]]; then
  mvn -q -B -DskipTests process-classes >&2  # stdout is the command's own (JSON results, inspect output)
  touch target/local-classpath.txt
fi

opens=$(sed -n 's:.*<jvm.opens>\(.*\)</jvm.opens>.*:\1:p' pom.xml)
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# shellcheck disable=SC2086 # option lists are meant to split
exec java $opens ${JAVA_OPTS:-} \
  -Dlog4j2.configurationFile=conf/log4j2.properties \
  -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-$HOME/.javacpp/cache}" \
  -cp "target/classes:$(cat target/local-classpath.txt)" \
  io.lstmspark.cli.Main inspect "$@"
