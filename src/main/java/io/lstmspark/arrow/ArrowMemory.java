package io.lstmspark.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * One Arrow root allocator per JVM, and a named child allocator per task.
 *
 * <p>Closing a child allocator that still holds buffers throws, so a task that leaks Arrow memory
 * fails instead of slowly exhausting the executor's off-heap memory.
 */
public final class ArrowMemory {

    private ArrowMemory() {
    }

    private static final class Root {
        static final BufferAllocator INSTANCE = new RootAllocator(Long.MAX_VALUE);
    }

    public static BufferAllocator newTaskAllocator(String name) {
        return Root.INSTANCE.newChildAllocator(name, 0, Long.MAX_VALUE);
    }

    /** Bytes currently allocated by every task of this JVM. */
    public static long allocatedBytes() {
        return Root.INSTANCE.getAllocatedMemory();
    }
}
