#!/usr/bin/env bash
# Runs the benchmark on this machine's GPU: first a device check (TensorFlow must run a matrix product on
# GPU 0 without falling back to the CPU), then submit/bench.sh, whose rows (a), TensorFlow alone, and (b),
# the whole job, it prints. Local mode is one executor: its task slots share one TensorFlow session, on GPU 0
# of what the process sees. README, "GPU executors". Never run on the project's machines (no GPU).
#
#   submit/gpu-bench.sh                         # 100,000 windows
#   submit/gpu-bench.sh --windows 1000000       # any option of submit/bench.sh
#
# Builds the classes with -Pgpu (TensorFlow's CUDA natives for Linux x86-64, 526 MB), which stays the
# build's classpath for submit/run-local.sh until `mvn -B -DskipTests process-classes` builds it without.
# Needs NVIDIA's driver, CUDA and cuDNN as TensorFlow 2.18's GPU build does.
set -euo pipefail
# shellcheck source=submit/common.sh
source "$(dirname "$0")/common.sh"
cd "$repo"

command -v nvidia-smi >/dev/null || die "no GPU here: nvidia-smi (NVIDIA's driver) is not installed"
nvidia-smi -L 2>/dev/null | grep -q '^GPU ' || die "no GPU here: nvidia-smi -L lists none"

mvn -q -B -Pgpu -DskipTests process-classes >&2
grep -q 'tensorflow-core-native-[^:]*-linux-x86_64-gpu\.jar' target/local-classpath.txt \
  || die "the -Pgpu build did not put TensorFlow's GPU natives on target/local-classpath.txt"
touch target/local-classpath.txt # newer than the sources: run-local.sh keeps this classpath

# The parent JVM's session (rows a and d) keeps its GPU memory while the jobs' JVMs run: take memory as needed.
export TF_FORCE_GPU_ALLOW_GROWTH=true
./submit/run-local.sh --command bench-gpu || die "TensorFlow cannot run on the GPU (see above)"
nvidia-smi -L
out=target/gpu-bench.txt
./submit/bench.sh --skip-scale --soak-batches 0 --keras-file= "$@" | tee "$out"
echo
grep -E '^\| \((a|b)\) ' "$out" || die "no rows (a) and (b) in $out"
