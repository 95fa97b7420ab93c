package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan fields of issue 11: retries, usage, attempt errors and the next attempt's time. */
class RetryAndUsageFieldsTest {
    private static final String PLAN =
            """
            {
              "id": "p",
              "name": "P",
              "retries": 2,
              "retryDelaySeconds": 5,
              "tasks": [
                {
                  "id": "a",
                  "title": "A",
                  "description": "",
                  "acceptanceCriteria": [],
                  "dependsOn": [],
                  "status": "in_progress",
                  "sessionId": "s-1",
                  "attempts": 1,
                  "retries": 0,
                  "usage": {
                    "inputTokens": 1200,
                    "outputTokens": 80,
                    "cachedTokens": 1000,
                    "costUsd": 0.0123
                  },
                  "attemptErrors": [
                    "Copilot reported an error (HTTP 500): boom"
                  ],
                  "nextAttemptAt": "2026-11-30T12:00:07.500Z"
                },
                {
                  "id": "b",
                  "title": "B",
                  "description": "",
                  "acceptanceCriteria": [],
                  "dependsOn": [],
                  "status": "pending"
                }
              ]
            }
            """;

    @Test
    void the_fields_are_read_and_saved_as_they_were() throws Exception {
        Plan plan = PlanFiles.parse(PLAN.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);
        Task a = plan.tasks().get(0);

        assertEquals(new Usage(1200, 80, 1000, 0.0123), a.usage());
        assertEquals(
                List.of("Copilot reported an error (HTTP 500): boom"),
                a.retryState().attemptErrors());
        assertEquals("2026-11-30T12:00:07.500Z", a.retryState().nextAttemptAt());
        assertEquals(0, plan.retriesFor(a));
        assertEquals(2, plan.retriesFor(plan.tasks().get(1)));
        assertEquals(5, plan.retryDelayFor(a));
        assertEquals(PLAN, new String(PlanFiles.toJson(plan), StandardCharsets.UTF_8));
    }

    @Test
    void usage_is_written_once_a_task_used_something_and_adds_up() throws Exception {
        Plan plan = PlanFiles.parse(PLAN.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);
        Plan more =
                plan.withTask("b", t -> t.plusUsage(new Usage(10, 2, 0, null)).plusUsage(new Usage(5, 1, 3, 0.5)));

        String json = new String(PlanFiles.toJson(more), StandardCharsets.UTF_8);
        assertTrue(
                json.contains("\"usage\": {\n        \"inputTokens\": 15,\n        \"outputTokens\": 3,\n"
                        + "        \"cachedTokens\": 3,\n        \"costUsd\": 0.5\n      }"),
                json);
    }

    @Test
    void a_negative_retries_is_bad_input_with_its_place() {
        String bad = PLAN.replace("\"retries\": 0", "\"retries\": -1");
        InvalidPlanException e = assertThrows(
                InvalidPlanException.class,
                () -> PlanFiles.parse(bad.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES));
        assertTrue(e.getMessage().startsWith("p.json:16:18: "), e.getMessage());
        assertTrue(e.getMessage().contains("\"retries\" must be a whole number of at least 0"), e.getMessage());
    }
}
