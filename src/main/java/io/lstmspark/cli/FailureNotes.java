package io.lstmspark.cli;

import java.util.List;

/** A command that has more to say when it fails, such as where the failed run's report went. */
interface FailureNotes {

    /** Lines printed after the failure's message, each one sentence. */
    List<String> failureNotes();
}
