package io.lstmspark.cli;

import io.lstmspark.bench.BenchCommand;
import io.lstmspark.bench.BenchGpuCommand;
import io.lstmspark.bench.BenchJobCommand;
import io.lstmspark.bench.BenchSoakCommand;
import io.lstmspark.inspect.InspectCommand;
import io.lstmspark.report.Version;
import io.lstmspark.sample.MakeSampleCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The entry point spark-submit calls: {@code lstm-spark <command> ...}. */
@Command(name = "lstm-spark", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Runs TensorFlow LSTM models over time series with Spark.",
        subcommands = {RunCommand.class, InspectCommand.class, MakeSampleCommand.class, BenchCommand.class,
                BenchJobCommand.class, BenchSoakCommand.class, BenchGpuCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** The command line, for callers that want the exit code instead of an exiting JVM. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
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
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, inspect, make-sample, bench");
    }
}
