package dev.planexec.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.GitBase;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Step;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskWorktree;
import dev.planexec.testing.GitRepo;
import dev.planexec.testing.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worktree isolation against the real git: every step, and every step cut short. */
class WorktreeIsolationTest {
    @TempDir
    Path temp;

    GitRepo repo;
    Path state;
    Plan plan;
    WorktreeIsolation isolation;

    @BeforeEach
    void repository() {
        repo = GitRepo.init(temp.resolve("repo"));
        repo.write("README.md", "hello\n").write("app/shared.txt", "line one\n").commitAll("first");
        // The user's own state: a staged change, a stash, an untracked file. None of it may change.
        repo.write("README.md", "stashed edit\n");
        repo.git("stash", "-q");
        repo.write("app/shared.txt", "line one\nstaged by the user\n");
        repo.git("add", "app/shared.txt");
        repo.write("notes.txt", "the user's untracked file\n");
        repo.write(".env", "SECRET=1\n");
        state = temp.resolve("state");
        plan = plan("p1", List.of(task("a"), task("b"), task("c")), List.of(".env"));
        isolation = WorktreeIsolation.open(repo.dir().resolve("app"), plan, state);
    }

    @Test
    void a_task_runs_in_its_own_worktree_and_lands_on_the_integration_branch_without_touching_the_checkout()
            throws Exception {
        GitRepo.Snapshot before = repo.snapshot("notes.txt");
        Task a = startPlanAndAssign(0);
        assertFalse(Files.exists(Path.of(a.worktree().path())), "assign decides the worktree, it does not make it");
        assertFalse(isolation.branchExists(a.worktree().branch()));

        Workspace ws = isolation.prepare(a);
        assertEquals(Path.of(a.worktree().path()).resolve("app"), ws.directory(), "the same subfolder as the plan");
        assertEquals(repo.git("rev-parse", "planexec/p1"), ws.worktree().startCommit());
        assertEquals("SECRET=1\n", Files.readString(Path.of(a.worktree().path()).resolve(".env")));
        Files.writeString(ws.directory().resolve("a.txt"), "from a\n");

        Task started = a.withWorktree(ws.worktree());
        Landing landing = isolation.land(started, "planexec-p1-a-1");
        Landing.Landed landed = assertInstanceOf(Landing.Landed.class, landing);
        assertEquals(new DiffStat(1, 1, 0), landed.stat());
        assertEquals(landed.mergeCommit(), repo.git("rev-parse", "planexec/p1"));
        assertTrue(repo.filesOn("planexec/p1").contains("app/a.txt"));
        assertFalse(repo.filesOn("planexec/p1").contains(".env"), "copied secrets are never committed");
        String message = repo.git("log", "-1", "--format=%B", a.worktree().branch());
        assertTrue(message.startsWith("Task a (a)\n"), message);
        assertTrue(message.contains("Planexec-Task: a\nPlanexec-Session: planexec-p1-a-1"), message);
        assertEquals(before, repo.snapshot("notes.txt"));

        // Landing again (a crash before the plan said done) merges nothing more.
        isolation.land(started, "planexec-p1-a-1");
        assertEquals(1, merges("a"));
        assertFalse(isolation.holdsUnlandedWork(started.worktree()));
    }

    @Test
    void a_dependent_task_starts_from_the_merged_work_of_the_tasks_before_it() throws Exception {
        GitRepo.Snapshot before = repo.snapshot("notes.txt");
        Task a = run(startPlanAndAssign(0), "a.txt");
        Task b = run(assignTo(1), "b.txt");
        Task c = assignTo(2);
        Workspace ws = isolation.prepare(c);
        assertTrue(Files.exists(ws.directory().resolve("a.txt")));
        assertTrue(Files.exists(ws.directory().resolve("b.txt")));
        Files.writeString(ws.directory().resolve("c.txt"), "c\n");
        assertInstanceOf(Landing.Landed.class, isolation.land(c.withWorktree(ws.worktree()), "s-c"));
        assertTrue(repo.filesOn("planexec/p1").containsAll(List.of("app/a.txt", "app/b.txt", "app/c.txt")));
        assertEquals(1, merges("a"));
        assertEquals(1, merges("b"));
        assertEquals(1, merges("c"));
        assertEquals(before, repo.snapshot("notes.txt"));
        assertNull(a.error());
        assertNull(b.error());
    }

