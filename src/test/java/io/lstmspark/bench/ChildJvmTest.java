package io.lstmspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's commands run in JVMs of their own, which keep their logs; {@code bench-write} runs end
 * to end on a tiny size. Its figures are not tested.
 */
class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void benchWriteTimesBothWritersAndLeavesNoFiles() throws Exception {
        Path written = dir.resolve("write");
        JsonNode result = new ChildJvm("1g", dir).run(List.of("bench-write", "--master=local[1]", "--windows=3000",
                "--state-size=8", "--steps=2", "--rounds=2", "--dir=" + written), "bench-write");

        assertEquals(3000, result.get("windows").asInt());
        assertEquals(1 + 8 + 2 * 8, result.get("floats_per_window").asInt(), "forecast, state, sequence");
        for (String writer : List.of("spark", "bulk")) {
            JsonNode seconds = result.get("cpu_seconds").get(writer);
            assertEquals(2, seconds.size(), writer + ": one figure per round, the warm-up round left out");
            seconds.forEach(s -> assertTrue(s.asDouble() > 0, writer + ": " + s));
            assertEquals(2, result.get("wall_seconds").get(writer).size(), writer);
        }
        assertTrue(result.get("cpu_ratio_spark_to_bulk").asDouble() > 0, result.toString());
        try (Stream<Path> left = Files.exists(written) ? Files.list(written) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "each write is removed once timed");
        }
        assertTrue(Files.size(dir.resolve("logs/bench-write.log")) > 0, "the child's log is kept");
    }

    @Test
    void aFailedChildNamesItsLogAndQuotesIt() throws Exception {
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> new ChildJvm("256m", dir).run(List.of("bench-write", "--no-such-option"), "Write (x)"));

        Path log = dir.resolve("logs/write-x.log");
        assertTrue(failed.getMessage().startsWith("Write (x) failed (exit code 2); its log: " + log),
                failed.getMessage());
        assertTrue(Files.readString(log).contains("Unknown option: '--no-such-option'"), Files.readString(log));
        assertTrue(failed.getMessage().contains("Unknown option: '--no-such-option'"), failed.getMessage());
    }
}
