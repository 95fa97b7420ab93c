package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The file a plan was read from: its bytes, where each value is in them, and the plan as it was read. Saving a
 * plan that has a source edits these bytes: only what differs from what was read is written anew, in the file's own
 * layout, and every other byte stays as it was.
 */
public final class PlanSource {
    private final JsonSource document;
    private final JsonStyle style;
    private final Map<JsonNode, Integer> taskIndex = new IdentityHashMap<>();
    private final Map<JsonNode, Task> readTasks = new IdentityHashMap<>();
    private Plan read;

    PlanSource(JsonSource document) {
        this.document = document;
        this.style = JsonStyle.of(document);
        JsonNode tasks = document.root().get("tasks");
        if (tasks != null && tasks.isArray()) {
            for (int i = 0; i < tasks.size(); i++) {
                taskIndex.put(tasks.get(i), i);
            }
        }
    }

    JsonSource document() {
        return document;
    }

    JsonStyle style() {
        return style;
    }

    /** The plan as it was read; what a save compares the current plan with. */
    Plan read() {
        return read;
    }

    void read(Plan plan) {
        this.read = plan;
    }

    void readTask(JsonNode node, Task task) {
        readTasks.put(node, task);
    }

    /** The task as it was read from {@code node}, or {@code null} if {@code node} is not one of this file's tasks. */
    Task readTask(JsonNode node) {
        return node == null ? null : readTasks.get(node);
    }

    /** Where {@code node} is in the file's {@code tasks} array, or -1 if it is not one of them. */
    int taskIndex(JsonNode node) {
        Integer index = node == null ? null : taskIndex.get(node);
        return index == null ? -1 : index;
    }

    /** The original bytes, for a caller that must compare (the array is shared: do not change it). */
    public byte[] bytes() {
        return document.bytes();
    }
}
