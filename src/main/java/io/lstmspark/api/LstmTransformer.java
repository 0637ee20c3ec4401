package io.lstmspark.api;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.driver.LstmTransform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * lstm-spark as a Spark ML {@link Transformer}: a Dataset of steps in, a Dataset of windows out (chunks
 * or steps in stream mode), with one column per output. Each parameter is one of the job's configuration
 * keys (README "Configuration"); an unset one takes the job's default, and {@link #jobKeys()} sets any
 * other key. {@link #transform} and {@link #define} check columns, types and model on the driver, with
 * the job's messages, and return Datasets that Spark computes when the caller runs an action.
 *
 * <p>Records set aside under input.on-bad = quarantine or output.on-nan = quarantine come from
 * {@link #define}, as {@link LstmResult#quarantine()}; {@link #transform}, which has one Dataset to
 * return, refuses those settings rather than drop the records.
 */
public final class LstmTransformer extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> seriesIdCol;
    private final Param<String> timestampCol;
    private final StringArrayParam featureCols;
    private final Param<String> mode;
    private final IntParam windowLength;
    private final IntParam stride;
    private final StringMapParam outputs;
    private final Param<String> onBad;
    private final Param<String> onNan;
    private final StringMapParam jobKeys;

    public LstmTransformer() {
        this(Identifiable.randomUID("lstmSpark"));
    }

    /** Spark ML's reader and {@link #copy} make instances with this constructor. */
    public LstmTransformer(String uid) {
        // Params take their parent's uid when made: the uid first.
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "model.path: a SavedModel directory, frozen GraphDef or Keras file");
        seriesIdCol = new Param<>(this, "seriesIdCol", "input.series-id: the column identifying a series");
        timestampCol = new Param<>(this, "timestampCol", "input.timestamp: the column ordering steps in a series");
        featureCols = new StringArrayParam(this, "featureCols", "input.features: the feature columns, in model order");
        mode = new Param<>(this, "mode", "mode: extract, forecast or stream");
        windowLength = new IntParam(this, "windowLength", "window.length: steps per window; unset: the model's");
        stride = new IntParam(this, "stride", "window.stride: steps between window starts (extract mode)");
        outputs = new StringMapParam(this, "outputs", "outputs: output column = signature output key or tensor");
        onBad = new Param<>(this, "onBad", "input.on-bad: fail, or quarantine (records from define(...))");
        onNan = new Param<>(this, "onNan", "output.on-nan: fail, quarantine (records from define(...)) or keep");
        jobKeys = new StringMapParam(this, "jobKeys", "other job configuration keys, as on the command line");
    }

    /** Reads a transformer {@link #save saved} alone or in a Pipeline. */
    public static MLReader<LstmTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static LstmTransformer load(String path) {
        return read().load(path);
    }

    @Override
    public String uid() {
        return uid;
    }

    /**
     * The windows of {@code steps}: checked now, computed when the caller runs an action. Refuses the
     * quarantine settings, whose records need {@link #define}.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> steps) {
        JobConfig config = config();
        if (config.input().onBad() == JobConfig.BadInput.QUARANTINE
                || config.output().onNan() == JobConfig.OnNan.QUARANTINE) {
            throw new ConfigException("input.on-bad or output.on-nan is quarantine: transform(Dataset) returns the "
                    + "rows only and would lose the records set aside; call define(Dataset) and write both "
                    + "rows() and quarantine(), or set onBad and onNan to fail");
        }
        return LstmTransform.of(steps.sparkSession(), config, steps.toDF()).rows();
    }

    /** The windows of {@code steps} and the records set aside: checked now, computed when the caller runs actions. */
    public LstmResult define(Dataset<?> steps) {
        return new LstmResult(LstmTransform.of(steps.sparkSession(), config(), steps.toDF()));
    }

    /** The output schema for steps of {@code schema}, after the same checks as {@link #transform}. */
    @Override
    public StructType transformSchema(StructType schema) {
        SparkSession spark = SparkSession.active();
        return LstmTransform.of(spark, config(), spark.createDataFrame(List.of(), schema)).schema();
    }

    @Override
    public LstmTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The job configuration these parameters make, checked by the job's loader. */
    JobConfig config() {
        JobKeys keys = new JobKeys();
        putIfSet(keys, modelPath, "model.path");
        putIfSet(keys, seriesIdCol, "input.series-id");
        putIfSet(keys, timestampCol, "input.timestamp");
        putIfSet(keys, featureCols, "input.features");
        putIfSet(keys, mode, "mode");
        putIfSet(keys, windowLength, "window.length");
        putIfSet(keys, stride, "window.stride");
        putIfSet(keys, onBad, "input.on-bad");
        putIfSet(keys, onNan, "output.on-nan");
        if (isDefined(outputs)) {
            keys.putObject("outputs", $(outputs), outputs.name());
        }
        return keys.load(isDefined(jobKeys) ? $(jobKeys) : Map.of());
    }

    private void putIfSet(JobKeys keys, Param<?> param, String key) {
        if (isDefined(param)) {
            keys.put(key, $(param), param.name());
        }
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> seriesIdCol() {
        return seriesIdCol;
    }

    public Param<String> timestampCol() {
        return timestampCol;
    }

    public StringArrayParam featureCols() {
        return featureCols;
    }

    public Param<String> mode() {
        return mode;
    }

    public IntParam windowLength() {
        return windowLength;
    }

    public IntParam stride() {
        return stride;
    }

    public StringMapParam outputs() {
        return outputs;
    }

    public Param<String> onBad() {
        return onBad;
    }

    public Param<String> onNan() {
        return onNan;
    }

    public StringMapParam jobKeys() {
        return jobKeys;
    }

    public String getModelPath() {
        return $(modelPath);
    }

    public String getSeriesIdCol() {
        return $(seriesIdCol);
    }

    public String getTimestampCol() {
        return $(timestampCol);
    }

    public String[] getFeatureCols() {
        return $(featureCols);
    }

    public Map<String, String> getOutputs() {
        return $(outputs);
    }

    public LstmTransformer setModelPath(String value) {
        return with(modelPath, value);
    }

    public LstmTransformer setSeriesIdCol(String value) {
        return with(seriesIdCol, value);
    }

    public LstmTransformer setTimestampCol(String value) {
        return with(timestampCol, value);
    }

    public LstmTransformer setFeatureCols(String... value) {
        return with(featureCols, value);
    }

    public LstmTransformer setMode(String value) {
        return with(mode, value);
    }

    public LstmTransformer setWindowLength(int value) {
        return with(windowLength, value);
    }

    public LstmTransformer setStride(int value) {
        return with(stride, value);
    }

    /** All output columns: column name to signature output key or tensor reference, in column order. */
    public LstmTransformer setOutputs(Map<String, String> value) {
        return with(outputs, new LinkedHashMap<>(value));
    }

    /** Adds one output column after those set before. */
    public LstmTransformer setOutput(String column, String tensor) {
        Map<String, String> all = isDefined(outputs) ? new LinkedHashMap<>($(outputs)) : new LinkedHashMap<>();
        all.put(column, tensor);
        return with(outputs, all);
    }

    public LstmTransformer setOnBad(String value) {
        return with(onBad, value);
    }

    public LstmTransformer setOnNan(String value) {
        return with(onNan, value);
    }

    /** Any other job key, e.g. batch.size or model.tags, with its value as the command line gives it. */
    public LstmTransformer setJobKey(String key, String value) {
        Map<String, String> all = isDefined(jobKeys) ? new LinkedHashMap<>($(jobKeys)) : new LinkedHashMap<>();
        all.put(key, value);
        return with(jobKeys, all);
    }

    private <T> LstmTransformer with(Param<T> param, T value) {
        set(param, value);
        return this;
    }
}
