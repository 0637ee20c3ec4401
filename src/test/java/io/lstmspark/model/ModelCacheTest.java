package io.lstmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {

    @TempDir
    Path dir;

    @Test
    void concurrentAskersShareOneLoadOfTheModel() throws Exception {
        SampleModel.exportSavedModel(LstmWeights.random(2, 3, 7), 4, dir);
        ModelKey key = new ModelKey(new ModelSource(dir.toString(), List.of("serve")), new SessionThreads(1, 1),
                ModelFingerprint.of(dir));
        long loadsBefore = ModelCache.loadCount();
        int askers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(askers);
        try {
            List<Future<ModelCache.Lookup>> lookups = new ArrayList<>();
            for (int i = 0; i < askers; i++) {
                lookups.add(pool.submit(() -> {
                    start.await();
                    return ModelCache.getOrLoad(key);
                }));
            }
            start.countDown();
            LoadedModel first = lookups.get(0).get().model();
            int loadedNow = 0;
            for (Future<ModelCache.Lookup> lookup : lookups) {
                assertSame(first, lookup.get().model());
                loadedNow += lookup.get().loadedNow() ? 1 : 0;
            }
            assertEquals(1, loadedNow);
            assertEquals(loadsBefore + 1, ModelCache.loadCount());
        } finally {
            pool.shutdownNow();
            ModelCache.invalidate(key);
        }
    }

    @Test
    void aChangedFingerprintLoadsTheModelAgain() {
        SampleModel.exportSavedModel(LstmWeights.random(2, 3, 7), 4, dir);
        ModelSource source = new ModelSource(dir.toString(), List.of("serve"));
        ModelKey before = new ModelKey(source, new SessionThreads(1, 1), "sha256:a");
        ModelKey after = new ModelKey(source, new SessionThreads(1, 1), "sha256:b");
        try {
            assertEquals(true, ModelCache.getOrLoad(before).loadedNow());
            assertEquals(true, ModelCache.getOrLoad(after).loadedNow());
            assertEquals(false, ModelCache.getOrLoad(after).loadedNow());
        } finally {
            ModelCache.invalidate(before);
            ModelCache.invalidate(after);
        }
    }
}
