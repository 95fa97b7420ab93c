package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Waits;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Copilot tasks on Copilot CLIs in server mode, started by the test on 127.0.0.1 ({@code --copilot-url}). */
class CopilotServersIT {
    private static final Duration RUN = Duration.ofSeconds(180);

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    @Test
    void four_independent_tasks_spread_over_two_servers() throws Exception {
        try (CopilotServer a = CopilotServer.start(world, "a");
                CopilotServer b = CopilotServer.start(world, "b")) {
            Path plan = world.plan("spread")
                    .task("t1", "First", "FAKE_BASH: echo 1 > t1.txt")
                    .task("t2", "Second", "FAKE_BASH: echo 2 > t2.txt")
                    .task("t3", "Third", "Just answer.")
                    .task("t4", "Fourth", "Just answer.")
                    .write();

            PlanexecRun run = world.planexecToEnd(
                    RUN,
                    "run",
                    plan.toString(),
                    "--plain",
                    "--concurrency",
                    "4",
                    "--copilot-url",
                    a.address(),
                    "--copilot-url",
                    b.address());

            assertEquals(0, run.exitCode(), run::toString);
            Set<String> used = new TreeSet<>();
            for (String id : List.of("t1", "t2", "t3", "t4")) {
                Task task = Plans.task(plan, id);
                assertEquals(TaskStatus.DONE, task.status(), run::toString);
                String server = task.sessionContext().get("copilotServer");
                used.add(server);
                CopilotServer on = server.equals(a.address()) ? a : b;
                assertTrue(
                        Files.isDirectory(on.sessionFolder(task.sessionId())),
                        id + "'s session is kept by the server the plan names, " + server);
            }
            assertEquals(new TreeSet<>(Set.of(a.address(), b.address())), used, "tasks ran on both servers");
            assertEquals("1\n", Files.readString(world.work().resolve("t1.txt")));
            assertTrue(run.descendants().isEmpty(), "planexec started no CLI of its own");
        }
    }

    @Test
    void after_kill_9_resume_goes_back_to_the_same_server_aborts_the_old_turn_and_keeps_the_conversation()
            throws Exception {
        crashThenResumeOnServers(world);
    }

    /**
     * A task on one of two servers, planexec killed with -9 mid-turn, then Resume: the same server and session, the
     * old turn aborted, the earlier conversation kept.
     *
     * <p>A server whose client's connection closes ends that client's turns itself (CLI 1.0.50 and 1.0.102 both
     * record {@code session.shutdown}); one whose client vanished without the connection closing (power loss, a
     * network gone) goes on with the turn. Server a sits behind a {@link HalfOpenProxy}, which keeps the server's side
     * of the connection open when planexec dies, so the turn goes on and only planexec's abort can end it.
     */
    static void crashThenResumeOnServers(CopilotWorld world) throws Exception {
        try (CopilotServer serverA = CopilotServer.start(world, "a");
                HalfOpenProxy a = HalfOpenProxy.to(serverA.address());
                CopilotServer b = CopilotServer.start(world, "b")) {
            Path plan = world.plan("crash")
                    .task("think", "Think it over", "Take your time. FAKE_HOLD")
                    .write();
            PlanexecRun first = world.planexec(
                    "run", plan.toString(), "--plain", "--copilot-url", a.address(), "--copilot-url", b.address());
            world.model().awaitHolding(Duration.ofSeconds(60));
            Task before = Plans.task(plan, "think");
            assertEquals(a.address(), before.sessionContext().get("copilotServer"), "the first server was the freest");

            first.kill9();
            assertFalse(
                    Waits.within(Duration.ofSeconds(3), () -> world.model().holding() == 0),
                    "the server goes on with the old turn after planexec's kill -9");
            int requestsBefore = world.model().chats().size();

            // Given the other way round, the first server named now would be b: the plan's record wins.
            PlanexecRun second = world.planexecToEnd(
                    RUN,
                    "run",
                    plan.toString(),
                    "--plain",
                    "--on-orphans",
                    "resume",
                    "--copilot-url",
                    b.address(),
                    "--copilot-url",
                    a.address());

            assertEquals(0, second.exitCode(), second::toString);
            Task task = Plans.task(plan, "think");
            assertEquals(TaskStatus.DONE, task.status());
            assertEquals(before.sessionId(), task.sessionId(), "resumed in the same session");
            assertEquals(a.address(), task.sessionContext().get("copilotServer"), "on the same server");
            Waits.until(
                    "the old turn's stream to end",
                    Duration.ofSeconds(10),
                    () -> world.model().holdsDropped() == 1);
            assertEquals(0, world.model().holding());
            String events =
                    Files.readString(serverA.sessionFolder(task.sessionId()).resolve("events.jsonl"));
            assertTrue(events.contains("\"type\":\"abort\""), "the server recorded planexec's abort of the old turn");
            assertTrue(task.agentResult().startsWith("Resumed. Finished task think"), task.agentResult());
            FakeModel.Request resumed = world.model().chats().get(requestsBefore);
            List<String> users = resumed.userTexts();
            assertTrue(users.get(0).contains("Task think: Think it over"), "earlier conversation: " + users);
            assertTrue(
                    users.get(users.size() - 1).contains("was interrupted while you worked on task think"),
                    users.get(users.size() - 1));
            assertFalse(Files.exists(b.sessionFolder(task.sessionId())), "never on the other server");
        }
    }

    @Test
    void a_server_that_cannot_be_reached_fails_its_tasks_saying_so() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path plan = world.plan("gone").task("a", "Answer", "Just answer.").write();

        PlanexecRun run =
                world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--copilot-url", "127.0.0.1:" + port);

        assertEquals(1, run.exitCode(), run::toString);
        Task task = Plans.task(plan, "a");
        assertEquals(TaskStatus.FAILED, task.status());
        assertTrue(
                task.error().startsWith("the Copilot server at 127.0.0.1:" + port + " cannot be reached ("),
                task.error());
        assertTrue(
                task.error().endsWith("): start it there with 'copilot --headless --port PORT', or fix --copilot-url"));
        assertEquals(List.of(), world.model().chats());
    }
}
