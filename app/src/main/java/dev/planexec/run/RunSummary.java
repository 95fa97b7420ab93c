package dev.planexec.run;

import java.time.Duration;

/**
 * How a run ended. The counts are those of the plan file: after a failed save, what the file holds (the state the
 * next run starts from), not the changes that could not be written.
 *
 * @param pending tasks not run: waiting on a failed task, held after Clean Up, or left when the run stopped
 * @param saveError why the plan could not be saved, if that ended the run; else {@code null}
 */
public record RunSummary(
        Outcome outcome,
        int total,
        int done,
        int failed,
        int interrupted,
        int pending,
        Duration elapsed,
        String saveError) {

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
