package io.lstmspark.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lstmspark.model.ModelFormat;
import io.lstmspark.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code inspect MODEL [--ops PATTERN] [--json]}: what a model exposes, to write the job's model
 * section: tag sets, signatures with their tensors, placeholders, and the top-level operations matching
 * a pattern (to find the op:N of a state in a TF1 graph), read from the model's files. Then, unless
 * {@code --files-only} or the model holds risky ops, it loads a SavedModel and reports its Keras LSTM
 * layers as state taps see them, with the taps' self-check (the model runs on a few random windows);
 * where there are none, the LSTM layers recognised from their weights.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Shows a model's tags, signatures (keys, tensors, dtypes, shapes), placeholders, and with --ops"
                + " the top-level graph operations matching a pattern, read from its files.",
                "Then it loads a SavedModel (unless it holds ops the job refuses) and shows its Keras LSTM"
                        + " layers (units, activations and where they were read, the lstm:<layer>.<part> outputs that"
                        + " tap their states) and the self-check of those taps: the model runs on "
                        + "a few seeded random windows, and the taps plus the layers after the last LSTM"
                        + " must reproduce its"
                        + " output. Where no Keras layers can be read (TF1 graphs, frozen GraphDefs), it lists the"
                        + " LSTM layers recognised from their weights."})
public final class InspectCommand implements Callable<Integer> {


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL",
            description = "SavedModel directory, Keras .h5 or .keras file, or frozen GraphDef .pb file.")
    Path model;

    @Option(names = "--ops", paramLabel = "PATTERN",
            description = "List top-level operations whose name matches this regular expression, e.g. 'step_23/(h|c)$'"
                    + " or 'while/Exit', with their outputs (op:N), dtypes and shapes.")
    Pattern ops;

    @Option(names = "--tags", split = ",", paramLabel = "TAG",
            description = "Meta graph to show (default: the one tagged serve, else the first).")
    List<String> tags;

    @Option(names = "--signature", paramLabel = "KEY",
            description = "Signature whose input shape and output the self-check uses (default: serving_default,"
                    + " else the first).")
    String signature;

    @Option(names = "--window-length", paramLabel = "N",
            description = "Steps per window, for models whose input does not declare its length ([?, ?, F]):"
                    + " the self-check's windows, or the steps a Keras file is built for.")
    Integer windowLength;

    @Option(names = "--files-only", description = "Read the model's files only: do not load it, no Keras layers,"
            + " no self-check.")
    boolean filesOnly;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        if (windowLength != null && windowLength < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--window-length must be a positive number of steps, not " + windowLength);
        }
        // A model error reaches the CLI, which prints it as one line with where the trace went (cli.Main).
        if (Files.isRegularFile(model) && ModelFormat.detect(model).isKerasFile()) {
            return inspectKerasFile();
        }
        ModelDescription description = ModelInspection.describe(model, Optional.ofNullable(tags),
                Optional.ofNullable(ops));
        description = description.withStateTaps(filesOnly ? StateTapsDescription.skipped()
                : TapsInspection.inspect(model, description, Optional.ofNullable(signature),
                windowLength == null ? OptionalInt.empty() : OptionalInt.of(windowLength)));
        if (json) {
            spec.commandLine().getOut().println(RunReport.mapper().writeValueAsString(description));
            spec.commandLine().getOut().flush();
        } else {
            InspectText.write(description, spec.commandLine().getOut());
        }
        return 0;
    }

    private Integer inspectKerasFile() throws JsonProcessingException {
        KerasFileInspection.Description description = KerasFileInspection.describe(model,
                windowLength == null ? 0 : windowLength);
        if (json) {
            spec.commandLine().getOut().println(RunReport.mapper().writeValueAsString(description));
            spec.commandLine().getOut().flush();
        } else {
            KerasFileInspection.write(description, spec.commandLine().getOut());
        }
        return 0;
    }
}