    @Test
    void a_conflict_is_aborted_and_named_and_lands_once_the_branch_is_brought_up_to_date() throws Exception {
        Task a = startPlanAndAssign(0);
        Task b = assignTo(1);
        Workspace wa = isolation.prepare(a);
        Workspace wb = isolation.prepare(b);
        Files.writeString(wa.directory().resolve("shared.txt"), "changed by a\n");
        Files.writeString(wb.directory().resolve("shared.txt"), "changed by b\n");
        a = a.withWorktree(wa.worktree());
        b = b.withWorktree(wb.worktree());
        assertInstanceOf(Landing.Landed.class, isolation.land(a, "s-a"));
        String integration = repo.git("rev-parse", "planexec/p1");

        Landing.Conflict conflict = assertInstanceOf(Landing.Conflict.class, isolation.land(b, "s-b"));
        assertEquals(List.of("app/shared.txt"), conflict.files());
        assertEquals(b.worktree().path(), conflict.worktree());
        assertTrue(conflict.describe().contains("app/shared.txt"), conflict.describe());
        assertEquals(integration, repo.git("rev-parse", "planexec/p1"), "the integration branch is as it was");
        assertTrue(Files.isDirectory(Path.of(b.worktree().path())), "the worktree is kept");
        assertEquals(
                "",
                GitRepo.run(isolation.integrationWorktree(), "status", "--porcelain")
                        .out());
        assertTrue(isolation.holdsUnlandedWork(b.worktree()));

        // What the resolve turn does: bring the branch up to date and settle the conflict; then the merge is retried.
        Path wtb = Path.of(b.worktree().path());
        GitRepo.run(wtb, "-c", "user.name=t", "-c", "user.email=t@e", "merge", "-q", "planexec/p1");
        Files.writeString(wtb.resolve("app/shared.txt"), "changed by a and b\n");
        assertInstanceOf(Landing.Landed.class, isolation.land(b, "s-b"));
        assertEquals("changed by a and b\n", repo.git("show", "planexec/p1:app/shared.txt") + "\n");
    }

    @Test
    void clean_removes_the_worktree_and_the_branch() {
        Task a = run(startPlanAndAssign(0), "a.txt");
        isolation.clean(a.worktree());
        assertFalse(Files.exists(Path.of(a.worktree().path())));
        assertFalse(isolation.branchExists(a.worktree().branch()));
        assertFalse(repo.git("worktree", "list").contains(a.worktree().path()));
        assertTrue(repo.filesOn("planexec/p1").contains("app/a.txt"), "landed work stays landed");
    }

    @Test
    void start_fresh_keeps_the_old_work_on_a_backup_branch_and_starts_from_the_integration_branch() throws Exception {
        Task a = startPlanAndAssign(0);
        Workspace ws = isolation.prepare(a);
        a = a.withWorktree(ws.worktree());
        Files.writeString(ws.directory().resolve("half.txt"), "half done\n");
        assertTrue(isolation.holdsUnlandedWork(a.worktree()));

        String backup = isolation.backupBranch(a);
        assertEquals("planexec-backup/p1/a-1", backup);
        isolation.keepAsBackup(a.worktree(), backup);
        assertTrue(repo.filesOn(backup).contains("app/half.txt"));
        assertFalse(Files.exists(Path.of(a.worktree().path())));
        assertEquals("planexec-backup/p1/a-2", isolation.backupBranch(a));

        Task fresh = a.withWorktree(isolation.assign(a.withWorktree(null)));
        Workspace again = isolation.prepare(fresh);
        assertFalse(Files.exists(again.directory().resolve("half.txt")));
        assertEquals(repo.git("rev-parse", "planexec/p1"), again.worktree().startCommit());
    }

