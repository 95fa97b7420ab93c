package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.CommandRunner.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated malformed and adversarial plans, each through {@code validate} and {@code run} in this JVM: a plan that
 * is refused exits 2 with one line per problem, each {@code file:line:column: message}, no stack trace, and the file
 * as it was; a plan that happens to be valid may run, but nothing may crash.
 *
 * <p>Each build runs 2,000 cases from a fixed seed. More, from a random seed:
 *
 * <pre>{@code
 * mvn -B -pl app test -Dtest=PlanFuzzTest -Dfuzz.seed=random -Dfuzz.count=100000
 * }</pre>
 *
 * A failure names the seed and the case; {@code -Dfuzz.seed=S -Dfuzz.from=N -Dfuzz.count=1} runs that case alone.
 * {@code -Dfuzz.through=load} checks each case with {@code PlanFiles.loadForRun}, what both commands call first,
 * instead of running the commands: a hundred times faster, for very long runs.
 */
class PlanFuzzTest {
    private static final long FIXED_SEED = 0x8_2026_11_30L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_FAILURES = 10;

    @TempDir
    Path tmp;

    enum Kind {
        TRUNCATED(true),
        WRONG_TYPE(true),
        BYTE_FLIPS(false),
        INVALID_UTF8(true),
        TRAILING_DATA(true),
        SECOND_DOCUMENT(true),
        DEEP_NESTING(true),
        HUGE_STRING(true),
        HUGE_NUMBER(true),
        CONTROL_CHARACTER(true),
        DUPLICATE_FIELD(true),
        GARBAGE(true);

        final boolean alwaysRefused;

        Kind(boolean alwaysRefused) {
            this.alwaysRefused = alwaysRefused;
        }
    }

    /**
     * One generated file.
     *
     * @param oneProblem whether exactly one problem must be reported (byte flips can break several things at once)
     */
    record Case(Kind kind, String what, byte[] bytes, boolean oneProblem) {}

    @Test
    void generated_bad_plans_are_refused_with_one_located_line_each_and_left_as_they_were() throws Exception {
        String seedProperty = System.getProperty("fuzz.seed", "");
        long seed = seedProperty.isEmpty()
                ? FIXED_SEED
                : seedProperty.equals("random") ? new SecureRandom().nextLong() : Long.decode(seedProperty);
        int count = Integer.getInteger("fuzz.count", 2_000);
        int from = Integer.getInteger("fuzz.from", 0);
        // "load": each case through PlanFiles.loadForRun, what validate and run call first, instead of the whole
        // command; a hundred times faster, for long runs on a busy machine.
        boolean throughLoader = System.getProperty("fuzz.through", "cli").equals("load");
        System.out.println("PlanFuzzTest: seed " + seed + ", cases " + from + " to " + (from + count - 1));
        CommandRunner planexec = new CommandRunner(tmp.resolve("home"));
        Path plan = Files.createDirectories(tmp.resolve("plans")).resolve("plan.json");
        String name = Pattern.quote(plan.toString());
        Pattern located = Pattern.compile("planexec: " + name + ":\\d+:\\d+: \\S.*");
        List<String> failures = new ArrayList<>();
        int[] refused = new int[1];
        Map<Kind, Long> nanos = new EnumMap<>(Kind.class);
        Map<Kind, Integer> cases = new EnumMap<>(Kind.class);
        for (int i = from; i < from + count && failures.size() < MAX_FAILURES; i++) {
            long t0 = System.nanoTime();
            Case c = generate(new Random(seed * 1_000_003L + i));
            String problem = throughLoader
                    ? checkLoad(plan, c, Pattern.compile(name + ":\\d+:\\d+: \\S.*"), refused)
                    : check(planexec, plan, c, located, refused);
            nanos.merge(c.kind(), System.nanoTime() - t0, Long::sum);
            if ((i - from + 1) % 1_000 == 0) {
                System.out.println("PlanFuzzTest: " + (i - from + 1) + " cases, " + failures.size() + " failed");
            }
            cases.merge(c.kind(), 1, Integer::sum);
            if (problem != null) {
                System.out.println("PlanFuzzTest: case " + i + " failed: " + problem);
                failures.add("seed " + seed + ", case " + i + " (" + c.kind() + ": " + c.what() + "): " + problem
                        + "\n  rerun: -Dfuzz.seed=" + seed + " -Dfuzz.from=" + i + " -Dfuzz.count=1"
                        + "\n  file: " + show(c.bytes()));
            }
        }
        System.out.println("PlanFuzzTest: " + refused[0] + " of " + count + " refused, " + failures.size() + " failed");
        cases.forEach((kind, n) ->
                System.out.printf("PlanFuzzTest: %-18s %6d cases %8d ms%n", kind, n, nanos.get(kind) / 1_000_000));
        assertEquals(List.of(), failures, () -> String.join("\n\n", failures));
    }

