package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Through the real Copilot CLI and the fake model: what a task learns from the tasks it depends on, the usage the
 * model reported summed per task, and a transient model error retried in the same session.
 */
class CopilotContextIT {
    private static final Duration RUN = Duration.ofSeconds(120);

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    /** The chat requests of {@code taskId}'s session (its first prompt names it in its first line). */
    private List<FakeModel.Request> chatsOf(String taskId) {
        return world.model().chats().stream()
                .filter(r -> r.mentions("(planexec task " + taskId + ")"))
                .toList();
    }

    @Test
    void a_task_is_told_what_its_dependency_did_and_usage_is_summed_per_task() throws Exception {
        Path plan = world.plan("ctx")
                .task("parser", "Build the parser", "Write the parser.")
                .task("tests", "Test the parser", "Write tests for the parser built before.", "parser")
                .write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertEquals(0, run.exitCode(), run::toString);
        Task parser = Plans.task(plan, "parser");
        assertEquals("Finished task parser: all acceptance criteria are met.", parser.agentResult());
        FakeModel.Request first = chatsOf("tests").get(0);
        String prompt = first.userTexts().get(first.userTexts().size() - 1);
        assertTrue(prompt.contains("This task depends on task parser (Build the parser)."), prompt);
        assertTrue(
                prompt.contains(
                        "Result of task parser [done]:\nFinished task parser: all acceptance criteria are met."),
                prompt);
        assertTrue(prompt.contains("say, for each one, whether it is met"), prompt);

        // The fake model reports 10 prompt and 5 completion tokens with every answer.
        for (String id : List.of("parser", "tests")) {
            Task task = Plans.task(plan, id);
            int answers = chatsOf(id).size();
            assertEquals(10L * answers, task.usage().inputTokens(), id + ": " + answers + " answers");
            assertEquals(5L * answers, task.usage().outputTokens(), id);
        }
        long total = 15L * (chatsOf("parser").size() + chatsOf("tests").size());
        assertTrue(
                run.stdout().contains("; tokens " + (total * 2 / 3) + " in, " + (total / 3) + " out"), run::toString);
    }

    @Test
    void a_model_error_once_is_retried_in_the_same_session_after_the_backoff() throws Exception {
        Path plan = world.plan("retry")
                .task("flaky", "Ask a flaky model", "FAKE_FAIL500_ONCE")
                .write();
        String json = Files.readString(plan).replace("\"tasks\"", "\"retryDelaySeconds\":1,\"tasks\"");
        Files.writeString(plan, json);

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertEquals(0, run.exitCode(), run::toString);
        Task task = Plans.task(plan, "flaky");
        assertEquals(TaskStatus.DONE, task.status(), run::toString);
        assertEquals(2, task.attempts());
        assertEquals(1, task.retryState().attemptErrors().size());
        assertTrue(
                task.retryState().attemptErrors().get(0).contains("HTTP 500"),
                task.retryState().toString());
        List<FakeModel.Request> chats = chatsOf("flaky");
        // One session: the retry's request carries the first attempt's prompt as earlier conversation.
        assertTrue(chats.get(chats.size() - 1).userTexts().size() >= 2, chats.toString());
        assertTrue(
                run.stdout().contains("flaky  attempt 1 failed (Copilot reported an error (HTTP 500)"), run::toString);
        // The wait planexec chose is within the configured backoff: between half and all of retryDelaySeconds.
        java.util.regex.Matcher wait = java.util.regex.Pattern.compile("retry 1 of 1 at \\S+, in ([0-9.]+) s")
                .matcher(run.stdout());
        assertTrue(wait.find(), run::toString);
        double seconds = Double.parseDouble(wait.group(1));
        assertTrue(seconds >= 0.5 && seconds <= 1.0, "waited " + seconds + " s");
        assertTrue(run.stdout().contains("attempt 2 goes on in the same session " + task.sessionId()), run::toString);
        assertEquals(10L * 1, task.usage().inputTokens(), "one answer: the 500 reported no usage");
    }

    @Test
    void a_retry_waiting_when_planexec_is_killed_is_an_orphan_the_next_run_resumes() throws Exception {
        Path plan = world.plan("killed")
                .task("flaky", "Ask a flaky model", "FAKE_FAIL500_ONCE")
                .write();
        Files.writeString(plan, Files.readString(plan).replace("\"tasks\"", "\"retryDelaySeconds\":600,\"tasks\""));

        PlanexecRun first = world.planexec("run", plan.toString(), "--plain");
        Waits.until(
                "the task to wait for its retry",
                RUN,
                () -> Plans.task(plan, "flaky").retryState().nextAttemptAt() != null);
        first.kill9();
        first.awaitExit(Duration.ofSeconds(10));
        Task waiting = Plans.task(plan, "flaky");
        assertEquals(TaskStatus.IN_PROGRESS, waiting.status());
        assertNotNull(waiting.sessionId());

        PlanexecRun second = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--on-orphans", "resume");

        assertEquals(0, second.exitCode(), second::toString);
        Task task = Plans.task(plan, "flaky");
        assertEquals(TaskStatus.DONE, task.status(), second::toString);
        assertEquals(waiting.sessionId(), task.sessionId());
        assertEquals(2, task.attempts());
    }
}
