package dev.planexec.isolation;

import dev.planexec.plan.Plan;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code planexec land}: brings a plan's integration branch into the branch the user has checked out, which must be
 * the plan's base branch and clean. A fast-forward when the base has not moved, otherwise a merge commit; a merge
 * that conflicts is aborted, leaving the checkout as it was. The only place planexec changes the user's checkout, and
 * only when asked; the user's hooks run, as for any merge they make.
 */
public final class Land {
    private Land() {}

    /** What landing did, in one line for the user. */
    public record Outcome(boolean landed, String message) {}

    /**
     * Lands {@code plan}'s work into the checkout around {@code workingDirectory}. Refusals (nothing to land, another
     * branch, uncommitted changes) are an {@link IsolationException} saying what to do; a conflict is an outcome
     * that did not land.
     */
    public static Outcome land(Path workingDirectory, Plan plan) {
        Git git = Git.forOwnWork().inUserCheckout();
        if (!Git.onPath()) {
            throw new IsolationException("planexec land needs git, which is not on PATH");
        }
        Git.Result topResult = git.run(workingDirectory, "rev-parse", "--show-toplevel");
        if (!topResult.ok()) {
            throw new IsolationException(workingDirectory + " is not inside a git repository: nothing to land");
        }
        Path top = Path.of(topResult.out().strip());
        String integration = RefNames.integrationBranch(plan.id());
        if (!git.run(top, "rev-parse", "-q", "--verify", "refs/heads/" + integration)
                .ok()) {
            throw new IsolationException("nothing to land: the branch " + integration
                    + " does not exist (a plan run with isolation \"worktree\" makes it)");
        }
        if (plan.gitBase() == null || plan.gitBase().branch() == null) {
            throw new IsolationException("the plan records no base branch to land on: merge " + integration
                    + " yourself (git merge " + integration + ")");
        }
        String base = plan.gitBase().branch();
        Git.Result current = git.run(top, "symbolic-ref", "-q", "--short", "HEAD");
        if (!current.ok() || !current.out().strip().equals(base)) {
            String on = current.ok() ? "the branch " + current.out().strip() : "a detached HEAD";
            throw new IsolationException("the checkout " + top + " is on " + on + ", not on the plan's base branch "
                    + base + ": git switch " + base + ", then planexec land again");
        }
        if (!git.run(top, "status", "--porcelain", "--untracked-files=no").out().isBlank()) {
            throw new IsolationException("the checkout " + top + " has uncommitted changes: commit or stash them,"
                    + " then planexec land again");
        }
        if (git.run(top, "merge-base", "--is-ancestor", integration, "HEAD").ok()) {
            return new Outcome(true, "nothing to land: " + base + " already has everything on " + integration);
        }
        String stat = git.out(top, "diff", "--shortstat", "HEAD..." + integration);
        if (git.run(top, "merge-base", "--is-ancestor", "HEAD", integration).ok()) {
            git.out(top, "merge", "-q", "--ff-only", integration);
            return new Outcome(true, "landed " + integration + " on " + base + " (fast-forward; " + stat + ")");
        }
        Git.Result merged =
                git.run(top, "merge", "-q", "--no-ff", "--no-edit", "-m", "Merge " + integration, integration);
        if (merged.ok()) {
            return new Outcome(true, "landed " + integration + " on " + base + " (merge commit; " + stat + ")");
        }
        List<String> conflicts =
                git.run(top, "diff", "--name-only", "--diff-filter=U").lines();
        git.run(top, "merge", "--abort");
        if (conflicts.isEmpty()) {
            throw new IsolationException("git merge " + integration + " failed, the checkout is as it was: "
                    + merged.err().lines().findFirst().orElse(""));
        }
        return new Outcome(
                false,
                "merging " + integration + " into " + base + " conflicts in " + String.join(", ", conflicts)
                        + "; the merge was aborted and the checkout is as it was: merge it yourself"
                        + " (git merge " + integration + ")");
    }
}
