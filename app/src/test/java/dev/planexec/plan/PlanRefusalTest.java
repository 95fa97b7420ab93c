package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.CommandRunner.Result;
import dev.planexec.testing.Plans;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Only a plan is a plan: each way a file can fail to be one, with the exact line planexec prints for it. */
class PlanRefusalTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> notOneDocument() {
        return Stream.of(
                Arguments.of(
                        "{\"tasks\": []} x\n",
                        "1:15: unexpected character 'x' after the end of the JSON document; a plan file holds"
                                + " exactly one"),
                Arguments.of(
                        "{\"tasks\": []},\n",
                        "1:14: unexpected character ',' after the end of the JSON document; a plan file holds"
                                + " exactly one"),
                Arguments.of(
                        "{\"tasks\": []}\n\u0000",
                        "2:1: unexpected character U+0000 after the end of the JSON document; a plan file holds"
                                + " exactly one"),
                Arguments.of(
                        "{\"tasks\": []}\r\n{\"tasks\": []}\r\n",
                        "2:1: a second JSON document after the first; a plan file holds exactly one"),
                Arguments.of(
                        "{\"tasks\": []}\n[]",
                        "2:1: a second JSON document after the first; a plan file holds exactly one"),
                Arguments.of(
                        "{\"tasks\": [], \"tasks\": []}",
                        "1:15: field \"tasks\" appears twice in one object (first at line 1, column 2)"),
                Arguments.of(
                        "{\"tasks\": [], \"x\": \"a\tb\"}",
                        "1:22: malformed JSON: control character U+0009 in a string; write it as an escape (\\n, \\t,"
                                + " \\u0009)"),
                Arguments.of(
                        "{\"tasks\": [], \"x\": \"\\q\"}", "1:21: malformed JSON: unknown escape \\'q' in a string"),
                Arguments.of(
                        "{\"tasks\": [], \"x\": \"\\u12\"}",
                        "1:21: malformed JSON: \\u must be followed by four hex digits"),
                Arguments.of("{\"tasks\": [], \"x\": 01}", "1:20: malformed JSON: a number may not start with 0"),
                Arguments.of(
                        "{\"tasks\": [], \"x\": 1.}", "1:22: malformed JSON: a digit must follow the decimal point"),
                Arguments.of("{\"tasks\": [], \"x\": \"open", "1:20: malformed JSON: a string that never ends"),
                Arguments.of("{\"tasks\": [", "1:12: malformed JSON: the file ends where a value should be"),
                Arguments.of(
                        "{\"tasks\": [] /* c */}",
                        "1:14: malformed JSON: unexpected character '/', expected ',' or '}'" + " after a field"),
                Arguments.of(
                        "{'tasks': []}",
                        "1:2: malformed JSON: unexpected character ''', expected a field name in" + " double quotes"),
                Arguments.of(
                        "{\"tasks\": [], \"x\": NaN}",
                        "1:20: malformed JSON: unexpected character 'N', expected a value"),
                Arguments.of("{\"tasks\": [], \"x\": 1e9999999999}", "1:20: a number whose exponent is out of range"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("notOneDocument")
    void what_is_not_one_json_document_is_refused_where_it_goes_wrong(String json, String problem) {
        assertEquals(List.of("p.json:" + problem), problems(json.getBytes(StandardCharsets.UTF_8)));
    }

    static Stream<Arguments> notUtf8() {
        return Stream.of(
                Arguments.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, "C0 AF"), // an overlong "/"
                Arguments.of(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, "E0 80"), // the same in three bytes
                Arguments.of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "ED A0"), // a surrogate
                Arguments.of(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, "F4 90"), // > U+10FFFF
                Arguments.of(new byte[] {(byte) 0x80}, "80"), // a continuation byte alone
                Arguments.of(new byte[] {(byte) 0xC3, (byte) 0x28}, "C3 28"), // a character that never comes
                Arguments.of(new byte[] {(byte) 0xFF}, "FF"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("notUtf8")
    void bytes_that_are_not_utf8_are_refused_where_they_are(byte[] bad, String shown) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes("{\n  \"tasks\": [{\"id\": \"é\", \"steps\": [\"cat ..".getBytes(StandardCharsets.UTF_8));
        json.writeBytes(bad);
        json.writeBytes("etc/passwd\"]}]\n}\n".getBytes(StandardCharsets.UTF_8));

        assertEquals(
                List.of("p.json:2:42: malformed JSON: not UTF-8 (bytes " + shown + "); a plan file must be UTF-8"),
                problems(json.toByteArray()));
    }

    @Test
    void a_character_cut_off_by_the_end_of_the_file_is_not_utf8() {
        byte[] json = {'{', '"', (byte) 0xE2, (byte) 0x82};

        assertEquals(
                List.of("p.json:1:3: malformed JSON: not UTF-8 (bytes E2 82); a plan file must be UTF-8"),
                problems(json));
    }

    @Test
    void limits_are_refused_with_a_location_and_no_library_names() {
        String deep = "{\"tasks\": [], \"x\": " + "[".repeat(300) + "]".repeat(300) + "}";
        String longString = "{\"tasks\": [], \"x\": \"" + "a".repeat(PlanLimits.MAX_STRING_BYTES) + "\"}";
        String longNumber = "{\"tasks\": [], \"x\": 1" + "0".repeat(PlanLimits.MAX_NUMBER_LENGTH) + "}";

        assertEquals(
                List.of("p.json:1:275: objects and arrays nested more than 256 deep; a plan file may nest at most 256"),
                problems(deep.getBytes(StandardCharsets.UTF_8)));
        assertEquals(
                List.of("p.json:1:20: a string longer than 8 MiB; a plan file's strings may be at most that long"),
                problems(longString.getBytes(StandardCharsets.UTF_8)));
        assertEquals(
                List.of("p.json:1:20: a number of more than 1000 characters; a plan file's numbers may be at most that"
                        + " long"),
                problems(longNumber.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_file_larger_than_the_limit_is_refused_before_it_is_read() throws Exception {
        Path big = tmp.resolve("big.json");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(PlanLimits.MAX_FILE_BYTES + 1); // sparse: nothing is written
        }

        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.load(big, AgentRegistry.NAMES));

        assertEquals(List.of(big + ":1:1: the file is larger than 64 MiB, the most a plan file may be"), e.problems());
    }

    static Stream<Arguments> wrongTypes() {
        String must = " must be a string, not ";
        return Stream.of(
                plan("\"id\": null", "\"id\"" + must + "null"),
                plan("\"name\": 5", "\"name\"" + must + "a number"),
                plan("\"description\": []", "\"description\"" + must + "an array"),
                plan("\"createdAt\": {}", "\"createdAt\"" + must + "an object"),
                plan("\"updatedAt\": true", "\"updatedAt\"" + must + "a boolean"),
                plan("\"agent\": null", "\"agent\"" + must + "null"),
                plan("\"workingDirectory\": null", "\"workingDirectory\"" + must + "null"),
                plan("\"workingDirectory\": 7", "\"workingDirectory\"" + must + "a number"),
                plan(
                        "\"workingDirectory\": \"a\\u0000b\"",
                        "\"workingDirectory\" holds a NUL character (\\u0000); no folder is named so"),
                task("\"id\": null", "\"id\"" + must + "null"),
                task("\"id\": 12", "\"id\"" + must + "a number"),
                task("\"title\": null", "\"title\"" + must + "null"),
                task("\"description\": 1", "\"description\"" + must + "a number"),
                task("\"status\": null", "\"status\"" + must + "null"),
                task("\"agent\": null", "\"agent\"" + must + "null"),
                task("\"dependsOn\": null", "\"dependsOn\" must be an array of strings, not null"),
                task("\"dependsOn\": \"b\"", "\"dependsOn\" must be an array of strings, not a string"),
                task("\"acceptanceCriteria\": {}", "\"acceptanceCriteria\" must be an array of strings, not an object"),
                task("\"notes\": \"n\"", "\"notes\" must be an array of strings, not a string"),
                task("\"steps\": null", "\"steps\" must be an array, not null"),
                task("\"attempts\": null", "\"attempts\" must be a whole number, not null"),
                task("\"attempts\": \"1\"", "\"attempts\" must be a whole number, not a string"),
                task("\"attempts\": -1", "\"attempts\" must be a whole number, not a number (-1)"),
                task("\"attempts\": 1.5", "\"attempts\" must be a whole number, not a number (1.5)"),
                task("\"attempts\": 1e20", "\"attempts\" must be a whole number, not a number (1E+20)"),
                task("\"sessionId\": 5", "\"sessionId\" must be a string or null, not a number"),
                task("\"agentResult\": []", "\"agentResult\" must be a string or null, not an array"),
                task("\"startedAt\": {}", "\"startedAt\" must be a string or null, not an object"),
                task("\"finishedAt\": true", "\"finishedAt\" must be a string or null, not a boolean"),
                task("\"error\": 1", "\"error\" must be a string or null, not a number"),
                task("\"sessionContext\": \"x\"", "\"sessionContext\" must be an object, not a string"),
                task("\"sessionContext\": null", "\"sessionContext\" must be an object, not null"));
    }

    private static Arguments plan(String field, String message) {
        return Arguments.of("{\"tasks\": [], " + field + "}", field, message);
    }

    private static Arguments task(String field, String message) {
        String id = field.startsWith("\"id\"") ? "" : "\"id\": \"a\", ";
        String steps = field.startsWith("\"steps\"") ? "" : "\"steps\": [\"true\"], ";
        return Arguments.of("{\"tasks\": [{" + id + steps + field + "}]}", field, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("wrongTypes")
    void a_known_field_of_the_wrong_type_is_refused_at_its_value(String json, String field, String message) {
        int column = json.indexOf(field) + field.indexOf(':') + 3;

        assertEquals(List.of("p.json:1:" + column + ": " + message), problems(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_task_id_that_is_not_a_string_is_the_one_problem_not_the_dependencies_on_it() {
        String json = "{\"tasks\": [{\"id\": 7, \"steps\": [\"true\"]}, {\"id\": \"b\", \"dependsOn\": [\"7\"],"
                + " \"steps\": [\"true\"]}]}";

        assertEquals(
                List.of("p.json:1:19: \"id\" must be a string, not a number"),
                problems(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_blank_task_id_is_the_one_problem_not_the_dependencies_on_it() {
        // Found by the 100,000-case fuzz run: the dependency on the task whose id was blanked was reported too.
        String json = "{\"tasks\": [{\"id\": \"\", \"steps\": [\"true\"]}, {\"id\": \"b\", \"dependsOn\": [\"a\"],"
                + " \"steps\": [\"true\"]}]}";

        assertEquals(List.of("p.json:1:19: task has no \"id\""), problems(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void the_nulls_planexec_writes_itself_are_accepted() throws Exception {
        String json = "{\"tasks\": [{\"id\": \"a\", \"steps\": [\"true\"], \"sessionId\": null, \"agentResult\": null,"
                + " \"startedAt\": null, \"finishedAt\": null, \"error\": null}]}";

        Task task = PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES)
                .tasks()
                .get(0);

        assertEquals(null, task.sessionId());
    }

    @Test
    void a_missing_working_folder_is_a_problem_of_the_plan_at_its_place() throws Exception {
        Path plan = Plans.write(tmp, "p.json", "{\n  \"workingDirectory\": \"nope\",\n  \"tasks\": []\n}\n");

        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.loadForRun(plan, AgentRegistry.NAMES));

        assertEquals(
                List.of(plan + ":2:23: workingDirectory \"nope\" is not a folder (it is relative to the plan file's"
                        + " folder)"),
                e.problems());
        Result validate = planexec().run("validate", plan.toString());
        assertEquals(2, validate.exitCode(), validate::toString);
        assertEquals(List.of("planexec: " + e.problems().get(0)), validate.errLines());
    }

    @Test
    void a_fifo_is_refused_at_once_without_opening_it() throws Exception {
        Path fifo = tmp.resolve("plan.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        mkfifo.destroy();
        String expected = fifo + ": is a FIFO (named pipe), not a regular file; a plan must be a regular file";

        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.load(fifo, AgentRegistry.NAMES));
        assertEquals(List.of(expected), e.problems());

        for (String command : List.of("validate", "run")) {
            Result r = planexec().run(command, fifo.toString());
            assertEquals(2, r.exitCode(), r::toString);
            assertEquals(List.of("planexec: " + expected), r.errLines());
        }
        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), fifo);
        assertEquals(
                List.of(link + ": is a FIFO (named pipe), not a regular file; a plan must be a regular file"),
                assertThrows(InvalidPlanException.class, () -> PlanFiles.load(link, AgentRegistry.NAMES))
                        .problems());
    }

    @Test
    void a_device_is_refused() {
        Path device = Path.of("/dev/null");

        InvalidPlanException e =
                assertThrows(InvalidPlanException.class, () -> PlanFiles.load(device, AgentRegistry.NAMES));

        assertEquals(
                List.of("/dev/null: is a character device, not a regular file; a plan must be a regular file"),
                e.problems());
    }

    @Test
    void a_link_to_a_regular_file_is_read_through() throws Exception {
        Path target = Plans.local("linked").task("a", "true").writeTo(tmp);
        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), target);

        assertEquals("linked", PlanFiles.load(link, AgentRegistry.NAMES).id());
    }

    @Test
    void a_refused_file_is_left_as_it_was_by_run() throws Exception {
        byte[] trailing = "{\"agent\": \"local\", \"tasks\": [{\"id\": \"a\", \"steps\": [\"touch ran\"]}]}\n{}\n"
                .getBytes(StandardCharsets.UTF_8);
        Path plan = Plans.writeBytes(tmp.resolve("p.json"), trailing);

        Result r = planexec().run("run", plan.toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(
                List.of("planexec: " + plan + ":2:1: a second JSON document after the first; a plan file holds exactly"
                        + " one"),
                r.errLines());
        assertFalse(r.showsStackTrace(), r::toString);
        assertArrayEquals(trailing, Files.readAllBytes(plan));
        assertFalse(Files.exists(tmp.resolve("ran")));
    }

    private CommandRunner planexec() {
        return new CommandRunner(tmp.resolve("home"));
    }

    private static List<String> problems(byte[] json) {
        return assertThrows(InvalidPlanException.class, () -> PlanFiles.parse(json, "p.json", AgentRegistry.NAMES))
                .problems();
    }
}
