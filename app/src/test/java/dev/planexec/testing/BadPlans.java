package dev.planexec.testing;

import static dev.planexec.testing.Plans.lines;

import java.util.List;
import java.util.stream.Stream;

/**
 * Small hand-written plan files with one kind of problem each (and one with several), and the exact
 * {@code line:column: message} lines planexec must report for them. Shared by the validator's tests and the command
 * line's, so both check the same promises.
 */
public final class BadPlans {
    private static final String AGENTS = "(expected one of local, copilot, claude, codex, gemini, pi, cursor)";

    private BadPlans() {}

    /**
     * A bad plan file.
     *
     * @param problems what is reported, without the leading {@code file:}; compared whole when {@code exact}, else
     *     as the start of each line (for messages whose wording is Jackson's)
     */
    public record Case(String name, String content, List<String> problems, boolean exact) {

        /** The problems as reported for a file called {@code file}. */
        public List<String> reportedFor(String file) {
            return problems.stream().map(p -> file + ":" + p).toList();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static Stream<Case> all() {
        return Stream.of(
                new Case(
                        "malformed JSON",
                        lines(
                                "{",
                                "  \"id\": \"p\",",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"steps\": [\"true\"] }",
                                "    { \"id\": \"b\", \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("5:5: malformed JSON: "),
                        false),
                new Case("empty file", "", List.of("1:1: the file is empty; a plan is a JSON object"), true),
                new Case("blank file", "\n  \n", List.of("1:1: the file is empty; a plan is a JSON object"), true),
                new Case(
                        "not an object",
                        lines("[", "  {}", "]"),
                        List.of("1:1: a plan must be a JSON object, not an array"),
                        true),
                new Case(
                        "no tasks",
                        lines("{", "  \"id\": \"p\"", "}"),
                        List.of("1:1: the plan has no \"tasks\" array"),
                        true),
                new Case(
                        "missing task id",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    {",
                                "      \"title\": \"no id\",",
                                "      \"steps\": [\"true\"]",
                                "    }",
                                "  ]",
                                "}"),
                        List.of("3:5: task has no \"id\""),
                        true),
                new Case(
                        "duplicate task id",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"steps\": [\"true\"] },",
                                "    { \"id\": \"a\", \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("4:13: duplicate task id \"a\" (first used at /tasks/0)"),
                        true),
                new Case(
                        "unknown dependency",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"dependsOn\": [\"zz\"], \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("3:32: task \"a\" depends on unknown task \"zz\""),
                        true),
                new Case(
                        "dependency cycle",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"dependsOn\": [\"b\"], \"steps\": [\"true\"] },",
                                "    { \"id\": \"b\", \"dependsOn\": [\"a\"], \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("4:32: dependency cycle: a -> b -> a"),
                        true),
                new Case(
                        "three-task dependency cycle",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"dependsOn\": [\"c\"], \"steps\": [\"true\"] },",
                                "    { \"id\": \"b\", \"dependsOn\": [\"a\"], \"steps\": [\"true\"] },",
                                "    { \"id\": \"c\", \"dependsOn\": [\"b\"], \"steps\": [\"true\"] },",
                                "    { \"id\": \"d\", \"dependsOn\": [\"c\"], \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("4:32: dependency cycle: a -> c -> b -> a"),
                        true),
                new Case(
                        "self dependency",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"dependsOn\": [\"a\"], \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("3:32: dependency cycle: a -> a"),
                        true),
                new Case(
                        "unknown agent on the plan",
                        lines(
                                "{",
                                "  \"agent\": \"robot\",",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("2:12: unknown agent \"robot\" " + AGENTS),
                        true),
                new Case(
                        "unknown agent on a task",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"agent\": \"robot\", \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("3:27: unknown agent \"robot\" " + AGENTS),
                        true),
                new Case(
                        "local task without steps",
                        lines("{", "  \"tasks\": [", "    { \"id\": \"a\", \"agent\": \"local\" }", "  ]", "}"),
                        List.of("3:27: task \"a\" runs on the local agent but has no \"steps\""),
                        true),
                new Case(
                        "local plan with a task without steps",
                        lines(
                                "{",
                                "  \"agent\": \"local\",",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"steps\": [\"true\"] },",
                                "    { \"id\": \"b\", \"steps\": [] }",
                                "  ]",
                                "}"),
                        List.of("5:5: task \"b\" runs on the local agent but has no \"steps\""),
                        true),
                new Case(
                        "tasks not an array",
                        lines("{", "  \"tasks\": {}", "}"),
                        List.of("2:12: \"tasks\" must be an array, not an object"),
                        true),
                new Case(
                        "task not an object",
                        lines("{", "  \"tasks\": [", "    \"a\"", "  ]", "}"),
                        List.of("3:5: a task must be a JSON object, not a string"),
                        true),
                new Case(
                        "dependsOn a string",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"dependsOn\": \"b\", \"steps\": [\"true\"] },",
                                "    { \"id\": \"b\", \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("3:31: \"dependsOn\" must be an array of strings, not a string"),
                        true),
                new Case(
                        "steps not an array",
                        lines("{", "  \"tasks\": [", "    { \"id\": \"a\", \"steps\": \"echo hi\" }", "  ]", "}"),
                        List.of("3:27: \"steps\" must be an array, not a string"),
                        true),
                new Case(
                        "step without run",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"steps\": [{ \"timeoutSeconds\": 5 }] }",
                                "  ]",
                                "}"),
                        List.of("3:28: a step needs a \"run\" command (a string)"),
                        true),
                new Case(
                        "unknown status",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"status\": \"finished\", \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of(
                                "3:28: task \"a\" has unknown status \"finished\" (expected one of pending, in_progress,"
                                        + " done, failed, interrupted)"),
                        true),
                new Case(
                        "timeoutSeconds zero",
                        timeoutPlan("0"),
                        List.of("6:47: \"timeoutSeconds\" must be a positive whole number"),
                        true),
                new Case(
                        "timeoutSeconds negative",
                        timeoutPlan("-5"),
                        List.of("6:47: \"timeoutSeconds\" must be a positive whole number"),
                        true),
                new Case(
                        "timeoutSeconds a fraction",
                        timeoutPlan("1.5"),
                        List.of("6:47: \"timeoutSeconds\" must be a positive whole number"),
                        true),
                new Case(
                        "timeoutSeconds a string",
                        timeoutPlan("\"10\""),
                        List.of("6:47: \"timeoutSeconds\" must be a positive whole number"),
                        true),
                new Case(
                        "title not a string",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"title\": 7, \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("3:27: \"title\" must be a string, not a number"),
                        true),
                new Case(
                        "columns count characters",
                        lines(
                                "{",
                                "  \"tasks\": [",
                                "    { \"id\": \"é\", \"dependsOn\": [\"zz\"], \"steps\": [\"true\"] }",
                                "  ]",
                                "}"),
                        List.of("3:32: task \"é\" depends on unknown task \"zz\""),
                        true),
                new Case(
                        "byte order mark first",
                        "\uFEFF"
                                + lines(
                                        "{",
                                        "  \"tasks\": [",
                                        "    { \"id\": \"a\", \"dependsOn\": [\"zz\"], \"steps\": [\"true\"] }",
                                        "  ]",
                                        "}"),
                        List.of("3:32: task \"a\" depends on unknown task \"zz\""),
                        true),
                new Case(
                        "malformed JSON after a byte order mark",
                        "\uFEFF" + lines("{", "  \"tasks\": [,]", "}"),
                        List.of("2:13: malformed JSON: "),
                        false),
                new Case(
                        "CRLF line endings",
                        lines(
                                        "{",
                                        "  \"tasks\": [",
                                        "    { \"id\": \"a\", \"dependsOn\": [\"zz\"], \"steps\": [\"true\"] }",
                                        "  ]",
                                        "}")
                                .replace("\n", "\r\n"),
                        List.of("3:32: task \"a\" depends on unknown task \"zz\""),
                        true),
                new Case(
                        "several problems",
                        lines(
                                "{",
                                "  \"agent\": \"robot\",",
                                "  \"tasks\": [",
                                "    { \"id\": \"a\", \"dependsOn\": [\"zz\"], \"steps\": [\"true\"] },",
                                "    { \"id\": \"a\", \"status\": \"finished\", \"steps\": [\"true\"] },",
                                "    { \"title\": \"no id\", \"steps\": [\"true\"] },",
                                "    { \"id\": \"c\", \"dependsOn\": [\"c\"], \"steps\": \"oops\" }",
                                "  ]",
                                "}"),
                        // In the order they are in the file, as an editor's problem list shows them.
                        List.of(
                                "2:12: unknown agent \"robot\" " + AGENTS,
                                "4:32: task \"a\" depends on unknown task \"zz\"",
                                "5:13: duplicate task id \"a\" (first used at /tasks/0)",
                                "5:28: task \"a\" has unknown status \"finished\" (expected one of pending, in_progress,"
                                        + " done, failed, interrupted)",
                                "6:5: task has no \"id\"",
                                "7:32: dependency cycle: c -> c",
                                "7:47: \"steps\" must be an array, not a string"),
                        true));
    }

    private static String timeoutPlan(String value) {
        return lines(
                "{",
                "  \"tasks\": [",
                "    {",
                "      \"id\": \"a\",",
                "      \"steps\": [",
                "        { \"run\": \"sleep 1\", \"timeoutSeconds\": " + value + " }",
                "      ]",
                "    }",
                "  ]",
                "}");
    }
}
