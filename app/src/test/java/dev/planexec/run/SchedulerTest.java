package dev.planexec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.PlanRun;
import dev.planexec.testing.Plans;
import dev.planexec.testing.ReadOnlyFolder;
import dev.planexec.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler with the real local agent: steps are real {@code sh} commands in the plan's folder. */
@Timeout(120)
class SchedulerTest {
    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("state");
    }

    @Test
    void a_diamond_runs_in_dependency_order() throws Exception {
        String step =
                "echo \"start $PLANEXEC_TASK_ID\" >> order.log; sleep 0.2; echo \"end $PLANEXEC_TASK_ID\" >> order.log";
        Path plan = Plans.local("diamond")
                .task("d", List.of("b", "c"), step)
                .task("b", List.of("a"), step)
                .task("c", List.of("a"), step)
                .task("a", step)
                .writeTo(tmp);

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, state())) {
            summary = run.run(RunOptions.withConcurrency(4));
        }

        assertEquals(RunSummary.Outcome.COMPLETED, summary.outcome());
        assertEquals(4, summary.done());
        List<String> order = Files.readAllLines(tmp.resolve("order.log"));
        assertTrue(order.indexOf("end a") < order.indexOf("start b"), order::toString);
        assertTrue(order.indexOf("end a") < order.indexOf("start c"), order::toString);
        assertTrue(order.indexOf("end b") < order.indexOf("start d"), order::toString);
        assertTrue(order.indexOf("end c") < order.indexOf("start d"), order::toString);
        assertEquals(4, Plans.load(plan).count(TaskStatus.DONE));
    }

    @Test
    void tasks_added_to_the_file_during_the_run_run_in_this_run_and_a_task_marked_done_by_hand_does_not()
            throws Exception {
        Path plan = Plans.local("grow")
                .task("wait", "while [ ! -f go ]; do sleep 0.05; done")
                .task("after", List.of("wait"), "touch after.ran")
                .task("skip", List.of("wait"), "touch skip.ran")
                .writeTo(tmp);

        RunSummary summary;
        List<String> notices = Collections.synchronizedList(new ArrayList<>());
        try (PlanRun run = new PlanRun(plan, state())) {
            Scheduler scheduler = run.scheduler(RunOptions.withConcurrency(2), event -> {
                if (event instanceof RunEvent.Notice notice) {
                    notices.add(notice.message());
                }
            });
            CompletableFuture<Void> editor = CompletableFuture.runAsync(() -> {
                Waits.until(
                        "wait to run",
                        Duration.ofSeconds(20),
                        () -> Plans.task(plan, "wait").status() == TaskStatus.IN_PROGRESS);
                // An edit as the user makes it: a new task after the running one, a new task free to run now,
                // and a pending task marked done so that it is skipped.
                ObjectNode root = (ObjectNode) Plans.tree(plan);
                var tasks = (ArrayNode) root.get("tasks");
                tasks.addObject()
                        .put("id", "late")
                        .put("title", "Late")
                        .put("status", "pending")
                        .putArray("steps")
                        .add("touch late.ran");
                tasks.addObject()
                        .put("id", "later")
                        .put("title", "Later")
                        .put("status", "pending")
                        .<ObjectNode>set("dependsOn", root.arrayNode().add("after"))
                        .putArray("steps")
                        .add("touch later.ran");
                ((ObjectNode) tasks.get(2)).put("status", "done");
                Plans.write(tmp, "grow.json", root.toPrettyString());
                Waits.until(
                        "the added task to run", Duration.ofSeconds(20), () -> Files.exists(tmp.resolve("late.ran")));
                try {
                    Files.createFile(tmp.resolve("go"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            summary = run.run(scheduler);
            editor.join();
        }

        assertEquals(RunSummary.Outcome.COMPLETED, summary.outcome());
        Plan after = Plans.load(plan);
        assertEquals(
                List.of("wait", "after", "skip", "late", "later"),
                after.tasks().stream().map(Task::id).toList());
        after.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t::toString));
        assertTrue(Files.exists(tmp.resolve("later.ran")), "the task added after a running one ran once it was done");
        assertFalse(Files.exists(tmp.resolve("skip.ran")), "the task marked done by hand did not run");
        assertNull(after.task("skip").orElseThrow().sessionId());
        assertTrue(
                notices.stream()
                        .anyMatch(n ->
                                n.contains("taken in: task \"skip\": status; new task \"late\"; new task \"later\"")),
                notices::toString);
    }

    @Test
    void no_more_tasks_run_at_once_than_the_concurrency_allows() throws Exception {
        String step = "date +%s%N > $PLANEXEC_TASK_ID.start; sleep 0.4; date +%s%N > $PLANEXEC_TASK_ID.end";
        Plans.Builder builder = Plans.local("wide");
        for (int i = 0; i < 6; i++) {
            builder.task("t" + i, step);
        }
        Path plan = builder.writeTo(tmp);

        try (PlanRun run = new PlanRun(plan, state())) {
            assertEquals(
                    RunSummary.Outcome.COMPLETED,
                    run.run(RunOptions.withConcurrency(2)).outcome());
        }

        assertEquals(2, maxOverlap(6), "two at a time, and the limit is used");
    }

    @Test
    void concurrency_one_runs_tasks_one_after_another() throws Exception {
        String step = "date +%s%N > $PLANEXEC_TASK_ID.start; sleep 0.2; date +%s%N > $PLANEXEC_TASK_ID.end";
        Path plan = Plans.local("narrow")
                .task("t0", step)
                .task("t1", step)
                .task("t2", step)
                .writeTo(tmp);

        try (PlanRun run = new PlanRun(plan, state())) {
            assertEquals(
                    RunSummary.Outcome.COMPLETED,
                    run.run(RunOptions.withConcurrency(1)).outcome());
        }

        assertEquals(1, maxOverlap(3));
    }

    @Test
    void a_failed_task_holds_back_its_dependents_but_not_independent_tasks() throws Exception {
        Path plan = Plans.local("fails")
                .task("bad", "echo about to fail; exit 7")
                .task("after-bad", List.of("bad"), "touch after-bad.ran")
                .task("free", "sleep 0.3; touch free.ran")
                .task("after-free", List.of("free"), "touch after-free.ran")
                .writeTo(tmp);

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, state())) {
            summary = run.run(RunOptions.withConcurrency(2));
        }

        assertEquals(RunSummary.Outcome.INCOMPLETE, summary.outcome());
        assertEquals(2, summary.done());
        assertEquals(1, summary.failed());
        assertEquals(1, summary.pending());
        Task bad = Plans.task(plan, "bad");
        assertEquals(TaskStatus.FAILED, bad.status());
        assertTrue(bad.error().contains("exited with code 7"), bad.error());
        assertTrue(bad.error().contains("about to fail"), bad.error());
        assertEquals(TaskStatus.PENDING, Plans.task(plan, "after-bad").status());
        assertNull(Plans.task(plan, "after-bad").sessionId());
        assertFalse(Files.exists(tmp.resolve("after-bad.ran")));
        assertTrue(Files.exists(tmp.resolve("free.ran")));
        assertTrue(Files.exists(tmp.resolve("after-free.ran")));
    }

    @Test
    void every_state_change_is_on_disk_before_it_is_published() throws Exception {
        // The step itself checks the write-ahead: the plan names its session, in_progress, before the session runs.
        String writeAhead = "grep -q \"\\\"sessionId\\\": \\\"$PLANEXEC_SESSION_ID\\\"\" \"$PLANEXEC_PLAN\""
                + " && grep -q '\"status\": \"in_progress\"' \"$PLANEXEC_PLAN\"";
        Path plan = Plans.local("durable")
                .task("a", writeAhead)
                .task("b", List.of("a"), writeAhead)
                .task("c", writeAhead, "exit 1")
                .task("d", writeAhead)
                .writeTo(tmp);
        List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        List<String> checked = Collections.synchronizedList(new ArrayList<>());

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, state())) {
            Scheduler scheduler = run.scheduler(RunOptions.withConcurrency(2), event -> {
                if (event instanceof RunEvent.StateChanged change) {
                    Task after = change.after();
                    Task onDisk = readTask(plan, after.id());
                    checked.add(after.id() + ":" + after.status());
                    if (onDisk.status() != after.status()
                            || !java.util.Objects.equals(onDisk.sessionId(), after.sessionId())
                            || onDisk.attempts() != after.attempts()
                            || !java.util.Objects.equals(onDisk.error(), after.error())) {
                        mismatches.add("published " + after.id() + " " + after.status() + " " + after.sessionId()
                                + " but the file has " + onDisk.status() + " " + onDisk.sessionId());
                    }
                }
                if (event instanceof RunEvent.TaskStarted started) {
                    Task onDisk = readTask(plan, started.taskId());
                    if (onDisk.status() != TaskStatus.IN_PROGRESS
                            || !started.sessionId().equals(onDisk.sessionId())) {
                        mismatches.add("session " + started.sessionId() + " started before the file named it");
                    }
                }
            });
            summary = run.run(scheduler);
        }

        assertEquals(List.of(), mismatches);
        assertEquals(8, checked.size(), checked::toString);
        assertEquals(3, summary.done(), () -> Plans.load(plan).tasks().toString());
        assertEquals(TaskStatus.FAILED, Plans.task(plan, "c").status());
    }

    @Test
    void steps_see_the_plan_task_and_session_in_their_environment() throws Exception {
        Path plan = Plans.local("env")
                .task(
                        "a",
                        "printf '%s|%s|%s' \"$PLANEXEC_PLAN\" \"$PLANEXEC_TASK_ID\" \"$PLANEXEC_SESSION_ID\" > env.txt")
                .writeTo(tmp);

        try (PlanRun run = new PlanRun(plan, state())) {
            run.run(RunOptions.withConcurrency(1));
        }

        Task a = Plans.task(plan, "a");
        assertEquals(plan.toAbsolutePath() + "|a|" + a.sessionId(), Files.readString(tmp.resolve("env.txt")));
        assertTrue(a.sessionId().startsWith("planexec-env-a-"), a.sessionId());
        assertEquals(tmp.toString(), a.sessionContext().get("cwd"));
        assertNotNull(a.startedAt());
        assertNotNull(a.finishedAt());
        assertEquals(1, a.attempts());
        assertTrue(a.agentResult().startsWith("ran 1 of 1 steps"), a.agentResult());
    }

    @Test
    void stop_interrupts_running_tasks_and_keeps_their_sessions() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            Path plan = Plans.local("stop")
                    .task("slow", "touch slow.started; " + marked.sleep(300))
                    .task("later", List.of("slow"), "touch later.ran")
                    .writeTo(tmp);

            RunSummary summary;
            String sessionId;
            try (PlanRun run = new PlanRun(plan, state())) {
                Scheduler scheduler = run.scheduler(RunOptions.withConcurrency(2));
                CompletableFuture<Void> stopper = CompletableFuture.runAsync(() -> {
                    Waits.until("the slow step to start", Duration.ofSeconds(20), () -> marked.sleeping() == 1);
                    scheduler.stop();
                });
                summary = run.run(scheduler);
                stopper.join();
                sessionId = Plans.task(plan, "slow").sessionId();
                assertTrue(run.local().find(sessionId).isPresent(), "the session is kept");
            }

            assertEquals(RunSummary.Outcome.INTERRUPTED, summary.outcome());
            assertEquals(1, summary.interrupted());
            Task slow = Plans.task(plan, "slow");
            assertEquals(TaskStatus.INTERRUPTED, slow.status());
            assertNotNull(sessionId);
            assertTrue(sessionId.startsWith("planexec-stop-slow-"), sessionId);
            assertEquals(TaskStatus.PENDING, Plans.task(plan, "later").status());
            assertFalse(Files.exists(tmp.resolve("later.ran")));
            assertEquals(List.of(), marked.alive(), "no step process is left");
        }
    }

    @Test
    void abort_of_one_task_interrupts_it_and_lets_the_others_finish() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            Path plan = Plans.local("abort1")
                    .task("slow", marked.sleep(300))
                    .task("quick", "sleep 0.3; touch quick.ran")
                    .writeTo(tmp);

            RunSummary summary;
            try (PlanRun run = new PlanRun(plan, state())) {
                Scheduler scheduler = run.scheduler(RunOptions.withConcurrency(2));
                CompletableFuture<Void> aborter = CompletableFuture.runAsync(() -> {
                    Waits.until("the slow step to start", Duration.ofSeconds(20), () -> marked.sleeping() == 1);
                    scheduler.abort("slow");
                });
                summary = run.run(scheduler);
                aborter.join();
            }

            assertEquals(RunSummary.Outcome.INCOMPLETE, summary.outcome());
            assertEquals(1, summary.done());
            assertEquals(1, summary.interrupted());
            Task slow = Plans.task(plan, "slow");
            assertEquals(TaskStatus.INTERRUPTED, slow.status());
            assertNotNull(slow.sessionId());
            assertTrue(Files.exists(tmp.resolve("quick.ran")));
            assertEquals(List.of(), marked.alive());
        }
    }

    @Test
    void a_failed_task_can_be_retried_during_the_run() throws Exception {
        Path plan = Plans.local("retry")
                .task("flaky", "echo attempt >> flaky.log; test -f fixed")
                .task("waits", "while [ ! -f release ]; do sleep 0.05; done")
                .task("after", List.of("flaky"), "touch after.ran")
                .writeTo(tmp);
        AtomicReference<String> firstSession = new AtomicReference<>();

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, state())) {
            AtomicReference<Scheduler> self = new AtomicReference<>();
            Scheduler scheduler = run.scheduler(RunOptions.withConcurrency(2), event -> {
                if (event instanceof RunEvent.StateChanged change
                        && change.after().id().equals("flaky")
                        && change.after().status() == TaskStatus.FAILED) {
                    firstSession.set(change.after().sessionId());
                    CompletableFuture.runAsync(() -> {
                        Waits.until("flaky to leave the running set", Duration.ofSeconds(10), () -> !self.get()
                                .runningTasks()
                                .contains("flaky"));
                        touch(tmp.resolve("fixed"));
                        self.get().retry("flaky");
                        Waits.until(
                                "flaky to be done",
                                Duration.ofSeconds(20),
                                () -> readTask(plan, "flaky").status() == TaskStatus.DONE);
                        touch(tmp.resolve("release"));
                    });
                }
            });
            self.set(scheduler);
            summary = run.run(scheduler);
        }

        assertEquals(RunSummary.Outcome.COMPLETED, summary.outcome(), () -> Plans.load(plan)
                .tasks()
                .toString());
        Task flaky = Plans.task(plan, "flaky");
        assertEquals(TaskStatus.DONE, flaky.status());
        assertEquals(2, flaky.attempts());
        assertNotEquals(firstSession.get(), flaky.sessionId(), "a retry runs in a new session");
        assertNull(flaky.error());
        assertEquals(2, Files.readAllLines(tmp.resolve("flaky.log")).size());
        assertTrue(Files.exists(tmp.resolve("after.ran")));
    }

    @Test
    void a_task_that_failed_in_an_earlier_run_runs_again() throws Exception {
        Path plan = Plans.local("again").task("flaky", "test -f fixed").writeTo(tmp);
        try (PlanRun run = new PlanRun(plan, state())) {
            assertEquals(
                    RunSummary.Outcome.INCOMPLETE,
                    run.run(RunOptions.withConcurrency(1)).outcome());
        }
        Files.createFile(tmp.resolve("fixed"));

        try (PlanRun run = new PlanRun(plan, state())) {
            assertEquals(
                    RunSummary.Outcome.COMPLETED,
                    run.run(RunOptions.withConcurrency(1)).outcome());
        }

        assertEquals(2, Plans.task(plan, "flaky").attempts());
    }

    @Test
    void a_failed_save_stops_the_run_and_keeps_the_last_saved_plan() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("plans"));
        Path plan = Plans.local("ro")
                .task("first", "sleep 0.3")
                .task("second", List.of("first"), "true")
                .writeTo(folder);
        ReadOnlyFolder.of(folder).close(); // skips the test here, on its own thread, where folders cannot be locked
        AtomicReference<ReadOnlyFolder> readOnly = new AtomicReference<>();

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, state())) {
            Scheduler scheduler = run.scheduler(RunOptions.withConcurrency(1), event -> {
                if (event instanceof RunEvent.TaskStarted) {
                    readOnly.set(ReadOnlyFolder.of(folder));
                }
            });
            try {
                summary = run.run(scheduler);
            } finally {
                if (readOnly.get() != null) {
                    readOnly.get().close();
                }
            }
            assertTrue(
                    run.events().ofType(RunEvent.Notice.class).stream()
                            .anyMatch(n -> n.message().contains("no more tasks start")),
                    run.events().all()::toString);
        }

        assertEquals(RunSummary.Outcome.SAVE_FAILED, summary.outcome());
        assertTrue(summary.saveError().startsWith("cannot save " + plan), summary.saveError());
        Plan onDisk = Plans.load(plan);
        assertEquals(TaskStatus.IN_PROGRESS, onDisk.task("first").orElseThrow().status(), "the last saved state");
        assertEquals(TaskStatus.PENDING, onDisk.task("second").orElseThrow().status());
        assertNull(onDisk.task("second").orElseThrow().sessionId(), "nothing started after the failed save");
        try (var files = Files.list(folder)) {
            assertEquals(List.of(plan), files.toList(), "no temporary file is left");
        }
    }

    @Test
    void held_tasks_do_not_run() throws Exception {
        Path plan = Plans.local("held")
                .task("kept", "touch kept.ran")
                .task("runs", "touch runs.ran")
                .writeTo(tmp);

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, state())) {
            summary = run.run(new RunOptions(2, Set.of(), Set.of("kept"), true));
        }

        assertEquals(RunSummary.Outcome.INCOMPLETE, summary.outcome());
        assertEquals(1, summary.pending());
        assertFalse(Files.exists(tmp.resolve("kept.ran")));
        assertTrue(Files.exists(tmp.resolve("runs.ran")));
    }

    /** The most tasks whose steps ran at the same moment, from their {@code .start} and {@code .end} files. */
    private long maxOverlap(int tasks) throws IOException {
        long[][] spans = new long[tasks][];
        for (int i = 0; i < tasks; i++) {
            spans[i] = new long[] {
                Long.parseLong(Files.readString(tmp.resolve("t" + i + ".start")).strip()),
                Long.parseLong(Files.readString(tmp.resolve("t" + i + ".end")).strip())
            };
        }
        long max = 0;
        for (long[] span : spans) {
            long at = span[0];
            long running = 0;
            for (long[] other : spans) {
                if (other[0] <= at && at < other[1]) {
                    running++;
                }
            }
            max = Math.max(max, running);
        }
        return max;
    }

    private static Task readTask(Path plan, String taskId) {
        try {
            return PlanFiles.load(plan, AgentRegistry.NAMES).task(taskId).orElseThrow();
        } catch (dev.planexec.plan.InvalidPlanException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
