#!/bin/sh
# Builds every variant of LstmSparkGates' gates() alone, with the flags of pom.xml's lstm-gates execution, and
# runs lstm_gates_test.c on each; fails when a variant's loop does not vectorise or its states are off.
#   src/test/c/test-lstm-gates.sh OUTPUT_DIR     (mvn runs it in the test phase of profile native-gates)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
for march in x86-64-v4 x86-64-v3 x86-64; do
  /usr/bin/gcc -O3 -fno-trapping-math -Wall -Wextra -Werror -Wno-unused-function -march="$march" \
    -DLSTMSPARK_GATES_ONE_TARGET -I "$here/../../main/c" -fopt-info-vec-optimized="$out/vectorised-$march.txt" \
    -o "$out/lstm_gates_test-$march" "$here/lstm_gates_test.c" -ldl -lm
  # gates() holds the file's only loops: a vectorised one is what makes the kernel pay.
  if ! grep -q "lstm_gates.c:.*loop vectorized" "$out/vectorised-$march.txt"; then
    echo "test-lstm-gates: gates() does not vectorise for -march=$march ($out/vectorised-$march.txt)" >&2
    exit 1
  fi
  "$out/lstm_gates_test-$march" "$march"
done
