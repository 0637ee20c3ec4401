#!/usr/bin/env bash
# Profiles one benchmark job with Linux perf over the whole machine, during the job's measured (second)
# run only, and prints each thread group's and library's share of the CPU samples.
#
#   submit/bench.sh --skip-scale            # once: writes the benchmark's input under target/bench
#   submit/profile.sh                       # job (b): forecast and hidden state, the job's defaults
#   submit/profile.sh batch.size=2048 model.intra-op-threads=1   # (a)'s best configuration, as bench names it
#   submit/profile.sh outputs.h=lstm:0.sequence mode=stream stream.layout=chunk
#   INPUT=target/bench/input-1000x1047x8 submit/profile.sh ...   # another input
#
# Needs perf, run as root or with kernel.perf_event_paranoid <= 0. Reading the table: "[JIT]" lines of
# the task threads are both Java code and oneDNN's GEMM kernels, which TensorFlow generates at run
# time; `perf report -i target/profile/perf.data --dso '[JIT] tid N' --sort sym` names the Java
# methods (the JVM writes /tmp/perf-PID.map at exit), and the unnamed addresses are the kernels.
set -euo pipefail
# shellcheck source=submit/common.sh
source "$(dirname "$0")/common.sh"
cd "$repo"

command -v perf >/dev/null || die "perf is not installed (Debian: linux-perf)"
input=${INPUT:-target/bench/input-100x1047x8}
[[ -d "$input" ]] || die "$input does not exist: run submit/bench.sh --skip-scale once to write it"
[[ $# -gt 0 ]] || set -- outputs.forecast=output_0 outputs.hidden_state=lstm:0.h

out=target/profile
mkdir -p "$out"
log=$out/job.log
: >"$log"
JAVA_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions \
-XX:+DumpPerfMapAtExit ${JAVA_OPTS:-}" ./submit/run-local.sh --command bench-job --master="local[$(nproc)]" \
  "input.path=$input" input.series-id=series input.timestamp=ts input.features=f0,f1,f2,f3,f4,f5,f6,f7 \
  model.path=src/test/resources/models/forecaster_keras3/saved_model output.mode=overwrite \
  output.path=$out/output "$@" >>"$log" 2>&1 &
job=$!
perf_pid=
# A failed or interrupted profile leaves neither the job nor perf running.
trap 'kill $job $perf_pid 2>/dev/null || true' EXIT

# Waits for a line of the job's log without polling (tail follows the file until the job ends).
await() {
  grep -q -m1 -e "$1" < <(tail --pid=$job -n +1 -f "$log") || { cat "$log" >&2; die "the job ended before: $1"; }
}

await "bench-job: measured run starts"
perf record -a -g -F 499 -o "$out/perf.data" -q &
perf_pid=$!
await '"seconds"'
kill -INT $perf_pid
wait $perf_pid || true
wait $job || die "the job failed; its log: $log"
grep '"seconds"' "$log"
perf report -i "$out/perf.data" --no-children --sort comm,dso --stdio -g none 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -25
