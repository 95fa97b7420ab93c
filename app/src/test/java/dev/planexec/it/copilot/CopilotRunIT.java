package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.it.RepoPlans;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Plans run to their end through the real Copilot CLI, talking to a fake model. */
class CopilotRunIT {
    private static final Duration RUN = Duration.ofSeconds(120);

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    @Test
    void a_cli_newer_than_the_newest_tested_runs_with_a_one_line_notice() throws Exception {
        // The real CLI, reporting a version past the newest tested one.
        Path newer = world.logs().resolve("copilot-newer");
        Files.writeString(
                newer,
                String.join(
                        "\n",
                        "#!/bin/sh",
                        "case \"$*\" in *--version*) echo 'GitHub Copilot CLI 1.0.999.'; exit 0 ;; esac",
                        "exec '" + world.cli() + "' \"$@\"",
                        ""));
        Files.setPosixFilePermissions(newer, PosixFilePermissions.fromString("rwx------"));
        world.env("PLANEXEC_COPILOT_CLI", newer.toString());
        Path plan = world.plan("newer").task("a", "Answer", "Just answer.").write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(TaskStatus.DONE, Plans.task(plan, "a").status(), run::toString);
        assertEquals(
                1,
                run.stdout()
                        .lines()
                        .filter(l -> l.endsWith("copilot: untested Copilot CLI 1.0.999; tested up to 1.0.102"))
                        .count(),
                run::toString);
    }

    @Test
    void two_task_plan_runs_to_the_end_with_a_session_per_task_a_tool_call_and_streamed_text() throws Exception {
        Path plan = world.plan("two")
                .task(
                        "write",
                        "Write the greeting file",
                        "Create greeting.txt.\nFAKE_BASH: echo hello from copilot > " + "greeting.txt")
                .task("report", "Report on the greeting", "Say that the greeting file exists.", "write")
                .write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertEquals(0, run.exitCode(), run::toString);
        Task write = Plans.task(plan, "write");
        Task report = Plans.task(plan, "report");
        assertEquals(TaskStatus.DONE, write.status(), run::toString);
        assertEquals(TaskStatus.DONE, report.status(), run::toString);
        assertTrue(write.sessionId().startsWith("planexec-two-write-"), write.sessionId());
        assertTrue(report.sessionId().startsWith("planexec-two-report-"), report.sessionId());
        assertEquals("hello from copilot\n", Files.readString(world.work().resolve("greeting.txt")));
        // The agents' final messages, which the fake model streamed in pieces (CopilotSessionIT shows the pieces
        // reaching the task's output as they come; line mode prints state changes only).
        assertEquals("Ran the command for task write; done.", write.agentResult());
        assertEquals("Finished task report: all acceptance criteria are met.", report.agentResult());
        assertTrue(
                run.stdout().contains("write   pending     → in_progress  " + write.sessionId())
                        || run.stdout().contains("write   pending     -> in_progress  " + write.sessionId()),
                run::toString);

        for (Task task : List.of(write, report)) {
            // Closed, not deleted: the CLI keeps each session, and the answer is in its transcript.
            Path events = world.sessionFolder(task.sessionId()).resolve("events.jsonl");
            assertTrue(Files.isRegularFile(events), "session " + task.sessionId() + " is kept");
            assertTrue(
                    Files.readString(events).contains(task.agentResult()), task.id() + ": transcript has the answer");
            // planexec's record of the session, with the context the CLI reported.
            Path record = world.state().resolve("copilot").resolve(task.sessionId() + ".json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));
            JsonNode json = new ObjectMapper().readTree(record.toFile());
            assertEquals(task.id(), json.path("taskId").asText());
            assertEquals(task.sessionId(), json.path("sessionId").asText());
            assertEquals(plan.toAbsolutePath().toString(), json.path("plan").asText());
            assertEquals(
                    world.work().toString(), json.path("context").path("cwd").asText());
            assertEquals("main", json.path("context").path("branch").asText());
            assertEquals(
                    "example-org/example-repo",
                    json.path("context").path("repository").asText());
            assertEquals(world.work().toString(), task.sessionContext().get("cwd"));
        }

        // What the model was asked: the task's prompt with the plan's context, through the user's own key.
        FakeModel.Request first = world.model()
                .awaitChat(r -> r.lastUserText().contains("Task write: Write the greeting file"), Duration.ZERO);
        assertTrue(first.lastUserText().contains("Acceptance criteria:"), first.lastUserText());
        assertTrue(first.lastUserText().contains("- report [pending]: Report on the greeting"), first.lastUserText());
        assertTrue(first.mentions("executes exactly one task of the plan"), "planexec's system message is sent");
        assertEquals(FakeModel.MODEL, first.body().path("model").asText());
        assertEquals("Bearer " + CopilotWorld.API_KEY, first.authorization());
        FakeModel.Request afterTool = world.model().awaitChat(r -> r.lastRole().equals("tool"), Duration.ZERO);
        assertTrue(afterTool.mentions("\"role\":\"tool\""), "the tool's result went back to the model");

        assertEquals(List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(5)), "no CLI process is left");
    }

