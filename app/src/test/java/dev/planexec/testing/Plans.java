package dev.planexec.testing;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plan files for tests: written from text exactly as given, or built for the local agent.
 *
 * <pre>{@code
 * Path plan = Plans.local("demo")
 *         .task("a", "echo hi")
 *         .task("b", List.of("a"), "echo after a")
 *         .writeTo(tempDir);
 * }</pre>
 */
public final class Plans {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Laid out as Planeteer writes a plan ({@code JSON.stringify(plan, null, 2)}): planexec keeps a file's layout
     * when it saves, so tests that look into a saved file see this one.
     */
    private static final DefaultPrettyPrinter PLANETEER_LAYOUT = new DefaultPrettyPrinter(
                    Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private Plans() {}

    /** Lines joined with {@code \n} and a final newline: a hand-written file whose line numbers are easy to see. */
    public static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /** Writes {@code content} as UTF-8, byte for byte, to {@code dir/fileName}. */
    public static Path write(Path dir, String fileName, String content) {
        return writeBytes(dir.resolve(fileName), content.getBytes(StandardCharsets.UTF_8));
    }

    public static Path writeBytes(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plan in {@code file}, loaded and validated as planexec does. */
    public static Plan load(Path file) {
        try {
            return PlanFiles.load(file, AgentRegistry.NAMES);
        } catch (InvalidPlanException e) {
            throw new AssertionError("the plan " + file + " does not load:\n" + e.getMessage(), e);
        }
    }

    /** One task of the plan in {@code file}, as the file says now. */
    public static Task task(Path file, String taskId) {
        return load(file).task(taskId).orElseThrow(() -> new AssertionError("no task " + taskId + " in " + file));
    }

    /** The file as a plain JSON tree. */
    public static JsonNode tree(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plan whose tasks run on the local agent. */
    public static Builder local(String id) {
        return new Builder(id);
    }

    /** Builds a plan file with {@code "agent": "local"}; tasks are pending unless changed with {@link #edit}. */
    public static final class Builder {
        private final ObjectNode root = JSON.createObjectNode();
        private final ArrayNode tasks;

        private Builder(String id) {
            root.put("id", id);
            root.put("name", "Test plan " + id);
            root.put("description", "");
            root.put("createdAt", "2026-01-01T00:00:00.000Z");
            root.put("updatedAt", "2026-01-01T00:00:00.000Z");
            root.put("agent", "local");
            tasks = root.putArray("tasks");
        }

        /** A task with no dependencies whose steps are {@code steps}. */
        public Builder task(String id, String... steps) {
            return task(id, List.of(), steps);
        }

        public Builder task(String id, List<String> dependsOn, String... steps) {
            ObjectNode task = tasks.addObject();
            task.put("id", id);
            task.put("title", "Task " + id);
            task.put("description", "");
            task.putArray("acceptanceCriteria");
            ArrayNode deps = task.putArray("dependsOn");
            dependsOn.forEach(deps::add);
            ArrayNode stepsNode = task.putArray("steps");
            for (String step : steps) {
                stepsNode.addObject().put("run", step);
            }
            task.put("status", "pending");
            return this;
        }

        /** Changes the JSON of the task added last (a status, a session id, a timeout ...). */
        public Builder edit(Consumer<ObjectNode> change) {
            change.accept((ObjectNode) tasks.get(tasks.size() - 1));
            return this;
        }

        public Builder planField(String name, String value) {
            root.put(name, value);
            return this;
        }

        public Builder planField(String name, int value) {
            root.put(name, value);
            return this;
        }

        public String json() {
            try {
                return JSON.writer(PLANETEER_LAYOUT).writeValueAsString(root) + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes the plan to {@code dir/<id>.json}. */
        public Path writeTo(Path dir) {
            return write(dir, root.get("id").asText() + ".json", json());
        }
    }
}
