package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Through the real Pi CLI and the fake model: a task's first request carries what the task it depends on did and
 * names it, and each task's usage is what the fake model reported for its requests.
 */
class CliContextIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void pi_task_is_told_what_its_dependency_did_and_usage_is_what_the_model_reported() throws IOException {
        Path cli = RealCli.find("PLANEXEC_TEST_PI_CLI", "pi", "npm install -g @mariozechner/pi-coding-agent@0.73.1");
        try (CliFakeModel model = CliFakeModel.start()) {
            Map<String, String> env = RealCli.piEnv(sandbox, cli, model);
            Path plan = sandbox.work().resolve("plan.json");
            Files.writeString(
                    plan,
                    "{\"id\": \"ctx\", \"name\": \"Context\", \"agent\": \"pi\", \"tasks\": ["
                            + "{\"id\": \"parser\", \"title\": \"Build the parser\", \"description\": \"Write it.\","
                            + " \"acceptanceCriteria\": [\"a reply\"], \"dependsOn\": [], \"status\": \"pending\"},"
                            + "{\"id\": \"tests\", \"title\": \"Test the parser\", \"description\": \"Test it.\","
                            + " \"acceptanceCriteria\": [\"a reply\"], \"dependsOn\": [\"parser\"],"
                            + " \"status\": \"pending\"}]}");

            try (PlanexecProcess run =
                    PlanexecProcess.start(sandbox.work(), sandbox.logs(), env, "run", "plan.json", "--plain")) {
                assertEquals(0, run.awaitExit(Duration.ofSeconds(120)), run.describe());
                assertTrue(run.stdout().contains("; tokens "), run.describe());
            }

            Task parser = Plans.task(plan, "parser");
            assertEquals(TaskStatus.DONE, parser.status());
            assertTrue(parser.agentResult().contains(CliFakeModel.ANSWER), parser.agentResult());
            List<JsonNode> testsRequests = requestsOf(model, "tests");
            String first = testsRequests.get(0).toString();
            assertTrue(first.contains("This task depends on task parser (Build the parser)."), first);
            assertTrue(first.contains("Result of task parser [done]:\\n" + parser.agentResult()), first);
            assertFalse(requestsOf(model, "parser").get(0).toString().contains("depends on"));

            // The fake model reports 10 prompt and 7 completion tokens with every answer.
            for (String id : List.of("parser", "tests")) {
                Task task = Plans.task(plan, id);
                int answers = requestsOf(model, id).size();
                assertEquals(10L * answers, task.usage().inputTokens(), id + ": " + answers + " answers");
                assertEquals(7L * answers, task.usage().outputTokens(), id);
            }
        }
    }

    /** The model requests of {@code taskId}'s session: its first prompt names it in its first line. */
    private static List<JsonNode> requestsOf(CliFakeModel model, String taskId) {
        return model.requests().stream()
                .filter(r -> r.toString().contains("(planexec task " + taskId + ")"))
                .toList();
    }
}
