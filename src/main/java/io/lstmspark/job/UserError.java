package io.lstmspark.job;

import io.lstmspark.model.ModelException;
import io.lstmspark.output.OutputException;
import io.lstmspark.series.InputDataException;
import java.util.Optional;

/** Finds the user-facing error (configuration, model, input data) inside whatever Spark wrapped it in. */
final class UserError {

    private UserError() {
    }

    static Optional<RuntimeException> find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof ModelException || t instanceof InputDataException
                    || t instanceof OutputException) {
                return Optional.of((RuntimeException) t);
            }
        }
        return Optional.empty();
    }
}
