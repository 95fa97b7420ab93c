package dev.planexec.plan;

import java.util.List;

/**
 * A task's record of failed attempts, written to the plan as {@code "attemptErrors"} and {@code "nextAttemptAt"}.
 *
 * @param attemptErrors the error of each attempt that failed, oldest first (at most {@link #MAX_ERRORS})
 * @param nextAttemptAt when the task is tried again after a transient failure, or {@code null} if no retry waits
 */
public record RetryState(List<String> attemptErrors, String nextAttemptAt) {
    public static final RetryState NONE = new RetryState(List.of(), null);
    /** A task keeps this many attempt errors; older ones are dropped. */
    public static final int MAX_ERRORS = 10;

    public RetryState {
        attemptErrors = List.copyOf(attemptErrors);
    }

    /** One more failed attempt, and when the next is due ({@code null}: none). */
    public RetryState failed(String error, String next) {
        List<String> errors = new java.util.ArrayList<>(attemptErrors);
        errors.add(error == null ? "" : error);
        if (errors.size() > MAX_ERRORS) {
            errors = errors.subList(errors.size() - MAX_ERRORS, errors.size());
        }
        return new RetryState(errors, next);
    }

    public RetryState withoutNextAttempt() {
        return nextAttemptAt == null ? this : new RetryState(attemptErrors, null);
    }
}
