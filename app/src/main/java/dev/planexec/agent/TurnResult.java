package dev.planexec.agent;

/** How a turn ended. */
public sealed interface TurnResult {

    /** The task's work is done; {@code finalMessage} is the agent's last word (bounded by the caller). */
    record Completed(String finalMessage) implements TurnResult {}

    /**
     * The turn failed; {@code error} says why in a line or a few.
     *
     * @param transientFailure whether trying again is likely to work: the model answered HTTP 429 or 5xx, the agent
     *     CLI exited unexpectedly, no activity for the inactivity timeout, the connection to the agent's server was
     *     lost. A step that exits non-zero, a task the agent reports as failed, or bad input are not transient.
     */
    record Failed(String error, boolean transientFailure) implements TurnResult {
        /** A failure that trying again would not mend. */
        public Failed(String error) {
            this(error, false);
        }

        /** A failure worth trying again (see {@link #transientFailure}). */
        public static Failed transientFailure(String error) {
            return new Failed(error, true);
        }
    }

    /** {@link AgentSession#abort()} ended the turn. */
    record Aborted() implements TurnResult {}
}
