package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.GitRepo;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs of the packaged planexec with {@code isolation: worktree} over a real repository. */
class WorktreeRunIT {
    private static final Duration RUN = Duration.ofSeconds(90);

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    GitRepo repo;

    @BeforeEach
    void the_users_repository() {
        repo = GitRepo.init(sandbox.work().resolve("repo"));
        repo.write("shared.txt", "one\n").write("README.md", "hi\n").commitAll("first");
        repo.write("README.md", "stashed\n");
        repo.git("stash", "-q");
        repo.write("shared.txt", "one\nstaged\n");
        repo.git("add", "shared.txt");
        repo.write("notes.txt", "untracked\n");
    }

    private ItPlan plan(String id) {
        return new ItPlan(id, sandbox.marker()).with("workingDirectory", "repo").with("isolation", "worktree");
    }

    @Test
    void independent_tasks_land_on_the_integration_branch_and_the_users_checkout_is_untouched() throws Exception {
        Path file = plan("wt3")
                .task("a", List.of(), "echo a > a.txt")
                .task("b", List.of(), "echo b > b.txt")
                .task("c", List.of("a", "b"), "test -f a.txt && test -f b.txt && echo c > c.txt")
                .writeTo(sandbox.work().resolve("plan.json"));
        GitRepo.Snapshot before = repo.snapshot("notes.txt");

        PlanexecProcess run = sandbox.start("run", file.toString(), "--plain", "--concurrency", "2");
        assertEquals(0, run.awaitExit(RUN), run::describe);

        Plan plan = PlanFiles.load(file, AgentRegistry.NAMES);
        for (Task t : plan.tasks()) {
            assertEquals(TaskStatus.DONE, t.status(), t.id() + "\n" + run.describe());
            assertNotNull(t.worktree(), t.id());
        }
        assertEquals(repo.git("rev-parse", "main"), plan.gitBase().commit());
        assertEquals("main", plan.gitBase().branch());
        assertTrue(repo.filesOn("planexec/wt3").containsAll(List.of("a.txt", "b.txt", "c.txt")));
        assertEquals(before, repo.snapshot("notes.txt"), "the user's checkout is as it was");
        assertTrue(run.stdout().contains("landed on planexec/wt3: 3 tasks, 3 files, +3 -0"), run.stdout());
        assertTrue(run.stdout().contains("take it with: planexec land"), run.stdout());
        assertWorktreesNamedByPlan(plan);
        assertEquals("", repo.git("fsck", "--no-progress"));
    }

