package dev.planexec.tui;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Step;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.recovery.RecoveryAction;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunListener;
import dev.planexec.run.RunOptions;
import dev.planexec.run.Scheduler;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.testing.Tasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Plans, task states and starters for the render tests. */
final class TuiFixtures {
    private TuiFixtures() {}

    /**
     * A five-task plan in three dependency levels: {@code setup}; then {@code build}, {@code lint} and
     * {@code docs}; then {@code deploy}.
     */
    static Plan demoPlan() {
        return plan(
                "demo",
                "Demo site",
                task(
                        "setup",
                        "Create the output folder",
                        "Make out/ and note when the run began.",
                        List.of("out/ exists"),
                        List.of()),
                task(
                        "build",
                        "Compile the sources",
                        "Compile every module of the site generator and copy the templates next to the classes.",
                        List.of("build/ has the classes", "the templates are copied"),
                        List.of("setup")),
                task("lint", "Check the style", "Run the linter.", List.of("no warnings"), List.of("setup")),
                task("docs", "Write the docs", "Render the manual.", List.of(), List.of("setup")),
                task(
                        "deploy",
                        "Ship it",
                        "Upload the site.",
                        List.of("the site answers"),
                        List.of("build", "lint", "docs")));
    }

    static Plan plan(String id, String name, Task... tasks) {
        return new Plan(
                id,
                name,
                "",
                "2026-11-21T09:00:00.000Z",
                "2026-11-21T09:00:00.000Z",
                "local",
                null,
                List.of(tasks),
                null,
                null,
                null,
                List.of(),
                null,
                null);
    }

    static Task task(String id, String title, String description, List<String> criteria, List<String> dependsOn) {
        return Tasks.unrun(
                id, title, description, criteria, dependsOn, List.of(Step.of("true")), TaskStatus.PENDING, null, null);
    }

    /** {@code T0} minus {@code seconds}, as the plan file writes it. */
    static String ago(int seconds) {
        return VirtualTui.T0.minusSeconds(seconds).toString();
    }

    static String sessionOf(String taskId) {
        return "planexec-demo-" + taskId + "-1a2b3c4d";
    }

    /** The state changes that take {@code task} into {@code status}, as the scheduler reports them. */
    static List<RunEvent> changes(Task task, TaskStatus status, int startedSecondsAgo, int finishedSecondsAgo) {
        List<RunEvent> events = new ArrayList<>();
        Task running = task.starting(sessionOf(task.id()), ago(startedSecondsAgo))
                .withSessionContext(Map.of("cwd", "/work/demo", "branch", "main"));
        events.add(new RunEvent.StateChanged(task, running));
        events.add(new RunEvent.TaskStarted(task.id(), running.sessionId(), false));
        if (status != TaskStatus.IN_PROGRESS) {
            String error = status == TaskStatus.FAILED ? "step 1/1 (ruff check .) exited with code 1" : null;
            events.add(
                    new RunEvent.StateChanged(running, running.finished(status, null, error, ago(finishedSecondsAgo))));
        }
        return events;
    }

    /**
     * Puts the demo plan's tasks in every state: {@code setup} done, {@code build} running with some output,
     * {@code lint} failed, {@code docs} interrupted, {@code deploy} pending (blocked by {@code lint}). Then the first
     * task is selected by hand ({@code Home}), so follow mode, which would show {@code build}, is off.
     */
    static void everyState(VirtualTui tui, Plan plan) {
        changes(plan.tasks().get(0), TaskStatus.DONE, 60, 56).forEach(tui::post);
        changes(plan.tasks().get(1), TaskStatus.IN_PROGRESS, 30, 0).forEach(tui::post);
        changes(plan.tasks().get(2), TaskStatus.FAILED, 55, 48).forEach(tui::post);
        changes(plan.tasks().get(3), TaskStatus.INTERRUPTED, 55, 40).forEach(tui::post);
        tui.post(output("build", new AgentEvent.ToolStart("1", "step 1/2", "make all")));
        tui.post(output(
                "build", new AgentEvent.Output(AgentEvent.Stream.STDOUT, "compiling 12 files\nbuilt 3 modules")));
        tui.post(output("build", new AgentEvent.ToolEnd("1", "step 1/2", true, "exit code 0")));
        tui.post(output("build", new AgentEvent.ToolStart("2", "step 2/2", "cp -r templates build/")));
        tui.render();
        tui.press(VirtualTui.key(com.googlecode.lanterna.input.KeyType.Home));
    }

    /**
     * The demo plan on an 80x24 virtual terminal, begun with a {@link #silent} run and its tasks put in
     * {@link #everyState}; closed again if that fails.
     */
    static VirtualTui demoInEveryState(Path dir) {
        Plan plan = demoPlan();
        VirtualTui tui = VirtualTui.open(plan, 80, 24);
        try {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            return tui;
        } catch (RuntimeException | Error e) {
            tui.close();
            throw e;
        }
    }

    static RunEvent output(String taskId, AgentEvent event) {
        return new RunEvent.TaskOutput(taskId, event);
    }

