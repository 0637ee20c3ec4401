package io.lstmspark.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM: one per {@link ModelKey}, loaded by whichever task asks first while
 * concurrent askers wait, then shared by every later task. Closed when the JVM exits.
 *
 * <p>Models never travel from the driver: each executor JVM loads its own copy from the model path.
 */
public final class ModelCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Map<ModelKey, Entry> MODELS = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "lstm-spark-model-cache-close"));
    }

    private ModelCache() {
    }

    /** What a cache lookup got: the model, and whether this call loaded it. */
    public record Lookup(LoadedModel model, boolean loadedNow) {
    }

    public static Lookup getOrLoad(ModelKey key) {
        return MODELS.computeIfAbsent(key, Entry::new).get();
    }

    /** Models loaded by this JVM since it started. */
    public static long loadCount() {
        return LOADS.get();
    }

    /** Closes and forgets the model, so the next lookup loads it again. */
    public static void invalidate(ModelKey key) {
        Entry entry = MODELS.remove(key);
        if (entry != null) {
            entry.close();
        }
    }

    private static void closeAll() {
        MODELS.keySet().forEach(ModelCache::invalidate);
    }

    /** Loads at most once per key; the entry's lock serialises only the askers of the same model. */
    private static final class Entry {
        private final ModelKey key;
        private LoadedModel model;

        Entry(ModelKey key) {
            this.key = key;
        }

        synchronized Lookup get() {
            if (model != null) {
                return new Lookup(model, false);
            }
            long started = System.nanoTime();
            model = LoadedModel.load(key.source(), key.threads());
            LOADS.incrementAndGet();
            LOG.info("Loaded model {} ({}) in {} ms", key.source().path(), key.threads(),
                    (System.nanoTime() - started) / 1_000_000);
            return new Lookup(model, true);
        }

        synchronized void close() {
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }
}
