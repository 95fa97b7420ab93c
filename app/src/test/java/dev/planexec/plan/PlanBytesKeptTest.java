package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.CommandRunner.Result;
import dev.planexec.testing.Plans;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * After a run, a plan file differs from what the user wrote only in the run's fields: take those out again (the
 * fields the run added, and {@code status} and {@code updatedAt} back to what they were) and every byte is the
 * user's. The run's fields are laid out as the file lays out its own.
 */
class PlanBytesKeptTest {
    /** A plan in Planeteer's layout with values a JSON library would rewrite, and unknown fields at every level. */
    private static final String BASE = String.join(
            "\n",
            "{",
            "  \"id\": \"bytes\",",
            "  \"name\": \"Caf\\u00e9 \\/ cr\u00e8me 🌙\",",
            "  \"createdAt\": \"2026-01-01T00:00:00.000Z\",",
            "  \"updatedAt\": \"2026-01-01T00:00:00.000Z\",",
            "  \"agent\": \"local\",",
            "  \"limits\": {",
            "    \"thousand\": 1e3,",
            "    \"minusZero\": -0,",
            "    \"price\": 1.50,",
            "    \"big\": 123456789012345678901234567890,",
            "    \"tiny\": 1E-7,",
            "    \"deep\": " + "[{\"d\": ".repeat(20) + "[0.10, 2E+2]" + "}]".repeat(20),
            "  },",
            "  \"tasks\": [",
            "    {",
            "      \"id\": \"a\",",
            "      \"title\": \"\\u0041 first\",",
            "      \"x-weight\": 10.0,",
            "      \"dependsOn\": [],",
            "      \"steps\": [",
            "        {",
            "          \"run\": \"echo \\\"a\\\" \\/ done\",",
            "          \"timeoutSeconds\": 3.0e1,",
            "          \"env\": {\"K\": \"\\u00e9\"}",
            "        }",
            "      ],",
            "      \"status\": \"pending\"",
            "    },",
            "    {",
            "      \"id\": \"b\",",
            "      \"dependsOn\": [\"a\"],",
            "      \"steps\": [\"true\"],",
            "      \"status\": \"pending\",",
            "      \"x-tags\": [1, -0.0, 1e-3]",
            "    }",
            "  ],",
            "  \"trailer\": [-1.50e+10]",
            "}",
            "");

    static Stream<Arguments> corpus() {
        return Stream.of(
                style("two spaces, LF", s -> s),
                style("CRLF", s -> s.replace("\n", "\r\n")),
                style("byte order mark and CRLF", s -> "\uFEFF" + s.replace("\n", "\r\n")),
                style("four spaces", s -> reindent(s, "    ")),
                style("tabs", s -> reindent(s, "\t")),
                style(
                        "tabs, CRLF, tight colons",
                        s -> reindent(s, "\t").replace("\": ", "\":").replace("\n", "\r\n")),
                style("Jackson's spaced colons", s -> s.replace("\": ", "\" : ")),
                style("no final newline", String::stripTrailing),
                style("minified", PlanBytesKeptTest::minify),
                style("minified with a final newline", s -> minify(s) + "\n"),
                style("tasks on one line each", s -> s.replace("{\n      \"id\": \"a\"", "{\"id\": \"a\"")));
    }

