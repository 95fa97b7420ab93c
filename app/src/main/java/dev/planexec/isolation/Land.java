package dev.planexec.isolation;

import dev.planexec.plan.Plan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code planexec land}: brings a plan's integration branch into the branch the user has checked out, which must be
 * the plan's base branch and clean. A fast-forward when the base has not moved, otherwise a merge commit; a merge
 * that conflicts is aborted, leaving the checkout as it was. The only place planexec changes the user's checkout, and
 * only when asked; the user's hooks run, as for any merge they make.
 *
 * <p>The plan file itself may be committed in the repository: every run saves it, so right after a run it differs
 * from its commit. Those changes are the run's state, not the user's unfinished work, so they do not count as
 * uncommitted changes, and the merge keeps them, since it does not touch a file the integration branch leaves alone.
 * Only if the integration branch changes the plan file too (a task edited it) is landing refused, before anything
 * changes: git would refuse to overwrite the file.
 */
public final class Land {
    private Land() {}

    /** What landing did, in one line for the user. */
    public record Outcome(boolean landed, String message) {}

    /**
     * Lands {@code plan}'s work (read from {@code planFile}) into the checkout around {@code workingDirectory}.
     * Refusals (nothing to land, another branch, uncommitted changes) are an {@link IsolationException} saying what
     * to do; a conflict is an outcome that did not land.
     */
    public static Outcome land(Path workingDirectory, Plan plan, Path planFile) {
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
        Optional<String> planPath = pathIn(top, planFile);
        List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--untracked-files=no"));
        planPath.ifPresent(p -> status.addAll(List.of("--", ":(top,exclude,literal)" + p)));
        if (!git.run(top, status.toArray(String[]::new)).out().isBlank()) {
            throw new IsolationException("the checkout " + top + " has uncommitted changes: commit or stash them,"
                    + " then planexec land again");
        }
        if (planPath.isPresent()) {
            refuseToOverwritePlanFile(git, top, planPath.get(), integration);
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

    /**
     * The plan file may differ from its commit (the run's state), but not in a way the merge would have to overwrite
     * or commit: staged changes (a merge commit would take them in), or changes while the integration branch changes
     * the file too.
     */
    private static void refuseToOverwritePlanFile(Git git, Path top, String planPath, String integration) {
        String pathspec = ":(top,literal)" + planPath;
        String planStatus = git.run(top, "status", "--porcelain", "--untracked-files=no", "--", pathspec)
                .out();
        if (planStatus.isBlank()) {
            return;
        }
        if (planStatus.charAt(0) != ' ') {
            throw new IsolationException("the plan file " + planPath + " has staged changes: commit them, or unstage"
                    + " them (git restore --staged " + planPath + "), then planexec land again");
        }
        if (git.run(top, "diff", "--quiet", "HEAD..." + integration, "--", pathspec)
                        .exitCode()
                != 0) {
            throw new IsolationException(integration + " changes the plan file " + planPath + ", which has"
                    + " uncommitted changes (a run's state): commit or stash the plan file, then planexec land"
                    + " again");
        }
    }

    /** {@code file}'s path from the repository's top, links resolved, if it lies inside the repository. */
    private static Optional<String> pathIn(Path top, Path file) {
        try {
            Path real = file.toRealPath();
            Path realTop = top.toRealPath();
            if (!real.startsWith(realTop) || real.equals(realTop)) {
                return Optional.empty();
            }
            return Optional.of(realTop.relativize(real).toString());
        } catch (IOException e) {
            return Optional.empty(); // gone: nothing of it to keep
        }
    }
}
