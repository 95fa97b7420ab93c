package dev.planexec.bench;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.TaskBrief;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Step;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Timestamps;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunOptions;
import dev.planexec.run.RunSummary;
import dev.planexec.run.Scheduler;
import dev.planexec.store.AtomicFile;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SecureFiles;
import dev.planexec.testing.Tasks;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How much the executor costs per task, against the floor it cannot go below: one durable save of the plan file.
 *
 * <p>Runs plans of 1,000 and 10,000 tasks whose only step is {@code true} through the real {@link Scheduler},
 * {@link PlanStore} and {@code local} agent, at concurrency 1 and 4, and divides the wall time by the tasks run. In
 * the same JVM it measures one durable save of a full-size plan of the same size (every task carrying its session id,
 * times, result and session context, as after a run), and the time and heap to load and validate the 10,000-task
 * plan. Prints one table to standard output.
 *
 * <p>Run it with {@code mvn -B -q -pl app -Pbench test} (see the README, "Benchmarks"). Everything it writes goes
 * to a fresh temporary folder, removed at the end; planexec's state folder there stands in for the real one.
 *
 * <p>System properties: {@code bench.k} (tasks timed of the 10,000-task plan, default 1000; 0 runs them all),
 * {@code bench.dir} (where the temporary folder goes), {@code bench.keep} (keep it).
 */
public final class ExecutorBenchmark {
    private static final int SMALL = 1_000;
    private static final int LARGE = 10_000;
    private static final int[] CONCURRENCY = {1, 4};
    private static final int DIAMOND = 6;

    private final PrintStream out;
    private final Path root;
    private final Path state;
    private final int largeK;
    private final List<RunRow> runRows = new ArrayList<>();
    private final List<String[]> floorRows = new ArrayList<>();
    private final List<String[]> partRows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int planCounter;

    private ExecutorBenchmark(PrintStream out, Path root, int largeK) {
        this.out = out;
        this.root = root;
        this.state = root.resolve("state");
        this.largeK = largeK;
    }