    /** What is wrong with how the plan loader treated {@code c}, or {@code null}. */
    private static String checkLoad(Path plan, Case c, Pattern located, int[] refused) throws IOException {
        Files.write(plan, c.bytes());
        List<String> lines;
        try {
            PlanFiles.loadForRun(plan, AgentRegistry.NAMES);
            return c.kind().alwaysRefused ? "loaded" : null;
        } catch (InvalidPlanException e) {
            lines = e.problems();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            return "threw " + trace;
        }
        refused[0]++;
        if (lines.isEmpty() || (c.oneProblem() && lines.size() != 1)) {
            return "reported " + lines;
        }
        for (String line : lines) {
            if (!located.matcher(line).matches() || line.contains("Exception") || line.contains("Jackson")) {
                return "reported a line without file:line:column: " + line;
            }
        }
        return null;
    }

    /** What is wrong with how planexec treated {@code c}, or {@code null}. */
    private static String check(CommandRunner planexec, Path plan, Case c, Pattern located, int[] refused)
            throws IOException {
        Integer validateExit = null;
        for (String command : List.of("validate", "run")) {
            Files.write(plan, c.bytes());
            Result r = planexec.run(command, plan.toString());
            if (r.exitCode() != 0 && r.exitCode() != 1 && r.exitCode() != 2) {
                return command + " exited " + r.exitCode() + "\n" + r;
            }
            if (r.showsStackTrace()) {
                return command + " showed a stack trace\n" + r;
            }
            if (command.equals("validate")) {
                validateExit = r.exitCode();
                if (validateExit == 1) {
                    return "validate exited 1\n" + r;
                }
            }
            boolean mustRefuse = c.kind().alwaysRefused || validateExit == 2;
            if (!mustRefuse) {
                continue; // valid after all: it may run, and only must not crash
            }
            if (r.exitCode() != 2) {
                return command + " did not refuse it\n" + r;
            }
            List<String> lines = r.errLines();
            if (lines.isEmpty() || (c.oneProblem() && lines.size() != 1)) {
                return command + " reported " + lines.size() + " lines\n" + r;
            }
            for (String line : lines) {
                if (!located.matcher(line).matches()) {
                    return command + " printed a line without file:line:column: " + line + "\n" + r;
                }
            }
            if (!Arrays.equals(c.bytes(), Files.readAllBytes(plan))) {
                return command + " changed the file\n" + r;
            }
            if (command.equals("run")) {
                refused[0]++;
            }
        }
        return null;
    }

