package io.lstmspark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.arrow.ArrowMemory;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.JobConfigLoader;
import io.lstmspark.driver.LstmSparkJob;
import io.lstmspark.report.RunReport;
import java.io.File;
import java.util.List;
import java.util.Optional;

/** Runs the job in the test JVM's Spark session and checks that no Arrow memory is left behind. */
public final class Jobs {

    private Jobs() {
    }

    public static JobConfig config(String file, String... overrides) {
        return JobConfigLoader.load(Optional.ofNullable(file).map(File::new), List.of(overrides));
    }

    public static RunReport run(JobConfig config) {
        RunReport report = LstmSparkJob.run(TestSpark.session(), config);
        assertEquals(0, ArrowMemory.allocatedBytes(), "Arrow memory still allocated after the job");
        return report;
    }

    public static RunReport run(String file, String... overrides) {
        return run(config(file, overrides));
    }
}
