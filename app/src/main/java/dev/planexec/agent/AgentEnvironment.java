package dev.planexec.agent;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a backend may use: planexec's state folder (each backend keeps its files in {@code stateDir/<name>} or, for
 * the local agent, {@code stateDir/sessions}), the process environment, and options from the command line.
 *
 * @param model {@code --model}, or {@code null}
 */
public record AgentEnvironment(Path stateDir, Map<String, String> env, String model) {

    public AgentEnvironment {
        env = Map.copyOf(env);
    }
}
