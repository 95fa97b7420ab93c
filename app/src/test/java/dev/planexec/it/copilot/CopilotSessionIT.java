package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.Prompts;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionInfo;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.TaskBrief;
import dev.planexec.agent.TurnResult;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunOptions;
import dev.planexec.run.RunSummary;
import dev.planexec.run.Scheduler;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Recorder;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Copilot backend in this JVM against the real CLI: events, abort, listing, resume, delete. */
class CopilotSessionIT {
    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    @Test
    void streamed_text_and_tool_calls_reach_the_task_output_as_they_come() throws Exception {
        Path plan = world.plan("output")
                .task("t", "Write a file", "FAKE_BASH: echo streamed > s.txt")
                .write();
        Recorder<RunEvent> events = new Recorder<>();
        RunSummary summary;
        try (AgentPool agents = new AgentPool(AgentRegistry.load(), world.agentEnvironment(), null)) {
            PlanStore store = new PlanStore(plan, Plans.load(plan), AgentRegistry.NAMES);
            LogFile log = new LogFile(world.state().resolve("logs").resolve("planexec.log"));
            summary = new Scheduler(store, agents, RunOptions.withConcurrency(1), events::add, log).run();
        }

        assertEquals(
                RunSummary.Outcome.COMPLETED, summary.outcome(), events.all().toString());
        List<AgentEvent> output = events.ofType(RunEvent.TaskOutput.class).stream()
                .map(RunEvent.TaskOutput::event)
                .toList();
        List<String> deltas = output.stream()
                .filter(AgentEvent.MessageDelta.class::isInstance)
                .map(e -> ((AgentEvent.MessageDelta) e).text())
                .toList();
        assertEquals(List.of("Ran the command for task t", "; done."), deltas, output.toString());
        AgentEvent.ToolStart start = only(output, AgentEvent.ToolStart.class);
        AgentEvent.ToolEnd end = only(output, AgentEvent.ToolEnd.class);
        assertEquals("bash", start.tool());
        assertEquals("echo streamed > s.txt", start.detail());
        assertEquals(start.callId(), end.callId());
        assertTrue(end.success(), end.toString());
        int startAt = output.indexOf(start);
        int endAt = output.indexOf(end);
        int firstDelta = output.indexOf(new AgentEvent.MessageDelta("Ran the command for task t"));
        assertTrue(startAt < endAt && endAt < firstDelta, "tool start, tool end, then the answer: " + output);
        assertInstanceOf(AgentEvent.Idle.class, output.get(output.size() - 1), output.toString());
        assertEquals("streamed\n", Files.readString(world.work().resolve("s.txt")));
        assertEquals(List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(5)), "closing stops the CLI");
    }

    @Test
    void abort_ends_the_turn_in_the_cli_and_send_returns_aborted() throws Exception {
        try (AgentRuntime copilot = open()) {
            AgentSession session = copilot.create(spec("planexec-it-abort-1", "FAKE_HOLD"));
            CompletableFuture<TurnResult> turn = CompletableFuture.supplyAsync(() -> {
                try {
                    return session.send("Task a: please FAKE_HOLD", e -> {});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            world.model().awaitHolding(Duration.ofSeconds(60));

            long start = System.nanoTime();
            session.abort();
            TurnResult result = turn.get(20, TimeUnit.SECONDS);

            assertInstanceOf(TurnResult.Aborted.class, result);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "the abort was prompt");
            session.close();
        }
        // The fake model notices the hang-up at its next keep-alive write, a moment after the CLI closed the stream.
        Waits.until(
                "the CLI to hang up on the model",
                Duration.ofSeconds(10),
                () -> world.model().holdsDropped() == 1);
    }

    @Test
    void list_find_and_delete_know_planexecs_sessions_by_their_records() throws Exception {
        try (AgentRuntime copilot = open()) {
            String id = "planexec-it-list-1";
            AgentSession session = copilot.create(spec(id, "Just answer."));
            assertInstanceOf(TurnResult.Completed.class, session.send("Task a: Just answer.", e -> {}));
            session.close();

            String work = world.work().toString();
            List<SessionInfo> mine = copilot.list(new SessionFilter(work, work, null, "main", "planexec-"));
            List<SessionInfo> otherBranch = copilot.list(new SessionFilter(null, null, null, "release", null));
            Optional<SessionInfo> found = copilot.find(id);

            assertEquals(List.of(id), mine.stream().map(SessionInfo::id).toList());
            SessionInfo info = mine.get(0);
            assertEquals("copilot", info.agent());
            assertEquals("a", info.taskId());
            assertEquals(world.work().resolve("plan.json").toString(), info.planFile());
            assertEquals("example-org/example-repo", info.context().repository());
            assertTrue(info.lastActivity() != null && info.createdAt() != null, info.toString());
            assertEquals(List.of(), otherBranch);
            assertEquals(Optional.of(info), found);
            assertEquals(Optional.empty(), copilot.find("planexec-it-never-made"));

            copilot.delete(id);
            copilot.delete(id); // already gone: not an error

            assertEquals(Optional.empty(), copilot.find(id));
            assertFalse(Files.exists(world.sessionFolder(id)), "the CLI's folder of the session is gone");
            assertFalse(Files.exists(world.state().resolve("copilot").resolve(id + ".json")), "and planexec's record");
        }
    }

    @Test
    void resume_removes_a_stale_in_use_lock_and_goes_on_in_the_same_conversation() throws Exception {
        String id = "planexec-it-lock-1";
        try (AgentRuntime copilot = open()) {
            AgentSession session = copilot.create(spec(id, "Just answer."));
            session.send("Task a: first turn", e -> {});
            session.close();
        }
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        Path deadLock = world.sessionFolder(id).resolve("inuse." + gone.pid() + ".lock");
        Files.writeString(deadLock, "");
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        Path reusedLock = world.sessionFolder(id).resolve("inuse." + unrelated.pid() + ".lock");
        Files.writeString(reusedLock, "");
        try (AgentRuntime copilot = open()) {
            AgentSession session = copilot.resume(spec(id, "Just answer."));
            TurnResult result = session.send("Task a: second turn", e -> {});
            session.close();

            assertInstanceOf(TurnResult.Completed.class, result);
            assertFalse(Files.exists(deadLock), "the lock of a process that is gone was removed");
            assertFalse(Files.exists(reusedLock), "so was the lock whose process id now belongs to another program");
            FakeModel.Request last =
                    world.model().chats().get(world.model().chats().size() - 1);
            assertEquals(2, last.userTexts().size(), last.userTexts().toString());
            assertTrue(last.userTexts().get(0).contains("first turn"), "the earlier turn is in the conversation");
        } finally {
            unrelated.destroyForcibly();
            unrelated.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_session_copilot_does_not_have_cannot_be_resumed() throws Exception {
        try (AgentRuntime copilot = open()) {
            SessionUnavailableException e = assertThrows(
                    SessionUnavailableException.class, () -> copilot.resume(spec("planexec-it-never-made", "")));
            assertEquals("Copilot has no session planexec-it-never-made any more", e.getMessage());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private AgentRuntime open() throws Exception {
        return AgentRegistry.load().find("copilot").orElseThrow().open(world.agentEnvironment());
    }

    private SessionSpec spec(String sessionId, String description) {
        TaskBrief brief = new TaskBrief(
                "it",
                "IT plan",
                "",
                world.work().resolve("plan.json").toString(),
                "a",
                "Task a",
                description,
                List.of(),
                List.of(),
                List.of(),
                List.of());
        assertTrue(Prompts.first(brief).contains("Task a: Task a"));
        return new SessionSpec(sessionId, brief, world.work(), Map.of(), null);
    }

    private static <T extends AgentEvent> T only(List<AgentEvent> events, Class<T> type) {
        List<T> matching =
                events.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, matching.size(), type.getSimpleName() + " in " + events);
        return matching.get(0);
    }
}