    @Test
    void two_plans_in_one_repository_run_at_once_each_landing_on_its_own_branch() throws Exception {
        int tasks = 10; // enough that the two runs make worktrees at the same moment (without the lock, 1 in 3 failed)
        List<String> ids = List.of("twa", "twb");
        List<Path> files = new ArrayList<>();
        for (String id : ids) {
            ItPlan plan = plan(id);
            for (int n = 1; n <= tasks; n++) {
                plan.task("t" + n, List.of(), "echo " + id + n + " > " + id + "-" + n + ".txt");
            }
            files.add(plan.writeTo(sandbox.work().resolve(id + ".json")));
        }
        // Started together: both make worktrees and branches in the one repository at the same time.
        List<PlanexecProcess> runs = files.stream()
                .map(f -> sandbox.start("run", f.toString(), "--plain", "--concurrency", "4"))
                .toList();
        for (PlanexecProcess run : runs) {
            assertEquals(0, run.awaitExit(RUN), run::describe);
        }

        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Plan plan = PlanFiles.load(files.get(i), AgentRegistry.NAMES);
            plans.add(plan);
            for (Task t : plan.tasks()) {
                assertEquals(
                        TaskStatus.DONE,
                        t.status(),
                        id + "/" + t.id() + "\n" + runs.get(i).describe());
                assertTrue(
                        repo.run("merge-base", "--is-ancestor", t.worktree().branch(), "planexec/" + id)
                                        .exitCode()
                                == 0,
                        t.worktree().branch() + " is merged into planexec/" + id);
            }
            List<String> landed = repo.filesOn("planexec/" + id);
            for (String other : ids) {
                for (int n = 1; n <= tasks; n++) {
                    String name = other + "-" + n + ".txt";
                    assertEquals(other.equals(id), landed.contains(name), name + " on planexec/" + id + ": " + landed);
                }
            }
            assertEquals(
                    tasks,
                    repo.git("log", "--merges", "--format=%H", "planexec/" + id)
                            .lines()
                            .count());
        }
        assertWorktreesNamedByPlan(plans.toArray(Plan[]::new));
        assertEquals("", repo.git("fsck", "--no-progress"));
        try (Stream<Path> gitFiles = Files.walk(repo.dir().resolve(".git"))) {
            List<Path> locks = gitFiles.filter(f -> f.getFileName().toString().endsWith(".lock")
                            || f.getFileName().toString().equals("locked"))
                    .toList();
            assertEquals(List.of(), locks, "no git lock file is left");
        }
    }

    /** Two tasks changing the same line: a lands while b works, so b's merge conflicts. */
    private Path conflictingPlan(String id) throws Exception {
        Path started = sandbox.work().resolve("b-started");
        return plan(id)
                // b started from the integration branch as it was before a's change.
                .task("a", List.of(), "while [ ! -f '" + started + "' ]; do sleep 0.1; done; echo from-a > shared.txt")
                .task("b", List.of(), "touch '" + started + "'; sleep 2; echo from-b > shared.txt")
                .writeTo(sandbox.work().resolve("plan.json"));
    }

    @Test
    void a_local_conflict_fails_naming_the_file_and_keeps_the_worktree() throws Exception {
        Path file = conflictingPlan("wtc");
        PlanexecProcess run = sandbox.start("run", file.toString(), "--plain", "--concurrency", "2");
        assertEquals(1, run.awaitExit(RUN), run::describe);
        Plan plan = PlanFiles.load(file, AgentRegistry.NAMES);
        Task a = plan.task("a").orElseThrow();
        Task b = plan.task("b").orElseThrow();
        assertEquals(TaskStatus.DONE, a.status());
        assertEquals(TaskStatus.FAILED, b.status());
        assertTrue(b.error().contains("conflicts in shared.txt"), b.error());
        assertTrue(b.error().contains(b.worktree().path()), b.error());
        assertTrue(Files.isDirectory(Path.of(b.worktree().path())), "the worktree is kept");
        assertEquals("from-b\n", Files.readString(Path.of(b.worktree().path()).resolve("shared.txt")));
        assertEquals("from-a", repo.git("show", "planexec/wtc:shared.txt"));

        // reset does not drop b's unmerged work without being told to.
        PlanexecProcess refused = sandbox.start("reset", file.toString());
        assertEquals(2, refused.awaitExit(RUN), refused::describe);
        assertTrue(refused.stderr().contains("would be lost: b (planexec-task/wtc/b)"), refused.stderr());
        assertTrue(Files.isDirectory(Path.of(b.worktree().path())));
        PlanexecProcess forced = sandbox.start("reset", file.toString(), "--force");
        assertEquals(0, forced.awaitExit(RUN), forced::describe);
        assertFalse(Files.exists(Path.of(b.worktree().path())));
        assertFalse(Files.exists(Path.of(a.worktree().path())));
        assertEquals("", repo.git("branch", "--list", "planexec-task/*"));
        assertEquals(null, Plans.task(file, "b").worktree());
    }

    @Test
    void sessions_clean_removes_landed_worktrees_and_keeps_unlanded_work_unless_forced() throws Exception {
        Path file = conflictingPlan("wts");
        assertEquals(
                1,
                sandbox.start("run", file.toString(), "--plain", "--concurrency", "2")
                        .awaitExit(RUN));
        Plan ran = PlanFiles.load(file, AgentRegistry.NAMES);
        Task a = ran.task("a").orElseThrow();
        Task b = ran.task("b").orElseThrow();
        String result = repo.git("rev-parse", "planexec/wts");

        PlanexecProcess clean = sandbox.start("sessions", "clean", file.toString());
        assertEquals(0, clean.awaitExit(RUN), clean::describe);
        assertTrue(
                clean.stdout().contains("removed the worktree and branch planexec-task/wts/a of task a"),
                clean.stdout());
        assertTrue(clean.stdout().contains("removed the integration worktree"), clean.stdout());
        assertTrue(
                clean.stdout()
                        .contains("kept the worktree and branch planexec-task/wts/b of task b: they hold work not"
                                + " on planexec/wts (--force removes them)"),
                clean.stdout());
        assertFalse(Files.exists(Path.of(a.worktree().path())));
        assertTrue(Files.isDirectory(Path.of(b.worktree().path())), "b's unlanded work is kept");
        assertEquals("from-b\n", Files.readString(Path.of(b.worktree().path()).resolve("shared.txt")));
        assertEquals(
                "planexec-task/wts/b", repo.git("branch", "--format=%(refname:short)", "--list", "planexec-task/*"));

        PlanexecProcess forced = sandbox.start("sessions", "clean", file.toString(), "--force");
        assertEquals(0, forced.awaitExit(RUN), forced::describe);
        assertTrue(
                forced.stdout().contains("removed the worktree and branch planexec-task/wts/b of task b"),
                forced.stdout());
        assertFalse(Files.exists(Path.of(b.worktree().path())));
        assertEquals("", repo.git("branch", "--list", "planexec-task/*"));
        assertEquals(result, repo.git("rev-parse", "planexec/wts"), "the plan's result stays");
        assertWorktreesNamedByPlan(PlanFiles.load(file, AgentRegistry.NAMES));
        assertEquals(1, repo.git("worktree", "list").lines().count(), repo.git("worktree", "list"));

        // b runs again from the integration branch, in a worktree made anew, and lands this time.
        PlanexecProcess again = sandbox.start("run", file.toString(), "--plain");
        assertEquals(0, again.awaitExit(RUN), again::describe);
        assertEquals(TaskStatus.DONE, Plans.task(file, "b").status());
        assertEquals("from-b", repo.git("show", "planexec/wts:shared.txt"));
    }

    @Test
    void the_next_run_of_a_task_that_conflicted_merges_again_first() throws Exception {
        Path started = sandbox.work().resolve("b-started");
        Path file = plan("wtm")
                .task("a", List.of(), "while [ ! -f '" + started + "' ]; do sleep 0.1; done; echo from-a > shared.txt")
                .task(
                        "b",
                        List.of(),
                        "touch '" + started + "'; sleep 2; echo from-b >> '"
                                + sandbox.work().resolve("b-runs") + "'; echo from-b > shared.txt")
                .writeTo(sandbox.work().resolve("plan.json"));
        assertEquals(
                1,
                sandbox.start("run", file.toString(), "--plain", "--concurrency", "2")
                        .awaitExit(RUN));
        Task b = Plans.task(file, "b");
        // The user resolves it in the task's worktree, as the error says.
        Path worktree = Path.of(b.worktree().path());
        GitRepo.run(worktree, "-c", "user.name=u", "-c", "user.email=u@e", "merge", "-q", "planexec/wtm");
        Files.writeString(worktree.resolve("shared.txt"), "resolved by hand\n");
        GitRepo.run(worktree, "add", "-A");
        GitRepo.run(worktree, "-c", "user.name=u", "-c", "user.email=u@e", "commit", "-q", "--no-edit");

        PlanexecProcess again = sandbox.start("run", file.toString(), "--plain");
        assertEquals(0, again.awaitExit(RUN), again::describe);
        assertEquals(TaskStatus.DONE, Plans.task(file, "b").status());
        assertEquals("resolved by hand", repo.git("show", "planexec/wtm:shared.txt"));
        assertEquals(1, Sandbox.lines(sandbox.work().resolve("b-runs")), "the step did not run again");
    }

    @Test
    void land_fast_forwards_the_clean_base_branch() throws Exception {
        Path file = plan("wtl")
                .task("a", List.of(), "echo a > a.txt")
                .writeTo(sandbox.work().resolve("plan.json"));
        assertEquals(0, sandbox.start("run", file.toString(), "--plain").awaitExit(RUN));
        // The user's own staged change must be committed or stashed first.
        PlanexecProcess refused = sandbox.start("land", file.toString());
        assertEquals(2, refused.awaitExit(RUN), refused::describe);
        assertTrue(refused.stderr().contains("uncommitted changes"), refused.stderr());
        repo.git("commit", "-q", "-m", "the user's change");
        String userHead = repo.git("rev-parse", "HEAD");
        PlanexecProcess land = sandbox.start("land", file.toString());
        assertEquals(0, land.awaitExit(RUN), land::describe);
        assertTrue(repo.git("rev-list", "HEAD").contains(userHead));
        assertTrue(repo.filesOn("HEAD").contains("a.txt"));
    }

    @Test
    void land_right_after_a_run_whose_plan_file_is_committed_in_the_repository() throws Exception {
        Path file = new ItPlan("wtp", sandbox.marker())
                .with("isolation", "worktree")
                .task("a", List.of(), "echo a > a.txt")
                .writeTo(repo.dir().resolve("plan.json"));
        repo.git("add", "plan.json");
        repo.git("commit", "-q", "-m", "the plan, and the user's staged change");
        PlanexecProcess run = sandbox.start("run", file.toString(), "--plain");
        assertEquals(0, run.awaitExit(RUN), run::describe);
        byte[] runState = Files.readAllBytes(file);
        assertEquals(
                " M plan.json\n",
                repo.run("status", "--porcelain", "--untracked-files=no").out());

        // Any other uncommitted change still stops it.
        repo.write("README.md", "the user's unfinished work\n");
        GitRepo.Snapshot dirty = repo.snapshot("notes.txt");
        PlanexecProcess refused = sandbox.start("land", file.toString());
        assertEquals(2, refused.awaitExit(RUN), refused::describe);
        assertTrue(refused.stderr().contains("has uncommitted changes"), refused.stderr());
        assertEquals(dirty, repo.snapshot("notes.txt"), "the checkout is as it was");
        assertArrayEquals(runState, Files.readAllBytes(file));

        repo.git("checkout", "--", "README.md");
        PlanexecProcess land = sandbox.start("land", file.toString());
        assertEquals(0, land.awaitExit(RUN), land::describe);
        assertTrue(land.stdout().contains("fast-forward"), land.stdout());
        assertEquals(repo.git("rev-parse", "planexec/wtp"), repo.git("rev-parse", "HEAD"));
        assertEquals("a\n", Files.readString(repo.dir().resolve("a.txt")));
        assertArrayEquals(runState, Files.readAllBytes(file), "the plan file keeps the run's state");
        assertEquals(TaskStatus.DONE, Plans.task(file, "a").status());
        assertEquals(
                " M plan.json\n",
                repo.run("status", "--porcelain", "--untracked-files=no").out());
    }

    @Test
    void a_worktree_plan_outside_a_repository_is_refused_before_anything_runs() throws Exception {
        Path elsewhere = Files.createDirectories(sandbox.work().resolve("plain"));
        Path file = new ItPlan("wtr", sandbox.marker())
                .with("workingDirectory", "plain")
                .with("isolation", "worktree")
                .task("a", List.of(), "echo a > a.txt")
                .writeTo(sandbox.work().resolve("plan.json"));
        byte[] bytes = Files.readAllBytes(file);
        PlanexecProcess run = sandbox.start("run", file.toString(), "--plain");
        assertEquals(2, run.awaitExit(RUN), run::describe);
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertTrue(run.stderr().contains("is not inside a git repository"), run.stderr());
        assertFalse(Files.exists(elsewhere.resolve("a.txt")));
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(file)), "the plan file is unchanged");
    }

    @Test
    void a_worktree_plan_without_git_on_path_is_refused_before_anything_runs() throws Exception {
        Path file = plan("wtg")
                .task("a", List.of(), "echo a > a.txt")
                .writeTo(sandbox.work().resolve("plan.json"));
        byte[] bytes = Files.readAllBytes(file);
        Path noGit = Files.createDirectories(sandbox.root().resolve("no-git"));
        PlanexecProcess run = sandbox.startWith(Map.of("PATH", noGit.toString()), "run", file.toString(), "--plain");
        assertEquals(2, run.awaitExit(RUN), run::describe);
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertTrue(run.stderr().contains("needs git, which is not on PATH"), run.stderr());
        assertTrue(run.stderr().contains("--isolation none"), run.stderr());
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(file)), "the plan file is unchanged");
    }

    @Test
    void resume_after_kill_9_goes_on_in_the_same_session_and_worktree() throws Exception {
        Path file = killedMidTask("wtk");
        Task killed = Plans.task(file, "a");
        Files.writeString(sandbox.work().resolve("fast"), "");
        PlanexecProcess again = sandbox.start("run", file.toString(), "--plain", "--on-orphans", "resume");
        assertEquals(0, again.awaitExit(RUN), again::describe);
        Task done = Plans.task(file, "a");
        assertEquals(TaskStatus.DONE, done.status());
        assertEquals(killed.sessionId(), done.sessionId());
        assertEquals(killed.worktree().path(), done.worktree().path());
        assertEquals("first\nsecond", repo.git("show", "planexec/wtk:a.txt"));
        assertEquals(1, Sandbox.lines(sandbox.work().resolve("markers/a-1")), "the finished step did not run again");
    }

    @Test
    void start_fresh_keeps_a_backup_branch_and_clean_up_leaves_no_worktree_or_branch() throws Exception {
        Path file = killedMidTask("wtf");
        Task killed = Plans.task(file, "a");
        Files.writeString(sandbox.work().resolve("fast"), "");
        PlanexecProcess fresh = sandbox.start("run", file.toString(), "--plain", "--on-orphans", "fresh");
        assertEquals(0, fresh.awaitExit(RUN), fresh::describe);
        assertEquals("first", repo.git("show", "planexec-backup/wtf/a-1:a.txt"), "the old work is kept");

        Path file2 = killedMidTask("wtu");
        Task killed2 = PlanFiles.load(file2, AgentRegistry.NAMES).task("a").orElseThrow();
        PlanexecProcess clean = sandbox.start("run", file2.toString(), "--plain", "--on-orphans", "clean");
        clean.awaitExit(RUN);
        assertFalse(Files.exists(Path.of(killed2.worktree().path())));
        assertEquals("", repo.git("branch", "--list", killed2.worktree().branch()));
        assertFalse(repo.git("worktree", "list").contains(killed2.worktree().path()));
        assertNotNull(killed);
    }

    @Test
    void start_fresh_names_its_backup_branch_in_the_plan_before_making_it_even_across_a_kill_9() throws Exception {
        Path file = killedMidTask("wtw");
        Path calls = sandbox.work().resolve("branch-calls");
        Path killNow = sandbox.work().resolve("kill-now");
        Files.writeString(killNow, "");
        // At the moment git is asked to make the backup branch, the wrapper notes whether the plan file names it;
        // the first time, it kills planexec (kill -9) instead of running git.
        Map<String, String> env = Map.of(
                "PATH",
                GitWrapper.path(
                        sandbox.root().resolve("git-wrapper"),
                        "case \" $* \" in *\" branch -m \"*)\n"
                                + "  for last; do :; done\n"
                                + "  if grep -q \"\\\"$last\\\"\" '" + file
                                + "'; then echo \"named $last\" >> '"
                                + calls + "'; else echo \"unnamed $last\" >> '" + calls + "'; fi\n"
                                + "  if [ -f '" + killNow + "' ]; then rm -f '" + killNow
                                + "'; kill -9 $(head -1 '" + file + ".lock'); exit 1; fi;;\n"
                                + "esac\n"));
        Files.writeString(sandbox.work().resolve("fast"), "");

        PlanexecProcess killed = sandbox.startWith(env, "run", file.toString(), "--plain", "--on-orphans", "fresh");
        assertEquals(137, killed.awaitExit(RUN), killed::describe);
        assertEquals(List.of("named planexec-backup/wtw/a-1"), Files.readAllLines(calls));
        Task cutShort = Plans.task(file, "a");
        assertEquals(List.of("planexec-backup/wtw/a-1"), cutShort.worktree().backupBranches());
        assertEquals("", repo.git("branch", "--list", "planexec-backup/*"), "killed before the branch was made");

        PlanexecProcess fresh = sandbox.startWith(env, "run", file.toString(), "--plain", "--on-orphans", "fresh");
        assertEquals(0, fresh.awaitExit(RUN), fresh::describe);
        assertEquals(
                List.of("named planexec-backup/wtw/a-1", "named planexec-backup/wtw/a-1"),
                Files.readAllLines(calls),
                "the name saved ahead is the one made");
        assertEquals("first", repo.git("show", "planexec-backup/wtw/a-1:a.txt"), "the old work is kept");
        Task done = Plans.task(file, "a");
        assertEquals(TaskStatus.DONE, done.status());
        assertEquals(List.of("planexec-backup/wtw/a-1"), done.worktree().backupBranches());
        assertEquals("first\nsecond", repo.git("show", "planexec/wtw:a.txt"));

        // reset names the backup as work that would be lost, and removes it when told to.
        PlanexecProcess refused = sandbox.start("reset", file.toString());
        assertEquals(2, refused.awaitExit(RUN), refused::describe);
        assertTrue(refused.stderr().contains("a's backup planexec-backup/wtw/a-1"), refused.stderr());
        assertEquals(0, sandbox.start("reset", file.toString(), "--force").awaitExit(RUN));
        assertEquals("", repo.git("branch", "--list", "planexec-backup/*", "planexec-task/*"));
    }

    /** A run killed with kill -9 while task a's second step waits, after its first wrote a.txt in its worktree. */
    private Path killedMidTask(String id) throws Exception {
        Files.deleteIfExists(sandbox.work().resolve("fast"));
        Path file = plan(id).task(
                        "a",
                        List.of(),
                        "echo first > a.txt; echo x >> '" + sandbox.work().resolve("markers/a-1") + "'",
                        "[ -f '" + sandbox.work().resolve("fast") + "' ] || sleep 30",
                        "echo second >> a.txt")
                .writeTo(sandbox.work().resolve(id + ".json"));
        PlanexecProcess run = sandbox.start("run", file.toString(), "--plain");
        Waits.until(() -> "task a's second step to be running\n" + run.describe(), RUN, () -> {
            Task a;
            try {
                a = PlanFiles.load(file, AgentRegistry.NAMES).task("a").orElseThrow();
            } catch (dev.planexec.plan.InvalidPlanException e) {
                return false; // between writes
            }
            return a.worktree() != null
                    && a.worktree().startCommit() != null
                    && Files.exists(Path.of(a.worktree().path()).resolve("a.txt"))
                    && MarkedProcesses.matching(sandbox.marker(), "sleep 30").size() == 1;
        });
        run.kill9();
        return file;
    }

    private void assertWorktreesNamedByPlan(Plan... plans) {
        List<String> named = Stream.of(plans)
                .flatMap(p -> p.tasks().stream())
                .filter(t -> t.worktree() != null)
                .map(t -> t.worktree().path())
                .toList();
        for (String line : repo.git("worktree", "list", "--porcelain").lines().toList()) {
            if (!line.startsWith("worktree ")) {
                continue;
            }
            String path = line.substring("worktree ".length());
            boolean ok = path.equals(repo.dir().toString()) || named.contains(path) || path.endsWith("/integration");
            assertTrue(ok, "git worktree list names " + path + ", which no plan does");
        }
    }
}