    @Test
    void the_sample_plan_runs_through_copilot_as_it_is() throws Exception {
        Path plan = RepoPlans.freshCopy("copilot-demo.json", world.work().resolve("plans/copilot-demo.json"));

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--model", "fake-model-2");

        assertEquals(0, run.exitCode(), run::toString);
        List<Task> tasks = Plans.load(plan).tasks();
        assertEquals(
                List.of("scaffold", "implement", "test", "report"),
                tasks.stream().map(Task::id).toList());
        for (Task task : tasks) {
            assertTrue(task.steps().isEmpty(), "prompt-driven: " + task.id());
            assertEquals(TaskStatus.DONE, task.status(), task.id());
            assertEquals("Finished task " + task.id() + ": all acceptance criteria are met.", task.agentResult());
        }
        // --model wins over COPILOT_MODEL. The plan's working directory ("..") is the top of a git repository, and
        // the sample plan's tasks are prompts, so each ran in the same folder of a worktree of its own.
        assertTrue(world.model().chats().stream()
                .allMatch(r -> r.body().path("model").asText().equals("fake-model-2")));
        for (Task task : tasks) {
            assertEquals(task.worktree().path(), task.sessionContext().get("cwd"), task.id());
        }
    }

    @Test
    void a_model_error_fails_only_its_task() throws Exception {
        // retries 0: with the default 1, the fake model's normal answer to the retry's prompt would finish the task.
        Path plan = world.plan("errors")
                .retries(0)
                .task("broken", "Ask a broken model", "FAKE_FAIL500")
                .task("fine", "Ask a working model", "Just answer.")
                .write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertEquals(1, run.exitCode(), run::toString);
        Task broken = Plans.task(plan, "broken");
        assertEquals(TaskStatus.FAILED, broken.status(), run::toString);
        assertTrue(
                broken.error().contains("HTTP 500") && broken.error().contains("the fake model broke"), broken.error());
        assertEquals(TaskStatus.DONE, Plans.task(plan, "fine").status(), run::toString);
        assertTrue(run.stdout().contains("the fake model broke"), run::toString);
        assertFalse(run.stderr().contains("Exception"), run::toString);
    }

    @Test
    void a_silent_model_trips_the_inactivity_timeout() throws Exception {
        world.env("PLANEXEC_INACTIVITY_TIMEOUT", "4");
        Path plan = world.plan("silent")
                .retries(0)
                .task("wait", "Wait for a model that never answers", "FAKE_SILENT")
                .write();

        long start = System.nanoTime();
        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(1, run.exitCode(), run::toString);
        Task task = Plans.task(plan, "wait");
        assertEquals(TaskStatus.FAILED, task.status(), run::toString);
        assertEquals(
                "no activity from Copilot for 4 s (the inactivity timeout, PLANEXEC_INACTIVITY_TIMEOUT); the turn "
                        + "was aborted",
                task.error());
        assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "took " + took);
        // The abort reached the CLI, which hung up on the model (noticed at the fake's next keep-alive write).
        Waits.until(
                "the model request to be dropped",
                Duration.ofSeconds(10),
                () -> world.model().holdsDropped() >= 1 || world.model().holding() == 0);
    }

    @Test
    void no_key_appears_in_anything_planexec_wrote() throws Exception {
        Path plan = world.plan("secret")
                .retries(0)
                .task("ok", "Answer", "FAKE_BASH: echo done > done.txt")
                .task("bad", "Fail", "FAKE_FAIL500")
                .write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");
        PlanexecRun list = world.planexecToEnd(RUN, "sessions", "list", "--json");

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(0, list.exitCode(), list::toString);
        // The key was in use: the model server got it.
        assertTrue(world.model().chats().stream()
                .allMatch(r -> ("Bearer " + CopilotWorld.API_KEY).equals(r.authorization())));
        Path log = world.state().resolve("logs").resolve("planexec.log");
        assertTrue(Files.isRegularFile(log), "the run logged something (the failed task at least)");
        assertNotNull(Plans.task(plan, "bad").error());
        assertEquals(List.of(), CopilotWorld.filesContaining(world.state(), CopilotWorld.API_KEY), "PLANEXEC_HOME");
        assertEquals(List.of(), CopilotWorld.filesContaining(world.logs(), CopilotWorld.API_KEY), "planexec output");
        // planexec hands the key to each session, not to the CLI's environment; the CLI keeps none on disk either.
        assertEquals(List.of(), CopilotWorld.filesContaining(world.userHome(), CopilotWorld.API_KEY), "HOME");
        assertFalse(Files.readString(plan).contains(CopilotWorld.API_KEY), "the plan");
        assertFalse(Files.readString(plan).contains("QmV5b25kVGhlU2t5"), "the plan, even in part");
    }
}
