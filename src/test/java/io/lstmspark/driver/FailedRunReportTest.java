package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lstmspark.config.JobConfig;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partitioned run that fails reports beside its partition, inside the table, and keeps every partition. */
class FailedRunReportTest {

    @TempDir
    Path dir;

    private JobConfig config(String model, String input, Path output, String runDate) {
        return Jobs.config(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "model.path=" + model, "outputs.h=hidden_state", "output.path=" + output,
                "output.mode=overwrite", "output.partition-by=[run_date]",
                "output.constant-columns.run_date=" + runDate);
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aFailedPartitionedRunReportsBesideItsPartitionAndKeepsThemAll() throws IOException {
        String model = TestModels.savedModel(dir, 2, 3, 3, 5).toString();
        String clean = TestData.writeParquet(dir.resolve("clean"), TestData.rows(6, 6), TestData.SCHEMA);
        List<Row> rows = new ArrayList<>(TestData.rows(6, 6));
        rows.add(RowFactory.create("s2", TestData.minute(0), Double.NaN, 1.0));
        String withNan = TestData.writeParquet(dir.resolve("with-nan"), rows, TestData.SCHEMA);
        Path output = dir.resolve("table");
        Jobs.run(config(model, clean, output, "2026-11-25"));
        Jobs.run(config(model, clean, output, "2026-11-26"));
        List<String> before = files(output);

        AtomicReference<String> reported = new AtomicReference<>();
        RunWatcher watcher = new RunWatcher() {
            @Override
            public void progress(PassProgress progress) {
            }

            @Override
            public void failedRunReport(String path) {
                reported.set(path);
            }
        };
        assertThrows(Exception.class,
                () -> LstmSparkJob.run(TestSpark.session(), config(model, withNan, output, "2026-11-26"), watcher));

        Path report = output.resolve("_run_date_2026-11-26.failed_run_report.json");
        assertEquals(report.toString(), reported.get());
        List<String> after = new ArrayList<>(files(output));
        after.remove(report.getFileName().toString());
        assertEquals(before, after, "both partitions as they were, and nothing else left");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals("failed", json.get("status").asText());
        assertTrue(json.get("error").asText().contains("feature 'x0' is NaN"), json.toString());
        assertEquals(16, TestSpark.session().read().parquet(output.toString()).count(), "8 windows per partition");
    }
}
