package io.lstmspark.model;

/**
 * How windows are fed to the model: the input tensor, its description for messages, the element type,
 * the shape one window is fed in, and the model's fixed batch size ({@link ModelCall#ANY_BATCH} if it
 * has none). Made by {@link ModelInput#windows}.
 */
public record WindowInput(String tensor, String description, ElementType type, long[] windowShape, int fixedBatch) {
    public WindowInput {
        windowShape = windowShape.clone();
    }

    @Override
    public long[] windowShape() {
        return windowShape.clone();
    }
}
