package dev.planexec.isolation;

import dev.planexec.plan.GitBase;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskWorktree;
import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Each task in a git worktree and branch of its own, outside the user's checkout, merged into the integration branch
 * {@code planexec/<plan-id>} in a further worktree of planexec's. Nothing here runs git in the user's checkout except
 * to read it and to create branches (which changes neither its HEAD, index, files nor stash).
 *
 * <pre>
 * &lt;state&gt;/worktrees/&lt;plan-id&gt;-&lt;hash of the repository&gt;/
 *     integration/        planexec/&lt;plan-id&gt; checked out: where task branches are merged
 *     tasks/&lt;task-id&gt;/     planexec-task/&lt;plan-id&gt;/&lt;task-id&gt; checked out: where the task's agent works
 * </pre>
 */
public final class WorktreeIsolation implements Isolation {
    private final Git git;
    private final Path top;
    private final Path commonDir;
    private final Path subfolder;
    private final String planId;
    private final Path home;
    private final List<String> copyFiles;
    private final Object merging = new Object();
    /**
     * Adding and removing worktrees and branches, one at a time in the repository, across processes: two {@code git
     * worktree add} at once can read each other's half-written admin folder ("failed to read
     * .git/worktrees/a/commondir"), and another plan's run may be changing the same repository.
     */
    private final RepoLock structure;

    private WorktreeIsolation(
            Git git,
            Path top,
            Path commonDir,
            Path subfolder,
            String planId,
            Path home,
            List<String> copyFiles,
            RepoLock structure) {
        this.git = git;
        this.top = top;
        this.commonDir = commonDir;
        this.subfolder = subfolder;
        this.planId = planId;
        this.home = home;
        this.copyFiles = List.copyOf(copyFiles);
        this.structure = structure;
    }

    /**
     * Isolation for {@code plan} run in {@code workingDirectory}, its worktrees under {@code stateRoot}. Refused, with
     * what to do, when git is missing, the folder is not in a repository, or the repository has no commit yet.
     */
    public static WorktreeIsolation open(Path workingDirectory, Plan plan, Path stateRoot) {
        return open(Git.forOwnWork(), workingDirectory, plan, stateRoot);
    }

