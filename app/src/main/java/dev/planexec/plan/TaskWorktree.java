package dev.planexec.plan;

/**
 * A task's own git worktree and branch. Saved in the plan before either exists, so none ever exists that the plan
 * does not name.
 *
 * @param path the worktree's folder (absolute)
 * @param branch the task's branch, such as {@code planexec-task/<plan-id>/<task-id>}
 * @param startCommit the commit of the integration branch the worktree started from ({@code null} until it exists):
 *     the task's diff is its branch against this
 */
public record TaskWorktree(String path, String branch, String startCommit) {

    public TaskWorktree withStartCommit(String commit) {
        return new TaskWorktree(path, branch, commit);
    }
}
