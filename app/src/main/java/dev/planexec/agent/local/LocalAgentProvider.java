package dev.planexec.agent.local;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRuntime;

/** The embedded agent: runs a task's shell steps. Needs nothing installed but {@code sh}. */
public final class LocalAgentProvider implements AgentProvider {
    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AgentRuntime open(AgentEnvironment environment) {
        return new LocalRuntime(environment.stateDir().resolve("sessions"));
    }
}