    static WorktreeIsolation open(Git git, Path workingDirectory, Plan plan, Path stateRoot) {
        Path wd = workingDirectory.toAbsolutePath().normalize();
        if (!Git.onPath()) {
            throw new IsolationException(
                    "isolation \"worktree\" needs git, which is not on PATH: install git, or run with --isolation none");
        }
        Git.Result topResult = git.run(wd, "rev-parse", "--show-toplevel");
        if (!topResult.ok()) {
            throw new IsolationException(wd + " is not inside a git repository, which isolation \"worktree\" needs:"
                    + " run git init and commit there, or run with --isolation none");
        }
        Path top = Path.of(topResult.out().strip());
        if (!git.run(top, "rev-parse", "--verify", "-q", "HEAD^{commit}").ok()) {
            throw new IsolationException("the git repository " + top + " has no commit yet, which isolation"
                    + " \"worktree\" starts from: commit once, or run with --isolation none");
        }
        Path commonDir = Path.of(git.out(top, "rev-parse", "--path-format=absolute", "--git-common-dir"));
        Path subfolder;
        try {
            subfolder = top.toRealPath().relativize(wd.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Git withIdentity = git;
        if (!git.run(top, "config", "user.email").ok()) {
            // Commits need an author; a machine without one configured still gets its tasks landed.
            withIdentity = git.with("user.name=planexec", "user.email=planexec@localhost");
        }
        Path root = stateRoot.toAbsolutePath().normalize();
        try {
            // git records worktree paths with links resolved; comparing with them needs the same spelling.
            root = SecureFiles.createDirectories(root).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path home =
                root.resolve("worktrees").resolve(RefNames.part(plan.id()) + "-" + RefNames.hash(commonDir.toString()));
        return new WorktreeIsolation(
                withIdentity,
                top,
                commonDir,
                subfolder,
                plan.id(),
                home,
                plan.worktreeFiles(),
                RepoLock.of(root, commonDir));
    }

    @Override
    public String name() {
        return "worktree";
    }

    public String integrationBranch() {
        return RefNames.integrationBranch(planId);
    }

    /** The folder holding this plan's worktrees. */
    public Path home() {
        return home;
    }

    Path integrationWorktree() {
        return home.resolve("integration");
    }

    @Override
    public GitBase base(Plan plan) {
        if (plan.gitBase() != null) {
            return plan.gitBase();
        }
        String commit = git.out(top, "rev-parse", "--verify", "HEAD^{commit}");
        Git.Result branch = git.run(top, "symbolic-ref", "-q", "--short", "HEAD");
        return new GitBase(commit, branch.ok() ? branch.out().strip() : null);
    }

    @Override
    public void start(GitBase base) {
        structure.run(() -> {
            if (!branchExists(integrationBranch())) {
                git.out(top, "branch", integrationBranch(), base.commit());
            }
            ensureIntegrationWorktreeLocked();
        });
    }

    private void ensureIntegrationWorktree() {
        structure.run(this::ensureIntegrationWorktreeLocked);
    }

    private void ensureIntegrationWorktreeLocked() {
        Path path = integrationWorktree();
        if (isWorktree(path)) {
            return;
        }
        removeWorktree(path);
        createParent(path);
        git.out(top, "worktree", "add", "-q", path.toString(), integrationBranch());
    }

    @Override
    public TaskWorktree assign(Task task) {
        if (task.worktree() != null) {
            return task.worktree();
        }
        return TaskWorktree.assigned(
                home.resolve("tasks").resolve(RefNames.part(task.id())).toString(),
                RefNames.taskBranch(planId, task.id()));
    }

    @Override
    public Workspace prepare(Task task) {
        return structure.call(() -> prepareLocked(task));
    }

    private Workspace prepareLocked(Task task) {
        TaskWorktree wt = owned(task.worktree());
        Path path = Path.of(wt.path());
        if (wt.startCommit() != null) {
            if (isWorktree(path)) {
                return workspace(path, wt);
            }
            // The folder is gone (removed by hand): its branch still has what was committed.
            removeWorktree(path);
            if (branchExists(wt.branch())) {
                createParent(path);
                git.out(top, "worktree", "add", "-q", path.toString(), wt.branch());
                copyFiles(path);
                return workspace(path, wt);
            }
        }
        // Never completed (or nothing left): no agent has worked here, so it is made anew from the integration branch.
        removeWorktree(path);
        if (branchExists(wt.branch())) {
            if (holdsCommits(wt.branch())) {
                // Work the plan does not account for (the branch was made by hand, or kept when Start Fresh could not
                // move it): planexec neither drops it nor moves it to a name the plan does not hold.
                throw new IsolationException("the branch " + wt.branch() + " holds commits that are not on "
                        + integrationBranch() + " and that this task's record does not account for: keep them"
                        + " under another name (git branch -m " + wt.branch() + " NAME) or delete them (git branch -D "
                        + wt.branch() + "), then run the task again");
            }
            git.out(top, "branch", "-D", wt.branch());
        }
        String start = git.out(top, "rev-parse", "--verify", integrationBranch() + "^{commit}");
        createParent(path);
        git.out(top, "worktree", "add", "-q", "-b", wt.branch(), path.toString(), start);
        copyFiles(path);
        return workspace(path, wt.withStartCommit(start));
    }

    private Workspace workspace(Path worktree, TaskWorktree wt) {
        Path directory = worktree.resolve(subfolder.toString());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Workspace(directory, wt);
    }

    @Override
    public Landing land(Task task, String sessionId) {
        TaskWorktree wt = owned(task.worktree());
        Path path = Path.of(wt.path());
        if (isWorktree(path)) {
            commit(path, task.title() + " (" + task.id() + ")", task.id(), sessionId);
        }
        if (!branchExists(wt.branch())) {
            throw new IsolationException("the branch " + wt.branch() + " of task \"" + task.id() + "\" is gone");
        }
        synchronized (merging) {
            return merge(task, wt);
        }
    }

    private void commit(Path worktree, String subject, String taskId, String sessionId) {
        List<String> add = new ArrayList<>(List.of("add", "-A", "--", "."));
        add.addAll(excludedCopies());
        git.out(worktree, add.toArray(String[]::new));
        if (git.run(worktree, "diff", "--cached", "--quiet").exitCode() == 1) {
            String trailers =
                    "Planexec-Task: " + taskId + (sessionId == null ? "" : "\nPlanexec-Session: " + sessionId);
            git.out(worktree, "commit", "-q", "-m", subject, "-m", trailers);
        }
    }

    /** The files copied into each worktree (such as {@code .env}) are the user's secrets, never committed. */
    private List<String> excludedCopies() {
        return copyFiles.stream().map(f -> ":(top,exclude,literal)" + f).toList();
    }

    private Landing merge(Task task, TaskWorktree wt) {
        ensureIntegrationWorktree();
        Path integration = integrationWorktree();
        String tip = git.out(top, "rev-parse", "--verify", wt.branch() + "^{commit}");
        DiffStat stat = diffStat(wt);
        if (isAncestor(tip, integrationBranch())) {
            return new Landing.Landed(git.out(top, "rev-parse", integrationBranch()), stat);
        }
        settle(integration);
        Git.Result merged = git.run(
                integration,
                "merge",
                "--no-ff",
                "--no-edit",
                "-m",
                "Merge task " + task.id() + ": " + task.title(),
                "-m",
                "Planexec-Task: " + task.id(),
                tip);
        if (merged.ok()) {
            return new Landing.Landed(git.out(integration, "rev-parse", "HEAD"), stat);
        }
        List<String> conflicts =
                git.run(integration, "diff", "--name-only", "--diff-filter=U").lines();
        git.run(integration, "merge", "--abort");
        settle(integration);
        if (conflicts.isEmpty()) {
            merged.orThrow();
        }
        return new Landing.Conflict(conflicts, wt.path());
    }

    /** What the task's branch changed against where it started. */
    public DiffStat diffStat(TaskWorktree wt) {
        String from = wt.startCommit() != null ? wt.startCommit() : integrationBranch();
        Git.Result r = git.run(top, "diff", "--shortstat", from, wt.branch());
        return r.ok() ? DiffStat.parse(r.out()) : DiffStat.NONE;
    }

    /** What the integration branch holds beyond the plan's base: everything the plan's tasks landed. */
    public DiffStat landedStat(GitBase base) {
        Git.Result r = git.run(top, "diff", "--shortstat", base.commit(), integrationBranch());
        return r.ok() ? DiffStat.parse(r.out()) : DiffStat.NONE;
    }

    /** The integration worktree holds nothing but its branch's commit: an interrupted merge is rolled back. */
    private void settle(Path integration) {
        if (git.run(integration, "rev-parse", "-q", "--verify", "MERGE_HEAD").ok()) {
            git.run(integration, "merge", "--abort");
        }
        if (!git.run(integration, "status", "--porcelain").out().isBlank()) {
            git.out(integration, "reset", "-q", "--hard", "HEAD");
            git.out(integration, "clean", "-q", "-ffdx");
        }
    }

    @Override
    public boolean holdsUnlandedWork(TaskWorktree wt) {
        Path path = Path.of(wt.path());
        if (isWorktree(path)) {
            List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--", "."));
            status.addAll(excludedCopies());
            if (!git.run(path, status.toArray(String[]::new)).out().isBlank()) {
                return true;
            }
        }
        return branchExists(wt.branch()) && holdsCommits(wt.branch());
    }

    private boolean holdsCommits(String branch) {
        if (!branchExists(integrationBranch())) {
            return true;
        }
        return !git.out(top, "rev-list", "--count", integrationBranch() + ".." + branch)
                .equals("0");
    }

    @Override
    public String backupBranch(Task task) {
        TaskWorktree wt = task.worktree();
        if (wt != null) {
            // A name saved ahead by a Start Fresh that a crash cut short before the branch was made: used as it is.
            for (String named : wt.backupBranches()) {
                if (ownsBranch(named) && !branchExists(named)) {
                    return named;
                }
            }
        }
        return nextBackup(task.id());
    }

    @Override
    public List<String> backupsKept(TaskWorktree worktree) {
        return worktree.backupBranches().stream()
                .filter(b -> ownsBranch(b) && branchExists(b))
                .toList();
    }

    @Override
    public void removeBackups(TaskWorktree worktree) {
        structure.run(() -> {
            for (String backup : backupsKept(worktree)) {
                git.out(top, "branch", "-D", backup);
            }
        });
    }

    private String nextBackup(String taskId) {
        for (int n = 1; ; n++) {
            String name = RefNames.backupBranch(planId, taskId, n);
            if (!branchExists(name)) {
                return name;
            }
        }
    }

    @Override
    public void keepAsBackup(TaskWorktree worktree, String backupBranch) {
        TaskWorktree wt = owned(worktree);
        Path path = Path.of(wt.path());
        if (isWorktree(path)) {
            commit(path, "Work kept by Start Fresh", path.getFileName().toString(), null);
        }
        if (!ownsBranch(backupBranch)) {
            throw new IsolationException(backupBranch + " is not a backup branch of this plan's");
        }
        structure.run(() -> {
            removeWorktree(path);
            if (branchExists(wt.branch())) {
                git.out(top, "branch", "-m", wt.branch(), backupBranch);
            }
        });
    }

    @Override
    public void clean(TaskWorktree worktree) {
        TaskWorktree wt = owned(worktree);
        structure.run(() -> {
            removeWorktree(Path.of(wt.path()));
            if (branchExists(wt.branch())) {
                git.out(top, "branch", "-D", wt.branch());
            }
        });
    }

    /** Whether the worktree's folder or its branch exists. */
    public boolean exists(TaskWorktree worktree) {
        return Files.exists(Path.of(worktree.path()), LinkOption.NOFOLLOW_LINKS) || branchExists(worktree.branch());
    }

    /** Whether the integration worktree is there (it is made again by the next run when it is not). */
    public boolean hasIntegrationWorktree() {
        return Files.exists(integrationWorktree(), LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes the integration worktree (its branch stays: it is the plan's result). */
    public void removeIntegrationWorktree() {
        removeWorktree(integrationWorktree());
    }

    @Override
    public List<String> recover(Plan plan) {
        return structure.call(() -> recoverLocked(plan));
    }

    private List<String> recoverLocked(Plan plan) {
        List<String> done = new ArrayList<>();
        clearLocks(plan, done);
        git.run(top, "worktree", "prune");
        Path integration = integrationWorktree();
        if (isWorktree(integration)) {
            boolean merging = git.run(integration, "rev-parse", "-q", "--verify", "MERGE_HEAD")
                    .ok();
            boolean dirty = !git.run(integration, "status", "--porcelain").out().isBlank();
            if (merging || dirty) {
                settle(integration);
                done.add("rolled back an interrupted merge into " + integrationBranch());
            }
        } else if (Files.exists(integration, LinkOption.NOFOLLOW_LINKS)) {
            removeWorktree(integration);
            done.add("removed the integration worktree whose creation was cut short");
        }
        for (Leftover left : leftovers(plan)) {
            if (left.holdsUnlandedWork() || left.backup()) {
                if (left.worktree() != null) {
                    done.add("kept " + left.describe() + ": the plan no longer names it, but it holds work not landed");
                }
                continue;
            }
            remove(left);
            done.add("removed " + left.describe() + ", which the plan no longer names");
        }
        return done;
    }

    /**
     * A worktree of this plan's or a branch of its tasks that no task of the plan names: left by a task taken out of
     * the plan, or by an older planexec.
     *
     * @param worktree the worktree's folder, or {@code null} for a branch alone
     * @param branch the branch (checked out in the worktree, if any), or {@code null}
     * @param backup whether it is a backup branch, which holds earlier work by definition
     */
    public record Leftover(Path worktree, String branch, boolean backup, boolean holdsUnlandedWork) {
        public String describe() {
            if (worktree == null) {
                return (backup ? "the backup branch " : "the branch ") + branch;
            }
            return "the worktree " + worktree + (branch == null ? "" : " (" + branch + ")");
        }
    }

    /** The worktrees and branches of this plan's that no task of {@code plan} names. */
    public List<Leftover> leftovers(Plan plan) {
        Set<Path> namedPaths = new HashSet<>();
        Set<String> namedBranches = new HashSet<>();
        for (Task t : plan.tasks()) {
            if (t.worktree() != null) {
                namedPaths.add(Path.of(t.worktree().path()).normalize());
                namedBranches.add(t.worktree().branch());
                namedBranches.addAll(t.worktree().backupBranches());
            }
        }
        List<Leftover> left = new ArrayList<>();
        Set<String> checkedOut = new HashSet<>();
        Path tasks = home.resolve("tasks");
        if (Files.isDirectory(tasks, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(tasks)) {
                for (Path child : children.sorted().toList()) {
                    Git.Result head = isWorktree(child)
                            ? git.run(child, "symbolic-ref", "-q", "--short", "HEAD")
                            : new Git.Result(1, "", "", "");
                    String branch = head.ok() && ownsBranch(head.out().strip())
                            ? head.out().strip()
                            : null;
                    if (branch != null) {
                        checkedOut.add(branch);
                    }
                    if (namedPaths.contains(child.normalize())) {
                        continue;
                    }
                    boolean unlanded = head.ok()
                            && holdsUnlandedWork(TaskWorktree.assigned(
                                    child.toString(), head.out().strip()));
                    left.add(new Leftover(child, branch, false, unlanded));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String part = RefNames.part(planId);
        List<String> branches = git.run(
                        top,
                        "for-each-ref",
                        "--format=%(refname:short)",
                        "refs/heads/planexec-task/" + part + "/",
                        "refs/heads/planexec-backup/" + part + "/")
                .lines();
        for (String branch : branches) {
            if (namedBranches.contains(branch) || checkedOut.contains(branch) || !ownsBranch(branch)) {
                continue;
            }
            boolean backup = branch.startsWith("planexec-backup/");
            left.add(new Leftover(null, branch, backup, backup || holdsCommits(branch)));
        }
        return left;
    }

    /** Removes a leftover: the worktree and the branch it has checked out, or the branch alone. */
    public void remove(Leftover left) {
        structure.run(() -> {
            if (left.worktree() != null) {
                removeWorktree(left.worktree());
            }
            if (left.branch() != null && ownsBranch(left.branch()) && branchExists(left.branch())) {
                git.out(top, "branch", "-D", left.branch());
            }
        });
    }

    /**
     * Deletes the lock files a killed git call of planexec's left: in the admin folders of this plan's worktrees
     * ({@code index.lock}, {@code HEAD.lock}, and {@code locked}, which {@code git worktree add} writes while it
     * works) and on this plan's branches. One run per plan (the plan lock), so no git call of ours is running now,
     * and the repository lock held around it keeps another plan's run from adding a worktree meanwhile; the user's own
     * locks ({@code .git/index.lock}, {@code packed-refs.lock}) are never touched.
     */
    /**
     * {@code git worktree add} first makes the admin folder with a {@code locked} file ("initializing"), then writes
     * {@code gitdir}: killed in between, it leaves a folder that names no worktree and that {@code git worktree prune}
     * keeps, being locked. Such a folder is this plan's when its name is one git gives a worktree of this plan (the
     * folder's name, then a number); it is cleared while this process holds the repository's lock, so no add of
     * planexec's is under way. The lock file goes, and the prune that follows removes the folder.
     */
    private void clearHalfMadeAdminFolder(Path dir, Plan plan, List<String> done) throws IOException {
        Path locked = dir.resolve("locked");
        if (!Files.isRegularFile(locked, LinkOption.NOFOLLOW_LINKS)
                || !Files.readString(locked, StandardCharsets.UTF_8).strip().equals("initializing")) {
            return;
        }
        String name = dir.getFileName().toString().replaceAll("[0-9]+$", "");
        boolean ours = name.equals("integration")
                || plan.tasks().stream()
                        .anyMatch(t -> name.equals(RefNames.part(t.id()).replaceAll("[0-9]+$", "")));
        if (ours) {
            Files.delete(locked);
            done.add("removed the stale git lock " + locked + " of a worktree whose creation was cut short");
        }
    }

    private void clearLocks(Plan plan, List<String> done) {
        Path admin = commonDir.resolve("worktrees");
        if (Files.isDirectory(admin, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> dirs = Files.list(admin)) {
                for (Path dir : dirs.toList()) {
                    Path gitdir = dir.resolve("gitdir");
                    if (!Files.isRegularFile(gitdir, LinkOption.NOFOLLOW_LINKS)) {
                        clearHalfMadeAdminFolder(dir, plan, done);
                        continue;
                    }
                    Path worktree = Path.of(Files.readString(gitdir, StandardCharsets.UTF_8)
                                    .strip())
                            .getParent();
                    if (worktree == null || !worktree.normalize().startsWith(home)) {
                        continue;
                    }
                    deleteLocks(dir, false, done);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path heads = commonDir.resolve("refs").resolve("heads");
        String part = RefNames.part(planId);
        deleteLocks(heads.resolve("planexec").resolve(part + ".lock"), done);
        deleteLocks(heads.resolve("planexec-task").resolve(part), true, done);
        deleteLocks(heads.resolve("planexec-backup").resolve(part), true, done);
    }

    private static void deleteLocks(Path dir, boolean deep, List<String> done) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = deep ? Files.walk(dir) : Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && (name.endsWith(".lock") || (!deep && name.equals("locked")))) {
                    Files.delete(f);
                    done.add("removed the stale git lock " + f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteLocks(Path lockFile, List<String> done) {
        try {
            if (Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(lockFile);
                done.add("removed the stale git lock " + lockFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void copyFiles(Path worktree) {
        for (String file : copyFiles) {
            Path from = top.resolve(file).normalize();
            Path to = worktree.resolve(file).normalize();
            if (!from.startsWith(top)
                    || !to.startsWith(worktree)
                    || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.createDirectories(to.getParent());
                if (!to.getParent().toRealPath().startsWith(worktree.toRealPath())) {
                    continue; // a link in the worktree would lead the copy out of it
                }
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private boolean isWorktree(Path path) {
        return Files.isRegularFile(path.resolve(".git"), LinkOption.NOFOLLOW_LINKS)
                && git.run(path, "rev-parse", "-q", "--verify", "HEAD").ok();
    }

    private void removeWorktree(Path path) {
        structure.run(() -> removeWorktreeLocked(path));
    }

    private void removeWorktreeLocked(Path path) {
        if (!path.normalize().startsWith(home)) {
            throw new IsolationException(path + " is not a worktree of planexec's; it is left alone");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            git.run(top, "worktree", "remove", "--force", "--force", path.toString());
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    SecureFiles.deleteTree(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        git.run(top, "worktree", "prune");
    }

    private void createParent(Path path) {
        try {
            SecureFiles.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TaskWorktree owned(TaskWorktree wt) {
        if (wt == null) {
            throw new IllegalStateException("the task has no worktree assigned");
        }
        if (!Path.of(wt.path()).normalize().startsWith(home)) {
            throw new IsolationException("the plan names the worktree " + wt.path() + ", which is not under " + home
                    + " where planexec keeps this plan's worktrees; run planexec reset on the task");
        }
        if (!ownsBranch(wt.branch())) {
            throw new IsolationException("the plan names the branch " + wt.branch() + ", which is not one of the"
                    + " branches planexec makes for this plan (" + RefNames.taskBranch(planId, "<task-id>")
                    + "); run planexec reset on the task");
        }
        return wt;
    }

    /**
     * Whether {@code branch} is one planexec makes for this plan's tasks. The plan file is the user's to edit: a name
     * in it is never enough reason to delete or rename a branch such as {@code main}.
     */
    boolean ownsBranch(String branch) {
        String part = RefNames.part(planId);
        return branch != null
                && (branch.startsWith("planexec-task/" + part + "/")
                        || branch.startsWith("planexec-backup/" + part + "/"))
                && !branch.contains("..")
                && git.run(top, "check-ref-format", "refs/heads/" + branch).ok();
    }

    boolean branchExists(String branch) {
        return git.run(top, "rev-parse", "-q", "--verify", "refs/heads/" + branch)
                .ok();
    }

    private boolean isAncestor(String commit, String of) {
        return git.run(top, "merge-base", "--is-ancestor", commit, of).ok();
    }
}
