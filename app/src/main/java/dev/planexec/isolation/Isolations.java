package dev.planexec.isolation;

import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which isolation each task of a run gets: {@code --isolation} if given, else the task's {@code isolation}, else the
 * plan's, else the default: {@code worktree} when the plan has a prompt-driven task still to run and its working
 * directory is in a git repository with a commit, {@code none} otherwise (so a plan of {@code local} steps, like the
 * demo, runs as it always has).
 */
public final class Isolations {
    private final NoIsolation none;
    private final WorktreeIsolation worktree;
    private final String override;
    private final String fallback;

    private Isolations(NoIsolation none, WorktreeIsolation worktree, String override, String fallback) {
        this.none = none;
        this.worktree = worktree;
        this.override = override;
        this.fallback = fallback;
    }

    /** Every task in {@code workingDirectory}: planexec as before isolation existed. */
    public static Isolations none(Path workingDirectory) {
        return new Isolations(new NoIsolation(workingDirectory), null, "none", "none");
    }

    /**
     * The isolation of {@code plan}'s run, opening the worktree kind if any task gets it.
     *
     * @param override {@code --isolation}, or {@code null}
     * @param promptDriven whether a task runs on a prompt-driven agent (not {@code local})
     * @throws IsolationException when a task asks for {@code worktree} where it cannot be had (no git, no repository,
     *     no commit); the message says what to do
     */
    public static Isolations choose(
            Plan plan, Path workingDirectory, Path stateRoot, String override, Predicate<Task> promptDriven) {
        NoIsolation none = new NoIsolation(workingDirectory);
        boolean asked = "worktree".equals(override)
                || (override == null
                        && ("worktree".equals(plan.isolation())
                                || plan.tasks().stream().anyMatch(t -> "worktree".equals(t.isolation()))));
        String fallback = "none";
        if (override == null
                && plan.isolation() == null
                && plan.tasks().stream().anyMatch(t -> t.status() != TaskStatus.DONE && promptDriven.test(t))
                && inRepositoryWithCommit(workingDirectory)) {
            fallback = "worktree";
        }
        Isolations choice = new Isolations(none, null, override, fallback);
        boolean needed = asked || plan.tasks().stream().anyMatch(t -> "worktree".equals(choice.nameFor(plan, t)));
        if (!needed) {
            return choice;
        }
        return new Isolations(none, WorktreeIsolation.open(workingDirectory, plan, stateRoot), override, fallback);
    }

    /**
     * Worktree isolation for every task of {@code plan}, whatever its settings: for {@code reset} and
     * {@code sessions clean}, which act on the worktrees and branches earlier runs recorded rather than choose where
     * a task runs.
     */
    public static Isolations forRecordedWork(Plan plan, Path workingDirectory, Path stateRoot) {
        return choose(plan, workingDirectory, stateRoot, "worktree", t -> true);
    }

    private static boolean inRepositoryWithCommit(Path workingDirectory) {
        if (!Git.onPath()) {
            return false;
        }
        return Git.forOwnWork()
                .run(workingDirectory, "rev-parse", "--verify", "-q", "HEAD^{commit}")
                .ok();
    }

    /** {@code worktree} or {@code none} for {@code task}. */
    public String nameFor(Plan plan, Task task) {
        if (override != null) {
            return override;
        }
        if (task.isolation() != null) {
            return task.isolation();
        }
        return plan.isolation() != null ? plan.isolation() : fallback;
    }

    public Isolation forTask(Plan plan, Task task) {
        return "worktree".equals(nameFor(plan, task)) && worktree != null ? worktree : none;
    }

    /** The worktree kind, if any task of this run uses it. */
    public Optional<WorktreeIsolation> worktree() {
        return Optional.ofNullable(worktree);
    }

    /** {@code planexec/<plan-id>}, or {@code null} without worktrees. */
    public String integrationBranch() {
        return worktree == null ? null : worktree.integrationBranch();
    }

    /** The isolation of each task that has a worktree, for Start Fresh, Clean Up and reset. */
    public List<Isolation> all() {
        return worktree == null ? List.of(none) : List.of(none, worktree);
    }
}
