package dev.planexec.bench;

import dev.planexec.isolation.Git;
import dev.planexec.isolation.Landing;
import dev.planexec.isolation.Workspace;
import dev.planexec.isolation.WorktreeIsolation;
import dev.planexec.plan.GitBase;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Step;
import dev.planexec.plan.Task;
import dev.planexec.store.SecureFiles;
import dev.planexec.testing.Tasks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What worktree isolation costs per task, against the floor it cannot go below: {@code git worktree add} and
 * {@code git worktree remove} of the same repository, which every isolated task needs.
 *
 * <p>On a repository of 10,000 files it times, per task, what the scheduler asks of {@link WorktreeIsolation}: assign
 * and prepare (the worktree and branch), one file written, land (commit, then merge into {@code planexec/<plan-id>}
 * in the integration worktree), clean (worktree and branch removed). The floor and the task are timed alternately in
 * the same run, through the same git runner, so both see the same machine.
 *
 * <p>Part of the executor benchmark ({@code mvn -B -q -pl app -Pbench test}); alone:
 * {@code mvn -B -q -pl app test-compile org.codehaus.mojo:exec-maven-plugin:3.6.2:exec -Dexec.executable=java
 * -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.planexec.bench.IsolationBenchmark"}.
 */
public final class IsolationBenchmark {
    static final int FILES = 10_000;
    private static final int REPS = 10;

    private IsolationBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("planexec-isolation-bench-");
        try {
            measure(root, System.out);
        } finally {
            SecureFiles.deleteTree(root);
        }
        System.out.flush();
        System.exit(0);
    }

    /** Runs the measurement in {@code root} and prints its table. Returns the ratio of the medians. */
    static double measure(Path root, PrintStream out) throws IOException {
        Git git = Git.forOwnWork();
        Path repo = root.resolve("repo");
        long made = System.nanoTime();
        makeRepository(git, repo);
        out.printf(
                Locale.ROOT, "repository of %,d files committed in %.1f s%n", FILES, (System.nanoTime() - made) / 1e9);

        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < REPS + 1; i++) {
            tasks.add(Tasks.of("t" + i, "Task " + i, List.of(), List.of(Step.of("true"))));
        }
        Plan plan = new Plan(
                "bench", "bench", "", "", "", "local", null, tasks, null, null, "worktree", List.of(), null, null);
        WorktreeIsolation isolation = WorktreeIsolation.open(repo, plan, root.resolve("state"));
        GitBase base = isolation.base(plan);
        isolation.start(base);

        long[] floor = new long[REPS];
        long[] task = new long[REPS];
        Path floorTree = root.resolve("floor-worktree");
        // One untimed round of each first: the page cache and git's own caches warm.
        floorRound(git, repo, floorTree);
        taskRound(isolation, tasks.get(REPS));
        for (int i = 0; i < REPS; i++) {
            floor[i] = floorRound(git, repo, floorTree);
            task[i] = taskRound(isolation, tasks.get(i));
        }
        double f = median(floor);
        double t = median(task);
        double ratio = t / f;
        out.println();
        out.println("ISOLATION OVERHEAD PER TASK: repository of " + String.format(Locale.ROOT, "%,d", FILES)
                + " files; task = prepare worktree and branch + commit + merge into planexec/<plan-id> + clean;"
                + " floor = git worktree add + git worktree remove; median of " + REPS + " each, alternated");
        out.println("| files | per task (median) | floor (median) | ratio | aim |");
        out.println("|---|---|---|---|---|");
        out.printf(
                Locale.ROOT,
                "| %,d | %.1f ms | %.1f ms | %.2f× | ≤ 2×: %s |%n",
                FILES,
                t / 1e6,
                f / 1e6,
                ratio,
                ratio <= 2.0 ? "met" : "MISSED");
        return ratio;
    }

    private static long floorRound(Git git, Path repo, Path tree) {
        long start = System.nanoTime();
        git.out(repo, "worktree", "add", "-q", "--detach", tree.toString(), "HEAD");
        git.out(repo, "worktree", "remove", "--force", tree.toString());
        return System.nanoTime() - start;
    }

    private static long taskRound(WorktreeIsolation isolation, Task task) throws IOException {
        long start = System.nanoTime();
        Task assigned = task.withWorktree(isolation.assign(task));
        Workspace ws = isolation.prepare(assigned);
        Files.writeString(ws.directory().resolve(task.id() + ".txt"), "work of " + task.id() + "\n");
        Task started = assigned.withWorktree(ws.worktree());
        if (!(isolation.land(started, "bench-" + task.id()) instanceof Landing.Landed)) {
            throw new IllegalStateException("a benchmark task did not land");
        }
        isolation.clean(started.worktree());
        return System.nanoTime() - start;
    }

    private static void makeRepository(Git git, Path repo) throws IOException {
        Files.createDirectories(repo);
        for (int d = 0; d < FILES / 100; d++) {
            Path dir = Files.createDirectories(repo.resolve(String.format(Locale.ROOT, "src/d%03d", d)));
            for (int f = 0; f < 100; f++) {
                Files.writeString(
                        dir.resolve(String.format(Locale.ROOT, "f%03d.txt", f)),
                        "file " + f + " of folder " + d + "\n".repeat(1 + f % 5));
            }
        }
        git.out(repo, "init", "-q", "-b", "main");
        git.out(repo, "add", "-A");
        git.out(repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "files");
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
