package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three ways on for a task whose run was killed with {@code kill -9} after its first step finished and while
 * its second was running: Resume, Start Fresh, Clean Up, each chosen with {@code --on-orphans}.
 */
class RecoveryIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    private Path plan;
    /** The session the killed run left. */
    private String oldSession;

    @BeforeEach
    void kill_a_run_in_the_middle_of_the_second_step() throws Exception {
        plan = new ItPlan("recover", sandbox.marker())
                .task(
                        "build",
                        List.of(),
                        record("build-1"),
                        "[ -f fast ] || sleep 30; " + record("build-2"),
                        record("build-3"))
                .task("ship", List.of("build"), record("ship-1"))
                .writeTo(sandbox.work().resolve("plan.json"));
        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain");
        Waits.until(
                () -> "step 1 to finish\n" + run.describe(),
                Duration.ofSeconds(30),
                () -> Sandbox.lines(marker("build-1")) == 1);
        oldSession = PlanFiles.load(plan, AgentRegistry.NAMES)
                .task("build")
                .orElseThrow()
                .sessionId();
        // Step 2 started, so step 1's end is on disk (the session syncs it before the next step starts).
        Waits.until(
                () -> "step 2 to be running\n" + run.describe(),
                Duration.ofSeconds(30),
                () -> sessionExists(oldSession)
                        && session(oldSession).startedSteps().contains(1)
                        && MarkedProcesses.matching(sandbox.marker(), "sleep 30")
                                        .size()
                                == 1);
        run.kill9();
        Files.createFile(sandbox.work().resolve("fast"));
        Task killed = PlanFiles.load(plan, AgentRegistry.NAMES).task("build").orElseThrow();
        assertEquals(TaskStatus.IN_PROGRESS, killed.status());
        assertEquals(Set.of(0), session(oldSession).finishedSteps());
    }

    @Test
    void resume_continues_the_same_session_without_running_the_finished_step_again() throws Exception {
        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "resume");
        assertEquals(0, run.awaitExit(Duration.ofSeconds(60)), run::describe);

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        after.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t::toString));
        assertEquals(oldSession, after.task("build").orElseThrow().sessionId());
        assertEquals(List.of(oldSession), markerLines("build-1"), "step 1 ran once");
        // The killed run's step 2 was still sleeping; the resume stopped it and ran step 2 again itself.
        assertEquals(List.of(oldSession), markerLines("build-2"));
        assertEquals(List.of(oldSession), markerLines("build-3"));
        assertEquals(1, Sandbox.lines(marker("ship-1")));
        assertEquals(Set.of(0, 1, 2), session(oldSession).finishedSteps());
    }

    @Test
    void start_fresh_runs_every_step_again_in_a_new_session_and_removes_the_old_one() throws Exception {
        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "fresh");
        assertEquals(0, run.awaitExit(Duration.ofSeconds(60)), run::describe);

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        after.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t::toString));
        String newSession = after.task("build").orElseThrow().sessionId();
        assertNotEquals(oldSession, newSession);
        assertTrue(!sessionExists(oldSession), "the old session folder is removed");
        assertEquals(List.of(oldSession, newSession), markerLines("build-1"), "step 1 ran again, in the new session");
        assertEquals(List.of(newSession), markerLines("build-2"));
        assertEquals(List.of(newSession), markerLines("build-3"));
        assertEquals(Set.of(0, 1, 2), session(newSession).finishedSteps());
        assertEquals(1, Sandbox.lines(marker("ship-1")));
    }

    @Test
    void clean_up_leaves_the_task_pending_removes_its_session_and_runs_nothing() throws Exception {
        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "clean");
        assertEquals(1, run.awaitExit(Duration.ofSeconds(60)), () -> "not every task is done\n" + run.describe());
        assertTrue(run.stdout().contains("cleaned up"), run::describe);

        Task build = PlanFiles.load(plan, AgentRegistry.NAMES).task("build").orElseThrow();
        assertEquals(TaskStatus.PENDING, build.status());
        assertNull(build.sessionId());
        assertTrue(!sessionExists(oldSession), "the session folder is removed");
        assertEquals(
                TaskStatus.PENDING,
                PlanFiles.load(plan, AgentRegistry.NAMES)
                        .task("ship")
                        .orElseThrow()
                        .status());
        // The killed run's step 2 was stopped with its session: nothing can finish it later.
        List<MarkedProcesses.Found> left =
                MarkedProcesses.awaitNone(sandbox.marker(), Set.of(), Duration.ofMillis(500));
        assertTrue(left.isEmpty(), () -> "the dead run's step still runs: " + left);
        assertEquals(1, Sandbox.lines(marker("build-1")));
        assertEquals(0, Sandbox.lines(marker("build-2")));
        assertEquals(0, Sandbox.lines(marker("build-3")));
        assertEquals(0, Sandbox.lines(marker("ship-1")), "a task whose dependency was cleaned up does not run");
        assertTrue(
                SessionLogs.all(sandbox.home()).isEmpty(), () -> "no session left: " + SessionLogs.all(sandbox.home()));
    }

    private static String record(String name) {
        return "echo \"$PLANEXEC_SESSION_ID\" >> markers/" + name;
    }

    private Path marker(String name) {
        return sandbox.work().resolve("markers").resolve(name);
    }

    private List<String> markerLines(String name) throws IOException {
        return Files.readAllLines(marker(name));
    }

    private boolean sessionExists(String id) {
        return id != null && Files.isDirectory(SessionLogs.dir(sandbox.home()).resolve(id));
    }

    private SessionLogs.Session session(String id) {
        return SessionLogs.read(SessionLogs.dir(sandbox.home()).resolve(id));
    }
}
