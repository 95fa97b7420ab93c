package dev.planexec.agent;

/** How a turn ended. */
public sealed interface TurnResult {

    /** The task's work is done; {@code finalMessage} is the agent's last word (bounded by the caller). */
    record Completed(String finalMessage) implements TurnResult {}

    /** The task failed; {@code error} says why in a line or a few. */
    record Failed(String error) implements TurnResult {}

    /** {@link AgentSession#abort()} ended the turn. */
    record Aborted() implements TurnResult {}
}
