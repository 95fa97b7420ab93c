package dev.planexec.run;

import dev.planexec.plan.Usage;
import java.time.Duration;

/**
 * How a run ended. The counts are those of the plan file: after a failed save, what the file holds (the state the
 * next run starts from), not the changes that could not be written.
 *
 * @param pending tasks not run: waiting on a failed task, held after Clean Up, or left when the run stopped
 * @param saveError why the plan could not be saved, if that ended the run; else {@code null}
 * @param usage what the plan's tasks used, summed (every run of them, as the plan file records it)
 */
public record RunSummary(
        Outcome outcome,
        int total,
        int done,
        int failed,
        int interrupted,
        int pending,
        Duration elapsed,
        String saveError,
        Usage usage) {

    public RunSummary {
        usage = usage == null ? Usage.NONE : usage;
    }

    /** A summary with no usage recorded. */
    public RunSummary(
            Outcome outcome,
            int total,
            int done,
            int failed,
            int interrupted,
            int pending,
            Duration elapsed,
            String saveError) {
        this(outcome, total, done, failed, interrupted, pending, elapsed, saveError, Usage.NONE);
    }

    public enum Outcome {
        /** Every task is done. */
        COMPLETED,
        /** Some task failed or could not run. */
        INCOMPLETE,
        /** A graceful stop (Ctrl+C, SIGTERM, quit). */
        INTERRUPTED,
        /** The plan could not be saved, so the run stopped. */
        SAVE_FAILED
    }
}
