#!/usr/bin/env bash
# Submits lstm-spark's batch job (the fat jar's `run` command) with spark-submit, adding what the job
# needs on the driver and on every executor. Options before "--" go to spark-submit; the arguments
# after it go to the job: [CONFIG] [key=value ...], as for run-local.sh.
#
#   submit/spark-submit.sh --master spark://127.0.0.1:7077 -- conf/sample.conf \
#       model.path=/shared/models/sensors output.path=/shared/out/sample
#   submit/spark-submit.sh --master spark://127.0.0.1:7077 --archives model.zip#model -- \
#       conf/sample.conf model.path=model output.path=/shared/out/sample
#   submit/spark-submit.sh conf/sample.conf     # no spark-submit options: spark-submit's defaults (local[*])
#
# What it adds, before your options (a later --conf of the same key replaces it):
#   --class io.lstmspark.cli.Main and the fat jar (LSTM_SPARK_JAR; default: the build's, see common.sh)
#   spark.driver.extraJavaOptions, spark.executor.extraJavaOptions: the Java 17 --add-opens list
#     (pom.xml, jvm.opens), plus -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE when set: where
#     JavaCPP unpacks TensorFlow's native libraries (~650 MB, once per jar name) on each node; unset:
#     ~/.javacpp/cache of the user each JVM runs as. Plus DRIVER_JAVA_OPTS / EXECUTOR_JAVA_OPTS.
#   TF_CPP_MIN_LOG_LEVEL=2 for executors (spark.executorEnv) and for drivers on YARN / Kubernetes
#   spark.executor.memoryOverhead=$EXECUTOR_MEMORY_OVERHEAD (default 1g): TensorFlow's runtime, the
#     model's weights and each batch's tensors live outside the JVM heap; YARN and Kubernetes size
#     executor containers as heap + overhead and kill executors that outgrow it (standalone ignores it).
#
# The model: model.path is resolved in each JVM. Give a path every node sees (shared file system),
# or ship the model with --archives model.zip#NAME (the SavedModel directory's contents zipped) and
# set model.path=NAME: executors find NAME in their working directory, where Spark unpacks archives;
# the driver, which loads the model once to check it, finds it where Spark unpacked the archive for
# it (local, standalone and Kubernetes masters; on YARN only in cluster deploy mode: in YARN client
# mode unpack the archive as ./NAME beside the driver too).
#
# Spark: $SPARK_HOME/bin/spark-submit when SPARK_HOME is set. Otherwise Spark's own SparkSubmit class
# runs from the Maven build's Spark jars (target/spark-home), as `java -cp ... SparkSubmit`, in this
# JVM; in client deploy mode that JVM is the driver, so --driver-memory and --driver-java-options are
# applied to it here.
#
# Environment: SPARK_HOME, LSTM_SPARK_JAR, TF_PLATFORM, JAVACPP_CACHE, EXECUTOR_MEMORY_OVERHEAD,
# DRIVER_JAVA_OPTS, EXECUTOR_JAVA_OPTS, JAVA_HOME.
set -euo pipefail
# shellcheck source=submit/common.sh
source "$(dirname "$0")/common.sh"

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

spark_options=()
job_args=()
if [[ " $* " == *" -- "* ]]; then
  while [[ "$1" != "--" ]]; do
    spark_options+=("$1")
    shift
  done
  shift
  job_args=("$@")
elif [[ "${1:-}" == -* ]]; then
  die "put -- between spark-submit options and the job's arguments, e.g." \
    "$0 --master spark://host:7077 -- conf/sample.conf output.path=out/x"
else
  job_args=("$@")
fi
((${#job_args[@]})) || usage

jar=$(fat_jar)
java_options="$(jvm_opens)${JAVACPP_CACHE:+ -Dorg.bytedeco.javacpp.cachedir=$JAVACPP_CACHE}"
driver_options="$java_options${DRIVER_JAVA_OPTS:+ $DRIVER_JAVA_OPTS}"
submit=(
  --class io.lstmspark.cli.Main
  --conf "spark.driver.extraJavaOptions=$driver_options"
  --conf "spark.executor.extraJavaOptions=$java_options${EXECUTOR_JAVA_OPTS:+ $EXECUTOR_JAVA_OPTS}"
  --conf spark.executorEnv.TF_CPP_MIN_LOG_LEVEL=2
  --conf spark.yarn.appMasterEnv.TF_CPP_MIN_LOG_LEVEL=2
  --conf spark.kubernetes.driverEnv.TF_CPP_MIN_LOG_LEVEL=2
  --conf "spark.executor.memoryOverhead=${EXECUTOR_MEMORY_OVERHEAD:-1g}"
  "${spark_options[@]}"
  "$jar"
  run "${job_args[@]}"
)
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}

if [[ -n "${SPARK_HOME:-}" ]]; then
  [[ -x "$SPARK_HOME/bin/spark-submit" ]] || die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit:" \
    "point SPARK_HOME at a Spark $(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$repo/pom.xml")" \
    "distribution, or unset it to use the Maven build's Spark"
  exec "$SPARK_HOME/bin/spark-submit" "${submit[@]}"
fi

# The driver is this JVM: give it what spark-submit's launcher would (memory, driver Java options).
jvm=()
for ((i = 0; i < ${#spark_options[@]}; i++)); do
  case "${spark_options[i]}" in
    --driver-memory) jvm+=("-Xmx${spark_options[i + 1]}") ;;
    --driver-memory=*) jvm+=("-Xmx${spark_options[i]#*=}") ;;
    --driver-java-options) read -ra more <<< "${spark_options[i + 1]}" && jvm+=("${more[@]}") ;;
    --driver-java-options=*) read -ra more <<< "${spark_options[i]#*=}" && jvm+=("${more[@]}") ;;
  esac
done
home=$(spark_home)
# shellcheck disable=SC2086 # option lists are meant to split
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" $driver_options "${jvm[@]}" -cp "$home/conf:$home/jars/*" \
  org.apache.spark.deploy.SparkSubmit "${submit[@]}"
