package dev.planexec.agent;

/**
 * Makes one backend's runtime; listed in {@code META-INF/services} so adding an agent touches one folder.
 */
public interface AgentProvider {

    /** The name plans use for this agent. */
    String name();

    /**
     * Opens the backend for one run.
     *
     * @throws AgentException with a one-line message saying what to install or set, if it cannot be used here
     */
    AgentRuntime open(AgentEnvironment environment) throws AgentException;
}
