package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The terminal goes away under a run (the window is closed, an SSH connection drops): the tmux server running the
 * demo is killed while {@code fetch-content} and {@code fetch-assets} run, so the kernel hangs the terminal up and
 * planexec gets SIGHUP. Like SIGTERM, that is a graceful stop, on the full-screen UI and in line mode: both tasks
 * saved {@code interrupted} with their sessions, no step process left, exit code 130, and the next run offers them
 * for Resume.
 */
class HangUpIT extends TuiInTmux {
    private static final List<String> RUNNING = List.of("fetch-content", "fetch-assets");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full-screen", "--plain"})
    void a_hang_up_interrupts_the_running_tasks_keeping_their_sessions(String mode) throws Exception {
        Path plan = fixture.demo();
        Path run = Files.createDirectories(dir.resolve("first-run"));
        // A terminal running an interactive bash, as a terminal window does, with planexec typed at its prompt. When
        // the
        // terminal hangs up, the kernel signals its session leader (bash), which passes SIGHUP on to its jobs. The job
        // is a shell around planexec only to write planexec's exit code: it outlives the hang-up with a trap.
        TmuxSession tmux = TmuxSession.start(run, "exec bash --norc --noprofile -i", 120, 40);
        tmux.send(
                "cd '" + dir + "' && sh -c \"trap true HUP; "
                        + fixture.launch("plans/demo.json" + (mode.equals("--plain") ? " --plain" : ""))
                        + "; echo \\$? > '" + run.resolve("code") + "'\"",
                "Enter");
        try {
            TuiRunIT.Fixture.await(() -> bothRunning(plan), START, "fetch-content and fetch-assets in progress");
            if (mode.equals("--plain")) {
                tmux.awaitText("fetch-assets", START);
            } else {
                tmux.awaitScreen(s -> TuiRunIT.Fixture.spinning(s) == 2, START, "two tasks spinning");
            }
        } finally {
            tmux.close(); // kill-server: the terminal hangs up
        }
        long pid = fixture.jvmPid();
        TuiRunIT.Fixture.await(
                () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), START, "planexec to end");
        TuiRunIT.Fixture.await(() -> Files.exists(run.resolve("code")), START, "the exit code");
        assertEquals("130", Files.readString(run.resolve("code")).strip(), "a hang-up exits as a graceful stop");

        Plan saved = PlanFiles.load(plan, AgentRegistry.NAMES);
        for (String id : RUNNING) {
            Task task = saved.task(id).orElseThrow();
            assertEquals(TaskStatus.INTERRUPTED, task.status(), id + " (" + task.error() + ")");
            assertNotNull(task.sessionId(), id);
            assertTrue(Files.isDirectory(dir.resolve("state/sessions").resolve(task.sessionId())), id);
        }
        List<String> left = fixture.awaitNoMarked(Duration.ofSeconds(5));
        assertTrue(left.isEmpty(), "processes outlived the hang-up: " + left);

        Files.deleteIfExists(dir.resolve("jvm.pid"));
        try (TmuxSession next = TmuxSession.start(dir, fixture.launch("plans/demo.json"), 120, 40)) {
            String dialog = next.awaitScreen(
                    s -> s.contains("Recovery: 2 tasks were left unfinished by an earlier run")
                            && s.contains(" ? help"),
                    START,
                    "the recovery dialog");
            for (String id : RUNNING) {
                String session = saved.task(id).orElseThrow().sessionId();
                assertTrue(
                        Pattern.compile(Pattern.quote(id) + " · .*" + Pattern.quote(session) + " +yes ")
                                .matcher(dialog)
                                .find(),
                        id + " is offered with its session:\n" + dialog);
            }
            assertTrue(dialog.contains("[ R Resume all ]"), dialog);
            next.send("R");
            next.awaitText("FINISHED: all done", Duration.ofSeconds(90));
            next.send("q");
            assertEquals(0, next.awaitExit(START));
        }
        Plan finished = PlanFiles.load(plan, AgentRegistry.NAMES);
        for (String id : RUNNING) {
            assertEquals(
                    saved.task(id).orElseThrow().sessionId(),
                    finished.task(id).orElseThrow().sessionId());
        }
        finished.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t.id()));
    }

    private static boolean bothRunning(Path plan) {
        try {
            Plan p = PlanFiles.load(plan, AgentRegistry.NAMES);
            return RUNNING.stream().allMatch(id -> {
                Task t = p.task(id).orElseThrow();
                return t.status() == TaskStatus.IN_PROGRESS && t.sessionId() != null;
            });
        } catch (InvalidPlanException | RuntimeException e) {
            return false;
        }
    }
}
