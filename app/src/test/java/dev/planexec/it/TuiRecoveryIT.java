package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recovery on the full-screen UI, end to end in tmux (120x40): the packaged planexec runs the demo plan and is
 * killed with {@code kill -9} while {@code fetch-content} runs; started again it shows the recovery dialog with that
 * task, its session and the three choices, and does what the key pressed says.
 */
class TuiRecoveryIT extends TuiInTmux {
    private static final String TASK = "fetch-content";
    /** The tasks that wait, directly or not, for {@code fetch-content}. */
    private static final List<String> AFTER_IT =
            List.of("build-index", "render-pages", "check-links", "package", "report");

    private Path plan;

    @BeforeEach
    void writeTheDemo() throws Exception {
        plan = fixture.demo();
    }

    @Test
    void r_resumes_the_task_in_its_session_and_the_plan_finishes() throws Exception {
        String session = crashWhileFetchContentRuns();

        try (TmuxSession tmux = TmuxSession.start(dir, fixture.launch("plans/demo.json --concurrency 1"), 120, 40)) {
            awaitDialog(tmux, session);
            tmux.send("r");
            tmux.awaitText("FINISHED: all done", RUN);
            tmux.send("q");
            assertEquals(0, tmux.awaitExit(START));
        }

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        after.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t.id()));
        assertEquals(session, after.task(TASK).orElseThrow().sessionId(), "Resume keeps the session");
        assertEquals(8, Files.readAllLines(dir.resolve("out/demo/content.txt")).size());
    }

    @Test
    void f_starts_the_task_fresh_in_a_new_session_and_the_plan_finishes() throws Exception {
        String session = crashWhileFetchContentRuns();

        try (TmuxSession tmux = TmuxSession.start(dir, fixture.launch("plans/demo.json --concurrency 1"), 120, 40)) {
            awaitDialog(tmux, session);
            tmux.send("f");
            tmux.awaitText("FINISHED: all done", RUN);
            tmux.send("q");
            assertEquals(0, tmux.awaitExit(START));
        }

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        after.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t.id()));
        String fresh = after.task(TASK).orElseThrow().sessionId();
        assertNotNull(fresh);
        assertNotEquals(session, fresh, "Start Fresh runs in a new session");
        assertFalse(Files.exists(dir.resolve("state/sessions").resolve(session)), "the old session is cleaned up");
    }

    @Test
    void c_cleans_up_the_session_and_leaves_the_task_pending_without_running_it() throws Exception {
        String session = crashWhileFetchContentRuns();

        try (TmuxSession tmux = TmuxSession.start(dir, fixture.launch("plans/demo.json --concurrency 1"), 120, 40)) {
            awaitDialog(tmux, session);
            tmux.send("c");
            // The whole frame, not only its header: a capture can land mid-redraw.
            Pattern held = Pattern.compile("(?m)^◌ " + TASK + " ");
            String end = tmux.awaitScreen(
                    s -> s.contains("FINISHED: not all done")
                            && held.matcher(s).find()
                            && TuiRunIT.Fixture.spinning(s) == 0,
                    RUN,
                    "the run to end with the task held");
            assertTrue(held.matcher(end).find(), "the cleaned-up task shows as held, not running:\n" + end);
            assertEquals(0, TuiRunIT.Fixture.spinning(end), end);
            tmux.send("q");
            assertEquals(1, tmux.awaitExit(START), "not every task is done");
        }

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        Task cleaned = after.task(TASK).orElseThrow();
        assertEquals(TaskStatus.PENDING, cleaned.status());
        assertNull(cleaned.sessionId());
        for (String id : AFTER_IT) {
            assertEquals(TaskStatus.PENDING, after.task(id).orElseThrow().status(), id + " waits for " + TASK);
        }
        assertEquals(TaskStatus.DONE, after.task("setup").orElseThrow().status());
        assertEquals(TaskStatus.DONE, after.task("fetch-assets").orElseThrow().status());
        String sessions = TuiRunIT.Fixture.sessionDirs(dir);
        assertFalse(sessions.contains("planexec-demo-" + TASK), "no session left or made for the task: " + sessions);
    }

    @Test
    void s_starts_a_task_held_by_clean_up_and_the_plan_finishes_without_leaving_the_ui() throws Exception {
        crashWhileFetchContentRuns();

        try (TmuxSession tmux = TmuxSession.start(dir, fixture.launch("plans/demo.json --concurrency 1"), 120, 40)) {
            tmux.send("c");
            tmux.awaitText("FINISHED: not all done", RUN);
            tmux.send("/", TASK, "Enter"); // the list filtered to it selects it
            // The status bar offers s once the held task is selected.
            tmux.awaitScreen(
                    s -> s.contains(TASK + " · Write the page sources") && s.contains(" s start "), START, "s on it");
            tmux.send("s");
            String end = tmux.awaitText("FINISHED: all done", RUN);
            assertTrue(end.contains("8/8 done"), end);
            assertEquals("1", tmux.display("#{alternate_on}"), "still in the UI");
            tmux.send("q");
            assertEquals(0, tmux.awaitExit(START));
        }
        PlanFiles.load(plan, AgentRegistry.NAMES)
                .tasks()
                .forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t.id()));
        assertEquals(8, Files.readAllLines(dir.resolve("out/demo/content.txt")).size());
    }

    /**
     * Runs the demo on the UI one task at a time and kills the JVM with SIGKILL once {@code fetch-content} is saved in
     * progress and its step has begun; returns the session the plan names for it.
     */
    private String crashWhileFetchContentRuns() throws Exception {
        // A terminal (and tmux server) of its own: the next run's starts while this one's may still be going away.
        Path crashDir = Files.createDirectories(dir.resolve("crashed-run"));
        String command = "cd '" + dir + "' && " + fixture.launch("plans/demo.json --concurrency 1");
        try (TmuxSession tmux = TmuxSession.start(crashDir, command, 120, 40)) {
            tmux.awaitScreen(s -> s.contains("RUNNING"), START, "the run to start");
            TuiRunIT.Fixture.await(this::fetchContentRuns, START, TASK + " to run");
            Pattern spinning = Pattern.compile("(?m)^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] " + TASK + " ");
            tmux.awaitScreen(s -> spinning.matcher(s).find(), START, "the screen to show " + TASK + " running");

            long pid = fixture.jvmPid();
            ProcessHandle jvm = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
            assertTrue(jvm.info().command().orElse("").endsWith("java"), "pid " + pid + " is the JVM");
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook, no last save, no terminal restored
            assertEquals(137, tmux.awaitExit(START));
        }
        Task orphan = PlanFiles.load(plan, AgentRegistry.NAMES).task(TASK).orElseThrow();
        assertEquals(TaskStatus.IN_PROGRESS, orphan.status());
        assertNotNull(orphan.sessionId());
        Files.deleteIfExists(dir.resolve("jvm.pid"));
        return orphan.sessionId();
    }

    /** In progress on disk, its session created, and its step has written a page. */
    private boolean fetchContentRuns() {
        try {
            Task task = PlanFiles.load(plan, AgentRegistry.NAMES).task(TASK).orElseThrow();
            return task.status() == TaskStatus.IN_PROGRESS
                    && task.sessionId() != null
                    && Files.exists(dir.resolve("state/sessions").resolve(task.sessionId()))
                    && Files.exists(dir.resolve("out/demo/content.txt"))
                    && Files.size(dir.resolve("out/demo/content.txt")) > 0;
        } catch (InvalidPlanException | java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** The dialog: the task, its session (still there), and the three choices for it and for all. */
    private static void awaitDialog(TmuxSession tmux, String session) throws Exception {
        // The first frame reaches the terminal in pieces: wait for the whole of it, down to the status bar.
        String screen = tmux.awaitScreen(
                s -> s.contains("Recovery: 1 task was left unfinished by an earlier run")
                        && s.contains(" r f c this task  R F C all tasks  ↑↓ select  q quit  ? help"),
                START,
                "the recovery dialog");
        assertTrue(
                Pattern.compile("> " + TASK + " · Write the page s\\S* +" + Pattern.quote(session) + " +yes ")
                        .matcher(screen)
                        .find(),
                "the orphan's row:\n" + screen);
        for (String button : List.of(
                "[ r Resume ]",
                "[ f Start Fresh ]",
                "[ c Clean Up ]",
                "[ R Resume all ]",
                "[ F Start Fresh all ]",
                "[ C Clean Up all ]")) {
            assertTrue(screen.contains(button), button + " is on the dialog:\n" + screen);
        }
        assertFalse(screen.contains("RUNNING"), "nothing runs before a choice:\n" + screen);
    }
}
