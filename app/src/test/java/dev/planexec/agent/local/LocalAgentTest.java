package dev.planexec.agent.local;

import static dev.planexec.testing.LocalAgents.spec;
import static dev.planexec.testing.LocalAgents.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionFilter;
import dev.planexec.agent.SessionInfo;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.TurnResult;
import dev.planexec.testing.LocalAgents;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.Recorder;
import dev.planexec.testing.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The local agent through the {@link AgentRuntime} contract, found by name as planexec finds it. */
@Timeout(60)
class LocalAgentTest {
    @TempDir
    Path tmp;

    private Path state;
    private Path work;
    private AgentRuntime local;
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void open() throws Exception {
        state = Files.createDirectory(tmp.resolve("state"));
        work = Files.createDirectory(tmp.resolve("work"));
        local = LocalAgents.open(state);
    }

    @AfterEach
    void close() {
        local.close();
        background.shutdownNow();
    }

    @Test
    void the_backend_is_found_by_name() {
        assertEquals("local", local.name());
    }

    @Test
    void steps_run_in_order_in_the_working_directory_with_planexec_variables() throws Exception {
        Map<String, String> env = Map.of(
                "PLANEXEC_PLAN", "/plans/p.json",
                "PLANEXEC_TASK_ID", "build",
                "PLANEXEC_SESSION_ID", "planexec-p-build-00000001");
        SessionSpec spec = spec(
                "planexec-p-build-00000001",
                work,
                env,
                List.of(
                        step("echo one >> order.txt"),
                        step("pwd > pwd.txt; echo two >> order.txt"),
                        step("echo \"$PLANEXEC_PLAN|$PLANEXEC_TASK_ID|$PLANEXEC_SESSION_ID\" > env.txt")));

        TurnResult result;
        try (AgentSession session = local.create(spec)) {
            result = session.send("ignored", e -> {});
        }

        assertInstanceOf(TurnResult.Completed.class, result);
        assertEquals("one\ntwo\n", Files.readString(work.resolve("order.txt")));
        assertEquals(
                work.toRealPath().toString(),
                Files.readString(work.resolve("pwd.txt")).strip());
        assertEquals(
                "/plans/p.json|build|planexec-p-build-00000001",
                Files.readString(work.resolve("env.txt")).strip());
    }

    @Test
    void output_of_stdout_and_stderr_arrives_as_events_in_the_order_it_was_printed() throws Exception {
        Recorder<AgentEvent> events = new Recorder<>();

        try (AgentSession session =
                local.create(spec("planexec-p-out-1", work, "echo hello; echo oops >&2; echo bye"))) {
            session.send("", events::add);
        }

        List<String> output = events.ofType(AgentEvent.Output.class).stream()
                .map(AgentEvent.Output::text)
                .toList();
        assertEquals(List.of("hello", "oops", "bye"), output);
        assertEquals(1, events.ofType(AgentEvent.ToolStart.class).size());
        AgentEvent.ToolEnd end = events.ofType(AgentEvent.ToolEnd.class).get(0);
        assertTrue(end.success(), end::toString);
        assertEquals(1, events.ofType(AgentEvent.Idle.class).size());
    }

    @Test
    void a_failing_step_fails_the_turn_naming_the_step_its_exit_code_and_last_output() throws Exception {
        TurnResult result;
        try (AgentSession session = local.create(spec(
                "planexec-p-fail-1",
                work,
                "echo fine",
                "echo first line; echo last line; exit 3",
                "echo never > never.txt"))) {
            result = session.send("", e -> {});
        }

        TurnResult.Failed failed = assertInstanceOf(TurnResult.Failed.class, result);
        String error = failed.error();
        assertTrue(error.startsWith("step 2/3 (echo first line; echo last line; exit 3) exited with code 3"), error);
        assertTrue(error.contains("first line\nlast line"), error);
        assertFalse(Files.exists(work.resolve("never.txt")), "steps after a failure do not run");
    }

