package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a plan. A plan read from a file is written as that file's bytes with only what changed written anew (see
 * {@link PlanEditor}); a plan made in code is written the way Planeteer writes one
 * ({@code JSON.stringify(plan, null, 2)} and a final newline).
 *
 * <p>Here is what each field of the model looks like in JSON, for both.
 */
final class PlanWriter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A task's fields planexec knows, in the order a new task is written. */
    static final List<String> TASK_FIELDS = List.of(
            "id",
            "title",
            "description",
            "acceptanceCriteria",
            "dependsOn",
            "steps",
            "status",
            "agent",
            "sessionId",
            "agentResult",
            "startedAt",
            "finishedAt",
            "attempts",
            "error",
            "sessionContext",
            "notes",
            // issue 11: retries (the user's) and what the run records of usage and failed attempts
            "retries",
            "retryDelaySeconds",
            "usage",
            "attemptErrors",
            "nextAttemptAt",
            "isolation",
            "worktree");

    /** The plan's fields planexec knows, but {@code tasks}. */
    static final List<String> PLAN_FIELDS = List.of(
            "id",
            "name",
            "description",
            "createdAt",
            "updatedAt",
            "agent",
            "workingDirectory",
            "isolation",
            "worktreeFiles",
            "gitBase");

    private PlanWriter() {}

    static byte[] write(Plan plan) {
        if (plan.source() != null) {
            return new PlanEditor(plan.source()).write(plan);
        }
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(8192 + plan.tasks().size() * 512);
        JsonStyle.PLANETEER.write(out, freshPlan(plan), "", false);
        out.write('\n');
        return out.toByteArray();
    }

    /** A plan made in code as JSON: the fields it has, in Planeteer's order. */
    private static ObjectNode freshPlan(Plan plan) {
        Map<String, JsonNode> known = new LinkedHashMap<>();
        for (String field : PLAN_FIELDS) {
            JsonNode value = planField(plan, field);
            if (value != null) {
                known.put(field, value);
            }
        }
        if (plan.retries() != null) {
            known.put("retries", IntNode.valueOf(plan.retries()));
        }
        if (plan.retryDelaySeconds() != null) {
            known.put("retryDelaySeconds", IntNode.valueOf(plan.retryDelaySeconds()));
        }
        ArrayNode tasks = NODES.arrayNode();
        plan.tasks().forEach(t -> tasks.add(freshTask(t)));
        known.put("tasks", tasks);
        return merge(null, known);
    }

    /**
     * A task as JSON, as planexec writes a task that is not in the file yet: the fields of the JSON it was read
     * from (if any) in their order, then the known fields it lacks.
     */
    static ObjectNode freshTask(Task task) {
        ObjectNode source = task.source();
        Map<String, JsonNode> known = new LinkedHashMap<>();
        known.put("id", TextNode.valueOf(task.id()));
        known.put("title", TextNode.valueOf(task.title()));
        known.put("description", TextNode.valueOf(task.description()));
        known.put("acceptanceCriteria", strings(task.acceptanceCriteria()));
        known.put("dependsOn", strings(task.dependsOn()));
        if (!task.steps().isEmpty() || has(source, "steps")) {
            known.put("steps", steps(task.steps()));
        }
        known.put("status", TextNode.valueOf(task.status().json()));
        optional(known, "agent", task.agent(), source);
        // Planeteer writes no sessionId; planexec always does once a task has had one, even if it is null now.
        if (task.sessionId() != null || has(source, "sessionId") || task.attempts() > 0) {
            known.put("sessionId", task.sessionId() == null ? NullNode.instance : TextNode.valueOf(task.sessionId()));
        }
        optional(known, "agentResult", task.agentResult(), source);
        optional(known, "startedAt", task.startedAt(), source);
        optional(known, "finishedAt", task.finishedAt(), source);
        if (task.attempts() > 0 || has(source, "attempts")) {
            known.put("attempts", IntNode.valueOf(task.attempts()));
        }
        optional(known, "error", task.error(), source);
        if (!task.sessionContext().isEmpty() || has(source, "sessionContext")) {
            known.put("sessionContext", stringMap(task.sessionContext()));
        }
        if (!task.notes().isEmpty() || has(source, "notes")) {
            known.put("notes", strings(task.notes()));
        }
        for (String field : List.of("retries", "retryDelaySeconds", "usage", "attemptErrors", "nextAttemptAt")) {
            JsonNode value = taskField(task, field);
            if (value != null) {
                known.put(field, value);
            } else if (has(source, field)) {
                known.put(field, NullNode.instance);
            }
        }
        optional(known, "isolation", task.isolation(), source);
        if (task.worktree() != null || has(source, "worktree")) {
            known.put("worktree", worktree(task.worktree()));
        }
        return merge(source, known);
    }

    /**
     * One known field of a task as JSON, or {@code null} for a field the task does not have: what a save compares
     * with the same field of the task as it was read. Run fields at their empty value (no session, no attempts)
     * are absent, so a field that goes back to it is taken out of the file.
     */
    static JsonNode taskField(Task task, String field) {
        return switch (field) {
            case "id" -> TextNode.valueOf(task.id());
            case "title" -> TextNode.valueOf(task.title());
            case "description" -> TextNode.valueOf(task.description());
            case "acceptanceCriteria" -> strings(task.acceptanceCriteria());
            case "dependsOn" -> strings(task.dependsOn());
            case "steps" -> steps(task.steps());
            case "status" -> TextNode.valueOf(task.status().json());
            case "agent" -> text(task.agent());
            case "sessionId" -> text(task.sessionId());
            case "agentResult" -> text(task.agentResult());
            case "startedAt" -> text(task.startedAt());
            case "finishedAt" -> text(task.finishedAt());
            case "attempts" -> task.attempts() == 0 ? null : IntNode.valueOf(task.attempts());
            case "error" -> text(task.error());
            case "sessionContext" -> task.sessionContext().isEmpty() ? null : stringMap(task.sessionContext());
            case "notes" -> task.notes().isEmpty() ? null : strings(task.notes());
            case "retries" -> task.retries() == null ? null : IntNode.valueOf(task.retries());
            case "retryDelaySeconds" ->
                task.retryDelaySeconds() == null ? null : IntNode.valueOf(task.retryDelaySeconds());
            case "usage" -> task.usage().isNone() ? null : usage(task.usage());
            case "attemptErrors" ->
                task.retryState().attemptErrors().isEmpty()
                        ? null
                        : strings(task.retryState().attemptErrors());
            case "nextAttemptAt" -> text(task.retryState().nextAttemptAt());
            case "isolation" -> text(task.isolation());
            case "worktree" -> task.worktree() == null ? null : worktree(task.worktree());
            default -> throw new IllegalArgumentException("not a task field: " + field);
        };
    }

    /** One known field of the plan as JSON, or {@code null} for a field the plan does not have. */
    static JsonNode planField(Plan plan, String field) {
        return switch (field) {
            case "id" -> text(plan.id());
            case "name" -> text(plan.name());
            case "description" -> text(plan.description());
            case "createdAt" -> text(plan.createdAt());
            case "updatedAt" -> text(plan.updatedAt());
            case "agent" -> text(plan.agent());
            case "workingDirectory" -> text(plan.workingDirectory());
            case "isolation" -> text(plan.isolation());
            case "worktreeFiles" -> plan.worktreeFiles().isEmpty() ? null : strings(plan.worktreeFiles());
            case "gitBase" -> plan.gitBase() == null ? null : gitBase(plan.gitBase());
            default -> throw new IllegalArgumentException("not a plan field: " + field);
        };
    }

    private static ObjectNode gitBase(GitBase base) {
        ObjectNode object = NODES.objectNode();
        object.put("commit", base.commit());
        if (base.branch() != null) {
            object.put("branch", base.branch());
        }
        return object;
    }

    private static ObjectNode worktree(TaskWorktree worktree) {
        ObjectNode object = NODES.objectNode();
        object.put("path", worktree.path());
        object.put("branch", worktree.branch());
        if (worktree.startCommit() != null) {
            object.put("startCommit", worktree.startCommit());
        }
        if (!worktree.backupBranches().isEmpty()) {
            object.set("backupBranches", strings(worktree.backupBranches()));
        }
        return object;
    }

    /** {@code source}'s fields in their order, the known ones with their current values; then the new known ones. */
    private static ObjectNode merge(ObjectNode source, Map<String, JsonNode> known) {
        ObjectNode object = NODES.objectNode();
        if (source != null) {
            for (Map.Entry<String, JsonNode> field : source.properties()) {
                JsonNode value = known.remove(field.getKey());
                object.set(field.getKey(), value != null ? value : field.getValue());
            }
        }
        known.forEach(object::set);
        return object;
    }

    private static ArrayNode steps(List<Step> steps) {
        ArrayNode array = NODES.arrayNode();
        for (Step step : steps) {
            if (step.source() == null && step.timeoutSeconds() == null) {
                array.add(step.run());
                continue;
            }
            Map<String, JsonNode> known = new LinkedHashMap<>();
            known.put("run", TextNode.valueOf(step.run()));
            if (step.timeoutSeconds() != null) {
                known.put("timeoutSeconds", IntNode.valueOf(step.timeoutSeconds()));
            }
            array.add(merge(step.source(), known));
        }
        return array;
    }

    private static void optional(Map<String, JsonNode> known, String field, String value, ObjectNode source) {
        if (value != null) {
            known.put(field, TextNode.valueOf(value));
        } else if (has(source, field)) {
            known.put(field, NullNode.instance);
        }
    }

    private static boolean has(ObjectNode source, String field) {
        return source != null && source.has(field);
    }

    private static JsonNode text(String value) {
        return value == null ? null : TextNode.valueOf(value);
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode object = NODES.objectNode();
        object.put("inputTokens", usage.inputTokens());
        object.put("outputTokens", usage.outputTokens());
        object.put("cachedTokens", usage.cachedTokens());
        if (usage.costUsd() != null) {
            // Rounded to a millionth of a dollar: sums of doubles would otherwise write 0.30000000000000004.
            object.put(
                    "costUsd",
                    java.math.BigDecimal.valueOf(usage.costUsd())
                            .setScale(6, java.math.RoundingMode.HALF_UP)
                            .stripTrailingZeros());
        }
        return object;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static ObjectNode stringMap(Map<String, String> values) {
        ObjectNode object = NODES.objectNode();
        values.forEach(object::put);
        return object;
    }
}