    /** {@code count} numbered lines of output for {@code taskId}: {@code line 1} to {@code line N}. */
    static RunEvent lines(String taskId, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            text.append("line ").append(i).append(i < count ? "\n" : "");
        }
        return output(taskId, new AgentEvent.Output(AgentEvent.Stream.STDOUT, text.toString()));
    }

    /**
     * A starter whose scheduler has nothing to run and tells no one: the screen shows only what the test posts, as
     * if the run went on for ever.
     */
    static TuiApp.Starter silent(Path dir) {
        return choices -> new TuiApp.Started(silentScheduler(dir), Set.of());
    }

    static Scheduler silentScheduler(Path dir) {
        Plan idle = plan("idle", "idle", task("held", "held", "", List.of(), List.of()));
        PlanStore store = new PlanStore(dir.resolve("idle.json"), idle, AgentRegistry.NAMES);
        AgentPool pool =
                new AgentPool(AgentRegistry.load(), new AgentEnvironment(dir.resolve("state"), Map.of(), null), null);
        RunOptions options = new RunOptions(1, Set.of(), Set.of("held"), true);
        return new Scheduler(store, pool, options, event -> {}, new LogFile(dir.resolve("planexec.log")));
    }

    /** A starter that notes the choices it was called with, then starts a silent scheduler. */
    static final class RecordingStarter implements TuiApp.Starter {
        final List<Map<String, RecoveryAction>> calls = new ArrayList<>();
        private final Path dir;

        RecordingStarter(Path dir) {
            this.dir = dir;
        }

        @Override
        public TuiApp.Started start(Map<String, RecoveryAction> choices) {
            calls.add(Map.copyOf(choices));
            return new TuiApp.Started(silentScheduler(dir), Set.of());
        }
    }

    /**
     * A real plan file run by the real scheduler and local agent, as {@code planexec run} would, its events going
     * to the app under test. Closing it closes the agents, which stops whatever they still run.
     */
    static final class LocalRun implements AutoCloseable {
        final Path planFile;
        final PlanStore store;
        private final AgentPool pool;
        private final LogFile log;
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Scheduler scheduler;

        /** Writes a plan of tasks {@code id -> step} (no dependencies) to {@code dir/plan.json}. */
        LocalRun(Path dir, Map<String, String> steps) throws IOException, InvalidPlanException {
            StringBuilder tasks = new StringBuilder();
            for (Map.Entry<String, String> e : steps.entrySet()) {
                tasks.append(tasks.length() == 0 ? "" : ",\n")
                        .append(
                                "    {\"id\": \"%s\", \"title\": \"Task %s\", \"dependsOn\": [], \"steps\": [{\"run\": \"%s\"}], \"status\": \"pending\"}"
                                        .formatted(e.getKey(), e.getKey(), jsonText(e.getValue())));
            }
            planFile = dir.resolve("plan.json");
            Files.writeString(
                    planFile,
                    "{\n  \"id\": \"keys\",\n  \"name\": \"Keys\",\n  \"agent\": \"local\",\n  \"tasks\": [\n" + tasks
                            + "\n  ]\n}\n");
            store = new PlanStore(planFile, PlanFiles.load(planFile, AgentRegistry.NAMES), AgentRegistry.NAMES);
            pool = new AgentPool(
                    AgentRegistry.load(), new AgentEnvironment(dir.resolve("state"), Map.of(), null), null);
            log = new LogFile(dir.resolve("planexec.log"));
        }

        private static String jsonText(String s) {
            return new String(JsonStringEncoder.getInstance().quoteAsString(s));
        }

        Plan plan() {
            return store.current();
        }

        /** Starts the scheduler with {@code concurrency}, reporting to {@code app}. */
        TuiApp.Starter starter(TuiApp app, int concurrency) {
            return starter(app, concurrency, event -> {});
        }

        /** As {@link #starter(TuiApp, int)}, and {@code tap} sees each event first. */
        TuiApp.Starter starter(TuiApp app, int concurrency, RunListener tap) {
            return starter(app, concurrency, tap, Set.of());
        }

        /** As {@link #starter(TuiApp, int, RunListener)}, with {@code held} tasks held as Clean Up leaves them. */
        TuiApp.Starter starter(TuiApp app, int concurrency, RunListener tap, Set<String> held) {
            return choices -> {
                RunListener listener = event -> {
                    tap.onEvent(event);
                    app.listener().onEvent(event);
                    if (event instanceof RunEvent.RunFinished) {
                        ended.countDown();
                    }
                };
                scheduler =
                        new Scheduler(store, pool, new RunOptions(concurrency, Set.of(), held, true), listener, log);
                return new TuiApp.Started(scheduler, held);
            };
        }

        /** The plan file as it is on disk now. */
        Plan onDisk() throws InvalidPlanException {
            return PlanFiles.load(planFile, AgentRegistry.NAMES);
        }

        /** Stops the run if it still goes on and waits for it to end, so nothing writes to its folder after. */
        @Override
        public void close() throws InterruptedException {
            if (scheduler != null) {
                scheduler.stop();
            }
            pool.close();
            if (scheduler != null && !ended.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the run did not end within 30 s of being stopped");
            }
        }
    }

    static Instant at(int secondsAgo) {
        return VirtualTui.T0.minusSeconds(secondsAgo);
    }
}
