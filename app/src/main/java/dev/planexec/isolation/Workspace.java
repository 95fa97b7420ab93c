package dev.planexec.isolation;

import dev.planexec.plan.TaskWorktree;
import java.nio.file.Path;

/**
 * Where a task runs.
 *
 * @param directory the folder the task's agent runs in: the plan's working directory, or the same subfolder of the
 *     task's worktree
 * @param worktree the task's worktree with the commit it started from (to save in the plan before the agent
 *     starts), or {@code null} without isolation
 */
public record Workspace(Path directory, TaskWorktree worktree) {}
