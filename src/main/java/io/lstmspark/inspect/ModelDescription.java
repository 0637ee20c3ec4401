package io.lstmspark.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a model exposes, as {@code inspect} shows it.
 *
 * @param tagSets      the tag sets of all the SavedModel's meta graphs (empty for a frozen GraphDef)
 * @param tags         the tag set of the meta graph described below
 * @param signatures   its signatures, by key
 * @param placeholders top-level placeholders: what a TF1 graph or frozen GraphDef is fed through (op:N)
 * @param lstmLayers   LSTM layers recognised from their weights' names and shapes; left out when Keras LSTM
 *                     layers were discovered (stateTaps), which then are the listing
 * @param stateTaps    what loading the model found of its Keras LSTM layers, and their self-check
 * @param opsPattern   the --ops pattern, if given
 * @param ops          top-level operations whose name matches it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ModelDescription(String path, String format, List<List<String>> tagSets, List<String> tags,
                        List<SignatureInfo> signatures, List<TensorInfo> placeholders,
                        List<LstmVariables.Layer> lstmLayers, StateTapsDescription stateTaps, String opsPattern,
                        List<OpInfo> ops) {

    /**
     * This description with what loading the model found: Keras LSTM layers, when discovery found any,
     * replace the weight listing.
     */
    ModelDescription withStateTaps(StateTapsDescription taps) {
        return new ModelDescription(path, format, tagSets, tags, signatures, placeholders,
                taps.discovered() && !taps.layers().isEmpty() ? null : lstmLayers, taps, opsPattern, ops);
    }

    /** A signature: what {@code model.signature} names, with the keys {@code model.input} and outputs use. */
    record SignatureInfo(String key, String method, List<TensorInfo> inputs, List<TensorInfo> outputs) {
    }

    /**
     * A tensor: its signature key (null outside signatures), graph name (op:N), dtype, and shape
     * (-1 for a dimension the model leaves open; null for an unknown rank).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TensorInfo(String key, String tensor, String dtype, long[] shape) {
    }

    /** A top-level graph operation and its output tensors. */
    record OpInfo(String name, String type, List<TensorInfo> outputs) {
    }
}
