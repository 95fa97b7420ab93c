package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.store.PlanStore;
import dev.planexec.testing.Plans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A plan as Planeteer writes it, {@code JSON.stringify(plan, null, 2)}: its field order, {@code []} for empty
     * arrays, non-ASCII and emoji as they are, control characters as escapes with lowercase hex digits.
     */
    private static final String PLANETEER_PLAN =
            """
            {
              "id": "plan-1732183200000",
              "name": "Dark mode 🌙",
              "description": "Let users switch the UI to a dark theme.\\nKeep \\"system\\" as the default — per the spec.",
              "createdAt": "2024-11-21T10:00:00.000Z",
              "updatedAt": "2024-11-21T10:05:00.000Z",
              "tasks": [
                {
                  "id": "tokens",
                  "title": "Define colour tokens",
                  "description": "CSS variables for both themes; see <docs/theme.md> & /api/v1 \\\\ C:\\\\temp.",
                  "acceptanceCriteria": [
                    "Variables exist for background and text",
                    "Contrast ratio ≥ 4.5:1"
                  ],
                  "dependsOn": [],
                  "status": "done",
                  "agentResult": "Added \\u001b[32m12 variables\\u001b[0m to theme.css\\n\\tDone ✅ 🎉"
                },
                {
                  "id": "toggle",
                  "title": "Add the toggle",
                  "description": "",
                  "acceptanceCriteria": [],
                  "dependsOn": [
                    "tokens"
                  ],
                  "status": "in_progress"
                },
                {
                  "id": "persist",
                  "title": "Remember the choice",
                  "description": "Store it in localStorage.",
                  "acceptanceCriteria": [
                    "Reload keeps the theme"
                  ],
                  "dependsOn": [
                    "toggle"
                  ],
                  "status": "failed",
                  "agentResult": "Error: 2 tests failed"
                },
                {
                  "id": "docs",
                  "title": "Document it",
                  "description": "",
                  "acceptanceCriteria": [],
                  "dependsOn": [
                    "tokens",
                    "toggle"
                  ],
                  "status": "pending"
                }
              ]
            }
            """;

    /** Fields planexec does not know, at plan, task and step level, of every JSON type. */
    private static final String UNKNOWN_FIELDS_PLAN =
            """
            {
              "x-owner": {
                "team": "core",
                "tags": [
                  "a",
                  "b"
                ]
              },
              "id": "extras",
              "name": "Unknown fields",
              "budget": 12.5,
              "cost": 0.0005,
              "big": 12345678.5,
              "huge": 123456789012345678901234567890,
              "cut": "half an emoji: \\ud83d, or the other half: \\ude00",
              "count": -3,
              "priority": null,
              "reviewed": true,
              "labels": [
                1,
                "two",
                null,
                {
                  "k": []
                }
              ],
              "createdAt": "2026-01-01T00:00:00.000Z",
              "updatedAt": "2026-01-01T00:00:00.000Z",
              "agent": "local",
              "tasks": [
                {
                  "estimate": 3,
                  "id": "a",
                  "title": "First",
                  "meta": {
                    "owner": "ann",
                    "history": [
                      {
                        "at": 1,
                        "ok": false
                      }
                    ],
                    "empty": {}
                  },
                  "description": "",
                  "acceptanceCriteria": [],
                  "dependsOn": [],
                  "steps": [
                    {
                      "run": "echo one",
                      "timeoutSeconds": 30,
                      "note": "kept",
                      "retries": 2,
                      "env": {
                        "A": "1"
                      },
                      "skip": null
                    },
                    "echo plain"
                  ],
                  "reviewers": [],
                  "status": "pending",
                  "x": null
                },
                {
                  "id": "b",
                  "title": "Second",
                  "description": "",
                  "acceptanceCriteria": [],
                  "dependsOn": [
                    "a"
                  ],
                  "steps": [
                    "echo b"
                  ],
                  "status": "pending",
                  "weight": 0.25
                }
              ],
              "trailer": "last"
            }
            """;

    @Test
    void a_planeteer_plan_saves_byte_for_byte_as_it_was_read() throws Exception {
        byte[] original = PLANETEER_PLAN.getBytes(StandardCharsets.UTF_8);

        byte[] saved = PlanFiles.toJson(PlanFiles.parse(original, "planeteer.json", AgentRegistry.NAMES));

        assertEquals(PLANETEER_PLAN, new String(saved, StandardCharsets.UTF_8));
        assertArrayEquals(original, saved);
    }

    @Test
    void a_planeteer_plan_without_a_final_newline_stays_without_one() throws Exception {
        // Planeteer's savePlan writes JSON.stringify(plan, null, 2) and nothing after it.
        String withoutNewline = PLANETEER_PLAN.stripTrailing();

        byte[] saved = PlanFiles.toJson(
                PlanFiles.parse(withoutNewline.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES));

        assertEquals(withoutNewline, new String(saved, StandardCharsets.UTF_8));
    }

    @Test
    void a_planeteer_plan_reads_with_its_statuses_and_results() throws Exception {
        Plan plan = PlanFiles.parse(PLANETEER_PLAN.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);

        assertEquals("Dark mode 🌙", plan.name());
        assertEquals(
                List.of(TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.FAILED, TaskStatus.PENDING),
                plan.tasks().stream().map(Task::status).toList());
        assertEquals(
                "Added \u001b[32m12 variables\u001b[0m to theme.css\n\tDone ✅ 🎉",
                plan.tasks().get(0).agentResult());
        assertEquals(List.of("tokens", "toggle"), plan.tasks().get(3).dependsOn());
    }

    @Test
    void a_plan_with_unknown_fields_saves_byte_for_byte_as_it_was_read() throws Exception {
        byte[] original = UNKNOWN_FIELDS_PLAN.getBytes(StandardCharsets.UTF_8);

        byte[] saved = PlanFiles.toJson(PlanFiles.parse(original, "extras.json", AgentRegistry.NAMES));

        assertEquals(UNKNOWN_FIELDS_PLAN, new String(saved, StandardCharsets.UTF_8));
    }

    @Test
    void unknown_fields_survive_a_state_change_and_save(@TempDir Path dir) throws Exception {
        Path file = Plans.write(dir, "extras.json", UNKNOWN_FIELDS_PLAN);
        JsonNode before = Plans.tree(file);
        PlanStore store = new PlanStore(file, PlanFiles.load(file, AgentRegistry.NAMES), AgentRegistry.NAMES);

        store.update(p ->
                p.withTask(p.tasks().get(0).id(), t -> t.starting("planexec-extras-a-0badcafe", Timestamps.now())));
        store.update(p -> p.withTask(
                p.tasks().get(0).id(), t -> t.finished(TaskStatus.DONE, "ran 1 of 2 steps", null, Timestamps.now())));
        JsonNode after = Plans.tree(file);

        // Plan level: the same fields in the same order, each unchanged but the time stamp and the tasks.
        assertEquals(fieldNames(before), fieldNames(after));
        for (String field : fieldNames(before)) {
            if (!field.equals("updatedAt") && !field.equals("tasks")) {
                assertEquals(before.get(field), after.get(field), field);
            }
        }
        assertNotEquals(before.get("updatedAt"), after.get("updatedAt"));

        // Task level: its own fields first, in their order and unchanged but "status"; planexec's own after them.
        JsonNode taskBefore = before.get("tasks").get(0);
        JsonNode taskAfter = after.get("tasks").get(0);
        List<String> namesBefore = fieldNames(taskBefore);
        List<String> namesAfter = fieldNames(taskAfter);
        assertEquals(namesBefore, namesAfter.subList(0, namesBefore.size()), () -> "task fields now " + namesAfter);
        for (String field : namesBefore) {
            if (!field.equals("status")) {
                assertEquals(taskBefore.get(field), taskAfter.get(field), field);
            }
        }
        assertEquals("done", taskAfter.get("status").asText());
        assertEquals("planexec-extras-a-0badcafe", taskAfter.get("sessionId").asText());
        assertEquals("ran 1 of 2 steps", taskAfter.get("agentResult").asText());
        assertEquals(1, taskAfter.get("attempts").asInt());

        // Step level: the object step keeps all its fields; the plain string stays a string.
        assertEquals(taskBefore.get("steps").get(0), taskAfter.get("steps").get(0));
        assertTrue(
                taskAfter.get("steps").get(1).isTextual(),
                taskAfter.get("steps").toString());

        // The task that did not change is written as it was.
        assertEquals(before.get("tasks").get(1), after.get("tasks").get(1));
    }

    @Test
    void steps_written_as_plain_strings_stay_strings() throws Exception {
        String json = Plans.lines(
                "{",
                "  \"id\": \"s\",",
                "  \"tasks\": [",
                "    {",
                "      \"id\": \"a\",",
                "      \"steps\": [",
                "        \"make\",",
                "        {",
                "          \"run\": \"make test\",",
                "          \"timeoutSeconds\": 600",
                "        },",
                "        \"make install\"",
                "      ]",
                "    }",
                "  ]",
                "}");

        Plan plan = PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "s.json", AgentRegistry.NAMES);
        Plan changed = plan.withTask(plan.tasks().get(0).id(), t -> t.withStatus(TaskStatus.DONE));
        JsonNode steps =
                JSON.readTree(PlanFiles.toJson(changed)).get("tasks").get(0).get("steps");

        assertEquals("make", steps.get(0).textValue());
        assertEquals("make test", steps.get(1).get("run").textValue());
        assertEquals(600, steps.get(1).get("timeoutSeconds").intValue());
        assertEquals("make install", steps.get(2).textValue());
        assertEquals(Integer.valueOf(600), plan.tasks().get(0).steps().get(1).timeoutSeconds());
    }

    @Test
    void a_saved_plan_reads_back_to_the_same_bytes() throws Exception {
        Plan plan = PlanFiles.parse(
                UNKNOWN_FIELDS_PLAN.getBytes(StandardCharsets.UTF_8), "extras.json", AgentRegistry.NAMES);
        Plan ran = plan.withTask(plan.tasks().get(0).id(), t -> t.starting(
                                "planexec-extras-a-00000001", "2026-01-01T00:00:01.000Z")
                        .withSessionContext(java.util.Map.of("cwd", "/work"))
                        .withNote("2026-01-01T00:00:02.000Z resumed"))
                .withTask(
                        plan.tasks().get(1).id(),
                        t -> t.finished(TaskStatus.FAILED, null, "step 1/1 (echo b) exited with code 1", "x"));

        byte[] once = PlanFiles.toJson(ran);
        byte[] twice = PlanFiles.toJson(PlanFiles.parse(once, "extras.json", AgentRegistry.NAMES));

        assertArrayEquals(once, twice);
    }

    /** Numbers in exponent form ({@code 1e-7}, {@code 1e+21}) are written back as they were written. */
    @Test
    void numbers_in_exponent_form_keep_their_bytes() throws Exception {
        String json = Plans.lines(
                "{",
                "  \"id\": \"e\",",
                "  \"tiny\": 1e-7,",
                "  \"huge\": 1e+21,",
                "  \"mixed\": [",
                "    2.5e3,",
                "    -4E-2",
                "  ],",
                "  \"tasks\": []",
                "}");

        byte[] saved =
                PlanFiles.toJson(PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "e.json", AgentRegistry.NAMES));

        assertEquals(json, new String(saved, StandardCharsets.UTF_8));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
