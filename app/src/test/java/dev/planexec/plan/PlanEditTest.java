package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.testing.Tasks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A save is a set of edits to the bytes that were read: only the values that differ from what was read are written
 * anew, laid out as the file lays out its own (indent step, line breaks, spacing), and nothing else moves.
 */
class PlanEditTest {

    @Test
    void a_changed_value_is_the_only_change() throws Exception {
        String file =
                "{\r\n\t\"id\":  \"p\" ,\r\n\t\"n\": 1e3,\r\n\t\"tasks\": [\r\n\t\t{ \"id\": \"a\", \"status\": \"pending\","
                        + " \"steps\": [\"true\"] }\r\n\t]\r\n}";

        String saved = save(file, p -> withFirstTask(p, t -> t.withStatus(TaskStatus.DONE)));

        assertEquals(file.replace("\"pending\"", "\"done\""), saved);
    }

    @Test
    void run_fields_are_added_in_the_file_layout() throws Exception {
        String twoSpaces = String.join(
                "\n",
                "{",
                "  \"id\": \"p\",",
                "  \"tasks\": [",
                "    {",
                "      \"id\": \"a\",",
                "      \"steps\": [\"true\"],",
                "      \"status\": \"pending\"",
                "    }",
                "  ]",
                "}",
                "");

        assertEquals(
                twoSpaces
                        .replace("\"pending\"", "\"done\"")
                        .replace(
                                "\"done\"\n",
                                "\"done\",\n      \"sessionId\": \"s-1\",\n      \"attempts\": 1,\n"
                                        + "      \"sessionContext\": {\n        \"cwd\": \"/w\"\n      },\n"
                                        + "      \"notes\": [\n        \"n\"\n      ]\n"),
                save(twoSpaces, PlanEditTest::ranOnce));

        String crlfTabs = twoSpaces.replace("\n", "\r\n").replace("  ", "\t").replace(": ", ":");
        assertEquals(
                crlfTabs.replace("\"pending\"", "\"done\"")
                        .replace(
                                "\"done\"\r\n",
                                "\"done\",\r\n\t\t\t\"sessionId\":\"s-1\",\r\n\t\t\t\"attempts\":1,\r\n"
                                        + "\t\t\t\"sessionContext\":{\r\n\t\t\t\t\"cwd\":\"/w\"\r\n\t\t\t},\r\n"
                                        + "\t\t\t\"notes\":[\r\n\t\t\t\t\"n\"\r\n\t\t\t]\r\n"),
                save(crlfTabs, PlanEditTest::ranOnce));

        String fourSpacesJacksonColon = twoSpaces.replace("  ", "    ").replace("\": ", "\" : ");
        assertEquals(
                fourSpacesJacksonColon
                        .replace("\"pending\"", "\"done\"")
                        .replace(
                                "\"done\"\n",
                                "\"done\",\n            \"sessionId\" : \"s-1\",\n            \"attempts\" : 1,\n"
                                        + "            \"sessionContext\" : {\n                \"cwd\" : \"/w\"\n"
                                        + "            },\n            \"notes\" : [\n                \"n\"\n"
                                        + "            ]\n"),
                save(fourSpacesJacksonColon, PlanEditTest::ranOnce));
    }

    @Test
    void a_minified_file_stays_on_one_line() throws Exception {
        String minified = "{\"id\":\"p\",\"tasks\":[{\"id\":\"a\",\"steps\":[\"true\"],\"status\":\"pending\"}]}";

        assertEquals(
                "{\"id\":\"p\",\"tasks\":[{\"id\":\"a\",\"steps\":[\"true\"],\"status\":\"done\",\"sessionId\":\"s-1\","
                        + "\"attempts\":1,\"sessionContext\":{\"cwd\":\"/w\"},\"notes\":[\"n\"]}]}",
                save(minified, PlanEditTest::ranOnce));
    }

    @Test
    void a_field_that_goes_back_to_none_is_taken_out_and_the_file_is_as_it_was() throws Exception {
        String file = "{\n  \"id\": \"p\",\n  \"tasks\": [\n    {\n      \"id\": \"a\",\n      \"steps\": [\"true\"],\n"
                + "      \"status\": \"done\",\n      \"sessionId\": \"s-0\",\n      \"attempts\": 2,\n"
                + "      \"x\": 1\n    }\n  ]\n}\n";

        assertEquals(
                file.replace("\"done\"", "\"pending\"")
                        .replace("      \"sessionId\": \"s-0\",\n      \"attempts\": 2,\n", ""),
                save(file, p -> withFirstTask(p, Task::cleared)));
        assertEquals(
                file.replace("\"done\"", "\"pending\"").replace(",\n      \"sessionId\": \"s-0\"", ""),
                save(file, p -> withFirstTask(p, Task::pendingWithoutSession)));
    }

