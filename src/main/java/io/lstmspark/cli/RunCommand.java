package io.lstmspark.cli;

import io.lstmspark.LstmSparkException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.JobConfigLoader;
import io.lstmspark.driver.LstmSparkJob;
import io.lstmspark.output.PosixLocalFileSystem;
import io.lstmspark.report.RunReport;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code run [CONFIG] [key=value ...]}: the batch job. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Reads time series, evaluates the LSTM over windows and writes Parquet plus a run report.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "[CONFIG] [key=value...]",
            description = "A HOCON job file (conf/*.conf), then overrides such as window.stride=4.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try {
            JobConfig config = config();
            SparkSession spark = session();
            try {
                RunReport report = LstmSparkJob.run(spark, config);
                spec.commandLine().getOut().printf("lstm-spark: %d windows written to %s%n",
                        report.counts().windowsWritten(), config.output().path());
            } finally {
                spark.stop();
            }
            return 0;
        } catch (Exception e) {
            // Spark's failures are checked SparkExceptions that Scala lets through undeclared.
            Optional<LstmSparkException> userError = LstmSparkException.find(e);
            if (userError.isEmpty()) {
                throw e;
            }
            LOG.debug("Run refused", e);
            spec.commandLine().getErr().println("lstm-spark: error: " + userError.get().getMessage());
            return LstmSparkException.EXIT_CODE;
        }
    }

    private JobConfig config() {
        Optional<File> file = Optional.empty();
        List<String> overrides = new ArrayList<>(arguments);
        if (!overrides.isEmpty() && !overrides.get(0).contains("=")) {
            file = Optional.of(new File(overrides.remove(0)));
        }
        return JobConfigLoader.load(file, overrides);
    }

    /** Under spark-submit the master comes from it; started any other way, the job runs in local mode. */
    private static SparkSession session() {
        SparkSession.Builder builder = PosixLocalFileSystem.use(SparkSession.builder().appName("lstm-spark"));
        if (!new SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        return builder.getOrCreate();
    }
}
