package dev.planexec.recovery;

import dev.planexec.isolation.WorktreeIsolation;
import dev.planexec.isolation.WorktreeIsolation.Leftover;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.TaskWorktree;
import dev.planexec.plan.Timestamps;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The git side of {@code sessions clean}: the worktrees and branches of a plan that are no longer needed. Work that is
 * not on the integration branch (a failed task's, a backup Start Fresh kept, a leftover's) is kept and named unless
 * forced; the integration branch itself, the plan's result, is never removed. The caller holds the plan lock.
 */
public final class WorktreeJanitor {
    private final PlanStore store;
    private final WorktreeIsolation isolation;
    private final boolean force;
    private final boolean dryRun;

    /**
     * @param force remove work not on the integration branch too
     * @param dryRun say what would be removed; remove nothing, change nothing
     */
    public WorktreeJanitor(PlanStore store, WorktreeIsolation isolation, boolean force, boolean dryRun) {
        this.store = store;
        this.isolation = isolation;
        this.force = force;
        this.dryRun = dryRun;
    }

    /** What one call did: a line for each thing removed (or that would be) and each thing kept. */
    public record Report(List<String> removed, List<String> kept) {}

    /**
     * Cleans the worktrees and branches of done and failed tasks, those no task names, and the integration worktree;
     * with {@code orphanedOnly}, only those no task names.
     */
    public Report clean(boolean orphanedOnly) throws SaveFailedException {
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        String integration = isolation.integrationBranch();
        String removes = dryRun ? "would remove " : "removed ";
        Plan plan = store.current();
        Map<String, TaskWorktree> records = new HashMap<>();
        if (!orphanedOnly) {
            for (Task task : plan.tasks()) {
                TaskWorktree wt = task.worktree();
                if (wt == null || (task.status() != TaskStatus.DONE && task.status() != TaskStatus.FAILED)) {
                    continue;
                }
                boolean changed = false;
                if (isolation.exists(wt)) {
                    if (isolation.holdsUnlandedWork(wt) && !force) {
                        kept.add("kept the worktree and branch " + wt.branch() + " of task " + task.id()
                                + ": they hold work not on " + integration + " (--force removes them)");
                    } else {
                        if (!dryRun) {
                            isolation.clean(wt);
                        }
                        removed.add(removes + "the worktree and branch " + wt.branch() + " of task " + task.id());
                        changed = true;
                    }
                }
                List<String> backups = isolation.backupsKept(wt);
                if (!backups.isEmpty()) {
                    if (!force) {
                        kept.add("kept " + String.join(", ", backups) + " of task " + task.id()
                                + ": earlier work Start Fresh kept, not on " + integration + " (--force removes it)");
                    } else {
                        if (!dryRun) {
                            isolation.removeBackups(wt);
                        }
                        removed.add(removes + String.join(", ", backups) + " of task " + task.id());
                        changed = true;
                    }
                }
                // A done task's record stays as its history; another task's is brought in line with what is left,
                // so its next run starts a worktree anew rather than trying to merge a branch that is gone.
                if (changed && !dryRun && task.status() != TaskStatus.DONE) {
                    records.put(task.id(), whatIsLeft(wt));
                }
            }
        }
        for (Leftover left : isolation.leftovers(plan)) {
            if (left.holdsUnlandedWork() && !force) {
                kept.add("kept " + left.describe() + ": no task names it, but it holds work not on " + integration
                        + " (--force removes it)");
                continue;
            }
            if (!dryRun) {
                isolation.remove(left);
            }
            removed.add(removes + left.describe() + ", which no task names");
        }
        if (!orphanedOnly && isolation.hasIntegrationWorktree()) {
            if (!dryRun) {
                isolation.removeIntegrationWorktree();
            }
            removed.add(removes + "the integration worktree (the branch " + integration
                    + " stays: it is the plan's result; the next run makes the worktree again)");
        }
        if (!records.isEmpty()) {
            String now = Timestamps.now();
            store.update(p -> p.withTasks(p.tasks().stream()
                    .map(t -> records.containsKey(t.id())
                            ? t.withWorktree(records.get(t.id()))
                                    .withNote(now + " sessions clean: worktree and branches removed")
                            : t)
                    .toList()));
        }
        return new Report(removed, kept);
    }

    private TaskWorktree whatIsLeft(TaskWorktree wt) {
        List<String> backups = isolation.backupsKept(wt);
        if (isolation.exists(wt)) {
            return new TaskWorktree(wt.path(), wt.branch(), wt.startCommit(), backups);
        }
        return backups.isEmpty() ? null : new TaskWorktree(wt.path(), wt.branch(), null, backups);
    }
}
