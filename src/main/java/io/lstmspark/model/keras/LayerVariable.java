package io.lstmspark.model.keras;

import java.util.List;

/**
 * One variable of a layer: its name in the model, the top-level graph operation that holds it in a
 * loaded session (a VarHandleOp the SavedModel loader restored), the checkpoint key it was restored
 * from, and its shape.
 */
public record LayerVariable(String name, String handleOp, String checkpointKey, List<Long> shape) {
    public LayerVariable {
        shape = List.copyOf(shape);
    }

    long dim(int i) {
        return shape.get(i);
    }

    int rank() {
        return shape.size();
    }

    long[] dims() {
        return shape.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public String toString() {
        return name + " " + shape;
    }
}
