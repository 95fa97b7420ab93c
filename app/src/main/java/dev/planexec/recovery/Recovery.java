package dev.planexec.recovery;

import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.SessionInfo;
import dev.planexec.isolation.Isolation;
import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Isolations;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.TaskWorktree;
import dev.planexec.plan.Timestamps;
import dev.planexec.run.AgentPool;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final Isolations isolations;

    public Recovery(PlanStore store, AgentPool agents) {
        this(store, agents, null);
    }

    /** @param isolations the run's isolation, for the worktrees of the tasks Start Fresh and Clean Up settle */
    public Recovery(PlanStore store, AgentPool agents, Isolations isolations) {
        this.store = store;
        this.agents = agents;
        this.isolations = isolations;
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
        Map<String, String> worktreeNotes = new HashMap<>();
        Map<String, TaskWorktree> worktreesAfter = new HashMap<>();
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
                    Optional<Settled> settled = settleWorktree(plan, task, action, notices);
                    settled.ifPresent(n -> worktreeNotes.put(task.id(), n.note()));
                    worktreesAfter.put(
                            task.id(),
                            settled.map(Settled::worktree).orElse(task.worktree() == null ? null : keptRecord(task)));
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
                                            + " disposed of"
                                            + worktreeNotes.getOrDefault(t.id(), ""))
                                    .withWorktree(worktreesAfter.get(t.id()))
                            : t)
                    .toList()));
        }
        return new RecoveryResult(resume, held);
    }

    /** What became of a task's worktree: what to note in the task, and the record the task keeps. */
    private record Settled(String note, TaskWorktree worktree) {}

    /**
     * Start Fresh keeps the old worktree's work on a backup branch, whose name is saved in the task before the branch
     * is made (write-ahead: a crash cannot leave a branch the plan does not name); Clean Up removes worktree and
     * branch. The task keeps the names of its worktree and branch, to be made anew, as long as it has backups.
     */
    private Optional<Settled> settleWorktree(Plan plan, Task task, RecoveryAction action, Consumer<String> notices)
            throws SaveFailedException {
        if (task.worktree() == null || isolations == null) {
            return Optional.empty();
        }
        Isolation isolation = isolations.forTask(plan, task);
        TaskWorktree wt = task.worktree();
        TaskWorktree[] current = {wt};
        try {
            if (action == RecoveryAction.FRESH) {
                String backup = isolation.backupBranch(task);
                if (backup == null) {
                    return Optional.empty();
                }
                TaskWorktree named = wt.withBackupBranch(backup);
                if (!named.equals(wt)) {
                    store.update(p -> p.withTask(task.id(), t -> t.withWorktree(named)));
                    current[0] = named;
                }
                isolation.keepAsBackup(named, backup);
                notices.accept(task.id() + ": the old work is kept on the branch " + backup);
                return Optional.of(new Settled("; the old work is kept on the branch " + backup, named.notStarted()));
            }
            isolation.clean(wt);
            notices.accept(task.id() + ": removed its worktree and the branch " + wt.branch());
            return Optional.of(new Settled("; worktree and branch " + wt.branch() + " removed", keptRecord(task)));
        } catch (IsolationException e) {
            // What could not be settled stays named in the plan; the task's next start says what to do about it.
            notices.accept(task.id() + ": " + e.getMessage());
            return Optional.of(new Settled("; " + e.getMessage(), current[0].notStarted()));
        }
    }

    /**
     * The record a task keeps once its worktree and branch are gone: none, unless it names backups (which are kept
     * until the user removes them, so the plan must go on naming them).
     */
    private static TaskWorktree keptRecord(Task task) {
        TaskWorktree wt = task.worktree();
        return wt == null || wt.backupBranches().isEmpty() ? null : wt.notStarted();
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