    static Case generate(Random random) {
        ObjectNode plan = validPlan(random);
        Kind kind = pick(random);
        return switch (kind) {
            case TRUNCATED -> {
                byte[] b = layout(plan, random);
                int end = lastIndexOf(b, (byte) '}');
                int cut = random.nextInt(end);
                yield new Case(kind, "cut at " + cut + " of " + b.length, Arrays.copyOf(b, cut), true);
            }
            case WRONG_TYPE -> wrongType(plan, random);
            case BYTE_FLIPS -> {
                byte[] b = layout(plan, random);
                int flips = 1 + random.nextInt(3);
                StringBuilder what = new StringBuilder();
                for (int k = 0; k < flips; k++) {
                    int at = random.nextInt(b.length);
                    b[at] = (byte) random.nextInt(256);
                    what.append(k == 0 ? "" : ", ").append(at);
                }
                yield new Case(kind, "bytes changed at " + what, b, false);
            }
            case INVALID_UTF8 -> {
                byte[][] sequences = {
                    {(byte) 0xC0, (byte) 0xAF},
                    {(byte) 0xC1, (byte) 0xBF},
                    {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                    {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF},
                    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                    {(byte) 0x80},
                    {(byte) 0xBF},
                    {(byte) 0xC3},
                    {(byte) 0xE2, (byte) 0x82},
                    {(byte) 0xFE},
                    {(byte) 0xFF}
                };
                byte[] bad = sequences[random.nextInt(sequences.length)];
                byte[] b = layout(plan, random);
                int at = random.nextBoolean() ? insideAString(b, random) : random.nextInt(b.length + 1);
                yield new Case(kind, "invalid UTF-8 at " + at, insert(b, at, bad), true);
            }
            case TRAILING_DATA -> {
                String[] tails = {"x", ",", "]", "}", "null", "0", "\"s\"", "\u0000", "// note", "/* c */", "\u00e9"};
                String tail = tails[random.nextInt(tails.length)];
                byte[] b = layout(plan, random);
                String gap = random.nextBoolean() ? "" : random.nextBoolean() ? "\n" : " \r\n\t";
                yield new Case(kind, "then " + tail, concat(b, (gap + tail).getBytes(StandardCharsets.UTF_8)), true);
            }
            case SECOND_DOCUMENT -> {
                byte[] b = layout(plan, random);
                byte[] second = random.nextBoolean() ? b : "{}".getBytes(StandardCharsets.UTF_8);
                yield new Case(kind, "twice", concat(b, second), true);
            }
            case DEEP_NESTING -> {
                int depth = PlanLimits.MAX_DEPTH + random.nextInt(random.nextBoolean() ? 10 : 5_000);
                StringBuilder deep = new StringBuilder();
                for (int k = 0; k < depth; k++) {
                    deep.append(random.nextBoolean() ? "[" : "{\"k\":");
                }
                boolean closed = random.nextBoolean();
                if (closed) {
                    deep.append("1");
                    for (int k = deep.length() - 2; k >= 0; k--) {
                        char open = deep.charAt(k);
                        if (open == '[') {
                            deep.append(']');
                        } else if (open == '{') {
                            deep.append('}');
                        }
                    }
                }
                yield withField(plan, random, kind, "depth " + depth, "x-fuzz", deep.toString());
            }
            case HUGE_STRING -> {
                int length = PlanLimits.MAX_STRING_BYTES + 1 + random.nextInt(100);
                String huge = "\"" + "x".repeat(length) + "\"";
                yield withField(plan, random, kind, "string of " + length, "x-fuzz", huge);
            }
            case HUGE_NUMBER -> {
                int length = PlanLimits.MAX_NUMBER_LENGTH + random.nextInt(5_000);
                String number = "1" + "0".repeat(length) + (random.nextBoolean() ? "" : ".5e3");
                yield withField(plan, random, kind, "number of " + length, "x-fuzz", number);
            }
            case CONTROL_CHARACTER -> {
                char control = (char) random.nextInt(0x20);
                yield withField(plan, random, kind, "U+" + (int) control, "x-fuzz", "\"a" + control + "b\"");
            }
            case DUPLICATE_FIELD -> {
                String[] fields = {"id", "tasks", "x-unknown", "agent"};
                String field = fields[random.nextInt(fields.length)];
                String twice = plan.has(field) ? plan.get(field).toString() : "1, \"" + field + "\": 2";
                yield withField(plan, random, kind, field, field, twice);
            }
            case GARBAGE -> {
                byte[] b = new byte[random.nextInt(64)];
                random.nextBytes(b);
                if (b.length > 0 && b[0] == '{') {
                    b[0] = '<';
                }
                yield new Case(kind, "random bytes", b, true);
            }
        };
    }

    private static Kind pick(Random random) {
        int roll = random.nextInt(1000);
        if (roll < 3) {
            return Kind.HUGE_STRING; // by far the slowest to make and read: three cases in a thousand
        }
        Kind[] others =
                Arrays.stream(Kind.values()).filter(k -> k != Kind.HUGE_STRING).toArray(Kind[]::new);
        return others[random.nextInt(others.length)];
    }

    /** A small valid plan on the local agent: tasks whose steps are {@code true}, some with unknown fields. */
    private static ObjectNode validPlan(Random random) {
        ObjectNode plan = NODES.objectNode();
        plan.put("id", "fuzz");
        plan.put("name", "Fuzz \u00e9 🌙");
        plan.put("description", "");
        plan.put("createdAt", "2026-01-01T00:00:00.000Z");
        plan.put("updatedAt", "2026-01-01T00:00:00.000Z");
        plan.put("agent", "local");
        if (random.nextBoolean()) {
            plan.putObject("x-meta").put("n", 1.5).putArray("l").add(1).add("two");
        }
        ArrayNode tasks = plan.putArray("tasks");
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            ObjectNode task = tasks.addObject();
            task.put("id", "t" + i);
            task.put("title", "Task " + i);
            task.put("description", "");
            task.putArray("acceptanceCriteria");
            ArrayNode deps = task.putArray("dependsOn");
            if (i > 0 && random.nextBoolean()) {
                deps.add("t" + (i - 1));
            }
            ArrayNode steps = task.putArray("steps");
            if (random.nextBoolean()) {
                steps.add("true");
            } else {
                steps.addObject().put("run", "true").put("timeoutSeconds", 30);
            }
            task.put("status", random.nextInt(4) == 0 ? "done" : "pending");
            if (random.nextInt(3) == 0) {
                task.put("x-weight", random.nextInt(100));
            }
        }
        return plan;
    }

