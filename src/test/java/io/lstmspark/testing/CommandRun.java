package io.lstmspark.testing;

import io.lstmspark.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

/** One lstm-spark command run in this JVM, as a user runs it: its exit code and what it printed. */
public record CommandRun(int exitCode, String out, String err) {

    /** Runs {@code lstm-spark ARGS...}; arguments are passed as their text. */
    public static CommandRun of(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(Arrays.stream(args).map(Object::toString).toArray(String[]::new));
        return new CommandRun(exitCode, out.toString(), err.toString());
    }
}
