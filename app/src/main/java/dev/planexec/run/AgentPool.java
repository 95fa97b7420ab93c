package dev.planexec.run;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.UnreadyRuntime;
import dev.planexec.plan.Agents;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backends a run uses, opened on first use and closed together when the run ends.
 *
 * <p>Which agent runs a task: {@code --agent}, else the task's {@code agent}, else the plan's, else {@code local}
 * for a task with steps and {@code copilot} for one without (a Planeteer plan's tasks are prompts).
 */
public final class AgentPool implements AutoCloseable {
    private final AgentRegistry registry;
    private final AgentEnvironment environment;
    private final String override;
    private final Map<String, AgentRuntime> open = new LinkedHashMap<>();

    public AgentPool(AgentRegistry registry, AgentEnvironment environment, String override) {
        this.registry = registry;
        this.environment = environment;
        this.override = override;
    }

    public String agentFor(Plan plan, Task task) {
        return agentFor(plan, task, override);
    }

    /** The agent that runs {@code task}; {@code override} is {@code --agent} or {@code null}. */
    public static String agentFor(Plan plan, Task task, String override) {
        return Agents.agentFor(plan, task, override);
    }

    /** The id to write ahead for a new session of {@code taskId} on agent {@code name} (see {@link
     * dev.planexec.agent.AgentProvider#newSessionId}). */
    public String newSessionId(String name, String planId, String taskId) {
        return registry.find(name)
                .map(p -> p.newSessionId(planId, taskId))
                .orElseGet(() -> dev.planexec.agent.SessionIds.newId(planId, taskId));
    }

    /**
     * The {@code sessionContext} to write ahead for session {@code sessionId} of agent {@code name}: {@code git} (where
     * the task works) plus where the backend places the session (see {@link AgentRuntime#place}).
     *
     * @param recorded the task's {@code sessionContext} as the plan has it
     */
    public Map<String, String> sessionContext(
            String name, String sessionId, Map<String, String> recorded, Map<String, String> git) {
        Map<String, String> context = new LinkedHashMap<>(git);
        try {
            context.putAll(runtime(name).place(sessionId, recorded));
        } catch (AgentException e) {
            // The task fails with this when it runs; it has no place to record.
        }
        return context;
    }

    /**
     * Opens the backend called {@code name} and checks it can work on tasks here (see {@link
     * AgentRuntime#checkReady}). One that cannot is kept as an {@link UnreadyRuntime}: its tasks fail, each with the
     * returned reason, and the other agents' tasks run.
     *
     * @return the one-line reason this agent's tasks will fail, or empty when it is ready
     */
    public synchronized Optional<String> prepare(String name) {
        AgentRuntime runtime;
        try {
            runtime = runtime(name);
        } catch (AgentException e) {
            open.put(name, new UnreadyRuntime(name, e.getMessage(), null));
            return Optional.of(e.getMessage());
        }
        try {
            runtime.checkReady();
            return Optional.empty();
        } catch (AgentException e) {
            open.put(name, new UnreadyRuntime(name, e.getMessage(), runtime));
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The whole log of session {@code sessionId} of the agent {@code name} as text lines, without opening the backend
     * (which would start its CLI); empty if that agent keeps none planexec can read.
     */
    public Optional<List<String>> transcript(String name, String sessionId) throws java.io.IOException {
        var provider = registry.find(name);
        return provider.isEmpty() ? Optional.empty() : provider.get().transcript(environment, sessionId);
    }

    /** The running backend called {@code name}, opening it if needed. */
    public synchronized AgentRuntime runtime(String name) throws AgentException {
        AgentRuntime runtime = open.get(name);
        if (runtime == null) {
            var provider = registry.find(name)
                    .orElseThrow(() -> new AgentException("the \"" + name + "\" agent is not part of this planexec "
                            + "build yet; use --agent local or give the task steps"));
            runtime = provider.open(environment);
            open.put(name, runtime);
        }
        return runtime;
    }

    /** Closes every backend: aborts what runs, stops their processes. */
    @Override
    public synchronized void close() {
        for (AgentRuntime runtime : open.values()) {
            runtime.close();
        }
        open.clear();
    }
}