    /** The plan with one known field given a value of the wrong type (or, for a few fields, a wrong value). */
    private static Case wrongType(ObjectNode plan, Random random) {
        ArrayNode tasks = (ArrayNode) plan.get("tasks");
        ObjectNode task = (ObjectNode) tasks.get(random.nextInt(tasks.size()));
        int where = random.nextInt(3);
        ObjectNode target;
        String field;
        if (where == 0) {
            target = plan;
            String[] fields = {
                "id", "name", "description", "createdAt", "updatedAt", "agent", "workingDirectory", "tasks"
            };
            field = fields[random.nextInt(fields.length)];
        } else if (where == 1 || !task.get("steps").get(0).isObject()) {
            target = task;
            String[] fields = {
                "id",
                "title",
                "description",
                "status",
                "agent",
                "sessionId",
                "agentResult",
                "startedAt",
                "finishedAt",
                "error",
                "dependsOn",
                "acceptanceCriteria",
                "notes",
                "steps",
                "attempts",
                "sessionContext"
            };
            field = fields[random.nextInt(fields.length)];
        } else {
            target = (ObjectNode) task.get("steps").get(0);
            field = random.nextBoolean() ? "run" : "timeoutSeconds";
        }
        JsonNode value;
        do {
            value = wrongValue(random);
        } while (fitsField(target == plan, field, value));
        target.set(field, value);
        return new Case(
                Kind.WRONG_TYPE, (target == plan ? "plan " : "") + field + " = " + value, layout(plan, random), true);
    }