    @Test
    void a_step_ended_by_a_stop_signal_from_outside_is_a_transient_failure_and_a_step_that_fails_is_not()
            throws Exception {
        for (String signal : List.of("HUP", "INT", "TERM")) {
            TurnResult result;
            try (AgentSession session =
                    local.create(spec("planexec-p-sig" + signal + "-1", work, "kill -" + signal + " $$"))) {
                result = session.send("", e -> {});
            }
            TurnResult.Failed failed = assertInstanceOf(TurnResult.Failed.class, result);
            assertTrue(failed.transientFailure(), signal + ": " + failed.error());
        }
        TurnResult result;
        try (AgentSession session = local.create(spec("planexec-p-exit3-1", work, "exit 3"))) {
            result = session.send("", e -> {});
        }
        assertFalse(assertInstanceOf(TurnResult.Failed.class, result).transientFailure());
    }

    @Test
    void the_last_output_of_a_failed_step_keeps_stdout_and_stderr_interleaved_as_printed() throws Exception {
        // Alternating at once between the two streams: read from two pipes, the lines came in whatever order the
        // reading threads ran.
        StringBuilder step = new StringBuilder();
        List<String> printed = new java.util.ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String stream = i % 2 == 0 ? "err" : "out";
            step.append("echo ").append(stream).append(i).append(i % 2 == 0 ? " >&2; " : "; ");
            printed.add(stream + i);
        }
        step.append("exit 4");
        TurnResult result;
        try (AgentSession session = local.create(spec("planexec-p-mixed-1", work, step.toString()))) {
            result = session.send("", e -> {});
        }

