package dev.planexec.agent;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a backend needs to create or resume a session for one task.
 *
 * @param environment extra environment for what the session starts ({@code PLANEXEC_PLAN}, ...)
 * @param model the model to ask for, or {@code null} for the backend's default
 */
public record SessionSpec(
        String sessionId, TaskBrief task, Path workingDirectory, Map<String, String> environment, String model) {

    public SessionSpec {
        environment = Map.copyOf(environment);
    }
}
