package dev.planexec.recovery;

import static dev.planexec.testing.LocalAgents.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.SessionIds;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunOptions;
import dev.planexec.run.RunSummary;
import dev.planexec.run.Scheduler;
import dev.planexec.store.SecureFiles;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.PlanRun;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Orphaned tasks, found in a plan a stopped run left, and settled by Resume, Start Fresh or Clean Up. */
@Timeout(120)
class RecoveryTest {
    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("state");
    }

    @Test
    void orphans_are_in_progress_or_interrupted_tasks_that_name_a_session() throws Exception {
        Path plan = Plans.local("orph")
                .task("alive", "true")
                .edit(t -> t.put("status", "in_progress").put("sessionId", "planexec-orph-alive-00000001"))
                .task("gone", "true")
                .edit(t -> t.put("status", "interrupted").put("sessionId", "planexec-orph-gone-00000001"))
                .task("no-session", "true")
                .edit(t -> t.put("status", "in_progress"))
                .task("finished", "true")
                .edit(t -> t.put("status", "done").put("sessionId", "planexec-orph-finished-00000001"))
                .task("waiting", "true")
                .writeTo(tmp);

        try (PlanRun run = new PlanRun(plan, state())) {
            run.local()
                    .create(spec("planexec-orph-alive-00000001", tmp, "true"))
                    .close();

            List<Orphan> orphans = run.recovery().findOrphans();

            assertEquals(
                    List.of("alive", "gone"),
                    orphans.stream().map(Orphan::taskId).toList());
            assertTrue(orphans.get(0).sessionExists());
            assertNotNull(orphans.get(0).lastActivity());
            assertEquals("local", orphans.get(0).agent());
            assertFalse(orphans.get(1).sessionExists());
            assertNull(orphans.get(1).lastActivity());
        }
    }

    @Test
    void tasks_left_running_without_a_session_go_back_to_pending() throws Exception {
        Path plan = Plans.local("nosess")
                .task("a", "true")
                .edit(t -> t.put("status", "in_progress"))
                .task("b", "true")
                .edit(t -> t.put("status", "interrupted"))
                .writeTo(tmp);

        try (PlanRun run = new PlanRun(plan, state())) {
            run.recovery().resetSessionless();
        }

        assertEquals(TaskStatus.PENDING, Plans.task(plan, "a").status());
        assertEquals(TaskStatus.PENDING, Plans.task(plan, "b").status());
    }

    @Test
    void resume_continues_the_same_session_without_running_finished_steps_again() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            Path plan = interruptedPlan(marked);
            String session = Plans.task(plan, "work").sessionId();
            Files.createFile(tmp.resolve("fast"));

            try (PlanRun run = new PlanRun(plan, state())) {
                RecoveryResult result = run.recovery().apply(Map.of("work", RecoveryAction.RESUME), n -> {});
                assertEquals(java.util.Set.of("work"), result.resume());
                assertEquals(
                        RunSummary.Outcome.COMPLETED,
                        run.run(new RunOptions(1, result.resume(), result.held(), true))
                                .outcome());
                assertTrue(
                        run.events().ofType(RunEvent.TaskStarted.class).get(0).resumed());
            }

            Task work = Plans.task(plan, "work");
            assertEquals(TaskStatus.DONE, work.status());
            assertEquals(session, work.sessionId(), "the same session");
            assertEquals(1, lines("m1"), "the finished step is not run again");
            assertEquals(2, lines("m2"), "the step that was running is run again");
            assertEquals(1, lines("m3"));
        }
    }

    @Test
    void start_fresh_runs_every_step_again_in_a_new_session() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            Path plan = interruptedPlan(marked);
            String oldSession = Plans.task(plan, "work").sessionId();
            Path oldFolder = state().resolve("sessions").resolve(SessionIds.fileName(oldSession));
            assertTrue(Files.isDirectory(oldFolder));
            Files.createFile(tmp.resolve("fast"));
            List<String> notices = new ArrayList<>();

            try (PlanRun run = new PlanRun(plan, state())) {
                RecoveryResult result = run.recovery().apply(Map.of("work", RecoveryAction.FRESH), notices::add);

                assertFalse(Files.exists(oldFolder), "the old session is cleaned up");
                Task reset = Plans.task(plan, "work");
                assertEquals(TaskStatus.PENDING, reset.status());
                assertNull(reset.sessionId());
                assertTrue(result.resume().isEmpty());
                assertTrue(result.held().isEmpty());
                assertEquals(
                        RunSummary.Outcome.COMPLETED,
                        run.run(new RunOptions(1, result.resume(), result.held(), true))
                                .outcome());
            }

            Task work = Plans.task(plan, "work");
            assertEquals(TaskStatus.DONE, work.status());
            assertNotEquals(oldSession, work.sessionId(), "a new session");
            assertEquals(2, lines("m1"), "every step runs again");
            assertEquals(2, lines("m2"));
            assertEquals(1, lines("m3"));
            assertTrue(work.notes().stream().anyMatch(n -> n.contains("Start Fresh")), work.notes()::toString);
            assertEquals(1, notices.size(), notices::toString);
            assertTrue(notices.get(0).contains("starting fresh"), notices.get(0));
        }
    }

    @Test
    void clean_up_removes_the_session_and_leaves_the_task_pending_and_held() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            Path plan = interruptedPlan(marked);
            String oldSession = Plans.task(plan, "work").sessionId();
            Path oldFolder = state().resolve("sessions").resolve(SessionIds.fileName(oldSession));
            Files.createFile(tmp.resolve("fast"));

            RunSummary summary;
            try (PlanRun run = new PlanRun(plan, state())) {
                RecoveryResult result = run.recovery().apply(Map.of("work", RecoveryAction.CLEAN), n -> {});
                assertEquals(java.util.Set.of("work"), result.held());
                assertTrue(run.local().find(oldSession).isEmpty());

                summary = run.run(new RunOptions(2, result.resume(), result.held(), true));
                assertTrue(run.events().ofType(RunEvent.TaskStarted.class).isEmpty(), "nothing ran");
            }

            assertEquals(RunSummary.Outcome.INCOMPLETE, summary.outcome());
            assertFalse(Files.exists(oldFolder));
            Task work = Plans.task(plan, "work");
            assertEquals(TaskStatus.PENDING, work.status());
            assertNull(work.sessionId());
            assertEquals(1, lines("m1"), "nothing ran");
            assertEquals(1, lines("m2"));
            assertEquals(0, lines("m3"));
        }
    }

    @Test
    void a_resume_of_a_vanished_session_starts_fresh_once_and_says_so_in_the_plan() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            Path plan = interruptedPlan(marked);
            String oldSession = Plans.task(plan, "work").sessionId();
            SecureFiles.deleteTree(state().resolve("sessions").resolve(SessionIds.fileName(oldSession)));
            Files.createFile(tmp.resolve("fast"));

            try (PlanRun run = new PlanRun(plan, state())) {
                List<Orphan> orphans = run.recovery().findOrphans();
                assertFalse(orphans.get(0).sessionExists());
                RecoveryResult result = run.recovery().apply(Map.of("work", RecoveryAction.RESUME), n -> {});
                assertEquals(
                        RunSummary.Outcome.COMPLETED,
                        run.run(new RunOptions(1, result.resume(), result.held(), true))
                                .outcome());
                List<RunEvent.Notice> notices = run.events().ofType(RunEvent.Notice.class);
                assertTrue(
                        notices.stream().anyMatch(n -> n.message().contains("could not resume session " + oldSession)),
                        notices::toString);
                List<RunEvent.TaskStarted> started = run.events().ofType(RunEvent.TaskStarted.class);
                assertEquals(1, started.size(), "one fresh start");
                assertFalse(started.get(0).resumed());
            }

            Task work = Plans.task(plan, "work");
            assertEquals(TaskStatus.DONE, work.status());
            assertNotEquals(oldSession, work.sessionId());
            assertEquals(2, work.attempts());
            assertEquals(1, work.notes().size(), work.notes()::toString);
            String note = work.notes().get(0);
            assertTrue(note.contains("session " + oldSession + " could not be resumed"), note);
            assertTrue(note.contains("started fresh in session " + work.sessionId()), note);
            assertEquals(2, lines("m1"), "a fresh session runs every step");
            List<String> ids = Files.readAllLines(tmp.resolve("session-ids"));
            assertEquals(List.of(oldSession, work.sessionId()), ids, "the steps see the new session's id");
        }
    }

    @Test
    void a_choice_for_a_task_that_is_not_orphaned_changes_nothing() throws Exception {
        Path plan = Plans.local("calm").task("a", "true").writeTo(tmp);
        byte[] before = Files.readAllBytes(plan);

        try (PlanRun run = new PlanRun(plan, state())) {
            RecoveryResult result = run.recovery().apply(Map.of("a", RecoveryAction.CLEAN), n -> {});
            assertTrue(result.held().isEmpty());
        }

        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(plan)));
    }

    /**
     * A plan whose task {@code work} a run stopped in its second step: {@code m1} has one line (step 1 finished),
     * {@code m2} one line (step 2 started), {@code m3} none. Step 1 also notes its session id in
     * {@code session-ids}; step 2 sleeps unless the file {@code fast} exists.
     */
    private Path interruptedPlan(MarkedProcesses marked) throws Exception {
        Path plan = Plans.local("rec")
                .task(
                        "work",
                        "echo run >> m1; echo \"$PLANEXEC_SESSION_ID\" >> session-ids",
                        "echo run >> m2; [ -f fast ] || " + marked.sleep(300),
                        "echo run >> m3")
                .writeTo(tmp);
        try (PlanRun run = new PlanRun(plan, state())) {
            Scheduler scheduler = run.scheduler(RunOptions.withConcurrency(1));
            CompletableFuture<Void> stopper = CompletableFuture.runAsync(() -> {
                Waits.until("step 2 to run", Duration.ofSeconds(20), () -> marked.sleeping() == 1);
                scheduler.stop();
            });
            assertEquals(RunSummary.Outcome.INTERRUPTED, run.run(scheduler).outcome());
            stopper.join();
            AgentRuntime local = run.local();
            assertTrue(local.find(Plans.task(plan, "work").sessionId()).isPresent());
        }
        assertEquals(TaskStatus.INTERRUPTED, Plans.task(plan, "work").status());
        assertEquals(1, lines("m1"));
        assertEquals(1, lines("m2"));
        assertEquals(0, lines("m3"));
        assertEquals(List.of(), marked.alive());
        return plan;
    }

    private long lines(String file) throws IOException {
        Path path = tmp.resolve(file);
        return Files.exists(path) ? Files.readAllLines(path).size() : 0;
    }
}
