package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl+C and SIGTERM sent to the real process: running tasks are aborted with every process they started, saved
 * {@code interrupted} with their sessions, exit code 130; the next run offers them for Resume and finishes them.
 */
class GracefulStopIT {
    /**
     * A long step that starts a grandchild outliving its own shell ({@code sleep 300 &}), unless the file {@code fast}
     * exists in the plan's folder.
     */
    private static String slowUnlessFast(String task) {
        return "[ -f fast ] || { (sleep 300; true) & sleep 30; }; echo \"$PLANEXEC_SESSION_ID\" >> markers/" + task;
    }

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void signal_interrupts_running_tasks_kills_their_process_trees_and_the_next_run_resumes_them(String signal)
            throws Exception {
        Path plan = new ItPlan("stop", sandbox.marker())
                .task("alpha", List.of(), slowUnlessFast("alpha"))
                .task("beta", List.of(), slowUnlessFast("beta"))
                .task("gamma", List.of("alpha"), "echo \"$PLANEXEC_SESSION_ID\" >> markers/gamma")
                .writeTo(sandbox.work().resolve("plan.json"));

        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain", "--concurrency", "2");
        String alphaSession = awaitInProgress(run, "alpha");
        String betaSession = awaitInProgress(run, "beta");
        // Both steps are in their 30 s sleep and each has a grandchild that its shell does not wait for.
        Waits.until(
                () -> "both steps running with their grandchildren: " + sandbox.stepProcesses(),
                Duration.ofSeconds(20),
                () -> MarkedProcesses.matching(sandbox.marker(), "sleep 300").size() == 2
                        && MarkedProcesses.matching(sandbox.marker(), "sleep 30")
                                        .size()
                                == 2);

        long sent = System.nanoTime();
        run.signal(signal);
        int code = run.awaitExit(Duration.ofSeconds(15));
        long stopMillis = (System.nanoTime() - sent) / 1_000_000;
        assertEquals(130, code, run::describe);
        assertTrue(stopMillis < 5000, "graceful stop took " + stopMillis + " ms");
        System.out.printf("GracefulStopIT: SIG%s to exit 130 in %d ms%n", signal, stopMillis);

        List<MarkedProcesses.Found> left =
                MarkedProcesses.awaitNone(sandbox.marker(), Set.of(), Duration.ofMillis(500));
        assertTrue(left.isEmpty(), () -> "step processes survived the stop: " + left);
        assertNoStackTrace(run);
        assertTrue(run.stdout().contains("interrupted; run again to resume"), run::describe);
        assertTrue(Files.notExists(sandbox.work().resolve("plan.json.lock")), "a stopped run releases its lock");

        Plan stopped = PlanFiles.load(plan, AgentRegistry.NAMES);
        assertEquals(TaskStatus.INTERRUPTED, stopped.task("alpha").orElseThrow().status());
        assertEquals(TaskStatus.INTERRUPTED, stopped.task("beta").orElseThrow().status());
        assertEquals(alphaSession, stopped.task("alpha").orElseThrow().sessionId());
        assertEquals(betaSession, stopped.task("beta").orElseThrow().sessionId());
        assertEquals(TaskStatus.PENDING, stopped.task("gamma").orElseThrow().status());
        assertEquals(0, Sandbox.lines(sandbox.work().resolve("markers/alpha")), "an aborted step did not finish");

        // No terminal and no --on-orphans: refused, naming the orphaned tasks and the way out; nothing changes.
        byte[] before = Files.readAllBytes(plan);
        PlanexecProcess ask = sandbox.start("run", plan.toString(), "--plain");
        assertEquals(2, ask.awaitExit(Duration.ofSeconds(30)), ask::describe);
        assertTrue(ask.stderr().contains("alpha") && ask.stderr().contains("beta"), ask::describe);
        assertTrue(ask.stderr().contains("--on-orphans"), ask::describe);
        assertNoStackTrace(ask);
        assertArrayEquals(before, Files.readAllBytes(plan), "a refused run leaves the plan file as it was");

        Files.createFile(sandbox.work().resolve("fast"));
        PlanexecProcess resume = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "resume");
        assertEquals(0, resume.awaitExit(Duration.ofSeconds(60)), resume::describe);
        Plan finished = PlanFiles.load(plan, AgentRegistry.NAMES);
        finished.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t::toString));
        assertEquals(alphaSession, finished.task("alpha").orElseThrow().sessionId(), "resumed in the same session");
        assertEquals(betaSession, finished.task("beta").orElseThrow().sessionId(), "resumed in the same session");
        assertEquals(List.of(alphaSession), Files.readAllLines(sandbox.work().resolve("markers/alpha")));
        assertEquals(List.of(betaSession), Files.readAllLines(sandbox.work().resolve("markers/beta")));
        assertEquals(1, Sandbox.lines(sandbox.work().resolve("markers/gamma")));
    }

    @Test
    void a_second_ctrl_c_quits_at_once_and_still_saves_the_task_interrupted() throws Exception {
        // The step ignores SIGTERM (and its sleep inherits that), so a graceful abort has to wait out the grace
        // period before SIGKILL: the second Ctrl+C comes while the first one is still stopping.
        Path plan = new ItPlan("stop2", sandbox.marker())
                .task("stubborn", List.of(), "trap '' TERM; sleep 30; echo x >> markers/stubborn")
                .writeTo(sandbox.work().resolve("plan.json"));
        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain");
        String session = awaitInProgress(run, "stubborn");
        Waits.until(
                () -> "the step running: " + sandbox.stepProcesses(),
                Duration.ofSeconds(20),
                () -> MarkedProcesses.matching(sandbox.marker(), "sleep 30").size() == 1);

        long first = System.nanoTime();
        run.signal("INT");
        run.awaitLine(Pattern.compile("stopping"), Duration.ofSeconds(5));
        Waits.pause(Duration.ofMillis(300));
        assertTrue(
                run.isAlive(),
                () -> "the first Ctrl+C alone cannot end a step that ignores SIGTERM this fast\n" + run.describe());
        long second = System.nanoTime();
        run.signal("INT");
        int code = run.awaitExit(Duration.ofSeconds(10));
        long end = System.nanoTime();
        assertEquals(130, code, run::describe);
        long sinceFirst = (end - first) / 1_000_000;
        System.out.printf(
                "GracefulStopIT: second SIGINT to exit in %d ms (%d ms after the first)%n",
                (end - second) / 1_000_000, sinceFirst);
        assertTrue(run.stdout().contains("quitting now"), run::describe);
        // Stopping gracefully cannot take less than the 2 s a step gets between SIGTERM and SIGKILL, since this one
        // ignores SIGTERM: an exit before that is the second Ctrl+C's doing.
        assertTrue(sinceFirst < 2000, () -> "exited " + sinceFirst + " ms after the first Ctrl+C\n" + run.describe());
        assertNoStackTrace(run);

        List<MarkedProcesses.Found> left =
                MarkedProcesses.awaitNone(sandbox.marker(), Set.of(), Duration.ofMillis(500));
        assertTrue(left.isEmpty(), () -> "step processes survived the quit: " + left);
        Plan saved = PlanFiles.load(plan, AgentRegistry.NAMES);
        assertEquals(
                TaskStatus.INTERRUPTED, saved.task("stubborn").orElseThrow().status());
        assertEquals(session, saved.task("stubborn").orElseThrow().sessionId());
        assertEquals(0, Sandbox.lines(sandbox.work().resolve("markers/stubborn")));
    }

    /** Waits for {@code task}'s {@code → in_progress} line; returns its session id. */
    private static String awaitInProgress(PlanexecProcess run, String task) {
        return run.awaitLine(
                        Pattern.compile("^\\S+\\s+" + task + "\\s+pending\\s+(?:→|->)\\s+in_progress\\s+(\\S+)"),
                        Duration.ofSeconds(30))
                .group(1);
    }

    static void assertNoStackTrace(PlanexecProcess process) {
        Pattern trace = Pattern.compile("(?m)^\\s+at [\\w.$/]+\\(|Exception|\\bCaused by\\b");
        assertFalse(trace.matcher(process.stdout()).find(), process::describe);
        assertFalse(trace.matcher(process.stderr()).find(), process::describe);
    }
}