    @Test
    void recovery_completes_a_commit_cut_short_and_clears_the_locks_it_owns_but_not_the_users() throws Exception {
        Task a = startPlanAndAssign(0);
        Workspace ws = isolation.prepare(a);
        a = a.withWorktree(ws.worktree());
        Files.writeString(ws.directory().resolve("a.txt"), "a\n");
        // A kill -9 during git add/commit leaves the worktree's index.lock; during a branch update, the ref's lock.
        Path admin = Path.of(GitRepo.run(Path.of(a.worktree().path()), "rev-parse", "--git-dir")
                .out()
                .strip());
        Files.writeString(admin.resolve("index.lock"), "");
        Files.writeString(admin.resolve("locked"), "initializing");
        Path refLock = repo.dir().resolve(".git/refs/heads/planexec-task/p1/a.lock");
        Files.writeString(refLock, "");
        Path usersLock = repo.dir().resolve(".git/index.lock");
        Files.writeString(usersLock, "");

        List<String> done = isolation.recover(plan.withTask("a", t -> t.withWorktree(ws.worktree())));
        assertFalse(Files.exists(admin.resolve("index.lock")));
        assertFalse(Files.exists(admin.resolve("locked")));
        assertFalse(Files.exists(refLock));
        assertTrue(Files.exists(usersLock), "the user's own lock is not planexec's to remove");
        assertEquals(3, done.size(), done.toString());
        Files.delete(usersLock);

        assertTrue(Files.exists(ws.directory().resolve("a.txt")), "the agent's edits survive recovery");
        assertInstanceOf(Landing.Landed.class, isolation.land(a, "s"));
        assertEquals(1, merges("a"));
    }

    @Test
    void recovery_clears_the_admin_folder_of_a_worktree_add_killed_before_it_named_its_worktree() throws Exception {
        startPlanAndAssign(0);
        // git worktree add killed after writing "locked" but before "gitdir": prune keeps such a folder for ever.
        Path ours = Files.createDirectories(repo.dir().resolve(".git/worktrees/a2"));
        Files.writeString(ours.resolve("locked"), "initializing\n");
        Path theirs = Files.createDirectories(repo.dir().resolve(".git/worktrees/mine"));
        Files.writeString(theirs.resolve("locked"), "initializing\n");

        List<String> done = isolation.recover(plan);
        assertFalse(Files.exists(ours), "cleared, then pruned by git: " + done);
        assertTrue(Files.exists(theirs.resolve("locked")), "a folder of a name planexec does not give is left alone");
    }

    @Test
    void recovery_rolls_back_a_merge_cut_short_and_the_next_landing_merges_once() throws Exception {
        Task a = run(startPlanAndAssign(0), "a.txt");
        Task b = assignTo(1);
        Workspace wb = isolation.prepare(b);
        b = b.withWorktree(wb.worktree());
        Files.writeString(wb.directory().resolve("b.txt"), "b\n");
        Path wtb = Path.of(b.worktree().path());
        GitRepo.run(wtb, "add", "-A");
        GitRepo.run(wtb, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "b");
        // A merge killed half way: MERGE_HEAD set, the index and files of the integration worktree changed.
        Path integration = isolation.integrationWorktree();
        GitRepo.run(integration, "merge", "--no-commit", "--no-ff", b.worktree().branch());
        Files.writeString(integration.resolve("stray.txt"), "left by a killed merge\n");
        assertTrue(GitRepo.run(integration, "rev-parse", "-q", "--verify", "MERGE_HEAD")
                        .exitCode()
                == 0);

        Task bFinal = b;
        List<String> done = isolation.recover(plan.withTask("a", t -> a).withTask("b", t -> bFinal));
        assertTrue(done.stream().anyMatch(l -> l.contains("interrupted merge")), done.toString());
        assertEquals("", GitRepo.run(integration, "status", "--porcelain").out());
        assertInstanceOf(Landing.Landed.class, isolation.land(b, "s-b"));
        assertEquals(1, merges("b"));
        assertEquals(1, merges("a"));
        assertEquals("", repo.git("fsck", "--no-progress").strip());
    }

    @Test
    void a_worktree_whose_creation_was_cut_short_is_made_anew() throws Exception {
        Task a = startPlanAndAssign(0);
        Path path = Path.of(a.worktree().path());
        // git worktree add killed half way: the folder and branch exist, the plan has no start commit.
        repo.git("branch", a.worktree().branch(), "planexec/p1");
        Files.createDirectories(path);
        Files.writeString(path.resolve("partial"), "");
        Workspace ws = isolation.prepare(a);
        assertFalse(Files.exists(path.resolve("partial")));
        assertTrue(Files.exists(ws.directory().resolve("shared.txt")));
        assertEquals(repo.git("rev-parse", "planexec/p1"), ws.worktree().startCommit());
    }

