package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.GitRepo;
import dev.planexec.testing.MarkedProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 at random moments over a worktree plan, including while git commits, merges and adds worktrees: a wrapper
 * {@code git} first on {@code PATH} marks each such call and waits a moment before running the real git, so the kill
 * can land just before or (killing the git process too) in the middle of it. After each kill: the plan names every
 * worktree git knows of (write-ahead) and no done task is unmerged or merged twice; after each rerun with
 * {@code --on-orphans resume} to the end: every task done and merged exactly once, {@code git fsck} clean, no lock
 * file left, {@code git worktree list} naming nothing the plan does not.
 */
class WorktreeCrashIT {
    private static final long SEED = 20261130L;
    private static final int KILLS = 30;
    private static final int KILLED = 128 + 9;
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final List<String> TASKS = List.of("a", "b", "c", "d", "e", "f");

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void kill_9_during_commits_merges_and_worktree_creation_leaves_nothing_half_done() throws Exception {
        GitRepo repo = GitRepo.init(sandbox.work().resolve("repo"));
        repo.write("README.md", "hi\n").commitAll("first");
        Path hooks = Files.createDirectories(sandbox.root().resolve("git-calls"));
        Map<String, String> env = Map.of("PATH", wrapperOnPath(hooks));
        Random random = new Random(SEED);
        int kills = 0;
        int gitKilledToo = 0;
        int round = 0;
        while (kills < KILLS) {
            round++;
            String id = "crash" + round;
            Path plan = new ItPlan(id, sandbox.marker())
                    .with("workingDirectory", "repo")
                    .with("isolation", "worktree")
                    .task("a", List.of(), "echo a > a.txt")
                    .task("b", List.of(), "echo b > b.txt")
                    .task("c", List.of("a", "b"), "test -f a.txt && test -f b.txt && echo c > c.txt")
                    .task("d", List.of("c"), "echo d > d.txt")
                    .task("e", List.of("c"), "echo e > e.txt")
                    .task("f", List.of("d", "e"), "for x in a b c d e; do test -f $x.txt; done && echo f > f.txt")
                    .writeTo(sandbox.work().resolve(id + ".json"));
            // Several kills per round, each at a moment of its own, until the round's plan is done.
            while (true) {
                int callsBefore = count(hooks);
                PlanexecProcess run = sandbox.startWith(
                        env, "run", plan.toString(), "--plain", "--on-orphans", "resume", "--concurrency", "2");
                boolean atGit = random.nextInt(3) > 0;
                if (atGit) {
                    awaitGitCalls(hooks, callsBefore + 1 + random.nextInt(6), run);
                    Thread.sleep(random.nextInt(250));
                } else {
                    Thread.sleep(300 + random.nextInt(2500));
                }
                if (!run.isAlive()) {
                    assertEquals(0, run.awaitExit(RUN), run::describe);
                    break;
                }
                assertEquals(KILLED, run.kill9(), run::describe);
                // The git call under way dies too, wherever it is.
                if (!MarkedProcesses.killAll(sandbox.marker()).isEmpty()) {
                    gitKilledToo++;
                }
                kills++;
                checkAfterKill(repo, plan, id);
                if (kills >= KILLS) {
                    break;
                }
            }
            PlanexecProcess finish =
                    sandbox.startWith(env, "run", plan.toString(), "--plain", "--on-orphans", "resume");
            assertEquals(0, finish.awaitExit(RUN), finish::describe);
            checkFinished(repo, plan, id);
        }
        System.out.printf(
                "WorktreeCrashIT: %d kills over %d rounds, %d of them with a git call of planexec's killed mid-way%n",
                kills, round, gitKilledToo);
        assertTrue(gitKilledToo >= 5, "only " + gitKilledToo + " kills came during a git call");
    }

    private void checkAfterKill(GitRepo repo, Path file, String id) throws Exception {
        Plan plan = load(file);
        assertWorktreesNamed(repo, plan);
        if (repo.run("rev-parse", "-q", "--verify", "refs/heads/planexec/" + id).exitCode() != 0) {
            return;
        }
        for (Task t : plan.tasks()) {
            long merges = merges(repo, id, t.id());
            assertTrue(merges <= 1, t.id() + " merged " + merges + " times");
            if (t.status() == TaskStatus.DONE) {
                assertEquals(1, merges, t.id() + " is done but not merged");
            }
        }
    }

    private void checkFinished(GitRepo repo, Path file, String id) throws Exception {
        Plan plan = load(file);
        for (Task t : plan.tasks()) {
            assertEquals(TaskStatus.DONE, t.status(), t.id());
            assertEquals(1, merges(repo, id, t.id()), t.id() + " merged once");
        }
        assertTrue(repo.filesOn("planexec/" + id)
                .containsAll(TASKS.stream().map(t -> t + ".txt").toList()));
        // Clean means no broken or missing object, ref or index. A dangling commit is not a fault: a git commit killed
        // after writing its object but before moving the branch leaves one, exactly as it would for the user's own
        // killed commit; the redone commit is the one on the branch, and git gc collects the other.
        assertEquals("", repo.git("fsck", "--no-progress", "--no-dangling"));
        assertWorktreesNamed(repo, plan);
        try (Stream<Path> files = Files.walk(repo.dir().resolve(".git"))) {
            List<Path> locks = files.filter(f -> f.getFileName().toString().endsWith(".lock")
                            || f.getFileName().toString().equals("locked"))
                    .toList();
            assertEquals(List.of(), locks, "git lock files left");
        }
    }

    private static long merges(GitRepo repo, String id, String task) {
        return repo.git("log", "--merges", "--format=%s", "planexec/" + id)
                .lines()
                .filter(l -> l.startsWith("Merge task " + task + ":"))
                .count();
    }

    private void assertWorktreesNamed(GitRepo repo, Plan plan) {
        List<String> named = plan.tasks().stream()
                .filter(t -> t.worktree() != null)
                .map(t -> t.worktree().path())
                .toList();
        for (String line : repo.git("worktree", "list", "--porcelain").lines().toList()) {
            if (line.startsWith("worktree ")) {
                String path = line.substring("worktree ".length());
                boolean ok = path.equals(repo.dir().toString())
                        || named.contains(path)
                        || path.endsWith("/integration")
                        || !path.contains("/" + plan.id() + "-");
                assertTrue(ok, "git worktree list names " + path + ", which the plan does not");
            }
        }
    }

    private static Plan load(Path file) throws InvalidPlanException {
        return PlanFiles.load(file, AgentRegistry.NAMES);
    }

    private void awaitGitCalls(Path hooks, int calls, PlanexecProcess run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (count(hooks) < calls && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static int count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.count();
        }
    }

    /** A {@code git} that marks each commit, merge and worktree add in {@code hooks}, waits 0.2 s, then runs git. */
    /** Marks each commit, merge and worktree add in {@code hooks} and waits a moment before running it. */
    private String wrapperOnPath(Path hooks) throws IOException {
        return GitWrapper.path(
                sandbox.root().resolve("bin"),
                "case \" $* \" in\n"
                        + "  *\" commit \"*|*\" merge \"*|*\" worktree add \"*)\n"
                        + "    : > '" + hooks + "'/$$; sleep 0.2;;\n"
                        + "esac\n");
    }
}