        String error = assertInstanceOf(TurnResult.Failed.class, result).error();
        List<String> lastLines =
                List.of(error.substring(error.indexOf("last output:\n") + 13).split("\n"));
        assertEquals(printed.subList(10, 20), lastLines, error);
    }

    @Test
    void a_step_past_its_timeout_is_killed_and_fails_the_turn() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            long start = System.nanoTime();
            TurnResult result;
            try (AgentSession session = local.create(spec(
                    "planexec-p-timeout-1",
                    work,
                    Map.of(),
                    List.of(step("echo waiting; " + marked.sleep(30), Duration.ofSeconds(1)))))) {
                result = session.send("", e -> {});
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            TurnResult.Failed failed = assertInstanceOf(TurnResult.Failed.class, result);
            assertTrue(failed.error().contains("timed out after 1s"), failed.error());
            assertTrue(failed.error().contains("waiting"), failed.error());
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
            assertEquals(List.of(), marked.alive(), "the timed-out step's processes are gone");
        }
    }

    @Test
    void abort_from_another_thread_kills_the_whole_process_tree() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            String step = "sh -c '" + marked.sleep(300) + " & " + marked.sleep(300) + " & wait'";
            AgentSession session = local.create(spec("planexec-p-abort-1", work, step));
            try {
                Future<TurnResult> turn = background.submit(() -> session.send("", e -> {}));
                Waits.until("both sleeps to run", Duration.ofSeconds(15), () -> marked.sleeping() == 2);

                session.abort();

                assertInstanceOf(TurnResult.Aborted.class, turn.get(15, TimeUnit.SECONDS));
                Waits.until(
                        "no process of the aborted step to be left (left: " + marked.alive() + ")",
                        Duration.ofSeconds(5),
                        () -> marked.alive().isEmpty());
            } finally {
                session.abort();
                session.close();
            }
        }
    }

    @Test
    void abort_also_kills_a_step_that_ignores_sigterm() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            // An ignored signal stays ignored in the children too: only SIGKILL ends these.
            String step = "trap '' TERM; " + marked.sleep(300) + " & " + marked.sleep(300) + " & wait";
            AgentSession session = local.create(spec("planexec-p-stubborn-1", work, step));
            try {
                Future<TurnResult> turn = background.submit(() -> session.send("", e -> {}));
                Waits.until("both sleeps to run", Duration.ofSeconds(15), () -> marked.sleeping() == 2);

                session.abort();

                assertInstanceOf(TurnResult.Aborted.class, turn.get(15, TimeUnit.SECONDS));
                Waits.until(
                        "no process of the aborted step to be left (left: " + marked.alive() + ")",
                        Duration.ofSeconds(5),
                        () -> marked.alive().isEmpty());
            } finally {
                session.abort();
                session.close();
            }
        }
    }

    @Test
    void resume_skips_finished_steps_and_reruns_the_one_that_did_not_finish() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            SessionSpec spec = spec(
                    "planexec-p-resume-1",
                    work,
                    "echo run >> m1",
                    "echo run >> m2; [ -f go ] || " + marked.sleep(30),
                    "echo run >> m3");
            AgentSession first = local.create(spec);
            try {
                Future<TurnResult> turn = background.submit(() -> first.send("", e -> {}));
                Waits.until("step 2 to start", Duration.ofSeconds(15), () -> lines(work.resolve("m2")) == 1);
                first.abort();
                assertInstanceOf(TurnResult.Aborted.class, turn.get(15, TimeUnit.SECONDS));
            } finally {
                first.close();
            }
            Files.createFile(work.resolve("go"));

            Recorder<AgentEvent> events = new Recorder<>();
            TurnResult result;
            try (AgentSession resumed = local.resume(spec)) {
                assertEquals(spec.sessionId(), resumed.id());
                result = resumed.send("continue", events::add);
            }

            TurnResult.Completed completed = assertInstanceOf(TurnResult.Completed.class, result);
            assertTrue(
                    completed.finalMessage().startsWith("ran 2 of 3 steps (1 already done"), completed::finalMessage);
            assertEquals(1, lines(work.resolve("m1")), "the finished step is not run again");
            assertEquals(2, lines(work.resolve("m2")), "the step that was running is run again");
            assertEquals(1, lines(work.resolve("m3")));
            assertTrue(
                    events.ofType(AgentEvent.Notice.class).stream()
                            .anyMatch(n -> n.text().startsWith("step 1/3 already done")),
                    events.all()::toString);
        }
    }

    @Test
    void resume_after_a_failed_step_runs_that_step_again() throws Exception {
        SessionSpec spec = spec("planexec-p-retry-1", work, "echo run >> m1", "echo run >> m2; test -f go");
        try (AgentSession first = local.create(spec)) {
            assertInstanceOf(TurnResult.Failed.class, first.send("", e -> {}));
        }
        Files.createFile(work.resolve("go"));

        try (AgentSession resumed = local.resume(spec)) {
            assertInstanceOf(TurnResult.Completed.class, resumed.send("", e -> {}));
        }

        assertEquals(1, lines(work.resolve("m1")));
        assertEquals(2, lines(work.resolve("m2")));
    }

    @Test
    void a_torn_last_line_in_the_event_log_does_not_stop_a_resume() throws Exception {
        SessionSpec spec = spec("planexec-p-torn-1", work, "echo run >> m1", "echo run >> m2");
        try (AgentSession first = local.create(spec)) {
            first.send("", e -> {});
        }
        Path log = state.resolve("sessions").resolve(spec.sessionId()).resolve("events.jsonl");
        Files.writeString(log, "{\"ts\":\"2026-01-01T00:00:00Z\",\"type\":\"step_st", StandardOpenOption.APPEND);

        try (AgentSession resumed = local.resume(spec)) {
            assertInstanceOf(TurnResult.Completed.class, resumed.send("", e -> {}));
        }

        assertEquals(1, lines(work.resolve("m1")));
        assertEquals(1, lines(work.resolve("m2")));
    }

    @Test
    void sessions_are_listed_found_and_deleted() throws Exception {
        Path other = Files.createDirectory(tmp.resolve("other"));
        local.create(spec("planexec-p-a-1", work, "true")).close();
        local.create(spec("planexec-p-b-1", other, "true")).close();
        local.create(spec("users-own-session", work, "true")).close();

        List<SessionInfo> all = local.list(SessionFilter.ALL);
        List<SessionInfo> inWork = local.list(new SessionFilter(work.toString(), null, null, null, null));
        List<SessionInfo> ours = local.list(new SessionFilter(null, null, null, null, "planexec-"));

        assertEquals(3, all.size(), all::toString);
        assertEquals(
                List.of("planexec-p-a-1", "users-own-session"),
                ids(inWork).stream().sorted().toList());
        assertEquals(
                List.of("planexec-p-a-1", "planexec-p-b-1"),
                ids(ours).stream().sorted().toList());

        SessionInfo found = local.find("planexec-p-a-1").orElseThrow();
        assertEquals("local", found.agent());
        assertEquals("task", found.taskId());
        assertEquals(work.resolve("plan.json").toAbsolutePath().toString(), found.planFile());
        assertEquals(work.toString(), found.context().cwd());
        assertNotNull(found.createdAt());
        assertNotNull(found.lastActivity());

        local.delete("planexec-p-a-1");

        assertTrue(local.find("planexec-p-a-1").isEmpty());
        assertFalse(Files.exists(state.resolve("sessions/planexec-p-a-1")));
        assertEquals(2, local.list(SessionFilter.ALL).size());
        local.delete("planexec-p-a-1"); // already gone: not an error
        assertTrue(local.find("never-existed").isEmpty());
    }

    @Test
    void sessions_record_their_git_context_and_can_be_listed_by_it() throws Exception {
        git("init", "-q", "-b", "feature/x");
        git("remote", "add", "origin", "https://example.com/team/repo.git");
        git(
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "init");
        Path sub = Files.createDirectory(work.resolve("sub"));
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        local.create(spec("planexec-p-git-1", sub, "true")).close();
        local.create(spec("planexec-p-nogit-1", elsewhere, "true")).close();

        SessionInfo info = local.find("planexec-p-git-1").orElseThrow();
        assertEquals(sub.toString(), info.context().cwd());
        assertEquals(work.toRealPath().toString(), info.context().gitRoot());
        assertEquals("https://example.com/team/repo.git", info.context().repository());
        assertEquals("feature/x", info.context().branch());

        assertEquals(
                List.of("planexec-p-git-1"),
                ids(local.list(new SessionFilter(null, null, "https://example.com/team/repo.git", null, null))));
        assertEquals(
                List.of("planexec-p-git-1"), ids(local.list(new SessionFilter(null, null, null, "feature/x", null))));
        assertEquals(
                List.of("planexec-p-git-1"),
                ids(local.list(new SessionFilter(null, work.toRealPath().toString(), null, null, null))));
        assertEquals(List.of(), ids(local.list(new SessionFilter(null, null, null, "main", null))));
    }

    @Test
    void a_session_id_cannot_be_created_twice() throws Exception {
        local.create(spec("planexec-p-twice-1", work, "true")).close();

        AgentException e =
                assertThrows(AgentException.class, () -> local.create(spec("planexec-p-twice-1", work, "true")));

        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void resuming_a_deleted_session_is_refused_as_unavailable() throws Exception {
        SessionSpec spec = spec("planexec-p-gone-1", work, "true");
        local.create(spec).close();
        local.delete(spec.sessionId());

        SessionUnavailableException e = assertThrows(SessionUnavailableException.class, () -> local.resume(spec));

        assertTrue(e.getMessage().contains("planexec-p-gone-1"), e.getMessage());
    }

    @Test
    void resuming_a_corrupt_session_is_refused_as_unavailable() throws Exception {
        SessionSpec spec = spec("planexec-p-corrupt-1", work, "true");
        local.create(spec).close();
        Files.writeString(
                state.resolve("sessions").resolve(spec.sessionId()).resolve("events.jsonl"), "not json at all\n");

        assertThrows(SessionUnavailableException.class, () -> local.resume(spec));
    }

    @Test
    void closing_the_runtime_stops_running_sessions() throws Exception {
        try (MarkedProcesses marked = MarkedProcesses.in(tmp)) {
            AgentSession session = local.create(spec("planexec-p-close-1", work, marked.sleep(300)));
            Future<TurnResult> turn = background.submit(() -> session.send("", e -> {}));
            Waits.until("the step to run", Duration.ofSeconds(15), () -> marked.sleeping() == 1);

            local.close();

            assertInstanceOf(TurnResult.Aborted.class, turn.get(15, TimeUnit.SECONDS));
            assertEquals(List.of(), marked.alive());
            assertTrue(local.find("planexec-p-close-1").isPresent(), "closing keeps sessions");
        }
    }

    private void git(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ": " + output);
    }

    private static List<String> ids(List<SessionInfo> sessions) {
        return sessions.stream().map(SessionInfo::id).toList();
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
