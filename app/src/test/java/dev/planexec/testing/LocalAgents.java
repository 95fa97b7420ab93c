package dev.planexec.testing;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.TaskBrief;
import dev.planexec.agent.TaskBrief.StepSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The local agent as planexec finds it, by name, and session specs for it. */
public final class LocalAgents {
    private LocalAgents() {}

    /** The {@code local} backend with its sessions under {@code stateDir/sessions}. */
    public static AgentRuntime open(Path stateDir) throws AgentException {
        return AgentRegistry.load()
                .find("local")
                .orElseThrow(() -> new AssertionError("the local agent is not registered"))
                .open(new AgentEnvironment(stateDir, Map.of(), null));
    }

    public static StepSpec step(String run) {
        return new StepSpec(run, null);
    }

    public static StepSpec step(String run, Duration timeout) {
        return new StepSpec(run, timeout);
    }

    /**
     * A session for the task {@code task} of a plan {@code plan.json} in {@code workingDirectory}, running
     * {@code steps} there.
     */
    public static SessionSpec spec(
            String sessionId, Path workingDirectory, Map<String, String> environment, List<StepSpec> steps) {
        return spec(workingDirectory.resolve("plan.json"), "task", sessionId, workingDirectory, environment, steps);
    }

    /** A session that {@code planFile}'s task {@code taskId} would have created, running in the plan's folder. */
    public static SessionSpec specFor(Path planFile, String taskId, String sessionId, String... steps) {
        Path dir = planFile.toAbsolutePath().getParent();
        return spec(
                planFile,
                taskId,
                sessionId,
                dir,
                Map.of(),
                Arrays.stream(steps).map(LocalAgents::step).toList());
    }

    private static SessionSpec spec(
            Path planFile,
            String taskId,
            String sessionId,
            Path workingDirectory,
            Map<String, String> environment,
            List<StepSpec> steps) {
        TaskBrief brief = new TaskBrief(
                "plan",
                "Plan",
                "",
                planFile.toAbsolutePath().toString(),
                taskId,
                "A task",
                "",
                List.of(),
                steps,
                List.of(),
                List.of());
        return new SessionSpec(sessionId, brief, workingDirectory, environment, null);
    }

    public static SessionSpec spec(String sessionId, Path workingDirectory, String... steps) {
        return spec(
                sessionId,
                workingDirectory,
                Map.of(),
                Arrays.stream(steps).map(LocalAgents::step).toList());
    }
}