    public static void main(String[] args) throws Exception {
        int k = Integer.getInteger("bench.k", 1000);
        String dir = System.getProperty("bench.dir");
        Path parent = dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(dir);
        Files.createDirectories(parent);
        Path root = Files.createTempDirectory(parent, "planexec-bench-");
        try {
            new ExecutorBenchmark(System.out, root, k).run();
        } finally {
            if (!Boolean.getBoolean("bench.keep")) {
                SecureFiles.deleteTree(root);
            }
        }
        System.out.flush();
        // The scheduler's helper threads are daemons, but exit plainly in case a backend left one running.
        System.exit(0);
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        SecureFiles.createDirectories(state);
        out.printf(
                Locale.ROOT,
                "planexec executor benchmark: %d CPUs, Java %s, %s %s, max heap %d MB%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                Runtime.getRuntime().maxMemory() >> 20);
        out.println("temporary folder (plans and PLANEXEC state): " + root);
        out.println("system load average at start: " + load());
        out.println("plan shape: diamonds of 6 tasks (a -> b,c,d,e -> f; each a depends on the previous f),"
                + " one step `true` each, agent local");
        out.println();

        progress("warming up (200 tasks, concurrency 2)");
        execute(generate(200), 2, 0);

        // Components, for reading the ratio: what the local agent alone costs per task.
        agentAlone(300);

        for (int n : new int[] {SMALL, LARGE}) {
            String cwd = root.resolve("plan-" + planCounter).toString(); // as long as the runs' own folders
            Plan full = complete(generate(n), n, cwd);
            int reps = n >= LARGE ? 10 : 30;
            for (int c : CONCURRENCY) {
                int k = n == LARGE && largeK > 0 ? Math.min(largeK, n) : n;
                // The floor is sampled just before and just after the run, so that both see the same machine:
                // on a shared machine the cost of an fsync changes from minute to minute.
                Floor floor = new Floor(thousands(n) + " (around the c=" + c + " run)", full);
                Floor atSize = k < n
                        ? new Floor(
                                thousands(n) + " as at the K-th done (around the c=" + c + " run)",
                                complete(generate(n), k, cwd))
                        : floor;
                floor.sample(reps);
                if (atSize != floor) {
                    atSize.sample(reps);
                }
                progress("running " + n + " tasks at concurrency " + c + (k < n ? ", timing the first " + k : ""));
                RunResult r = execute(generate(n), c, k);
                floor.sample(reps);
                if (atSize != floor) {
                    atSize.sample(reps);
                }
                floorRows.add(floor.row());
                if (atSize != floor) {
                    floorRows.add(atSize.row());
                }
                runRows.add(new RunRow(n, c, r, floor.median(), atSize.median()));
                if (n == LARGE && c == CONCURRENCY[0]) {
                    Files.copy(floor.file, root.resolve("load-" + LARGE + ".json"));
                }
            }
        }

        Path largeFile = root.resolve("load-" + LARGE + ".json");
        String[] load = loadAndValidate(largeFile);

        printTables(load);

        progress("worktree isolation on a repository of " + IsolationBenchmark.FILES + " files");
        IsolationBenchmark.measure(root.resolve("isolation"), out);
        out.printf(
                Locale.ROOT,
                "%nbenchmark took %s; system load average at the end: %s%n",
                seconds(System.nanoTime() - start),
                load());
        out.println("(a load average well above 0 means other processes shared the CPUs and disk: numbers are then"
                + " slower and noisier; run again on a quiet machine)");
    }

    // ---- plans ----------------------------------------------------------------------------------------------------

    /** A fresh plan of {@code n} tasks, each one step {@code true}, in diamonds of six. */
    static Plan generate(int n) {
        List<Task> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int block = i / DIAMOND;
            int position = i % DIAMOND;
            List<String> deps = new ArrayList<>();
            if (position == 0) {
                if (i > 0) {
                    deps.add(id(i - 1));
                }
            } else if (position < DIAMOND - 1) {
                deps.add(id(block * DIAMOND));
            } else {
                for (int j = block * DIAMOND + 1; j < i; j++) {
                    deps.add(id(j));
                }
            }
            tasks.add(Tasks.of(id(i), "Task " + i + " of the benchmark plan", deps, List.of(Step.of("true"))));
        }
        return new Plan(
                "bench-" + n,
                "Benchmark plan of " + n + " tasks",
                "Generated by ExecutorBenchmark: every step is `true`.",
                Timestamps.now(),
                Timestamps.now(),
                "local",
                null,
                tasks,
                null,
                null,
                null,
                List.of(),
                null,
                null);
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "task-%05d", i);
    }

    /**
     * The plan as it is once its first {@code k} tasks ran: they carry what a finished task carries (session id,
     * times, attempts, result, session context in {@code cwd}); with {@code k} = all, the file has its full size.
     */
    private static Plan complete(Plan plan, int k, String cwd) {
        List<Task> tasks = new ArrayList<>(plan.tasks());
        for (int i = 0; i < k; i++) {
            String now = Timestamps.now();
            Task t = tasks.get(i);
            tasks.set(
                    i,
                    t.starting(SessionIds.newId(plan.id(), t.id()), now)
                            .withSessionContext(Map.of("cwd", cwd))
                            .finished(TaskStatus.DONE, "ran 1 of 1 steps", null, now));
        }
        return plan.withTasks(tasks);
    }

    private Path newPlanFile(Plan plan) throws Exception {
        Path dir = root.resolve("plan-" + (++planCounter));
        Files.createDirectories(dir);
        Path file = dir.resolve("plan.json");
        AtomicFile.replace(file, PlanFiles.toJson(plan));
        return file;
    }

    // ---- executor -------------------------------------------------------------------------------------------------

    /** @param cpuNanos CPU time of this JVM (all threads; not the step processes) until the K-th done */
    private record RunResult(int timed, long wallNanos, long cpuNanos, long fileBytes, Plan plan) {}

    /** One row of the overhead table: a run and the floors it is compared with (median save, nanoseconds). */
    private record RunRow(int tasks, int concurrency, RunResult run, long floor, long floorAtSize) {
        double perTaskNanos() {
            return run.wallNanos / (double) run.timed;
        }
    }

    /**
     * Runs {@code plan} through the real scheduler and local agent; with {@code k > 0} the run is stopped once
     * {@code k} tasks are done and the time to that moment is what counts.
     */
    private RunResult execute(Plan generated, int concurrency, int k) throws Exception {
        Path file = newPlanFile(generated);
        Plan plan = PlanFiles.load(file, AgentRegistry.NAMES);
        int target = k > 0 ? k : plan.tasks().size();
        PlanStore store = new PlanStore(file, plan, AgentRegistry.NAMES);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong doneAt = new AtomicLong();
        AtomicLong cpuAt = new AtomicLong();
        AtomicReference<Scheduler> scheduler = new AtomicReference<>();
        AtomicReference<String> firstProblem = new AtomicReference<>();
        long start;
        long cpuStart;
        RunSummary summary;
        try (AgentPool agents =
                new AgentPool(AgentRegistry.load(), new AgentEnvironment(state, Map.of(), null), null)) {
            Scheduler s = new Scheduler(
                    store,
                    agents,
                    RunOptions.withConcurrency(concurrency),
                    event -> {
                        if (event instanceof RunEvent.StateChanged changed) {
                            TaskStatus status = changed.after().status();
                            if (status == TaskStatus.DONE && done.incrementAndGet() == target) {
                                doneAt.set(System.nanoTime());
                                cpuAt.set(cpuTime());
                                Scheduler running = scheduler.get();
                                if (k > 0 && running != null) {
                                    running.stop(); // the time to the K-th done is taken; the rest is not needed
                                }
                            } else if (status == TaskStatus.FAILED) {
                                failed.incrementAndGet();
                                firstProblem.compareAndSet(null, changed.after().error());
                            }
                        } else if (event instanceof RunEvent.Notice notice) {
                            firstProblem.compareAndSet(null, notice.message());
                        }
                    },
                    new LogFile(state.resolve("logs").resolve("planexec.log")));
            scheduler.set(s);
            cpuStart = cpuTime();
            start = System.nanoTime();
            summary = s.run();
        }
        if (done.get() < target || failed.get() > 0) {
            throw new IllegalStateException("benchmark run went wrong: " + done.get() + " of " + target
                    + " tasks done, " + failed.get() + " failed, outcome " + summary.outcome() + ": "
                    + firstProblem.get());
        }
        return new RunResult(target, doneAt.get() - start, cpuAt.get() - cpuStart, Files.size(file), store.current());
    }

    /** The local agent on its own: create a session, run its one step {@code true}, close it. */
    private void agentAlone(int sessions) throws Exception {
        progress("local agent alone: " + sessions + " sessions");
        Path work = root.resolve("agent-alone");
        Files.createDirectories(work);
        AgentEnvironment env = new AgentEnvironment(root.resolve("state-agent-alone"), Map.of(), null);
        try (AgentRuntime runtime =
                AgentRegistry.load().find("local").orElseThrow().open(env)) {
            long[] samples = new long[sessions];
            for (int i = 0; i < sessions; i++) {
                TaskBrief brief = new TaskBrief(
                        "bench",
                        "bench",
                        "",
                        work.resolve("plan.json").toString(),
                        id(i),
                        "t",
                        "",
                        List.of(),
                        List.of(new TaskBrief.StepSpec("true", null)),
                        List.of(),
                        List.of());
                long t0 = System.nanoTime();
                try (AgentSession session = runtime.create(
                        new SessionSpec(SessionIds.newId("bench", id(i)), brief, work, Map.of(), null))) {
                    session.send("", e -> {});
                }
                samples[i] = System.nanoTime() - t0;
            }
            long[] timed = Arrays.copyOfRange(samples, sessions / 5, sessions); // the first fifth warms up
            partRows.add(new String[] {
                "local agent session alone (create, run `true`, close; no plan save)",
                millis(median(timed)),
                millis(mean(timed))
            });
        }
        // What a process alone costs, for comparison with the session above.
        spawnCost("process start + exit alone: sh -c true", "sh", "-c", "true");
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            spawnCost(
                    "process start + exit alone: setsid sh -c true (as the local agent runs a step)",
                    setsid.toString(),
                    "sh",
                    "-c",
                    "true");
        }
    }

    private void spawnCost(String label, String... command) throws Exception {
        long[] spawn = new long[250];
        for (int i = 0; i < spawn.length; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor();
            spawn[i] = System.nanoTime() - t0;
        }
        long[] timed = Arrays.copyOfRange(spawn, 50, spawn.length);
        partRows.add(new String[] {label, millis(median(timed)), millis(mean(timed))});
    }

    // ---- floor ----------------------------------------------------------------------------------------------------

    /**
     * One durable save of a plan file: {@link PlanStore#update} with no real change (it still stamps
     * {@code updatedAt}), timed whole; and, separately, its two halves, {@link PlanFiles#toJson} and
     * {@link AtomicFile#replace}.
     */
    private final class Floor {
        final String label;
        final Path file;
        final PlanStore store;
        final List<Long> saves = new ArrayList<>();
        final List<Long> serialize = new ArrayList<>();
        final List<Long> replace = new ArrayList<>();

        Floor(String label, Plan plan) throws Exception {
            this.label = label;
            this.file = newPlanFile(plan);
            this.store = new PlanStore(file, PlanFiles.load(file, AgentRegistry.NAMES), AgentRegistry.NAMES);
        }

        void sample(int reps) throws Exception {
            progress("floor: " + reps + " durable saves of the plan " + label);
            for (int i = -3; i < reps; i++) { // the first three warm up caches the run may have cooled
                long t0 = System.nanoTime();
                store.update(p -> p);
                long t1 = System.nanoTime();
                byte[] json = PlanFiles.toJson(store.current());
                long t2 = System.nanoTime();
                AtomicFile.replace(file, json);
                long t3 = System.nanoTime();
                if (i >= 0) {
                    saves.add(t1 - t0);
                    serialize.add(t2 - t1);
                    replace.add(t3 - t2);
                }
            }
        }

        long median() {
            return ExecutorBenchmark.median(array(saves));
        }

        String[] row() throws Exception {
            return new String[] {
                label,
                mb(Files.size(file)),
                Integer.toString(saves.size()),
                millis(median()),
                millis(mean(array(saves))),
                millis(ExecutorBenchmark.median(array(serialize))),
                millis(ExecutorBenchmark.median(array(replace)))
            };
        }

        private static long[] array(List<Long> values) {
            return values.stream().mapToLong(Long::longValue).toArray();
        }
    }

    // ---- load + validate ------------------------------------------------------------------------------------------

    private String[] loadAndValidate(Path file) throws Exception {
        int warm = 5;
        int reps = 11;
        progress("load + validate of the " + LARGE + "-task plan: " + warm + " warm-up, " + reps + " timed");
        for (int i = 0; i < warm; i++) {
            PlanFiles.load(file, AgentRegistry.NAMES);
        }
        long[] times = new long[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Plan plan = PlanFiles.load(file, AgentRegistry.NAMES);
            times[i] = System.nanoTime() - t0;
            if (plan.tasks().size() != LARGE) {
                throw new IllegalStateException("loaded " + plan.tasks().size() + " tasks");
            }
        }

        // Heap: after a full GC, reset every heap pool's peak, load once, then read the pools' peaks.
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid())
                .toList();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        System.gc();
        System.gc();
        long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        Plan plan = PlanFiles.load(file, AgentRegistry.NAMES);
        long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.gc();
        System.gc();
        long retained = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum() - before;
        Reference.reachabilityFence(plan);
        notes.add("heap = the sum over the heap pools ("
                + String.join(", ", heap.stream().map(MemoryPoolMXBean::getName).toList())
                + "), read after System.gc() and resetPeakUsage() and around one more PlanFiles.load;");
        notes.add("  a sum of per-pool peaks is an upper bound of the true peak. allocated = ThreadMXBean"
                + ".getThreadAllocatedBytes of the loading thread; retained = heap used after System.gc() with the"
                + " loaded plan still referenced, minus heap before.");
        return new String[] {
            thousands(LARGE),
            mb(Files.size(file)),
            Integer.toString(reps),
            millis(median(times)),
            millis(Arrays.stream(times).min().orElse(0)),
            millis(mean(times)),
            mb(before),
            mb(peak),
            mb(peak - before),
            mb(allocated),
            mb(retained)
        };
    }

    // ---- output ---------------------------------------------------------------------------------------------------

    private void printTables(String[] load) {
        out.println();
        out.println("FLOOR: one durable save of the full-size plan (PlanStore.update with no change: serialize,"
                + " write temp, fsync, rename, fsync folder), sampled half just before and half just after each run");
        table(
                new String[] {
                    "plan",
                    "plan file",
                    "saves",
                    "median",
                    "mean",
                    "of which toJson (median)",
                    "AtomicFile.replace (median)"
                },
                floorRows);
        out.println();
        out.println("EXECUTOR OVERHEAD PER TASK: real Scheduler + PlanStore + local agent, steps `true`;"
                + " wall = from Scheduler.run() to the last (or K-th) task done; per task = wall / tasks timed;"
                + " ratio = per task / floor (median save, same plan size)");
        List<String[]> rows = new ArrayList<>();
        for (RunRow r : runRows) {
            double ratio = r.perTaskNanos() / r.floor();
            String aim = r.tasks() == SMALL ? (ratio <= 3.0 ? "<= 3x: met" : "<= 3x: MISSED") : "(none)";
            rows.add(new String[] {
                thousands(r.tasks()),
                Integer.toString(r.concurrency()),
                r.run().timed() < r.tasks()
                        ? thousands(r.run().timed()) + " (first K)"
                        : thousands(r.run().timed()),
                seconds(r.run().wallNanos()),
                millis(r.perTaskNanos()),
                millis(r.run().cpuNanos() / (double) r.run().timed()),
                millis(r.floor()),
                String.format(Locale.ROOT, "%.2fx", ratio),
                aim,
                mb(r.run().fileBytes()),
                r.floorAtSize() == r.floor()
                        ? "(same)"
                        : String.format(
                                Locale.ROOT, "%s -> %.2fx", millis(r.floorAtSize()), r.perTaskNanos() / r.floorAtSize())
            });
        }
        table(
                new String[] {
                    "tasks",
                    "concurrency",
                    "tasks timed",
                    "wall",
                    "per task",
                    "JVM CPU per task",
                    "floor (full size)",
                    "ratio",
                    "aim",
                    "plan file when timing stopped",
                    "floor at that size -> ratio"
                },
                rows);
        out.println("  Each task makes two state changes that must be on disk before they are published (write-ahead"
                + " of in_progress + sessionId, then done). The scheduler writes a task's end together with the"
                + " write-ahead of the task it releases, and concurrent changes share writes (group commit), so a"
                + " task costs about one save plus the agent's own work (process start, session log).");
        if (largeK > 0) {
            out.printf(
                    Locale.ROOT,
                    "  10,000-task rows: the run is stopped once K = %d tasks are done (-Dbench.k=0 runs all);"
                            + " per task = time to the K-th done / K. Until then the other tasks are pending and"
                            + " their entries small, so the file saved during the run is smaller than the full-size"
                            + " one: the last column compares with a save of the file as it was when the timing"
                            + " stopped.%n",
                    largeK);
        }
        out.println();
        out.println("COMPONENTS (per task, for reading the ratio)");
        table(new String[] {"what", "median", "mean"}, partRows);
        out.println();
        out.println("LOAD + VALIDATE: PlanFiles.load of the full-size 10,000-task plan (5 warm-up loads first)");
        double median = parseMillis(load[3]);
        String[] withAim = append(load, median < 500 ? "< 0.5 s: met" : "< 0.5 s: MISSED");
        table(
                new String[] {
                    "tasks",
                    "plan file",
                    "loads",
                    "median",
                    "min",
                    "mean",
                    "heap before",
                    "peak heap during",
                    "peak above before",
                    "allocated",
                    "retained",
                    "aim"
                },
                List.<String[]>of(withAim));
        for (String note : notes) {
            out.println("  " + note);
        }
    }

    private void table(String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        out.println(line(header, width));
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) {
            rule.append("-".repeat(w + 2)).append('|');
        }
        out.println(rule);
        for (String[] row : rows) {
            out.println(line(row, width));
        }
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder s = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            s.append(' ')
                    .append(String.format(Locale.ROOT, "%-" + width[i] + "s", cells[i]))
                    .append(" |");
        }
        return s.toString();
    }

    private static void progress(String what) {
        System.err.println("[bench] " + what);
    }

    // ---- numbers --------------------------------------------------------------------------------------------------

    private static long cpuTime() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String load() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", load);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static String millis(double nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static double parseMillis(String text) {
        return Double.parseDouble(text.substring(0, text.indexOf(' ')));
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / (1024.0 * 1024.0));
    }

    private static String thousands(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String[] append(String[] row, String cell) {
        String[] longer = Arrays.copyOf(row, row.length + 1);
        longer[row.length] = cell;
        return longer;
    }
}