    private static Arguments style(String name, UnaryOperator<String> layout) {
        return Arguments.of(name, layout.apply(BASE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void a_run_changes_only_the_run_fields(String name, String layout, @TempDir Path tmp) throws Exception {
        byte[] original = layout.getBytes(StandardCharsets.UTF_8);
        Path plan = Plans.writeBytes(tmp.resolve("plan.json"), original);

        Result run = new CommandRunner(tmp.resolve("home")).run("run", plan.toString());

        assertEquals(0, run.exitCode(), run::toString);
        byte[] after = Files.readAllBytes(plan);
        assertEquals(TaskStatus.DONE, Plans.task(plan, "b").status());
        assertArrayEquals(
                original,
                withoutRunFields(after, original),
                () -> name + ": the file is now\n" + new String(after, StandardCharsets.UTF_8));
        assertLaidOutLike(layout, new String(after, StandardCharsets.UTF_8));
    }

    /** Every line break, indent and separator of the saved file is one the original uses. */
    private static void assertLaidOutLike(String original, String saved) {
        boolean crlf = original.contains("\r\n");
        String otherBreaks = crlf ? saved.replace("\r\n", "") : saved.replace("\n", "");
        assertFalse(
                otherBreaks.contains("\n") || otherBreaks.contains("\r"),
                () -> "a line break unlike the file's:\n" + saved);
        assertEquals(original.startsWith("\uFEFF"), saved.startsWith("\uFEFF"), "byte order mark");
        assertEquals(original.endsWith("\n"), saved.endsWith("\n"), "final newline");
        if (!original.strip().contains("\n")) {
            assertFalse(saved.strip().contains("\n"), "a file on one line stays on one line");
            return;
        }
        String second = original.split("\n")[1];
        String unit =
                second.substring(0, second.length() - second.stripLeading().length());
        for (String line : saved.split(crlf ? "\r\n" : "\n")) {
            String indent =
                    line.substring(0, line.length() - line.stripLeading().length());
            assertEquals(
                    indent,
                    unit.repeat(indent.length() / unit.length()),
                    () -> "line indented unlike the file: " + line.replace("\t", "\\t"));
        }
        String colon = original.contains("\" : ") ? "\" : " : original.contains("\": ") ? "\": " : "\":";
        for (String field : List.of("sessionId", "startedAt", "finishedAt", "attempts")) {
            assertTrue(saved.contains("\"" + field + colon), () -> field + " written with " + colon + "\n" + saved);
        }
    }

    /**
     * {@code after} with each task's added fields cut out (with the separator before them) and the values of
     * {@code status} and {@code updatedAt} put back as they were in {@code original}.
     */
    private static byte[] withoutRunFields(byte[] after, byte[] original) throws Exception {
        JsonSource was = JsonSource.parse(original);
        JsonSource now = JsonSource.parse(after);
        List<int[]> cuts = new ArrayList<>(); // {from, to, replacement offset in original or -1, length}
        restore(cuts, now, now.root(), was, was.root(), "updatedAt");
        JsonNode tasksNow = now.root().get("tasks");
        JsonNode tasksWas = was.root().get("tasks");
        for (int t = 0; t < tasksNow.size(); t++) {
            JsonNode task = tasksNow.get(t);
            JsonSource.Span span = now.span(task);
            Set<String> own = Set.copyOf(fieldNames(tasksWas.get(t)));
            for (int i = 0; i < span.size(); i++) {
                if (!own.contains(span.keys()[i])) {
                    cuts.add(new int[] {span.itemEnd()[i - 1], span.itemEnd()[i], -1, 0});
                }
            }
            restore(cuts, now, task, was, tasksWas.get(t), "status");
        }
        cuts.sort(Comparator.comparingInt(c -> c[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int[] cut : cuts) {
            out.write(after, at, cut[0] - at);
            if (cut[2] >= 0) {
                out.write(original, cut[2], cut[3]);
            }
            at = cut[1];
        }
        out.write(after, at, after.length - at);
        return out.toByteArray();
    }

    private static void restore(
            List<int[]> cuts, JsonSource now, JsonNode objectNow, JsonSource was, JsonNode objectWas, String field) {
        JsonSource.Span spanNow = now.span(objectNow);
        JsonSource.Span spanWas = was.span(objectWas);
        int i = spanNow.indexOf(field);
        int j = spanWas.indexOf(field);
        cuts.add(new int[] {
            spanNow.valueStart()[i],
            spanNow.itemEnd()[i],
            spanWas.valueStart()[j],
            spanWas.itemEnd()[j] - spanWas.valueStart()[j]
        });
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String reindent(String s, String unit) {
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n", -1)) {
            String stripped = line.stripLeading();
            int levels = (line.length() - stripped.length()) / 2;
            out.append(unit.repeat(levels)).append(stripped).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    /** The plan on one line: white space outside strings taken out (the base plan has none inside its strings' */
    private static String minify(String s) {
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(s.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else if (!Character.isWhitespace(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
