package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.copilot.sdk.CopilotClient;
import com.github.copilot.sdk.json.CopilotClientOptions;
import com.github.copilot.sdk.json.PermissionHandler;
import com.github.copilot.sdk.json.ProviderConfig;
import com.github.copilot.sdk.json.SessionConfig;
import dev.planexec.agent.copilot.PingCompatibility;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.store.SecureFiles;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Crash, graceful stop, and the three ways on for an orphaned Copilot task, through the real CLI. */
class CopilotRecoveryIT {
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final Duration HOLD = Duration.ofSeconds(60);

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    @Test
    void crash_mid_task_then_resume_continues_the_same_session_with_its_conversation() throws Exception {
        crashThenResume(world);
    }

    /** Run, kill -9 of planexec mid-turn, then Resume: the same session, with its conversation. */
    static void crashThenResume(CopilotWorld world) throws Exception {
        Path plan = world.plan("crash")
                .task("think", "Think it over", "Take your time. FAKE_HOLD")
                .write();
        PlanexecRun first = world.planexec("run", plan.toString(), "--plain");
        world.model().awaitHolding(HOLD);
        String session = Plans.task(plan, "think").sessionId();
        List<ProcessHandle> cli = first.descendants();
        assertFalse(cli.isEmpty(), "the CLI runs under planexec");

        first.kill9();
        long killed = System.nanoTime();
        List<ProcessHandle> alive = new ArrayList<>(cli);
        while (!alive.isEmpty()
                && System.nanoTime() - killed < Duration.ofSeconds(10).toNanos()) {
            alive.removeIf(p -> !CopilotWorld.isRunning(p));
            CopilotWorld.sleep(20);
        }
        long goneMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        assertEquals(List.of(), alive, "the CLI outlived planexec's kill -9 by 10 s");
        System.out.println("CLI gone " + goneMillis + " ms after planexec's kill -9");
        assertEquals(TaskStatus.IN_PROGRESS, Plans.task(plan, "think").status());
        int requestsBefore = world.model().chats().size();

        PlanexecRun second = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--on-orphans", "resume");

        assertEquals(0, second.exitCode(), second::toString);
        Task task = Plans.task(plan, "think");
        assertEquals(TaskStatus.DONE, task.status());
        assertEquals(session, task.sessionId(), "resumed in the same session");
        assertTrue(second.stdout().contains("think: resuming session " + session), second::toString);
        assertTrue(task.agentResult().startsWith("Resumed. Finished task think"), task.agentResult());
        FakeModel.Request resumed = world.model().chats().get(requestsBefore);
        List<String> users = resumed.userTexts();
        assertTrue(users.size() >= 2, "earlier conversation and the continuation prompt: " + users);
        assertTrue(
                users.get(0).contains("Task think: Think it over")
                        && users.get(0).contains("FAKE_HOLD"),
                "the first prompt is still in the conversation: " + users.get(0));
        assertTrue(
                users.get(users.size() - 1).contains("was interrupted while you worked on task think"),
                "the continuation prompt comes last: " + users.get(users.size() - 1));
    }

    @Test
    void kill_9_during_a_tool_call_leaves_neither_the_cli_nor_the_tools_process() throws Exception {
        Path plan = world.plan("tool")
                .task("wait", "Run a long command", "FAKE_BASH: sleep 312")
                .write();
        PlanexecRun run = world.planexec("run", plan.toString(), "--plain");
        long tool = awaitProcess("sleep 312", Duration.ofSeconds(60));
        List<ProcessHandle> cli = run.descendants();
        assertTrue(cli.stream().anyMatch(p -> p.pid() == tool), "the tool runs under the CLI under planexec");

        run.kill9();
        long killed = System.nanoTime();

        assertEquals(List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(10)), "left after planexec's kill -9");
        System.out.println("CLI and tool gone "
                + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms after planexec's kill -9");
        // A process without the marker (one that replaced its environment) may take a moment longer to be reaped.
        Waits.within(Duration.ofSeconds(10), () -> cli.stream().noneMatch(CopilotWorld::isRunning));
        List<String> alive = cli.stream()
                .filter(CopilotWorld::isRunning)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
        assertEquals(List.of(), alive, "processes planexec had started, 10 s after its kill -9");
    }