    @Test
    void recovery_removes_worktrees_the_plan_no_longer_names() {
        Task a = run(startPlanAndAssign(0), "a.txt");
        List<String> done = isolation.recover(plan); // a plan whose task a has no worktree (reset by hand)
        assertTrue(done.stream().anyMatch(l -> l.contains("no longer names")), done.toString());
        assertFalse(Files.exists(Path.of(a.worktree().path())));
        assertFalse(repo.git("worktree", "list").contains(a.worktree().path()));
    }

    @Test
    void a_backup_name_saved_ahead_is_used_when_start_fresh_was_cut_short() throws Exception {
        Task a = startPlanAndAssign(0);
        Workspace ws = isolation.prepare(a);
        Files.writeString(ws.directory().resolve("half.txt"), "half done\n");
        // The plan was saved with the name; the crash came before the branch was made.
        Task named = a.withWorktree(ws.worktree().withBackupBranch("planexec-backup/p1/a-1"));
        assertEquals(List.of(), isolation.backupsKept(named.worktree()));
        assertEquals("planexec-backup/p1/a-1", isolation.backupBranch(named), "the saved name, not a new one");

        isolation.keepAsBackup(named.worktree(), "planexec-backup/p1/a-1");
        assertEquals(List.of("planexec-backup/p1/a-1"), isolation.backupsKept(named.worktree()));
        assertEquals("planexec-backup/p1/a-2", isolation.backupBranch(named), "a name in use is not reused");
        isolation.removeBackups(named.worktree());
        assertFalse(isolation.branchExists("planexec-backup/p1/a-1"));
    }

    @Test
    void a_branch_the_plan_names_is_deleted_or_moved_only_if_planexec_makes_such_branches_for_this_plan() {
        Task a = startPlanAndAssign(0);
        String main = repo.git("rev-parse", "main");
        TaskWorktree edited = new TaskWorktree(a.worktree().path(), "main", null, List.of("main", "planexec/p1"));
        IsolationException e = assertThrows(IsolationException.class, () -> isolation.clean(edited));
        assertTrue(e.getMessage().contains("the branch main"), e.getMessage());
        assertThrows(IsolationException.class, () -> isolation.keepAsBackup(a.worktree(), "main"));
        assertEquals(List.of(), isolation.backupsKept(edited));
        isolation.removeBackups(edited);
        assertEquals(main, repo.git("rev-parse", "main"));
        assertTrue(isolation.branchExists("planexec/p1"));
        assertFalse(isolation.ownsBranch("planexec-task/other/a"), "another plan's branches are not this plan's");
    }

    @Test
    void a_task_branch_holding_commits_its_record_does_not_account_for_is_neither_dropped_nor_moved() {
        Task a = startPlanAndAssign(0);
        // A branch of that name made by hand, with a commit of its own; the task's record says nothing was made yet.
        repo.git("branch", a.worktree().branch(), "planexec/p1");
        Path other = temp.resolve("by-hand");
        repo.git("worktree", "add", "-q", other.toString(), a.worktree().branch());
        GitRepo.run(other, "-c", "user.name=u", "-c", "user.email=u@e", "commit", "-q", "--allow-empty", "-m", "mine");
        repo.git("worktree", "remove", other.toString());
        String tip = repo.git("rev-parse", a.worktree().branch());

        IsolationException e = assertThrows(IsolationException.class, () -> isolation.prepare(a));
        assertTrue(e.getMessage().contains("holds commits"), e.getMessage());
        assertEquals(tip, repo.git("rev-parse", a.worktree().branch()));
        assertEquals("", repo.git("branch", "--list", "planexec-backup/*"), "nothing the plan does not name");
    }

