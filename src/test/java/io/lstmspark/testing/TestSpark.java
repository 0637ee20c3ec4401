package io.lstmspark.testing;

import io.lstmspark.output.PosixLocalFileSystem;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session for every test of the JVM: starting Spark costs seconds. */
public final class TestSpark {

    private static final Path WAREHOUSE = Path.of("target", "test-warehouse-" + ProcessHandle.current().pid())
            .toAbsolutePath();

    private TestSpark() {
    }

    public static synchronized SparkSession session() {
        return PosixLocalFileSystem.use(SparkSession.builder())
                .master("local[2,2]") // two task slots; a failed task gets one retry, as on a cluster
                .appName("lstm-spark-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                // catalog tables of the tests (the session catalog, in memory) keep their files here
                .config("spark.sql.warehouse.dir", WAREHOUSE.toUri().toString())
                .getOrCreate();
    }
}