    @Test
    void a_field_added_to_the_plan_goes_at_its_end() throws Exception {
        String file = "{\n    \"id\": \"p\",\n    \"tasks\": []\n}";

        String saved = save(
                file,
                p -> new Plan(
                        p.id(),
                        "Named",
                        p.description(),
                        p.createdAt(),
                        p.updatedAt(),
                        "local",
                        null,
                        p.tasks(),
                        null,
                        null,
                        null,
                        List.of(),
                        null,
                        p.source()));

        assertEquals(
                "{\n    \"id\": \"p\",\n    \"tasks\": [],\n    \"name\": \"Named\",\n    \"agent\": \"local\"\n}",
                saved);
    }

    @Test
    void tasks_appended_and_removed_keep_the_others_byte_for_byte() throws Exception {
        String file = "{\r\n  \"id\": \"p\",\r\n  \"tasks\": [\r\n    {\"id\": \"a\",  \"steps\": [\"true\"]},\r\n"
                + "    {\"id\": \"b\", \"steps\": [\"true\"], \"n\": -0}\r\n  ]\r\n}\r\n";

        String appended = save(file, p -> {
            List<Task> tasks = new ArrayList<>(p.tasks());
            tasks.add(Tasks.of("c", "Third", List.of("a"), List.of(Step.of("echo \u00e9"))));
            return p.withTasks(tasks);
        });
        assertEquals(
                file.replace(
                        "-0}\r\n",
                        "-0},\r\n    {\r\n      \"id\": \"c\",\r\n      \"title\": \"Third\",\r\n      \"description\": \"\",\r\n"
                                + "      \"acceptanceCriteria\": [],\r\n      \"dependsOn\": [\r\n        \"a\"\r\n      ],\r\n"
                                + "      \"steps\": [\r\n        \"echo \u00e9\"\r\n      ],\r\n      \"status\": \"pending\"\r\n"
                                + "    }\r\n"),
                appended);

        String removedFirst = save(file, p -> p.withTasks(p.tasks().subList(1, 2)));
        assertEquals(file.replace("    {\"id\": \"a\",  \"steps\": [\"true\"]},\r\n", ""), removedFirst);

        String removedLast = save(file, p -> p.withTasks(p.tasks().subList(0, 1)));
        assertEquals(file.replace(",\r\n    {\"id\": \"b\", \"steps\": [\"true\"], \"n\": -0}", ""), removedLast);

        String none = save(file, p -> p.withTasks(List.of()));
        assertEquals("{\r\n  \"id\": \"p\",\r\n  \"tasks\": []\r\n}\r\n", none);
    }

    @Test
    void a_task_added_to_an_empty_tasks_array_is_laid_out_like_the_file() throws Exception {
        String file = "\uFEFF{\n\t\"id\": \"p\",\n\t\"tasks\": []\n}";

        String saved = save(file, p -> p.withTasks(List.of(Tasks.of("a", "A", List.of(), List.of(Step.of("true"))))));

        assertEquals(
                "\uFEFF{\n\t\"id\": \"p\",\n\t\"tasks\": [\n\t\t{\n\t\t\t\"id\": \"a\",\n\t\t\t\"title\": \"A\",\n"
                        + "\t\t\t\"description\": \"\",\n\t\t\t\"acceptanceCriteria\": [],\n\t\t\t\"dependsOn\": [],\n"
                        + "\t\t\t\"steps\": [\n\t\t\t\t\"true\"\n\t\t\t],\n\t\t\t\"status\": \"pending\"\n\t\t}\n\t]\n}",
                saved);
    }

    @Test
    void strings_planexec_writes_are_escaped_as_json_stringify_escapes_them() throws Exception {
        String file = "{\"tasks\":[{\"id\":\"a\",\"steps\":[\"true\"],\"error\":\"\\u00e9\\/\"}],\"t\":\"\\u00e9\\/\"}";

        String saved = save(
                file,
                p -> withFirstTask(
                        p,
                        t -> t.finished(TaskStatus.FAILED, null, "caf\u00e9 \"q\" \\ / \u0001\n\ud83c\udf19", "now")));

        assertEquals(
                "{\"tasks\":[{\"id\":\"a\",\"steps\":[\"true\"],\"error\":\"caf\u00e9 \\\"q\\\" \\\\ / \\u0001\\n\ud83c\udf19\","
                        + "\"status\":\"failed\",\"finishedAt\":\"now\"}],\"t\":\"\\u00e9\\/\"}",
                saved);
    }

