package io.lstmspark.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lstmspark.model.ModelException;
import io.lstmspark.output.RunReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inspect MODEL [--ops PATTERN] [--json]}: what a model exposes, to write the job's model
 * section: tag sets, signatures with their tensors, placeholders, LSTM layers recognised from their
 * weights, and the top-level operations matching a pattern (to find the op:N of a state in a TF1
 * graph). Reads the model's files only; the model does not run.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Shows a model's tags, signatures (keys, tensors, dtypes, shapes), placeholders, LSTM weights,"
                + " and with --ops the top-level graph operations matching a pattern. The model does not run.")
public final class InspectCommand implements Callable<Integer> {

    static final int USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "SavedModel directory or frozen GraphDef .pb file.")
    Path model;

    @Option(names = "--ops", paramLabel = "PATTERN",
            description = "List top-level operations whose name matches this regular expression, e.g. 'step_23/(h|c)$'"
                    + " or 'while/Exit', with their outputs (op:N), dtypes and shapes.")
    Pattern ops;

    @Option(names = "--tags", split = ",", paramLabel = "TAG",
            description = "Meta graph to show (default: the one tagged serve, else the first).")
    List<String> tags;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        ModelDescription description;
        try {
            description = ModelInspection.describe(model, Optional.ofNullable(tags), Optional.ofNullable(ops));
        } catch (ModelException e) {
            spec.commandLine().getErr().println("lstm-spark: error: " + e.getMessage());
            return USER_ERROR;
        }
        if (json) {
            spec.commandLine().getOut().println(RunReport.mapper().writeValueAsString(description));
            spec.commandLine().getOut().flush();
        } else {
            InspectText.write(description, spec.commandLine().getOut());
        }
        return 0;
    }
}
