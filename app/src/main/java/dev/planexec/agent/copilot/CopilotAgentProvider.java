package dev.planexec.agent.copilot;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRuntime;

/**
 * GitHub Copilot through the official Java SDK ({@code com.github:copilot-sdk-java}) and the Copilot CLI, which
 * must be installed: {@code npm install -g @github/copilot@1.0.50}. See {@link CopilotSettings} for what configures
 * it.
 */
public final class CopilotAgentProvider implements AgentProvider {
    public static final String NAME = "copilot";

    @Override
    public String name() {
        return NAME;
    }

    /** Starts the run's Copilot CLI; fails with a one-line message if it cannot be used here. */
    @Override
    public AgentRuntime open(AgentEnvironment environment) throws AgentException {
        return CopilotRuntime.open(environment);
    }
}
