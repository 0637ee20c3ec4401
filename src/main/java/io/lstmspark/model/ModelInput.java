package io.lstmspark.model;

import java.util.OptionalInt;
import org.tensorflow.ndarray.Shape;

/**
 * The model input the windows are fed to, looked up once per job and handed to every step that feeds
 * windows (the window length, the state taps and their self-check, the model call): what it declares,
 * and how windows of a length and a number of features fit it.
 *
 * <p>Found on the request before state taps are planned: the states taps carry are their own graph
 * tensors, never a signature input, so the input is the same for the request the call resolves.
 */
public final class ModelInput {

    private final String model;
    private final FoundTensor tensor;

    private ModelInput(String model, FoundTensor tensor) {
        this.model = model;
        this.tensor = tensor;
    }

    /** model.input, else the signature's one input besides its states; refused naming the candidates. */
    public static ModelInput find(LoadedModel model, ModelRequest request) {
        return new ModelInput(model.source().path(), TensorLookup.input(model, request));
    }

    /**
     * The window length the input declares: its length dimension for [batch, length, features], or
     * its flat size over {@code features} for [batch, length * features]; empty if it fixes none.
     */
    public OptionalInt declaredWindowLength(int features) {
        Shape shape = tensor.shape();
        if (shape.isUnknown()) {
            return OptionalInt.empty();
        }
        if (shape.numDimensions() == 3 && shape.get(1) > 0) {
            return OptionalInt.of(Math.toIntExact(shape.get(1)));
        }
        if (shape.numDimensions() == 2 && shape.get(1) > 0 && shape.get(1) % features == 0) {
            return OptionalInt.of(Math.toIntExact(shape.get(1) / features));
        }
        return OptionalInt.empty();
    }

    /** The features per step a [batch, length, features] input declares; empty if it fixes none. */
    public OptionalInt declaredFeatures() {
        Shape shape = tensor.shape();
        return !shape.isUnknown() && shape.numDimensions() == 3 && shape.get(2) > 0
                ? OptionalInt.of(Math.toIntExact(shape.get(2))) : OptionalInt.empty();
    }

    /**
     * How windows of {@code length} steps x {@code features} are fed: as [length, features] for a
     * [batch, length, features] input, or as [length * features] for a model that takes flat windows
     * and reshapes inside. A mismatch names the model's shape and type, what the job would feed, and
     * the key to change.
     */
    public WindowInput windows(int length, int features) {
        ElementType type = ElementType.of(tensor.type()).orElseThrow(() -> new ModelException(
                "model " + model + ": " + tensor.description() + " takes " + tensor.typeAndShape()
                        + ", but lstm-spark feeds windows as float32 or float64 " + fed(length, features)
                        + ": set model.input to the model's float input that takes the windows"));
        return new WindowInput(tensor.name(), tensor.description(), type, windowShape(length, features),
                tensor.fixedBatch());
    }

    private long[] windowShape(int length, int features) {
        Shape shape = tensor.shape();
        if (shape.isUnknown()) {
            return new long[] {length, features};
        }
        String takes = "model " + model + ": " + tensor.description() + " takes " + tensor.typeAndShape();
        String fed = ", but the job feeds " + fed(length, features);
        if (shape.numDimensions() == 3) {
            if (shape.get(1) > 0 && shape.get(1) != length) {
                throw new ModelException(takes + fed + ": set window.length = " + shape.get(1)
                        + " (or leave it unset to take the model's)");
            }
            if (shape.get(2) > 0 && shape.get(2) != features) {
                throw new ModelException(takes + fed + ": the model takes " + shape.get(2) + " features per step;"
                        + " list that many columns in input.features, in the order the model was trained on");
            }
            return new long[] {length, features};
        }
        if (shape.numDimensions() == 2 && shape.get(1) > 0) {
            long flat = (long) length * features;
            if (shape.get(1) == flat) {
                return new long[] {flat};
            }
            throw new ModelException(takes + ", flat windows of length x features values" + fed + ", "
                    + length + " x " + features + " = " + flat + " values: "
                    + (shape.get(1) % features == 0
                    ? "set window.length = " + shape.get(1) / features + " (or leave it unset)"
                    : shape.get(1) + " is not a multiple of the " + features
                    + " input.features: check input.features"));
        }
        throw new ModelException(takes + fed + ", which a rank-" + shape.numDimensions() + " input cannot take: "
                + "set model.input to the input that takes [batch, length, features] windows");
    }

    /** What the job feeds, in the words of its configuration. */
    private static String fed(int length, int features) {
        return "[batch, " + length + ", " + features + "] (window.length " + length + ", " + features
                + " input.features)";
    }
}
