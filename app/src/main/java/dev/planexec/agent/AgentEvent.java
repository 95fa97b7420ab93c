package dev.planexec.agent;

/** What a session reports while a turn runs. A closed set: every backend maps its own stream onto these. */
public sealed interface AgentEvent {

    /** A piece of the agent's reply, to be appended to what came before. */
    record MessageDelta(String text) implements AgentEvent {}

    /** A tool call (or, for the local agent, a step) began. */
    record ToolStart(String callId, String tool, String detail) implements AgentEvent {}

    /** A tool call ended; {@code detail} says how (an exit code, a short result). */
    record ToolEnd(String callId, String tool, boolean success, String detail) implements AgentEvent {}

    /** Output of a command or tool, one or more whole lines. */
    record Output(Stream stream, String text) implements AgentEvent {}

    /** Something planexec or the backend wants the user to see in the task's log. */
    record Notice(String text) implements AgentEvent {}

    /** The turn is over and the agent waits for the next prompt. */
    record Idle() implements AgentEvent {}

    /**
     * The session goes on under another id: the one a backend learned from its CLI (a placeholder replaced by the
     * real id, or a new id after a resume). The scheduler saves it to the plan before it returns, so the plan names
     * the session the task can be resumed in.
     */
    record SessionIdChanged(String sessionId) implements AgentEvent {}

    /**
     * What a model call (or a turn) used, as the agent reported it; the scheduler adds every report to the task's
     * {@code usage}. A backend reports each model call once, or the turn's total once, never both.
     *
     * @param cachedTokens input tokens read from the model's cache, as the agent counts them
     * @param costUsd the cost in US dollars if the agent reports one (Claude Code's {@code total_cost_usd}), else
     *     {@code null}
     */
    record Usage(long inputTokens, long outputTokens, long cachedTokens, Double costUsd) implements AgentEvent {}

    /** The backend reported an error. */
    record Error(String message) implements AgentEvent {}

    enum Stream {
        STDOUT,
        STDERR
    }
}
