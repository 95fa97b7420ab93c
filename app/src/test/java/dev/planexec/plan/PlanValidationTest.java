package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.testing.BadPlans;
import dev.planexec.testing.Plans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlanValidationTest {

    static Stream<BadPlans.Case> badPlans() {
        return BadPlans.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPlans")
    void reports_every_problem_with_file_line_and_column(BadPlans.Case bad) {
        List<String> reported = problemsOf(bad.content(), "plans/p.json");

        List<String> expected = bad.reportedFor("plans/p.json");
        if (bad.exact()) {
            assertEquals(expected, reported);
        } else {
            assertEquals(expected.size(), reported.size(), () -> "reported: " + reported);
            for (int i = 0; i < expected.size(); i++) {
                String line = reported.get(i);
                assertTrue(line.startsWith(expected.get(i)), () -> "expected " + expected + " but got " + reported);
            }
        }
    }

    @Test
    void several_problems_in_one_file_are_reported_at_once() {
        BadPlans.Case several = BadPlans.all()
                .filter(c -> c.name().equals("several problems"))
                .findFirst()
                .orElseThrow();

        List<String> reported = problemsOf(several.content(), "p.json");

        assertEquals(7, reported.size(), () -> String.join("\n", reported));
    }

    @Test
    void malformed_json_is_one_line_without_parser_internals() {
        String json = Plans.lines("{", "  \"tasks\": [", "    { \"id\": \"a\" ", "  }", "}");

        List<String> reported = problemsOf(json, "p.json");

        assertEquals(1, reported.size(), () -> String.join("\n", reported));
        String line = reported.get(0);
        assertTrue(line.startsWith("p.json:5:1: malformed JSON: "), line);
        assertFalse(line.contains("REDACTED"), line);
        assertFalse(line.contains("StreamReadFeature"), line);
        assertFalse(line.contains("\n"), line);
    }

    @Test
    void malformed_json_columns_count_characters_not_bytes() {
        // "é" is two bytes in UTF-8; an editor shows the stray comma in column 17, not 18.
        String json = Plans.lines("{", "  \"tasks\": [\"é\",,]", "}");

        List<String> reported = problemsOf(json, "p.json");

        assertTrue(reported.get(0).startsWith("p.json:2:17: malformed JSON: "), reported.get(0));
    }

    @Test
    void bytes_that_are_not_utf8_are_reported_where_they_are() {
        byte[] json = Plans.lines("{", "  \"name\": \"bad XX\",", "  \"tasks\": []", "}")
                .getBytes(StandardCharsets.UTF_8);
        int at = new String(json, StandardCharsets.UTF_8).indexOf("XX");
        json[at] = (byte) 0xC3; // starts a two-byte character ...
        json[at + 1] = (byte) 0x28; // ... that never comes

        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.parse(json, "p.json", AgentRegistry.NAMES));

        assertEquals(1, e.problems().size(), e.problems()::toString);
        assertTrue(e.problems().get(0).startsWith("p.json:2:"), e.problems().get(0));
        assertTrue(e.problems().get(0).contains("malformed JSON"), e.problems().get(0));
    }

    @Test
    void a_field_given_twice_is_reported() {
        String json = Plans.lines("{", "  \"tasks\": [],", "  \"tasks\": []", "}");

        List<String> reported = problemsOf(json, "p.json");

        assertEquals(1, reported.size(), () -> String.join("\n", reported));
        assertTrue(reported.get(0).startsWith("p.json:3:"), reported.get(0));
        assertTrue(reported.get(0).contains("tasks"), reported.get(0));
    }

    @Test
    void a_valid_local_plan_loads() throws Exception {
        String json = Plans.local("ok")
                .task("a", "echo a")
                .task("b", List.of("a"), "echo b")
                .json();

        Plan plan = PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "ok.json", AgentRegistry.NAMES);

        assertEquals(List.of("a", "b"), plan.tasks().stream().map(Task::id).toList());
        assertEquals(List.of("a"), plan.task("b").orElseThrow().dependsOn());
        assertEquals("echo b", plan.task("b").orElseThrow().steps().get(0).run());
    }

    @Test
    void a_planeteer_task_without_steps_or_agent_is_valid() throws Exception {
        String json = Plans.lines(
                "{",
                "  \"id\": \"p\",",
                "  \"tasks\": [",
                "    { \"id\": \"a\", \"title\": \"Ask the agent\", \"dependsOn\": [], \"status\": \"pending\" }",
                "  ]",
                "}");

        Plan plan = PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);

        assertFalse(plan.tasks().get(0).hasSteps());
    }

    @Test
    void a_ten_thousand_task_chain_validates_without_stack_overflow() throws Throwable {
        String json = chain(10_000, false);

        Plan plan = onSmallStack(
                () -> PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "chain.json", AgentRegistry.NAMES));

        assertEquals(10_000, plan.tasks().size());
        assertEquals(List.of("t9998"), plan.tasks().get(9_999).dependsOn());
    }

    @Test
    void a_ten_thousand_task_cycle_is_reported_once_without_stack_overflow() throws Throwable {
        String json = chain(10_000, true);

        InvalidPlanException e = onSmallStack(() -> assertThrows(
                InvalidPlanException.class,
                () -> PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "cycle.json", AgentRegistry.NAMES)));

        assertEquals(1, e.problems().size());
        String problem = e.problems().get(0);
        assertTrue(problem.startsWith("cycle.json:"), problem.substring(0, 80));
        assertTrue(problem.contains(": dependency cycle: t0 -> t9999 -> t9998 -> "), problem.substring(0, 120));
        assertTrue(problem.endsWith(" -> t1 -> t0"), problem.substring(problem.length() - 80));
    }

    @Test
    void load_names_a_missing_file(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");

        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.load(missing, AgentRegistry.NAMES));

        assertEquals(List.of(missing + ": no such file"), e.problems());
    }

    @Test
    void load_says_a_folder_is_not_a_plan_file(@TempDir Path dir) {
        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.load(dir, AgentRegistry.NAMES));

        assertEquals(List.of(dir + ": is a folder, not a plan file"), e.problems());
    }

    @Test
    void load_reports_problems_under_the_path_as_given(@TempDir Path dir) throws Exception {
        Path file = Plans.write(dir, "p.json", Plans.lines("{", "  \"tasks\": 3", "}"));

        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.load(file, AgentRegistry.NAMES));

        assertEquals(List.of(file + ":2:12: \"tasks\" must be an array, not a number"), e.problems());
        assertTrue(Files.exists(file));
    }

    private static List<String> problemsOf(String json, String name) {
        InvalidPlanException e = assertThrows(
                InvalidPlanException.class,
                () -> PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), name, AgentRegistry.NAMES));
        return e.problems();
    }

    /** Tasks t0..t(n-1), each depending on the one before; closed into one cycle if {@code cycle}. */
    private static String chain(int n, boolean cycle) {
        StringBuilder json = new StringBuilder("{\n  \"id\": \"chain\",\n  \"agent\": \"local\",\n  \"tasks\": [\n");
        for (int i = 0; i < n; i++) {
            String deps = i > 0 ? "\"t" + (i - 1) + "\"" : cycle ? "\"t" + (n - 1) + "\"" : "";
            json.append("    { \"id\": \"t")
                    .append(i)
                    .append("\", \"dependsOn\": [")
                    .append(deps)
                    .append("], \"steps\": [\"true\"] }")
                    .append(i < n - 1 ? ",\n" : "\n");
        }
        return json.append("  ]\n}\n").toString();
    }

    @FunctionalInterface
    private interface Work<T> {
        T get() throws Throwable;
    }

    /** Runs {@code work} on a thread with a small stack, where deep recursion would overflow. */
    private static <T> T onSmallStack(Work<T> work) throws Throwable {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(
                null,
                () -> {
                    try {
                        result.set(work.get());
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                },
                "small-stack",
                256 * 1024);
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
