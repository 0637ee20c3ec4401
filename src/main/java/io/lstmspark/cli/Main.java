package io.lstmspark.cli;

import io.lstmspark.bench.BenchCommand;
import io.lstmspark.bench.BenchGpuCommand;
import io.lstmspark.bench.BenchJobCommand;
import io.lstmspark.bench.BenchSessionCommand;
import io.lstmspark.bench.BenchWriteCommand;
import io.lstmspark.bench.BenchSoakCommand;
import io.lstmspark.inspect.InspectCommand;
import io.lstmspark.report.Version;
import io.lstmspark.sample.MakeSampleCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The entry point spark-submit calls: {@code lstm-spark <command> ...}. */
@Command(name = "lstm-spark", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Runs TensorFlow LSTM models over time series with Spark.",
        subcommands = {RunCommand.class, InspectCommand.class, MakeSampleCommand.class, BenchCommand.class,
                BenchJobCommand.class, BenchSoakCommand.class, BenchSessionCommand.class, BenchGpuCommand.class,
                BenchWriteCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** The environment variable naming the log file when --log-file is not given. */
    static final String LOG_FILE_ENV = "LSTM_SPARK_LOG_FILE";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces on the console too, and Spark's log of failed tasks.")
    boolean verbose;

    @Option(names = "--log-file", paramLabel = "PATH", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:" + LOG_FILE_ENV + ":-lstm-spark.log}",
            description = "Where the log goes, stack traces included (appended; default: ${DEFAULT-VALUE}, "
                    + "or $" + LOG_FILE_ENV + ").")
    Path logFile;

    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** The command line, for callers that want the exit code instead of an exiting JVM. */
    public static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        cli.setExecutionStrategy(main::execute);
        return cli;
    }

    /**
     * Runs the command with the log file in place; a failure prints its one-line message, anything the
     * command adds ({@link FailureNotes}) and where the trace went, instead of a stack trace.
     */
    private int execute(CommandLine.ParseResult parsed) {
        CommandLine cli = parsed.commandSpec().commandLine();
        Optional<CliLogging> logging = CliLogging.install(logFile, verbose);
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (CommandLine.ExecutionException e) {
            Throwable failure = e.getCause() != null ? e.getCause() : e;
            Object command = lastCommand(parsed).commandSpec().userObject();
            List<String> notes = command instanceof FailureNotes withNotes ? withNotes.failureNotes() : List.of();
            return ConsoleFailure.print(cli.getErr(), failure, notes, logging.map(CliLogging::file), verbose);
        } finally {
            logging.ifPresent(CliLogging::close);
        }
    }

    private static CommandLine.ParseResult lastCommand(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        return last;
    }

    /** {@code --version}: the build's version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lstm-spark " + Version.current()};
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: run, inspect, make-sample, bench");
    }
}
