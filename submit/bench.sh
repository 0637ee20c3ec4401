#!/usr/bin/env bash
# Benchmarks TensorFlow alone against the whole job on this machine and prints one table.
#
#   submit/bench.sh                          # 100,000 windows, T=48, F=8, H=64, all cores
#   submit/bench.sh --windows 20000 --skip-scale
#   submit/bench.sh --record BENCHMARKS.md   # also append the table, dated, to BENCHMARKS.md
#   submit/bench.sh --model DIR              # another Keras LSTM SavedModel taking [?, 48, 8]
#   submit/bench.sh --keras-file F           # row (h): that model as a Keras file (--keras-file= skips it)
#
# Jobs run in fresh JVMs with this script's JVM options (JAVA_OPTS adds to them).
set -euo pipefail
cd "$(dirname "$0")/.."
model=(--model src/test/resources/models/forecaster_keras3/saved_model)
keras_file=(--keras-file src/test/resources/keras-files-fixtures/forecaster.keras)
for argument in "$@"; do
  [[ $argument == --model || $argument == --model=* ]] && model=()
  [[ $argument == --keras-file || $argument == --keras-file=* ]] && keras_file=()
done
exec ./submit/run-local.sh --command bench "${model[@]}" "${keras_file[@]}" "$@"
