package io.lstmspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * This JVM's CPU time by kind of thread, from Linux's /proc: Spark's task threads (where TensorFlow runs
 * with one intra-op thread), HotSpot's compilers, the garbage collector, and the rest (the driver, Spark's
 * scheduling and shuffle threads, TensorFlow's own pools, threads that ended). HotSpot hides its compiler
 * and GC threads from {@code ThreadMXBean}; /proc sees them.
 */
final class ThreadCpu {

    /** /proc counts CPU time in USER_HZ ticks, 100 per second on Linux's mainstream architectures. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Path TASKS = Path.of("/proc/self/task");

    /** Per thread id: its name (as the kernel truncates it, 15 characters) and CPU ticks. */
    private final Map<String, Long> ticksByThread;
    private final Map<String, String> nameByThread;
    private final long processTicks;

    private ThreadCpu(Map<String, Long> ticksByThread, Map<String, String> nameByThread, long processTicks) {
        this.ticksByThread = ticksByThread;
        this.nameByThread = nameByThread;
        this.processTicks = processTicks;
    }

    /** Now; empty figures where there is no /proc (then {@link #since} gives zeros). */
    static ThreadCpu now() {
        Map<String, Long> ticks = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return new ThreadCpu(ticks, names, 0);
        }
        try (Stream<Path> threads = Files.list(TASKS)) {
            threads.forEach(thread -> {
                String stat = read(thread.resolve("stat"));
                if (stat != null) {
                    String id = thread.getFileName().toString();
                    names.put(id, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                    ticks.put(id, cpuTicks(stat));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String process = read(Path.of("/proc/self/stat"));
        return new ThreadCpu(ticks, names, process == null ? 0 : cpuTicks(process));
    }

    /**
     * CPU seconds from {@code before} to this snapshot: "process", then "tasks", "compilers", "gc" and
     * "other" (the process's time not in the first three), which add up to the process's.
     */
    Map<String, Double> since(ThreadCpu before) {
        Map<String, Long> byKind = new HashMap<>();
        ticksByThread.forEach((id, ticks) -> byKind.merge(kind(nameByThread.get(id)),
                ticks - before.ticksByThread.getOrDefault(id, 0L), Long::sum));
        long process = processTicks - before.processTicks;
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("process", process / TICKS_PER_SECOND);
        long known = 0;
        for (String kind : new String[] {"tasks", "compilers", "gc"}) {
            long ticks = byKind.getOrDefault(kind, 0L);
            seconds.put(kind, ticks / TICKS_PER_SECOND);
            known += ticks;
        }
        seconds.put("other", Math.max(0, process - known) / TICKS_PER_SECOND);
        return seconds;
    }

    /** Threads by their name as /proc gives it (truncated to 15 characters). */
    static String kind(String name) {
        if (name.startsWith("Executor task l")) {
            return "tasks"; // Spark's "Executor task launch worker for task ..."
        }
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return "compilers";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "gc";
        }
        return "other";
    }

    /** utime + stime: fields 14 and 15 of a stat line, counted after the name, which may hold spaces. */
    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The file's text, or null for a thread that ended while the directory was listed (gone, or ESRCH). */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }
}
