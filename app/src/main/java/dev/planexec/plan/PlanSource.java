package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
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
    private final Map<String, Integer> taskById = new HashMap<>();
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

    /** A top-level field of the file as it was read, or {@code null}: for plan fields that only a command reads. */
    public JsonNode field(String name) {
        return document.root().get(name);
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
        taskById.putIfAbsent(task.id(), taskIndex.get(node));
    }

    /** The task as it was read from {@code node}, or {@code null} if {@code node} is not one of this file's tasks. */
    Task readTask(JsonNode node) {
        return node == null ? null : readTasks.get(node);
    }

    /**
     * Where {@code task} was read from in the file's {@code tasks} array, or -1 if it is not one of them: a task made
     * in code, or one read from another copy of the file whose JSON differs from every task of this one with its id.
     * A task read from another copy with the same JSON as this file's task with its id is that task (a merge may
     * take tasks from the copy it read before).
     */
    int taskIndex(Task task) {
        JsonNode node = task.source();
        if (node == null) {
            return -1;
        }
        Integer index = taskIndex.get(node);
        if (index != null) {
            return index;
        }
        Integer sameId = taskById.get(task.id());
        if (sameId != null && document.root().get("tasks").get(sameId).equals(node)) {
            return sameId;
        }
        return -1;
    }
}
