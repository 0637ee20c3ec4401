package io.lstmspark.cli;

import io.lstmspark.bench.BenchCommand;
import io.lstmspark.bench.BenchJobCommand;
import io.lstmspark.bench.BenchSoakCommand;
import io.lstmspark.inspect.InspectCommand;
import io.lstmspark.sample.MakeSampleCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The entry point spark-submit calls: {@code lstm-spark <command> ...}. */
@Command(name = "lstm-spark", mixinStandardHelpOptions = true, version = "lstm-spark 0.1.0",
        description = "Runs TensorFlow LSTM models over time series with Spark.",
        subcommands = {RunCommand.class, InspectCommand.class, MakeSampleCommand.class, BenchCommand.class,
                BenchJobCommand.class, BenchSoakCommand.class, CommandLine.HelpCommand.class})
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

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, inspect, make-sample, bench");
    }
}
