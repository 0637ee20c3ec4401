package io.lstmspark.task;

import io.lstmspark.arrow.ArrowMemory;
import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.ElementType;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A task's window batch, in Arrow memory from a child allocator of its own. Closed when the task's
 * pipeline finishes, or at the task's end when it ends early (failure, or a writer that stops pulling);
 * closing the allocator fails the task if any Arrow memory leaked.
 */
final class TaskBatch implements AutoCloseable {

    private final BufferAllocator allocator;
    private final WindowBatch batch;
    private boolean closed;

    private TaskBatch(BufferAllocator allocator, WindowBatch batch) {
        this.allocator = allocator;
        this.batch = batch;
    }

    static TaskBatch open(TaskEnvironment task, String role, ElementType type, int capacity, int length,
                          int features) {
        BufferAllocator allocator = ArrowMemory.newTaskAllocator("lstm-spark-" + role + "-"
                + task.identity().taskAttemptId());
        WindowBatch batch;
        try {
            batch = WindowBatch.allocate(allocator, type, capacity, length, features);
        } catch (RuntimeException e) {
            allocator.close();
            throw e;
        }
        TaskBatch taskBatch = new TaskBatch(allocator, batch);
        task.atTaskEnd().accept(taskBatch::close);
        return taskBatch;
    }

    WindowBatch batch() {
        return batch;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            batch.close();
        } finally {
            allocator.close();
        }
    }
}
