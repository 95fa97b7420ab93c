package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One run per plan, between real processes: a live lock refuses with exit code 3; a dead one is taken over. */
class LockIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void a_second_run_is_refused_while_the_first_lives_and_takes_over_once_it_was_killed() throws Exception {
        Path plan = new ItPlan("locked", sandbox.marker())
                .task("hold", List.of(), "[ -f fast ] || sleep 30; echo \"$PLANEXEC_SESSION_ID\" >> markers/hold")
                .writeTo(sandbox.work().resolve("plan.json"));
        Path lockFile = sandbox.work().resolve("plan.json.lock");

        PlanexecProcess first = sandbox.start("run", plan.toString(), "--plain");
        String oldSession = first.awaitLine(
                        Pattern.compile("hold\\s+pending\\s+(?:→|->)\\s+in_progress\\s+(\\S+)"), Duration.ofSeconds(30))
                .group(1);
        Waits.until(
                () -> "the first run's step: " + sandbox.stepProcesses(),
                Duration.ofSeconds(20),
                () -> MarkedProcesses.matching(sandbox.marker(), "sleep 30").size() == 1);

        byte[] before = Files.readAllBytes(plan);
        PlanexecProcess second = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "resume");
        assertEquals(3, second.awaitExit(Duration.ofSeconds(30)), second::describe);
        assertTrue(
                second.stderr().contains("process " + first.pid()),
                () -> "names the PID holding the lock\n" + second.describe());
        GracefulStopIT.assertNoStackTrace(second);
        assertArrayEquals(before, Files.readAllBytes(plan), "a refused run leaves the plan file as it was");
        assertTrue(first.isAlive(), "the refused run did not disturb the first");

        first.kill9();
        assertTrue(Files.exists(lockFile), "kill -9 leaves the lock file behind");
        assertEquals(
                Long.toString(first.pid()),
                new String(Files.readAllBytes(lockFile), StandardCharsets.US_ASCII).trim(),
                "the stale lock file names the dead run");

        Files.createFile(sandbox.work().resolve("fast"));
        PlanexecProcess third = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "fresh");
        assertEquals(0, third.awaitExit(Duration.ofSeconds(60)), third::describe);
        assertTrue(
                third.stdout().contains("stale lock") && third.stdout().contains("process " + first.pid()),
                () -> "a notice names the stale lock's PID\n" + third.describe());
        Plan done = PlanFiles.load(plan, AgentRegistry.NAMES);
        assertEquals(TaskStatus.DONE, done.task("hold").orElseThrow().status());
        String newSession = done.task("hold").orElseThrow().sessionId();
        assertNotEquals(oldSession, newSession, "Start Fresh runs in a new session");
        // The dead run's step was still sleeping; Start Fresh stopped it, so only the new session's run counts.
        assertEquals(List.of(newSession), Files.readAllLines(sandbox.work().resolve("markers/hold")));
        assertTrue(Files.notExists(lockFile), "a run that ends removes its lock file");
    }

    @Test
    void of_three_runs_started_at_once_exactly_one_runs_the_plan() throws Exception {
        // The step waits for the file "go", so the winner holds the lock until the losers are done.
        Path plan = new ItPlan("race", sandbox.marker())
                .task(
                        "only",
                        List.of(),
                        "i=0; while [ ! -f go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
                                + "echo \"$PLANEXEC_SESSION_ID\" >> markers/only")
                .writeTo(sandbox.work().resolve("plan.json"));
        List<PlanexecProcess> runs = List.of(
                sandbox.start("run", plan.toString(), "--plain"),
                sandbox.start("run", plan.toString(), "--plain"),
                sandbox.start("run", plan.toString(), "--plain"));

        Waits.until(
                () -> "two of the runs to give up: "
                        + runs.stream().map(PlanexecProcess::describe).toList(),
                Duration.ofSeconds(60),
                () -> runs.stream().filter(r -> !r.isAlive()).count() == 2);
        PlanexecProcess winner =
                runs.stream().filter(PlanexecProcess::isAlive).findFirst().orElseThrow();
        for (PlanexecProcess loser : runs) {
            if (loser != winner) {
                assertEquals(3, loser.awaitExit(Duration.ZERO), loser::describe);
                assertTrue(loser.stderr().contains("process " + winner.pid()), loser::describe);
            }
        }
        Files.createFile(sandbox.work().resolve("go"));
        assertEquals(0, winner.awaitExit(Duration.ofSeconds(60)), winner::describe);
        assertEquals(1, Sandbox.lines(sandbox.work().resolve("markers/only")), "the task ran once");
        assertEquals(
                TaskStatus.DONE,
                PlanFiles.load(plan, AgentRegistry.NAMES)
                        .task("only")
                        .orElseThrow()
                        .status());
    }
}
