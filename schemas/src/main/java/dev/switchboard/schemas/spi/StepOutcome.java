package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.Task;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The result of a step for one event. */
public sealed interface StepOutcome {

    /** The model calls the step made for this event, whatever became of it: for accounting, lineage and the audit topic. */
    List<ModelCall> calls();

    /**
     * The step produced its output (validated), and perhaps tasks to deliver.
     *
     * @param output what later steps read as {@code steps.<id>.*}
     * @param tasks  the tasks to write to the outbox, in order: none for most steps, one for a task step, one per item
     *               for a task step with {@code for_each}
     * @param calls  the model calls made, for accounting and lineage
     */
    record Completed(Map<String, Object> output, List<Task> tasks, List<ModelCall> calls) implements StepOutcome {
        public Completed {
            // values may be null: an extracted field the text does not give is there, empty
            output = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(Objects.requireNonNull(output, "output")));
            tasks = List.copyOf(tasks);
            calls = List.copyOf(calls);
        }

        public static Completed of(Map<String, Object> output) {
            return new Completed(output, List.of(), List.of());
        }
    }

    /**
     * The step failed. A retriable failure (a model endpoint down) is tried again; a permanent one
     * (an answer outside the allowed labels, a bad template value) sends the event to the dead-letter topic.
     */
    record Failed(String reason, boolean retriable, List<ModelCall> calls) implements StepOutcome {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            calls = List.copyOf(calls);
        }

        public static Failed permanent(String reason) {
            return new Failed(reason, false, List.of());
        }

        public static Failed retriable(String reason) {
            return new Failed(reason, true, List.of());
        }

        /**
         * The failure of an event a step threw for: retriable, since nobody classified it (it may be an
         * outage), and saying what to do when it is not.
         */
        public static Failed threw(Throwable thrown) {
            Throwable cause = thrown;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return retriable("it threw " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + ". The step has a bug or met input it does not handle: the engine log has the stack trace under this event's id;"
                    + " fix the event's data (or skip such events with when:) or the step, then re-drive this dead letter");
        }
    }

    /**
     * No model gave an answer good enough to act on (every model of the chain failed, answered
     * invalidly or below the step's confidence threshold), or a guardrail asked for a person. The
     * event goes to the review topic and stops there until someone approves or rejects it.
     *
     * @param reason     why it is held, for the person who decides
     * @param candidates what each model said and why it was not taken: maps with {@code model},
     *                   {@code outcome}, {@code reason} and, when there was one, {@code output}
     * @param calls      the model calls made, for accounting and lineage
     */
    record Review(String reason, List<Map<String, Object>> candidates, List<ModelCall> calls) implements StepOutcome {
        public Review {
            Objects.requireNonNull(reason, "reason");
            candidates = List.copyOf(candidates);
            calls = List.copyOf(calls);
        }
    }
}
