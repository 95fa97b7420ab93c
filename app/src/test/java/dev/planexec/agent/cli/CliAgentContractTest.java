package dev.planexec.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionRecord;
import dev.planexec.agent.SessionRecords;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunOptions;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every CLI agent against a fake CLI that records its arguments and prints that CLI's documented stream, run through
 * the real scheduler and plan store: the flags of a first run and of a resume, the session id in the plan, a resume
 * the CLI rejects, a CLI that crashes mid-stream, and a stop that leaves no process behind.
 */
class CliAgentContractTest {
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = {"claude", "codex", "gemini", "pi", "cursor"})
    void first_run_passes_the_cli_flags_and_the_session_id_lands_in_the_plan(String agent) throws Exception {
        try (FakeCli cli = FakeCli.in(tempDir, agent)) {
            cli.run("normal");

            Task task = cli.task();
            assertEquals(TaskStatus.DONE, task.status(), () -> "error: " + task.error());
            assertEquals("All done.", task.agentResult());
            String id = task.sessionId();
            List<String> args = cli.lastPromptRun();
            switch (agent) {
                case "claude" -> {
                    assertEquals(
                            List.of("-p", args.get(1), "--output-format", "stream-json", "--verbose"),
                            args.subList(0, 5));
                    assertEquals(id, FakeCli.after(args, "--session-id"));
                    assertTrue(UUID_FORM.matcher(id).matches(), id);
                }
                case "gemini" -> {
                    assertEquals(List.of("-p", args.get(1), "--output-format", "stream-json"), args.subList(0, 4));
                    assertEquals(id, FakeCli.after(args, "--session-id"));
                    assertTrue(id.startsWith(SessionIds.PREFIX), id);
                }
                case "pi" -> {
                    assertEquals(List.of("-p", "--mode", "json", "--session"), args.subList(0, 4));
                    Path file = Path.of(FakeCli.after(args, "--session"));
                    assertEquals(cli.state.resolve("pi").resolve(SessionIds.fileName(id) + ".jsonl"), file);
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                    // Pi's own ids in its stream and file are never taken for the session's.
                    assertTrue(id.startsWith(SessionIds.PREFIX), id);
                }
                case "codex" -> {
                    assertEquals(List.of("exec", "--json"), args.subList(0, 2));
                    assertFalse(args.contains("resume"), args.toString());
                    assertEquals(cli.newId, id, "the id learned from thread.started");
                }
                case "cursor" -> {
                    assertEquals(List.of("create-chat"), cli.runs().get(0));
                    assertEquals(List.of("-p", args.get(1), "--output-format", "stream-json"), args.subList(0, 4));
                    assertEquals(cli.newId, FakeCli.after(args, "--resume"));
                    assertEquals(cli.newId, id, "the id create-chat printed");
                }
                default -> throw new AssertionError(agent);
            }
            assertTrue(args.stream().anyMatch(a -> a.contains("Task build: Build it")), "the full first prompt");
            Path record = cli.state.resolve(agent).resolve(SessionIds.fileName(id) + ".json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));
            assertEquals(
                    "rwx------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.state.resolve(agent))));

            List<AgentEvent> shown = cli.events.ofType(RunEvent.TaskOutput.class).stream()
                    .map(RunEvent.TaskOutput::event)
                    .toList();
            assertTrue(
                    shown.stream()
                            .anyMatch(e -> e instanceof AgentEvent.ToolStart s
                                    && s.detail().contains("ls")),
                    shown.toString());
            assertTrue(
                    shown.stream().anyMatch(e -> e instanceof AgentEvent.ToolEnd t && t.success()), shown.toString());
            assertTrue(shown.stream().anyMatch(e -> e instanceof AgentEvent.MessageDelta), shown.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "codex", "gemini", "pi", "cursor"})
    void stop_kills_the_cli_process_tree_and_resume_goes_on_in_the_same_session(String agent) {
        try (FakeCli cli = FakeCli.in(tempDir, agent)) {
            stopWhileHanging(cli);
            Task stopped = cli.task();
            assertEquals(TaskStatus.INTERRUPTED, stopped.status());
            assertEquals(List.of(), cli.marked.alive(), "no process of the CLI is left");
            String id = stopped.sessionId();
            if (agent.equals("codex") || agent.equals("cursor")) {
                assertEquals(cli.newId, id, "the learned id is in the plan before the run stopped");
            }
            int runsBefore = cli.runs().size();

            cli.resume("normal");

            Task resumed = cli.task();
            assertEquals(TaskStatus.DONE, resumed.status(), () -> "error: " + resumed.error());
            assertEquals(id, resumed.sessionId());
            List<List<String>> runs = cli.runs();
            assertEquals(runsBefore + 1, runs.size(), "one run of the CLI, no new session: " + runs);
            List<String> args = runs.get(runs.size() - 1);
            switch (agent) {
                case "claude", "gemini", "cursor" -> assertEquals(id, FakeCli.after(args, "--resume"), args.toString());
                case "codex" -> assertEquals(id, FakeCli.after(args, "resume"), args.toString());
                case "pi" ->
                    assertEquals(
                            cli.state
                                    .resolve("pi")
                                    .resolve(SessionIds.fileName(id) + ".jsonl")
                                    .toString(),
                            FakeCli.after(args, "--session"));
                default -> throw new AssertionError(agent);
            }
            assertFalse(args.contains("--session-id"), args.toString());
            assertTrue(args.stream().anyMatch(a -> a.contains("was interrupted")), "the continuation prompt");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "codex", "gemini", "cursor"}) // pi's session is the file planexec chose
    void an_id_the_cli_reports_on_resume_replaces_the_old_one_in_the_plan(String agent) {
        try (FakeCli cli = FakeCli.in(tempDir, agent)) {
            stopWhileHanging(cli);
            String before = cli.task().sessionId();
            String moved = agent.equals("claude") ? UUID.randomUUID().toString() : "moved-" + agent + "-session";
            cli.env.put("FAKE_RESUME_AS", moved);

            cli.resume("normal");

            Task resumed = cli.task();
            assertEquals(TaskStatus.DONE, resumed.status(), () -> "error: " + resumed.error());
            assertEquals(moved, resumed.sessionId(), "the id of this run's output is the one in the plan");
            SessionRecord record = new SessionRecords(cli.state.resolve(agent))
                    .find(moved)
                    .orElseThrow(() -> new AssertionError("no record of " + moved));
            assertTrue(record.previousIds().contains(before), record.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "codex", "gemini", "pi", "cursor"})
    void a_resume_the_cli_rejects_starts_fresh_once(String agent) throws Exception {
        try (FakeCli cli = FakeCli.in(tempDir, agent)) {
            stopWhileHanging(cli);
            String oldId = cli.task().sessionId();
            if (agent.equals("pi")) {
                Files.delete(cli.state.resolve("pi").resolve(SessionIds.fileName(oldId) + ".jsonl"));
            } else {
                cli.env.put("FAKE_REJECT_ID", oldId);
            }

            cli.resume("normal");

            Task task = cli.task();
            assertEquals(TaskStatus.DONE, task.status(), () -> "error: " + task.error());
            assertNotEquals(oldId, task.sessionId());
            assertTrue(
                    task.notes().stream().anyMatch(n -> n.contains("session " + oldId + " could not be resumed")),
                    task.notes().toString());
            assertEquals(2, task.attempts(), "one fresh start");
            List<String> last = cli.lastPromptRun();
            assertTrue(last.stream().anyMatch(a -> a.contains("Task build: Build it")), "the full prompt again");
            assertFalse(
                    Files.exists(cli.state.resolve(agent).resolve(SessionIds.fileName(oldId) + ".json")),
                    "the rejected session's record is gone");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude", "codex", "gemini", "pi", "cursor"})
    void a_cli_that_crashes_mid_stream_fails_the_task_with_its_exit_code_and_last_stderr_lines(String agent) {
        try (FakeCli cli = FakeCli.in(tempDir, agent)) {
            cli.run("crash");

            Task task = cli.task();
            assertEquals(TaskStatus.FAILED, task.status());
            assertTrue(task.error().startsWith(agent + " exited with code 3"), task.error());
            assertTrue(
                    task.error().contains("fatal: lost the connection to the model\ngiving up after 3 tries"),
                    task.error());
            assertEquals(List.of(), cli.marked.alive());
        }
    }

    @Test
    void a_missing_cli_is_a_one_line_error_saying_how_to_install_it() {
        Map<String, String> env = Map.of("PATH", tempDir.toString());
        for (String agent : List.of("claude", "codex", "gemini", "pi", "cursor")) {
            var provider = AgentRegistry.load().find(agent).orElseThrow();
            AgentException e =
                    assertThrows(AgentException.class, () -> provider.open(new AgentEnvironment(tempDir, env, null))
                            .checkReady());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(
                    e.getMessage().contains("PLANEXEC_" + agent.toUpperCase(java.util.Locale.ROOT) + "_CLI"),
                    e.getMessage());
            String install =
                    switch (agent) {
                        case "claude", "codex", "gemini", "pi" -> "planexec agents install " + agent;
                        default -> "curl https://cursor.com/install";
                    };
            assertTrue(e.getMessage().contains(install), e.getMessage());
        }
    }

    /** Runs the task with the CLI hanging, and stops the run (Ctrl+C) once the CLI's processes are up. */
    private static void stopWhileHanging(FakeCli cli) {
        cli.run("hang", RunOptions.withConcurrency(1), scheduler -> {
            Waits.until("the CLI to hang", Duration.ofSeconds(20), () -> cli.marked.sleeping() >= 2);
            if (cli.agent.equals("codex")) {
                Waits.until(
                        "the learned id in the plan",
                        Duration.ofSeconds(10),
                        () -> cli.newId.equals(cli.task().sessionId()));
            }
            scheduler.stop();
        });
    }
}
