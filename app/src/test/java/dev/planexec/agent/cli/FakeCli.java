package dev.planexec.agent.cli;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Task;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunOptions;
import dev.planexec.run.RunSummary;
import dev.planexec.run.Scheduler;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Recorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A test's world for one CLI agent: the fake CLI ({@code fake-cli.sh}) installed under the agent's executable name
 * and named by {@code PLANEXEC_<AGENT>_CLI}, its canned streams, a one-task plan for the agent, a private state
 * folder, and marked processes. {@link #run} runs the plan through the real scheduler and plan store, as
 * {@code planexec run} does, with the fake CLI in the mode asked for.
 *
 * <pre>{@code
 * try (FakeCli cli = FakeCli.in(tempDir, "claude")) {
 *     cli.run("normal", RunOptions.withConcurrency(1), s -> {});
 *     assertEquals(TaskStatus.DONE, cli.task().status());
 * }
 * }</pre>
 */
final class FakeCli implements AutoCloseable {
    static final String TASK = "build";
    private static final Duration LIMIT = Duration.ofSeconds(60);

    final String agent;
    final Path dir;
    final Path plan;
    final Path state;
    final Path record;
    final String newId = UUID.randomUUID().toString();
    final MarkedProcesses marked;
    final Map<String, String> env = new HashMap<>();
    final Recorder<RunEvent> events = new Recorder<>();

    private FakeCli(String agent, Path dir) throws IOException {
        this.agent = agent;
        this.dir = dir;
        this.state = dir.resolve("state");
        this.record = dir.resolve("args.log");
        this.marked = MarkedProcesses.in(dir);
        Path fixtures = Files.createDirectories(dir.resolve("fixtures"));
        for (String file : List.of("fake-cli.sh", agent + "-normal.jsonl")) {
            try (InputStream in = FakeCli.class.getResourceAsStream(file)) {
                Files.copy(in, fixtures.resolve(file));
            }
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path cli = bin.resolve(agent.equals("cursor") ? "cursor-agent" : agent);
        Files.copy(fixtures.resolve("fake-cli.sh"), cli);
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
        env.put("PLANEXEC_" + agent.toUpperCase(java.util.Locale.ROOT) + "_CLI", cli.toString());
        env.put("FAKE_AGENT", agent);
        env.put("FAKE_FIXTURES", fixtures.toString());
        env.put("FAKE_RECORD", record.toString());
        env.put("FAKE_NEW_ID", newId);
        env.put("FAKE_NEW_ID2", UUID.randomUUID().toString());
        env.put("FAKE_SLEEP", marked.sleep(0).replace(" 0", ""));
        env.put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        Path work = Files.createDirectories(dir.resolve("work"));
        plan = Plans.write(
                work,
                "plan.json",
                Plans.lines(
                        "{",
                        "  \"id\": \"demo\",",
                        "  \"name\": \"Demo\",",
                        "  \"agent\": \"" + agent + "\",",
                        "  \"tasks\": [",
                        "    {\"id\": \"" + TASK + "\", \"title\": \"Build it\", \"description\": \"Make a.txt\",",
                        "     \"acceptanceCriteria\": [\"a.txt exists\"], \"dependsOn\": [], \"status\": \"pending\"}",
                        "  ]",
                        "}"));
    }

    static FakeCli in(Path dir, String agent) {
        try {
            return new FakeCli(agent, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Task task() {
        return Plans.task(plan, TASK);
    }

    /**
     * Runs the plan to its end with the fake CLI in {@code mode}; {@code during} is called on the test's thread with
     * the scheduler while the run goes on (to stop it, say).
     */
    RunSummary run(String mode, RunOptions options, Consumer<Scheduler> during) {
        Map<String, String> runEnv = new HashMap<>(env);
        runEnv.put("FAKE_MODE", mode);
        PlanStore store = new PlanStore(plan, Plans.load(plan), AgentRegistry.NAMES);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (AgentPool agents = new AgentPool(AgentRegistry.load(), new AgentEnvironment(state, runEnv, null), null)) {
            Scheduler scheduler = new Scheduler(
                    store,
                    agents,
                    options,
                    events::add,
                    new LogFile(state.resolve("logs").resolve("planexec.log")));
            Future<RunSummary> run = thread.submit(scheduler::run);
            try {
                during.accept(scheduler);
                return run.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                scheduler.stop();
                throw new AssertionError("the run did not end well", e);
            }
        } finally {
            thread.shutdownNow();
        }
    }

    RunSummary run(String mode) {
        return run(mode, RunOptions.withConcurrency(1), s -> {});
    }

    /** Resumes the task in the session the plan names (what Resume in the recovery dialog does). */
    RunSummary resume(String mode) {
        return run(mode, new RunOptions(1, Set.of(TASK), Set.of(), true), s -> {});
    }

    /** The fake CLI's runs so far, each the list of its arguments. */
    List<List<String>> runs() {
        List<List<String>> runs = new ArrayList<>();
        if (!Files.exists(record)) {
            return runs;
        }
        try {
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                if (line.equals("--- run")) {
                    runs.add(new ArrayList<>());
                } else if (line.startsWith("arg: ")) {
                    runs.get(runs.size() - 1).add(line.substring(5));
                } else if (!line.startsWith("env ")) {
                    // the next line of an argument that spans several (a prompt)
                    List<String> run = runs.get(runs.size() - 1);
                    run.set(run.size() - 1, run.get(run.size() - 1) + "\n" + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runs;
    }

    /** The last run that was not Cursor's {@code create-chat}. */
    List<String> lastPromptRun() {
        List<List<String>> runs = runs();
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (!runs.get(i).equals(List.of("create-chat"))) {
                return runs.get(i);
            }
        }
        throw new AssertionError("the CLI never ran a prompt");
    }

    /** The value after {@code flag} in {@code args}, or {@code null}. */
    static String after(List<String> args, String flag) {
        int i = args.indexOf(flag);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    @Override
    public void close() {
        marked.close();
    }
}
