package io.lstmspark.model;

import org.tensorflow.proto.DataType;

/** The floating-point types lstm-spark feeds to and fetches from models. */
public enum ElementType {
    FLOAT32(Float.BYTES, DataType.DT_FLOAT),
    FLOAT64(Double.BYTES, DataType.DT_DOUBLE);

    private final int bytes;
    private final DataType tensorType;

    ElementType(int bytes, DataType tensorType) {
        this.bytes = bytes;
        this.tensorType = tensorType;
    }

    public int bytes() {
        return bytes;
    }

    /** The element type of a TensorFlow dtype, if it is one lstm-spark handles. */
    public static java.util.Optional<ElementType> of(DataType tensorType) {
        for (ElementType type : values()) {
            if (type.tensorType == tensorType) {
                return java.util.Optional.of(type);
            }
        }
        return java.util.Optional.empty();
    }
}
