package io.lstmspark.api;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A fluent way to set up an {@link LstmTransformer}: {@code LstmSpark.model(path).seriesId(..).timestamp(..)
 * .features(..).output(..).define(steps)}. Each method sets the transformer parameter of the same meaning.
 */
public final class LstmSpark {

    private final LstmTransformer transformer = new LstmTransformer();

    private LstmSpark(String modelPath) {
        transformer.setModelPath(modelPath);
    }

    /** Starts with model.path: a SavedModel directory, a frozen GraphDef or a Keras file. */
    public static LstmSpark model(String modelPath) {
        return new LstmSpark(modelPath);
    }

    public LstmSpark seriesId(String column) {
        transformer.setSeriesIdCol(column);
        return this;
    }

    public LstmSpark timestamp(String column) {
        transformer.setTimestampCol(column);
        return this;
    }

    public LstmSpark features(String... columns) {
        transformer.setFeatureCols(columns);
        return this;
    }

    /** extract (the default), forecast or stream. */
    public LstmSpark mode(String mode) {
        transformer.setMode(mode);
        return this;
    }

    public LstmSpark windowLength(int steps) {
        transformer.setWindowLength(steps);
        return this;
    }

    public LstmSpark stride(int steps) {
        transformer.setStride(steps);
        return this;
    }

    /** One output column: a signature output key or a tensor reference. */
    public LstmSpark output(String column, String tensor) {
        transformer.setOutput(column, tensor);
        return this;
    }

    public LstmSpark outputs(Map<String, String> columns) {
        transformer.setOutputs(columns);
        return this;
    }

    /** Sets bad rows and windows aside (input.on-bad = quarantine) instead of failing. */
    public LstmSpark quarantineBadInput() {
        transformer.setOnBad("quarantine");
        return this;
    }

    /** output.on-nan: fail, quarantine or keep. */
    public LstmSpark onNan(String whatToDo) {
        transformer.setOnNan(whatToDo);
        return this;
    }

    /** Any other job key, as the command line gives it. */
    public LstmSpark jobKey(String key, String value) {
        transformer.setJobKey(key, value);
        return this;
    }

    /** The transformer these settings make, e.g. for a Pipeline. */
    public LstmTransformer transformer() {
        return transformer;
    }

    /** The rows and records set aside of {@code steps}: checked now, computed when the caller runs actions. */
    public LstmResult define(Dataset<Row> steps) {
        return transformer.define(steps);
    }
}
