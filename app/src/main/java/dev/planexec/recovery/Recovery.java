package dev.planexec.recovery;

import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.SessionInfo;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Timestamps;
import dev.planexec.run.AgentPool;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds the tasks a dead or stopped run left behind and settles each one: Resume, Start Fresh or Clean Up. Every
 * change is saved before the run goes on.
 */
public final class Recovery {
    private final PlanStore store;
    private final AgentPool agents;

    public Recovery(PlanStore store, AgentPool agents) {
        this.store = store;
        this.agents = agents;
    }

    /** The plan's orphaned tasks, in plan order, each with whether its session still exists. */
    public List<Orphan> findOrphans() throws AgentException {
        Plan plan = store.current();
        List<Orphan> orphans = new ArrayList<>();
        for (Task task : plan.tasks()) {
            if (!isOrphan(task)) {
                continue;
            }
            String agent = agents.agentFor(plan, task);
            Optional<SessionInfo> session = agents.runtime(agent).find(task.sessionId());
            orphans.add(new Orphan(
                    task,
                    agent,
                    session.isPresent(),
                    session.map(SessionInfo::lastActivity).orElse(null)));
        }
        return orphans;
    }

    public static boolean isOrphan(Task task) {
        return (task.status() == TaskStatus.IN_PROGRESS || task.status() == TaskStatus.INTERRUPTED)
                && task.sessionId() != null;
    }

    /**
     * Applies the choices: Resume leaves the task for the scheduler to continue; Start Fresh and Clean Up dispose of
     * the session and put the task back to {@code pending} (Clean Up also holds it back from this run).
     *
     * @param notices told what was done, a line per task
     */
    public RecoveryResult apply(Map<String, RecoveryAction> choices, Consumer<String> notices)
            throws SaveFailedException {
        Set<String> resume = new HashSet<>();
        Set<String> held = new HashSet<>();
        Set<String> reset = new HashSet<>();
        Plan plan = store.current();
        for (Task task : plan.tasks()) {
            RecoveryAction action = choices.get(task.id());
            if (action == null || !isOrphan(task)) {
                continue;
            }
            switch (action) {
                case RESUME -> {
                    resume.add(task.id());
                    notices.accept(task.id() + ": resuming session " + task.sessionId());
                }
                case FRESH, CLEAN -> {
                    dispose(plan, task, notices);
                    reset.add(task.id());
                    if (action == RecoveryAction.CLEAN) {
                        held.add(task.id());
                        notices.accept(
                                task.id() + ": cleaned up session " + task.sessionId() + "; the task waits as pending");
                    } else {
                        notices.accept(task.id() + ": starting fresh (old session " + task.sessionId() + " removed)");
                    }
                }
            }
        }
        if (!reset.isEmpty()) {
            store.update(p -> p.withTasks(p.tasks().stream()
                    .map(t -> reset.contains(t.id())
                            ? t.pendingWithoutSession()
                                    .withNote(Timestamps.now() + " "
                                            + choices.get(t.id()).label() + ": session " + t.sessionId()
                                            + " disposed of")
                            : t)
                    .toList()));
        }
        return new RecoveryResult(resume, held);
    }

    private void dispose(Plan plan, Task task, Consumer<String> notices) {
        try {
            AgentRuntime runtime = agents.runtime(agents.agentFor(plan, task));
            runtime.delete(task.sessionId());
        } catch (AgentException e) {
            notices.accept(task.id() + ": could not remove session " + task.sessionId() + ": " + e.getMessage());
        }
    }

    /** Tasks left {@code interrupted} or {@code in_progress} with no session: nothing to recover, run them again. */
    public void resetSessionless() throws SaveFailedException {
        Plan plan = store.current();
        boolean any = plan.tasks().stream()
                .anyMatch(t -> (t.status() == TaskStatus.IN_PROGRESS || t.status() == TaskStatus.INTERRUPTED)
                        && t.sessionId() == null);
        if (any) {
            store.update(p -> p.withTasks(p.tasks().stream()
                    .map(t -> (t.status() == TaskStatus.IN_PROGRESS || t.status() == TaskStatus.INTERRUPTED)
                                    && t.sessionId() == null
                            ? t.withStatus(TaskStatus.PENDING)
                            : t)
                    .toList()));
        }
    }
}
