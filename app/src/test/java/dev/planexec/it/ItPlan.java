package dev.planexec.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A plan file for a test: {@code local} tasks whose steps are shell commands, each command tagged with the test's
 * marker (a trailing {@code # marker} comment) so its processes can be found.
 *
 * <pre>{@code
 * new ItPlan("demo", marker)
 *         .task("a", List.of(), "echo a >> markers/a")
 *         .task("b", List.of("a"), "echo b >> markers/b")
 *         .writeTo(work.resolve("plan.json"));
 * }</pre>
 */
final class ItPlan {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String marker;
    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode tasks;

    ItPlan(String id, String marker) {
        this.marker = marker;
        root.put("id", id);
        root.put("name", "IT plan " + id);
        root.put("createdAt", "2026-11-21T10:00:00.000Z");
        root.put("updatedAt", "2026-11-21T10:00:00.000Z");
        root.put("agent", "local");
        tasks = root.putArray("tasks");
    }

    /** Sets a plan-level string field, such as {@code workingDirectory} or {@code isolation}. */
    ItPlan with(String field, String value) {
        root.put(field, value);
        return this;
    }

    /** Adds a pending task with the given dependencies and step commands. */
    ItPlan task(String id, List<String> dependsOn, String... steps) {
        ObjectNode task = tasks.addObject();
        task.put("id", id);
        task.put("title", "Task " + id);
        ArrayNode deps = task.putArray("dependsOn");
        dependsOn.forEach(deps::add);
        ArrayNode stepNodes = task.putArray("steps");
        for (String step : steps) {
            stepNodes.addObject().put("run", step + "  # " + marker);
        }
        task.put("status", "pending");
        return this;
    }

    /**
     * A step that sleeps, then appends the session it ran in to {@code markers/<task>-<step>}: one line per time
     * the step ran to its end.
     */
    static String markerStep(String task, int step, String sleepSeconds) {
        return "sleep " + sleepSeconds + "; echo \"$PLANEXEC_SESSION_ID\" >> markers/" + markerName(task, step);
    }

    static String markerName(String task, int step) {
        return task + "-" + step;
    }

    Path writeTo(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.createDirectories(file.resolveSibling("markers"));
            JSON.writeValue(file.toFile(), root);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