    @Test
    void a_changed_list_keeps_the_way_it_was_written() throws Exception {
        String file = "{\n  \"tasks\": [\n    {\n      \"id\": \"a\",\n      \"dependsOn\": [],\n"
                + "      \"acceptanceCriteria\": [\"x\"],\n      \"steps\": [\"true\"]\n    },\n"
                + "    {\"id\": \"b\", \"steps\": [\"true\"]}\n  ]\n}\n";
        Plan plan = PlanFiles.parse(bytes(file), "p.json", AgentRegistry.NAMES);
        Task a = plan.tasks().get(0);
        Task changed = Tasks.unrun(
                a.id(),
                a.title(),
                a.description(),
                List.of("x", "y"),
                List.of("b"),
                a.steps(),
                a.status(),
                null,
                a.source());

        String saved = text(
                PlanFiles.toJson(plan.withTasks(List.of(changed, plan.tasks().get(1)))));

        assertEquals(
                file.replace("\"dependsOn\": []", "\"dependsOn\": [\n        \"b\"\n      ]")
                        .replace("[\"x\"]", "[\"x\", \"y\"]"),
                saved);
    }

    @Test
    void a_task_taken_from_an_earlier_read_of_the_file_is_edited_in_place() throws Exception {
        String file = "{\n  \"tasks\": [\n    { \"id\": \"a\",   \"steps\": [\"true\"] }\n  ],\n  \"x\": 1.50\n}\n";
        Plan before = PlanFiles.parse(bytes(file), "p.json", AgentRegistry.NAMES);
        Plan again = PlanFiles.parse(bytes(file), "p.json", AgentRegistry.NAMES);

        Plan merged = again.withTasks(List.of(before.tasks().get(0).withStatus(TaskStatus.DONE)));

        assertEquals(
                // The separator is the object's own, odd spacing and all.
                file.replace("\"steps\": [\"true\"] }", "\"steps\": [\"true\"],   \"status\": \"done\" }"),
                text(PlanFiles.toJson(merged)));
    }

    @Test
    void a_plan_made_in_code_is_written_as_planeteer_writes_one() {
        Plan plan = new Plan(
                "p",
                "P",
                "",
                "2026-01-01T00:00:00.000Z",
                "2026-01-01T00:00:00.000Z",
                null,
                null,
                List.of(Tasks.of("a", "A", List.of(), List.of(Step.of("true"), new Step("make", 5, null)))),
                null,
                null,
                null,
                List.of(),
                null,
                null);

        assertEquals(
                String.join(
                        "\n",
                        "{",
                        "  \"id\": \"p\",",
                        "  \"name\": \"P\",",
                        "  \"description\": \"\",",
                        "  \"createdAt\": \"2026-01-01T00:00:00.000Z\",",
                        "  \"updatedAt\": \"2026-01-01T00:00:00.000Z\",",
                        "  \"tasks\": [",
                        "    {",
                        "      \"id\": \"a\",",
                        "      \"title\": \"A\",",
                        "      \"description\": \"\",",
                        "      \"acceptanceCriteria\": [],",
                        "      \"dependsOn\": [],",
                        "      \"steps\": [",
                        "        \"true\",",
                        "        {",
                        "          \"run\": \"make\",",
                        "          \"timeoutSeconds\": 5",
                        "        }",
                        "      ],",
                        "      \"status\": \"pending\"",
                        "    }",
                        "  ]",
                        "}",
                        ""),
                text(PlanFiles.toJson(plan)));
    }

    private static Plan ranOnce(Plan plan) {
        return withFirstTask(plan, t -> t.starting("s-1", null)
                .withSessionContext(Map.of("cwd", "/w"))
                .withNote("n")
                .withStatus(TaskStatus.DONE));
    }

    /** The plan with its first task changed (by position: these plans have one task, or change the first). */
    private static Plan withFirstTask(Plan plan, UnaryOperator<Task> change) {
        List<Task> tasks = new ArrayList<>(plan.tasks());
        tasks.set(0, change.apply(tasks.get(0)));
        return plan.withTasks(tasks);
    }

    private static String save(String file, UnaryOperator<Plan> change) throws InvalidPlanException {
        return text(PlanFiles.toJson(change.apply(PlanFiles.parse(bytes(file), "p.json", AgentRegistry.NAMES))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
