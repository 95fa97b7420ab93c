package dev.planexec.isolation;

import dev.planexec.plan.GitBase;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskWorktree;
import java.nio.file.Path;
import java.util.List;

/** Every task runs in the plan's working directory and its work is where the agent left it: planexec as before. */
public final class NoIsolation implements Isolation {
    private final Path workingDirectory;

    public NoIsolation(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public GitBase base(Plan plan) {
        return plan.gitBase();
    }

    @Override
    public void start(GitBase base) {}

    @Override
    public TaskWorktree assign(Task task) {
        return null;
    }

    @Override
    public Workspace prepare(Task task) {
        return new Workspace(workingDirectory, null);
    }

    @Override
    public Landing land(Task task, String sessionId) {
        return new Landing.Landed(null, DiffStat.NONE);
    }

    @Override
    public boolean holdsUnlandedWork(TaskWorktree worktree) {
        return false;
    }

    @Override
    public String backupBranch(Task task) {
        return null;
    }

    @Override
    public List<String> backupsKept(TaskWorktree worktree) {
        return List.of();
    }

    @Override
    public void removeBackups(TaskWorktree worktree) {}

    @Override
    public void keepAsBackup(TaskWorktree worktree, String backupBranch) {}

    @Override
    public void clean(TaskWorktree worktree) {}

    @Override
    public List<String> recover(Plan plan) {
        return List.of();
    }
}
