package io.lstmspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** CPU time by kind of thread, read from Linux's /proc for this JVM. */
class ThreadCpuTest {

    @Test
    void aBusyTaskThreadsCpuIsCountedAsTasksAndWithinTheProcess() throws Exception {
        ThreadCpu before = ThreadCpu.now();
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        // Alive when measured, as Spark's pooled task threads are: a thread that has ended counts as "other".
        Thread task = new Thread(() -> {
            spinFor300Ms();
            spun.countDown();
            awaitQuietly(measured);
        }, "Executor task launch worker for task 0.0 in stage 1.0");
        task.start();
        spun.await();
        Map<String, Double> seconds = ThreadCpu.now().since(before);
        measured.countDown();
        task.join();

        assertTrue(seconds.get("tasks") >= 0.2, "300 ms of spinning: " + seconds);
        assertTrue(seconds.get("process") >= seconds.get("tasks"), seconds.toString());
        assertEquals(seconds.get("process"), seconds.get("tasks") + seconds.get("compilers") + seconds.get("gc")
                + seconds.get("other"), 0.011, "the kinds add up to the process: " + seconds);
    }

    @Test
    void threadsAreSortedByTheirNameAsTheKernelTruncatesIt() {
        assertEquals("tasks", ThreadCpu.kind("Executor task l"));
        assertEquals("compilers", ThreadCpu.kind("C2 CompilerThre"));
        assertEquals("compilers", ThreadCpu.kind("C1 CompilerThre"));
        assertEquals("gc", ThreadCpu.kind("GC Thread#1"));
        assertEquals("gc", ThreadCpu.kind("G1 Conc#0"));
        assertEquals("other", ThreadCpu.kind("java"));
        assertEquals("other", ThreadCpu.kind("dag-scheduler-e"));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void spinFor300Ms() {
        long end = System.nanoTime() + 300_000_000L;
        long sink = 0;
        while (System.nanoTime() < end) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        if (sink == 42) {
            System.out.print("");
        }
    }
}
