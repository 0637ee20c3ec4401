package io.lstmspark.model;

import java.util.Locale;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/** A tensor found in the model, with what the model declares about it. */
record FoundTensor(String name, String description, Shape shape, DataType type) {

    /**
     * The first dimension the tensor declares, as inputs of Keras 2 models with batch_input_shape do;
     * or {@link ModelCall#ANY_BATCH} where it is unknown.
     */
    int fixedBatch() {
        return !shape.isUnknown() && shape.numDimensions() > 0 && shape.get(0) > 0
                ? Math.toIntExact(shape.get(0)) : ModelCall.ANY_BATCH;
    }

    String typeAndShape() {
        return typeAndShape(type, shape);
    }

    /** As users write them: {@code float32 [-1, 24, 4]}, {@code int32 [-1, 6]}. */
    static String typeAndShape(DataType type, Shape shape) {
        return ElementType.of(type).map(ElementType::name).orElse(type.name()).replaceFirst("^DT_", "")
                .toLowerCase(Locale.ROOT) + " " + shape;
    }
}
