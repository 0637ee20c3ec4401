package io.lstmspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.lstmspark.testing.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchGpuCommandTest {

    @Test
    void failsNamingTheGpuWhenTensorFlowCannotRunOnOne() {
        assumeFalse(Files.exists(Path.of("/dev/nvidia0")), "this machine has an NVIDIA GPU");
        CommandRun run = CommandRun.of("bench-gpu");
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("TensorFlow cannot run on /device:GPU:0"), run.err());
        assertTrue(run.err().contains("-Pgpu"), run.err());
        assertEquals("", run.out());
    }
}
