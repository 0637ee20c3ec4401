package io.lstmspark.cli;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.JobConfigLoader;
import io.lstmspark.driver.LstmSparkJob;
import io.lstmspark.driver.PassProgress;
import io.lstmspark.driver.RunWatcher;
import io.lstmspark.output.PosixLocalFileSystem;
import io.lstmspark.report.RunReport;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run [CONFIG] [key=value ...]}: the batch job. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Reads time series, evaluates the LSTM over windows and writes Parquet plus a run report.")
final class RunCommand implements Callable<Integer>, FailureNotes {

    private static final long PROGRESS_LOG_SECONDS = 10;
    private static final String HEARTBEAT_INTERVAL = "spark.executor.heartbeatInterval";
    private static final String LOCAL_HEARTBEAT_INTERVAL = "2s";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "[CONFIG] [key=value...]",
            description = "A HOCON job file (conf/*.conf), then overrides such as window.stride=4; spark.* keys "
                    + "(spark.sql.shuffle.partitions=64) are Spark settings of the job's session.")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--conf", paramLabel = "spark.KEY=VALUE",
            description = "A Spark setting of the job's session, as spark-submit takes it.")
    Map<String, String> sparkSettings = new LinkedHashMap<>();

    @Option(names = "--no-progress",
            description = "Log progress as lines even on a terminal (without a terminal, it always is).")
    boolean noProgress;

    /** Where the failed run's report went, if it got that far. */
    private volatile String failedRunReport;

    @Override
    public Integer call() {
        JobConfig config = config();
        SparkSession spark = session(sparkSettings);
        try {
            RunReport report = LstmSparkJob.run(spark, config, watcher());
            spec.commandLine().getOut().printf("lstm-spark: %d windows written to %s%n",
                    report.counts().windowsWritten(), config.output().path());
        } finally {
            spark.stop();
        }
        return 0;
    }

    @Override
    public List<String> failureNotes() {
        return failedRunReport == null ? List.of()
                : List.of("the failed run's report: " + failedRunReport + " (output.path is as it was)");
    }

    /** A live bar on a terminal, log lines otherwise; keeps where a failed run's report went. */
    private RunWatcher watcher() {
        RunWatcher shown = noProgress || System.console() == null ? RunWatcher.logLines(PROGRESS_LOG_SECONDS)
                : new ProgressBarWatcher();
        return new RunWatcher() {
            @Override
            public void progress(PassProgress progress) {
                shown.progress(progress);
            }

            @Override
            public void passEnded(PassProgress last) {
                shown.passEnded(last);
            }

            @Override
            public void failedRunReport(String path) {
                failedRunReport = path;
            }
        };
    }

    /** The job's configuration; spark.KEY=VALUE arguments join the --conf settings instead. */
    private JobConfig config() {
        Optional<File> file = Optional.empty();
        List<String> overrides = new ArrayList<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (argument.startsWith("spark.") && eq > 0) {
                sparkSettings.put(argument.substring(0, eq).trim(), argument.substring(eq + 1).trim());
            } else if (file.isEmpty() && overrides.isEmpty() && eq < 0) {
                file = Optional.of(new File(argument));
            } else {
                overrides.add(argument);
            }
        }
        return JobConfigLoader.load(file, overrides);
    }

    /**
     * Under spark-submit the master comes from it; started any other way, the job runs in local mode.
     * Settings given here apply to the session the job creates (under spark-submit, settings that size
     * executors must go to spark-submit itself: the cluster is started by then).
     */
    private static SparkSession session(Map<String, String> settings) {
        SparkSession.Builder builder = PosixLocalFileSystem.use(SparkSession.builder().appName("lstm-spark"));
        SparkConf given = new SparkConf();
        if (!given.contains("spark.master") && !settings.containsKey("spark.master")) {
            builder.master("local[*]");
        }
        String master = settings.getOrDefault("spark.master", given.get("spark.master", "local[*]"));
        if (master.startsWith("local") && !given.contains(HEARTBEAT_INTERVAL)) {
            // In-process executors: heartbeats cost nothing, and bring running tasks' progress sooner.
            builder.config(HEARTBEAT_INTERVAL, LOCAL_HEARTBEAT_INTERVAL);
        }
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }
}
