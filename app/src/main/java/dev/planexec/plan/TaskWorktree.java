package dev.planexec.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * A task's own git worktree and branch. Saved in the plan before either exists, so none ever exists that the plan
 * does not name.
 *
 * @param path the worktree's folder (absolute)
 * @param branch the task's branch, such as {@code planexec-task/<plan-id>/<task-id>}
 * @param startCommit the commit of the integration branch the worktree started from ({@code null} until it exists):
 *     the task's diff is its branch against this
 * @param backupBranches the branches Start Fresh kept earlier work of this task on, each saved here before it is made
 */
public record TaskWorktree(String path, String branch, String startCommit, List<String> backupBranches) {

    public TaskWorktree {
        backupBranches = backupBranches == null ? List.of() : List.copyOf(backupBranches);
    }

    /** A worktree and branch decided for a task, not made yet, with no earlier work kept. */
    public static TaskWorktree assigned(String path, String branch) {
        return new TaskWorktree(path, branch, null, List.of());
    }

    public TaskWorktree withStartCommit(String commit) {
        return new TaskWorktree(path, branch, commit, backupBranches);
    }

    /** The same names, to be made anew (the worktree and branch are gone), keeping the record of the backups. */
    public TaskWorktree notStarted() {
        return new TaskWorktree(path, branch, null, backupBranches);
    }

    /** With {@code backup} named too (a name already listed is not listed twice). */
    public TaskWorktree withBackupBranch(String backup) {
        if (backupBranches.contains(backup)) {
            return this;
        }
        List<String> more = new ArrayList<>(backupBranches);
        more.add(backup);
        return new TaskWorktree(path, branch, startCommit, more);
    }
}
