# shellcheck shell=bash
# Shared by the submit/ scripts (sourced, not run): paths of the build's outputs, the JVM options the
# job needs, and a Spark home assembled from the Maven build's Spark jars.
#
# Environment: LSTM_SPARK_JAR (the fat jar to submit; default: the one `mvn package` built for
# TF_PLATFORM), TF_PLATFORM (default linux-x86_64).

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# The --add-opens list Spark's launcher would pass on Java 17, as pom.xml keeps it (property jvm.opens).
jvm_opens() {
  sed -n 's:.*<jvm.opens>\(.*\)</jvm.opens>.*:\1:p' "$repo/pom.xml"
}

# The fat jar built by `mvn package` for TF_PLATFORM, or LSTM_SPARK_JAR: a file, or a URI that Spark
# reads (hdfs://, s3a://, local:// for a jar inside a Kubernetes image).
fat_jar() {
  if [[ -n "${LSTM_SPARK_JAR:-}" ]]; then
    [[ "$LSTM_SPARK_JAR" == *://* || -f "$LSTM_SPARK_JAR" ]] || die "LSTM_SPARK_JAR=$LSTM_SPARK_JAR does not exist"
    echo "$LSTM_SPARK_JAR"
    return
  fi
  local platform=${TF_PLATFORM:-linux-x86_64} jars
  jars=("$repo"/target/lstm-spark-*-"$platform".jar)
  [[ -f "${jars[0]}" ]] || die "no fat jar for $platform under $repo/target: build it with" \
    "'mvn -B -DskipTests package' (add -Dtf.platform=$platform for another platform)"
  echo "${jars[0]}"
}

# Assembles $repo/target/spark-home (jars/ as links to the Maven build's Spark jars, conf/, RELEASE) when
# missing or older than the build's Spark classpath, and prints its path. Nothing is downloaded here.
spark_home() {
  local home=$repo/target/spark-home classpath=$repo/target/spark-classpath.txt
  if [[ ! -f "$classpath" ]]; then
    (cd "$repo" && mvn -q -B -DskipTests process-classes) >&2 \
      || die "building the Spark classpath failed: run 'mvn -B -DskipTests process-classes' in $repo"
  fi
  if [[ ! -f "$home/RELEASE" || "$classpath" -nt "$home/RELEASE" \
        || "$repo/conf/log4j2-cluster.properties" -nt "$home/RELEASE" ]]; then
    rm -rf "$home"
    mkdir -p "$home/jars" "$home/conf"
    local jar
    for jar in $(tr ':' ' ' < "$classpath") "$repo"/target/spark-extra-jars/*.jar; do
      ln -s "$jar" "$home/jars/$(basename "$jar")"
    done
    cp "$repo/conf/log4j2-cluster.properties" "$home/conf/log4j2.properties"
    local version
    version=$(basename "$home"/jars/spark-core_*.jar .jar)
    echo "Spark ${version##*-}, assembled from lstm-spark's Maven build" > "$home/RELEASE"
  fi
  echo "$home"
}
