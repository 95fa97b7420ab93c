package dev.planexec.agent;

/** Receives the events of one session's turn. */
@FunctionalInterface
public interface AgentEventListener {
    void onEvent(AgentEvent event);
}
