package dev.planexec.recovery;

import dev.planexec.agent.AgentException;
import dev.planexec.isolation.Isolation;
import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Isolations;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.run.AgentPool;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** {@code planexec reset}: tasks back to {@code pending} as if they never ran, their sessions removed. */
public final class PlanReset {
    private PlanReset() {}

    /**
     * Resets the tasks in {@code taskIds} (every task if empty).
     *
     * @return how many sessions were removed
     */
    public static int reset(PlanStore store, AgentPool agents, Set<String> taskIds, Consumer<String> notices)
            throws SaveFailedException {
        return reset(store, agents, null, false, taskIds, notices);
    }

    /**
     * Resets the tasks in {@code taskIds} (every task if empty), removing their worktrees and branches too. A branch
     * or worktree holding work not on the integration branch is refused, before anything changes, unless
     * {@code force}.
     *
     * @throws IsolationException naming the tasks whose work would be lost
     */
    public static int reset(
            PlanStore store,
            AgentPool agents,
            Isolations isolations,
            boolean force,
            Set<String> taskIds,
            Consumer<String> notices)
            throws SaveFailedException {
        Plan plan = store.current();
        List<Task> withWorktrees = plan.tasks().stream()
                .filter(t -> (taskIds.isEmpty() || taskIds.contains(t.id())) && t.worktree() != null)
                .toList();
        if (isolations != null && !withWorktrees.isEmpty()) {
            List<String> unlanded = new ArrayList<>();
            for (Task t : withWorktrees) {
                Isolation isolation = isolations.forTask(plan, t);
                if (isolation.holdsUnlandedWork(t.worktree())) {
                    unlanded.add(t.id() + " (" + t.worktree().branch() + ")");
                }
                isolation.backupsKept(t.worktree()).forEach(b -> unlanded.add(t.id() + "'s backup " + b));
            }
            if (!unlanded.isEmpty() && !force) {
                throw new IsolationException("work not on " + isolations.integrationBranch() + " would be lost: "
                        + String.join(", ", unlanded) + "; land or merge it first, or reset with --force");
            }
            for (Task t : withWorktrees) {
                Isolation isolation = isolations.forTask(plan, t);
                List<String> backups = isolation.backupsKept(t.worktree());
                isolation.clean(t.worktree());
                isolation.removeBackups(t.worktree());
                notices.accept(t.id() + ": removed its worktree and the branch "
                        + t.worktree().branch() + (backups.isEmpty() ? "" : ", and " + String.join(", ", backups)));
            }
        }
        int removed = 0;
        for (Task task : plan.tasks()) {
            if (!taskIds.isEmpty() && !taskIds.contains(task.id()) || task.sessionId() == null) {
                continue;
            }
            try {
                agents.runtime(agents.agentFor(plan, task)).delete(task.sessionId());
                removed++;
            } catch (AgentException e) {
                notices.accept(task.id() + ": could not remove session " + task.sessionId() + ": " + e.getMessage());
            }
        }
        store.update(p -> p.withTasks(p.tasks().stream()
                .map(t -> taskIds.isEmpty() || taskIds.contains(t.id()) ? t.cleared() : t)
                .toList()));
        return removed;
    }
}
