package io.lstmspark.model;

import java.io.Serializable;

/**
 * What identifies one loaded model in an executor JVM. The fingerprint makes a model whose files
 * changed load anew instead of serving stale weights.
 */
public record ModelKey(ModelSource source, SessionThreads threads, String fingerprint) implements Serializable {
}