    @Test
    void graceful_stop_aborts_the_turn_marks_the_task_interrupted_and_leaves_no_cli() throws Exception {
        Path plan =
                world.plan("stop").task("think", "Think it over", "FAKE_HOLD").write();
        PlanexecRun run = world.planexec("run", plan.toString(), "--plain");
        world.model().awaitHolding(HOLD);
        List<ProcessHandle> cli = run.descendants();
        assertFalse(cli.isEmpty(), "the CLI runs under planexec");

        run.signal("INT");

        assertEquals(130, run.awaitExit(Duration.ofSeconds(60)), run::toString);
        Task task = Plans.task(plan, "think");
        assertEquals(TaskStatus.INTERRUPTED, task.status(), run::toString);
        assertTrue(cli.stream().noneMatch(CopilotWorld::isRunning), "no CLI process is left");
        assertEquals(List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(2)));
        // The turn was aborted in the CLI (not just cut off), and the session kept for Resume.
        String events = Files.readString(world.sessionFolder(task.sessionId()).resolve("events.jsonl"));
        assertTrue(events.contains("\"type\":\"abort\""), "the CLI recorded the abort");
        // The fake model notices the hang-up at its next keep-alive write, a moment after the CLI closed the stream.
        Waits.until(
                "the CLI to hang up on the model",
                Duration.ofSeconds(10),
                () -> world.model().holdsDropped() == 1);
    }

    @Test
    void start_fresh_creates_a_new_session_and_deletes_the_old_one() throws Exception {
        Path plan =
                world.plan("fresh").task("think", "Think it over", "FAKE_HOLD").write();
        String old = interruptedMidTask(plan);

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--on-orphans", "fresh");

        assertEquals(0, run.exitCode(), run::toString);
        Task task = Plans.task(plan, "think");
        assertEquals(TaskStatus.DONE, task.status());
        assertNotEquals(old, task.sessionId());
        assertTrue(Files.isDirectory(world.sessionFolder(task.sessionId())), "the new session exists");
        assertFalse(Files.exists(world.sessionFolder(old)), "the old session is deleted");
        assertFalse(Files.exists(record(old)), "and planexec's record of it");
        assertEquals(List.of(task.sessionId()), listedSessions());
    }

    @Test
    void clean_up_deletes_the_session_and_leaves_the_task_pending() throws Exception {
        Path plan =
                world.plan("clean").task("think", "Think it over", "FAKE_HOLD").write();
        String old = interruptedMidTask(plan);
        int requestsBefore = world.model().chats().size();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--on-orphans", "clean");

        assertEquals(1, run.exitCode(), "a task held by Clean Up is not done: " + run);
        Task task = Plans.task(plan, "think");
        assertEquals(TaskStatus.PENDING, task.status());
        assertNull(task.sessionId());
        assertFalse(Files.exists(world.sessionFolder(old)), "the session is deleted");
        assertFalse(Files.exists(record(old)), "and planexec's record of it");
        assertEquals(List.of(), listedSessions());
        assertEquals(requestsBefore, world.model().chats().size(), "the task did not run");
    }

    @Test
    void a_session_whose_folder_was_removed_falls_back_to_a_fresh_one_once_and_the_plan_says_so() throws Exception {
        Path plan =
                world.plan("gone").task("think", "Think it over", "FAKE_HOLD").write();
        String old = interruptedMidTask(plan);
        SecureFiles.deleteTree(world.sessionFolder(old));

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--on-orphans", "resume");

        assertEquals(0, run.exitCode(), run::toString);
        Task task = Plans.task(plan, "think");
        assertEquals(TaskStatus.DONE, task.status());
        assertNotEquals(old, task.sessionId());
        assertEquals(1, task.notes().size(), task.notes().toString());
        String note = task.notes().get(0);
        assertTrue(
                note.contains("session " + old + " could not be resumed")
                        && note.contains("started fresh in session " + task.sessionId()),
                note);
        assertTrue(run.stdout().contains("could not resume session " + old), run::toString);
        assertEquals(List.of(task.sessionId()), listedSessions());
    }

    @Test
    void sessions_clean_orphaned_removes_planexec_sessions_no_task_refers_to_and_leaves_others() throws Exception {
        Path kept = world.plan("kept").task("a", "Answer", "Just answer.").write();
        Path dropped = world.plan("dropped").task("b", "Answer", "Just answer.").write();
        assertEquals(
                0, world.planexecToEnd(RUN, "run", kept.toString(), "--plain").exitCode());
        assertEquals(
                0,
                world.planexecToEnd(RUN, "run", dropped.toString(), "--plain").exitCode());
        String keptSession = Plans.task(kept, "a").sessionId();
        String orphan = Plans.task(dropped, "b").sessionId();
        Files.delete(dropped);
        createSessionsOutsidePlanexec("users-own-chat", "planexec-made-elsewhere-1");

        PlanexecRun orphaned = world.planexecToEnd(RUN, "sessions", "list", "--orphaned", "--json");
        PlanexecRun clean = world.planexecToEnd(RUN, "sessions", "clean", "--orphaned");

        assertEquals(0, orphaned.exitCode(), orphaned::toString);
        JsonNode rows = new ObjectMapper().readTree(orphaned.stdout());
        assertEquals(1, rows.size(), orphaned::toString);
        assertEquals(orphan, rows.get(0).path("id").asText());
        assertEquals("copilot", rows.get(0).path("agent").asText());
        assertEquals(0, clean.exitCode(), clean::toString);
        assertEquals(
                List.of("removed " + orphan + "  (plan " + dropped.toAbsolutePath() + " is gone)", "removed 1 session"),
                clean.stdout().lines().toList(),
                clean::toString);
        assertFalse(Files.exists(world.sessionFolder(orphan)), "the orphaned session is deleted");
        assertTrue(Files.isDirectory(world.sessionFolder(keptSession)), "a session a task refers to stays");
        assertTrue(Files.isDirectory(world.sessionFolder("users-own-chat")), "a session not planexec's stays");
        assertTrue(
                Files.isDirectory(world.sessionFolder("planexec-made-elsewhere-1")),
                "a planexec-named session with no record of its plan stays");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Runs the plan until its task's model request is held, stops planexec with SIGINT; returns the session id. */
    private String interruptedMidTask(Path plan) {
        PlanexecRun run = world.planexec("run", plan.toString(), "--plain");
        world.model().awaitHolding(HOLD);
        run.signal("INT");
        assertEquals(130, run.awaitExit(Duration.ofSeconds(60)), run::toString);
        Task task = Plans.task(plan, "think");
        assertEquals(TaskStatus.INTERRUPTED, task.status());
        assertTrue(Files.isDirectory(world.sessionFolder(task.sessionId())));
        assertTrue(Files.exists(record(task.sessionId())));
        return task.sessionId();
    }

    /** The pid of a process of this test whose command line contains {@code text}, once there is one. */
    private long awaitProcess(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (long pid : world.markedProcesses()) {
                Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
                try {
                    if (new String(Files.readAllBytes(cmdline))
                            .replace('\0', ' ')
                            .contains(text)) {
                        return pid;
                    }
                } catch (java.io.IOException e) {
                    // gone meanwhile
                }
            }
            CopilotWorld.sleep(50);
        }
        throw new AssertionError("no process running '" + text + "' within " + timeout.toSeconds() + " s");
    }

    private Path record(String sessionId) {
        return world.state().resolve("copilot").resolve(sessionId + ".json");
    }

    /** The Copilot sessions {@code planexec sessions list --json} shows. */
    private List<String> listedSessions() throws Exception {
        PlanexecRun list = world.planexecToEnd(RUN, "sessions", "list", "--json");
        assertEquals(0, list.exitCode(), list::toString);
        List<String> ids = new ArrayList<>();
        new ObjectMapper().readTree(list.stdout()).forEach(row -> {
            if (row.path("agent").asText().equals("copilot")) {
                ids.add(row.path("id").asText());
            }
        });
        return ids;
    }

    /** Sessions made with the SDK directly, as a user's own Copilot use (or another tool) would. */
    private void createSessionsOutsidePlanexec(String... ids) throws Exception {
        // The SDK alone cannot start CLI 1.0.52 and newer: the same fix as planexec's, in this JVM.
        PingCompatibility.install();
        CopilotClient client = new CopilotClient(new CopilotClientOptions()
                .setCliPath(world.cli().toString())
                .setEnvironment(world.env())
                .setUseLoggedInUser(false));
        try {
            client.start().get(60, TimeUnit.SECONDS);
            ProviderConfig provider = new ProviderConfig()
                    .setType("openai")
                    .setBaseUrl(world.model().baseUrl())
                    .setApiKey(CopilotWorld.API_KEY)
                    .setWireApi("completions");
            for (String id : ids) {
                client.createSession(new SessionConfig()
                                .setSessionId(id)
                                .setModel(FakeModel.MODEL)
                                .setProvider(provider)
                                .setWorkingDirectory(world.work().toString())
                                .setOnPermissionRequest(PermissionHandler.APPROVE_ALL))
                        .get(60, TimeUnit.SECONDS)
                        .close();
            }
        } finally {
            client.stop().get(30, TimeUnit.SECONDS);
        }
    }
}
