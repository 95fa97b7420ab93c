package dev.planexec.recovery;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionInfo;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.run.AgentPool;
import dev.planexec.store.PlanLock;
import dev.planexec.store.RunStateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * planexec's sessions across backends, each matched to the plan task that refers to it, for
 * {@code sessions list} and {@code sessions clean}. A session is orphaned when it is planexec's (its id starts with
 * {@code planexec-}) and no task of its plan names it any more, or its plan file is gone.
 */
public final class SessionJanitor implements AutoCloseable {
    private final AgentRegistry registry;
    private final AgentEnvironment environment;
    private final Consumer<String> warnings;
    private final Map<String, AgentRuntime> runtimes = new LinkedHashMap<>();
    private final Map<Path, Optional<Plan>> plans = new HashMap<>();

    public SessionJanitor(AgentRegistry registry, AgentEnvironment environment, Consumer<String> warnings) {
        this.registry = registry;
        this.environment = environment;
        this.warnings = warnings;
    }

    /** Where a session stands. */
    public enum State {
        /** A task of its plan names it. */
        IN_USE,
        /** planexec's, and nothing refers to it. */
        ORPHANED,
        /** Its plan is being run or cannot be read now: left alone. */
        UNKNOWN
    }

    /**
     * A session and what refers to it.
     *
     * @param task the task naming it, or {@code null}
     */
    public record Row(SessionInfo session, State state, Task task, String why) {}

    /**
     * planexec's sessions; with {@code planFile}, only that plan's (those it created or its tasks name).
     *
     * @param agents agent names to look in; empty for every backend in this build
     */
    public List<Row> list(Path planFile, List<String> agents) {
        Path scope = planFile == null ? null : planFile.toAbsolutePath().normalize();
        List<Row> rows = new ArrayList<>();
        // Sessions first, plans after: a run writes a session's id to its plan before creating the session, so any
        // session seen here is already named by its plan when the plan is read.
        for (String agent : agents.isEmpty() ? List.copyOf(registry.names()) : agents) {
            List<SessionInfo> sessions;
            try {
                sessions = runtime(agent).list(new SessionFilter(null, null, null, null, SessionIds.PREFIX));
            } catch (AgentException e) {
                // Looking through every agent, one that was never used here (no folder of its own in the state
                // folder) and cannot be opened has no sessions to show: no need to say its CLI is missing.
                if (!agents.isEmpty()
                        || java.nio.file.Files.isDirectory(
                                environment.stateDir().resolve(agent))) {
                    warnings.accept(agent + ": " + e.getMessage());
                }
                continue;
            }
            for (SessionInfo session : sessions) {
                Path owner = session.planFile() == null
                        ? scope
                        : Path.of(session.planFile()).normalize();
                if (scope != null && !scope.equals(owner) && !referencedBy(scope, session.id())) {
                    continue;
                }
                rows.add(classify(session, owner));
            }
        }
        return rows;
    }

    /** Deletes the given sessions (unless {@code dryRun}); returns those it removed or would remove. */
    public List<Row> delete(List<Row> rows, boolean dryRun) {
        List<Row> removed = new ArrayList<>();
        for (Row row : rows) {
            if (!dryRun) {
                try {
                    runtime(row.session().agent()).delete(row.session().id());
                } catch (AgentException e) {
                    warnings.accept("cannot remove " + row.session().id() + ": " + e.getMessage());
                    continue;
                }
            }
            removed.add(row);
        }
        return removed;
    }

    /** Whether a row may be cleaned when cleaning a plan's finished sessions: done or failed tasks, or orphaned. */
    public static boolean finishedOrOrphaned(Row row) {
        return row.state() == State.ORPHANED
                || (row.state() == State.IN_USE
                        && (row.task().status() == TaskStatus.DONE || row.task().status() == TaskStatus.FAILED));
    }

    private Row classify(SessionInfo session, Path planFile) {
        if (planFile == null) {
            return new Row(session, State.UNKNOWN, null, "no plan recorded");
        }
        if (!Files.exists(planFile)) {
            return new Row(session, State.ORPHANED, null, "plan " + planFile + " is gone");
        }
        try {
            long holder = PlanLock.holder(planFile);
            if (holder > 0) {
                Task task =
                        plan(planFile).flatMap(p -> taskNaming(p, session.id())).orElse(null);
                return new Row(session, State.UNKNOWN, task, "plan is being run by process " + holder);
            }
        } catch (IOException e) {
            return new Row(session, State.UNKNOWN, null, "cannot check the plan's lock: " + e.getMessage());
        }
        Optional<Plan> plan = plan(planFile);
        if (plan.isEmpty()) {
            return new Row(session, State.UNKNOWN, null, "plan " + planFile + " cannot be read now");
        }
        RunStateFile runState = RunStateFile.of(planFile, AgentRegistry.NAMES);
        if (runState.exists()) {
            // A run that could not write into the plan file kept its state beside it; the next run applies it.
            Optional<Task> kept;
            try {
                kept = runState.read().flatMap(state -> taskNaming(state.run(), session.id()));
            } catch (IOException e) {
                return new Row(session, State.UNKNOWN, null, runState.path() + " cannot be read now");
            }
            if (kept.isPresent()) {
                Task t = kept.get();
                return new Row(
                        session,
                        State.IN_USE,
                        t,
                        "task " + t.id() + " (" + t.status().json() + ", in " + runState.path() + ")");
            }
        }
        return taskNaming(plan.get(), session.id())
                .map(t -> new Row(
                        session,
                        State.IN_USE,
                        t,
                        "task " + t.id() + " (" + t.status().json() + ")"))
                .orElseGet(() -> new Row(session, State.ORPHANED, null, "no task of " + planFile + " names it"));
    }

    private boolean referencedBy(Path planFile, String sessionId) {
        return plan(planFile).flatMap(p -> taskNaming(p, sessionId)).isPresent();
    }

    private static Optional<Task> taskNaming(Plan plan, String sessionId) {
        return plan.tasks().stream()
                .filter(t -> sessionId.equals(t.sessionId()))
                .findFirst();
    }

    private Optional<Plan> plan(Path file) {
        return plans.computeIfAbsent(file, f -> {
            try {
                return Optional.of(PlanFiles.load(f, AgentRegistry.NAMES));
            } catch (InvalidPlanException e) {
                return Optional.empty();
            }
        });
    }

    private AgentRuntime runtime(String agent) throws AgentException {
        AgentRuntime runtime = runtimes.get(agent);
        if (runtime == null) {
            AgentProvider provider =
                    registry.find(agent).orElseThrow(() -> new AgentException("not part of this planexec build"));
            runtime = provider.open(environment);
            runtimes.put(agent, runtime);
        }
        return runtime;
    }

    /** The agents a plan's tasks use. */
    public static List<String> agentsOf(Plan plan) {
        return plan.tasks().stream()
                .map(t -> AgentPool.agentFor(plan, t, null))
                .distinct()
                .toList();
    }

    @Override
    public void close() {
        runtimes.values().forEach(AgentRuntime::close);
    }
}