    private static JsonNode wrongValue(Random random) {
        return switch (random.nextInt(13)) {
            case 12 -> NODES.textNode("a\u0000b");
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt(5) - 2);
            case 3 -> NODES.numberNode(1.5);
            case 4 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 5 -> NODES.textNode("x");
            case 6 -> NODES.textNode("");
            case 7 -> NODES.arrayNode();
            case 8 -> NODES.arrayNode().add(1);
            case 9 -> NODES.objectNode();
            case 10 -> NODES.objectNode().put("a", 1);
            default -> NODES.textNode("missing-folder-" + random.nextInt(1000));
        };
    }

    /** Whether {@code value} would be a valid {@code field}: those are not wrong types. */
    private static boolean fitsField(boolean planLevel, String field, JsonNode value) {
        if (planLevel) {
            return switch (field) {
                case "tasks" -> value.isArray() && value.isEmpty();
                case "agent" -> false; // "x", "" and the rest are unknown agents
                case "workingDirectory" ->
                    value.isTextual() && value.textValue().isEmpty();
                default -> value.isTextual();
            };
        }
        return switch (field) {
            case "id" -> value.isTextual() && !value.textValue().isBlank();
            case "title", "description" -> value.isTextual();
            case "status", "agent" -> false;
            case "sessionId", "agentResult", "startedAt", "finishedAt", "error" -> value.isTextual() || value.isNull();
            case "dependsOn" -> value.isArray() && value.isEmpty();
            case "acceptanceCriteria", "notes" -> value.isArray() && value.isEmpty();
            case "steps" -> value.isArray() && value.isEmpty();
            case "attempts" -> value.isInt() && value.intValue() >= 0;
            case "sessionContext" -> value.isObject() && value.isEmpty();
            case "run" -> value.isTextual() && !value.textValue().isBlank();
            case "timeoutSeconds" -> value.isInt() && value.intValue() > 0;
            default -> false;
        };
    }

    /** The plan with {@code "name": rawValue} written first in it. */
    private static Case withField(
            ObjectNode plan, Random random, Kind kind, String what, String name, String rawValue) {
        byte[] b = layout(plan, random);
        int open = indexOf(b, (byte) '{') + 1;
        byte[] field = ("\"" + name + "\": " + rawValue + ",").getBytes(StandardCharsets.UTF_8);
        return new Case(kind, what, insert(b, open, field), true);
    }

    /** The plan laid out one of the ways people and tools write JSON. */
    private static byte[] layout(ObjectNode plan, Random random) {
        String text;
        try {
            if (random.nextInt(4) == 0) {
                text = JSON.writeValueAsString(plan);
            } else {
                String[] units = {"  ", "    ", "\t"};
                String unit = units[random.nextInt(units.length)];
                String eol = random.nextBoolean() ? "\n" : "\r\n";
                DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                                .withObjectFieldValueSpacing(
                                        random.nextBoolean() ? Separators.Spacing.AFTER : Separators.Spacing.BOTH)
                                .withObjectEmptySeparator("")
                                .withArrayEmptySeparator(""))
                        .withObjectIndenter(new DefaultIndenter(unit, eol))
                        .withArrayIndenter(new DefaultIndenter(unit, eol));
                text = JSON.writer(pretty).writeValueAsString(plan) + (random.nextBoolean() ? eol : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ((random.nextInt(5) == 0 ? "\uFEFF" : "") + text).getBytes(StandardCharsets.UTF_8);
    }

    private static int insideAString(byte[] b, Random random) {
        List<Integer> quotes = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '"') {
                quotes.add(i);
            }
        }
        return quotes.isEmpty() ? 0 : quotes.get(random.nextInt(quotes.size())) + 1;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length);
        out.write(b, 0, at);
        out.writeBytes(what);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return insert(a, a.length, b);
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte c) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** A case's bytes for a failure message: escaped, and cut short when long. */
    private static String show(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 600); i++) {
            int c = b[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02X", c));
        }
        return s + (b.length > 600 ? "... (" + b.length + " bytes)" : "");
    }
}