    @Test
    void leftovers_are_the_worktrees_and_branches_no_task_names() throws Exception {
        Task a = run(startPlanAndAssign(0), "a.txt");
        Task b = assignTo(1);
        Workspace wb = isolation.prepare(b);
        Files.writeString(wb.directory().resolve("b.txt"), "not landed\n");
        repo.git("branch", "planexec-backup/p1/c-1", "planexec/p1");
        repo.git("branch", "planexec-task/p1/gone", "planexec/p1");

        Plan namesNothing = plan; // the plan as it was before any task had a worktree
        List<WorktreeIsolation.Leftover> left = isolation.leftovers(namesNothing);
        assertEquals(4, left.size(), left.toString());
        WorktreeIsolation.Leftover ofA = find(left, a.worktree().branch());
        assertEquals(Path.of(a.worktree().path()), ofA.worktree());
        assertFalse(ofA.holdsUnlandedWork());
        assertTrue(find(left, b.worktree().branch()).holdsUnlandedWork());
        assertTrue(find(left, "planexec-backup/p1/c-1").backup());
        assertFalse(find(left, "planexec-task/p1/gone").holdsUnlandedWork());

        Plan namesAll = plan.withTask("a", t -> a)
                .withTask("b", t -> t.withWorktree(wb.worktree().withBackupBranch("planexec-backup/p1/c-1")));
        assertEquals(
                List.of("planexec-task/p1/gone"),
                isolation.leftovers(namesAll).stream()
                        .map(WorktreeIsolation.Leftover::branch)
                        .toList());

        isolation.remove(ofA);
        assertFalse(Files.exists(Path.of(a.worktree().path())));
        assertFalse(isolation.branchExists(a.worktree().branch()));
        List<String> recovered = isolation.recover(namesNothing);
        assertTrue(Files.isDirectory(wb.directory()), "work not landed is kept: " + recovered);
        assertTrue(isolation.branchExists("planexec-backup/p1/c-1"), "a backup is kept");
        assertFalse(isolation.branchExists("planexec-task/p1/gone"), "a branch holding nothing new is removed");
    }

    private static WorktreeIsolation.Leftover find(List<WorktreeIsolation.Leftover> left, String branch) {
        return left.stream()
                .filter(l -> branch.equals(l.branch()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(branch + " not in " + left));
    }

    @Test
    void refuses_a_folder_outside_a_repository_and_a_repository_without_commits() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("plain"));
        IsolationException e1 =
                assertThrows(IsolationException.class, () -> WorktreeIsolation.open(outside, plan, state));
        assertTrue(e1.getMessage().contains("not inside a git repository"), e1.getMessage());
        GitRepo empty = GitRepo.init(temp.resolve("empty"));
        IsolationException e2 =
                assertThrows(IsolationException.class, () -> WorktreeIsolation.open(empty.dir(), plan, state));
        assertTrue(e2.getMessage().contains("has no commit yet"), e2.getMessage());
    }

    @Test
    void ids_become_safe_branch_and_folder_names() {
        assertEquals("planexec/p1", RefNames.integrationBranch("p1"));
        assertEquals("planexec-task/p1/build.x", RefNames.taskBranch("p1", "build.x"));
        String odd = RefNames.part("../a b:c~^?*[@{x}.lock");
        assertTrue(odd.matches("[A-Za-z0-9_.-]+"), odd);
        assertFalse(odd.contains(".."), odd);
        assertFalse(odd.endsWith(".lock"), odd);
        assertTrue(GitRepo.run(temp, "check-ref-format", "refs/heads/" + RefNames.taskBranch("p/1", odd))
                        .exitCode()
                == 0);
        assertFalse(RefNames.part("a/b").equals(RefNames.part("a-b")), "two ids never share a name");
    }

    /** Starts the plan (base recorded, integration branch made) and assigns task {@code index} its worktree. */
    private Task startPlanAndAssign(int index) {
        GitBase base = isolation.base(plan);
        assertEquals(new GitBase(repo.git("rev-parse", "HEAD"), "main"), base);
        plan = plan.withGitBase(base);
        isolation.start(base);
        return assignTo(index);
    }

    private Task assignTo(int index) {
        Task task = plan.tasks().get(index);
        return task.withWorktree(isolation.assign(task));
    }

    /** Prepares, writes {@code file}, lands. */
    private Task run(Task task, String file) {
        try {
            Workspace ws = isolation.prepare(task);
            Files.writeString(ws.directory().resolve(file), file + "\n");
            Task started = task.withWorktree(ws.worktree());
            assertInstanceOf(Landing.Landed.class, isolation.land(started, "s-" + task.id()));
            return started;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Merge commits on the integration branch that brought in task {@code id}. */
    private long merges(String id) {
        return repo.git("log", "--merges", "--format=%s", "planexec/p1")
                .lines()
                .filter(l -> l.startsWith("Merge task " + id + ":"))
                .count();
    }

    static Task task(String id) {
        return Tasks.of(id, "Task " + id, List.of(), List.of(Step.of("true")));
    }

    static Plan plan(String id, List<Task> tasks, List<String> files) {
        return new Plan(
                id, id, "", "", "", "local", "app", new ArrayList<>(tasks), null, null, "worktree", files, null, null);
    }
}
