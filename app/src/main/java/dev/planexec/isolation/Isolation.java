package dev.planexec.isolation;

import dev.planexec.plan.GitBase;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskWorktree;
import java.util.List;

/**
 * Where a task's work happens and how it reaches the plan's result. Two kinds: {@link NoIsolation} (every task in the
 * plan's working directory, as before) and {@link WorktreeIsolation} (each task in a git worktree and branch of its
 * own, merged into {@code planexec/<plan-id>} when it is done).
 *
 * <p>Every name is decided before anything is made, so the caller can save it in the plan first (write-ahead):
 *
 * <pre>{@code
 * plan = plan.withGitBase(isolation.base(plan));      save(plan);  isolation.start(plan.gitBase());
 * task = task.withWorktree(isolation.assign(task));   save(task);
 * Workspace ws = isolation.prepare(task);             task = task.withWorktree(ws.worktree()); save(task);
 * ... the agent works in ws.directory() ...
 * Landing landing = isolation.land(task, sessionId);  // done only when this is Landed
 * }</pre>
 */
public interface Isolation {

    /** {@code worktree} or {@code none}, as the plan file says it. */
    String name();

    /** The base to record in the plan before the integration branch is made: the plan's own if it has one. */
    GitBase base(Plan plan);

    /** Makes the integration branch from {@code base} (and its worktree) if they are not there yet. */
    void start(GitBase base);

    /** The task's worktree and branch, decided but not created; {@code null} without isolation. */
    TaskWorktree assign(Task task);

    /**
     * The folder the task runs in, creating what {@link #assign} decided if it is not there yet. A worktree that
     * exists and was completed is used as it is (Resume keeps the agent's edits); one whose creation was cut short
     * is made anew.
     */
    Workspace prepare(Task task);

    /**
     * Commits everything in the task's worktree and merges its branch into the integration branch, unless it is
     * there already (so landing twice after a crash merges once).
     */
    Landing land(Task task, String sessionId);

    /** Whether the worktree has edits, or its branch commits, that are not on the integration branch. */
    boolean holdsUnlandedWork(TaskWorktree worktree);

    /**
     * The name Start Fresh keeps the old work under, decided before the branch is made so the plan names it first: a
     * name the task's record already holds but that was never made (a crash cut Start Fresh short), else a new one.
     */
    String backupBranch(Task task);

    /** The backup branches {@code worktree} names that exist. */
    List<String> backupsKept(TaskWorktree worktree);

    /** Deletes the backup branches {@code worktree} names. */
    void removeBackups(TaskWorktree worktree);

    /** Commits what the worktree holds, keeps its branch as {@code backupBranch} and removes the worktree. */
    void keepAsBackup(TaskWorktree worktree, String backupBranch);

    /** Removes the worktree and the task's branch, whatever they hold. */
    void clean(TaskWorktree worktree);

    /**
     * After a crash, before anything runs: completes or rolls back what a killed git call left half done, clears the
     * stale locks in what planexec owns, and removes worktrees of this plan that the plan no longer names (unless they
     * hold unlanded work). Returns a line for each thing it did.
     */
    List<String> recover(Plan plan);
}
