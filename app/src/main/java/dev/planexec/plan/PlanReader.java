package dev.planexec.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed JSON tree into a {@link Plan}, noting every field of the wrong type instead of stopping at the
 * first. What cannot be read is replaced by a harmless default so the remaining checks can still run.
 *
 * <p>A field planexec knows must have its type; {@code null} is accepted only for the run fields planexec itself
 * clears ({@code sessionId}, {@code agentResult}, {@code startedAt}, {@code finishedAt}, {@code error}), where it
 * means "none".
 */
final class PlanReader {
    private final List<PlanProblem> problems;
    private final PlanSource source;
    private final List<String> taskPointers = new ArrayList<>();
    private final Set<String> unreadableSteps = new HashSet<>();
    private boolean unreadableId;

    PlanReader(List<PlanProblem> problems, PlanSource source) {
        this.problems = problems;
        this.source = source;
    }

    /**
     * The tasks (by JSON pointer) whose {@code steps} could not all be read: already reported, so "has no steps" is
     * not said of them too.
     */
    Set<String> unreadableSteps() {
        return unreadableSteps;
    }

    /**
     * Whether some task's {@code id} is there but not a usable string (another type, or blank): then a dependency
     * that names no task may name that one, and is not reported until the id is fixed.
     */
    boolean unreadableId() {
        return unreadableId;
    }

    /** The JSON pointer of each task read, in the order of {@link Plan#tasks()}. */
    List<String> taskPointers() {
        return taskPointers;
    }

    Plan read(JsonNode root) {
        if (!root.isObject()) {
            problems.add(new PlanProblem("", "a plan must be a JSON object, not " + kind(root)));
            return null;
        }
        ObjectNode object = (ObjectNode) root;
        String id = string(object, "id", "");
        String name = string(object, "name", "");
        String description = string(object, "description", "");
        String createdAt = string(object, "createdAt", "");
        String updatedAt = string(object, "updatedAt", "");
        String agent = string(object, "agent", "");
        String workingDirectory = string(object, "workingDirectory", "");
        if (workingDirectory != null && workingDirectory.indexOf('\0') >= 0) {
            problems.add(new PlanProblem(
                    "/workingDirectory",
                    "\"workingDirectory\" holds a NUL character (\\u0000); no folder is named so"));
            workingDirectory = null;
        }
        List<Task> tasks = new ArrayList<>();
        JsonNode tasksNode = object.get("tasks");
        if (tasksNode == null) {
            problems.add(new PlanProblem("", "the plan has no \"tasks\" array"));
        } else if (!tasksNode.isArray()) {
            problems.add(new PlanProblem("/tasks", "\"tasks\" must be an array, not " + kind(tasksNode)));
        } else {
            for (int i = 0; i < tasksNode.size(); i++) {
                Task task = readTask(tasksNode.get(i), "/tasks/" + i);
                if (task != null) {
                    tasks.add(task);
                    taskPointers.add("/tasks/" + i);
                    source.readTask(tasksNode.get(i), task);
                }
            }
        }
        Plan plan = new Plan(
                id,
                name,
                description,
                createdAt,
                updatedAt,
                agent,
                workingDirectory,
                tasks,
                wholeNumber(object, "retries", "", 0),
                wholeNumber(object, "retryDelaySeconds", "", 0),
                isolation(object, ""),
                worktreeFiles(object),
                gitBase(object),
                source);
        source.read(plan);
        return plan;
    }

    private Task readTask(JsonNode node, String at) {
        if (!node.isObject()) {
            problems.add(new PlanProblem(at, "a task must be a JSON object, not " + kind(node)));
            return null;
        }
        ObjectNode object = (ObjectNode) node;
        String id = string(object, "id", at);
        if (id == null || id.isBlank()) {
            unreadableId |= object.has("id");
            if (id != null || !object.has("id")) {
                problems.add(new PlanProblem(object.has("id") ? at + "/id" : at, "task has no \"id\""));
            }
            id = "#" + at.substring(at.lastIndexOf('/') + 1);
        }
        String title = string(object, "title", at);
        TaskStatus status = TaskStatus.PENDING;
        String statusName = string(object, "status", at);
        if (statusName != null) {
            status = TaskStatus.fromJson(statusName).orElse(null);
            if (status == null) {
                problems.add(new PlanProblem(
                        at + "/status",
                        "task \"" + id + "\" has unknown status \"" + statusName + "\" (expected one of "
                                + TaskStatus.allNames() + ")"));
                status = TaskStatus.PENDING;
            }
        }
        JsonNode attemptsNode = object.get("attempts");
        int attempts = 0;
        if (attemptsNode != null) {
            if (wholeNumber(attemptsNode) && attemptsNode.asInt() >= 0) {
                attempts = attemptsNode.asInt();
            } else {
                problems.add(new PlanProblem(
                        at + "/attempts", "\"attempts\" must be a whole number, not " + describe(attemptsNode)));
            }
        }
        return new Task(
                id,
                title == null ? id : title,
                orEmpty(string(object, "description", at)),
                strings(object, "acceptanceCriteria", at),
                strings(object, "dependsOn", at),
                steps(object, at),
                status,
                nullableString(object, "sessionId", at),
                nullableString(object, "agentResult", at),
                string(object, "agent", at),
                nullableString(object, "startedAt", at),
                nullableString(object, "finishedAt", at),
                attempts,
                nullableString(object, "error", at),
                stringMap(object, "sessionContext", at),
                strings(object, "notes", at),
                wholeNumber(object, "retries", at, 0),
                wholeNumber(object, "retryDelaySeconds", at, 0),
                usage(object, at),
                new RetryState(strings(object, "attemptErrors", at), nullableString(object, "nextAttemptAt", at)),
                isolation(object, at),
                worktree(object, at),
                object);
    }

    /** A whole number of at least {@code min}, {@code null} if absent; anything else is a problem. */
    private Integer wholeNumber(ObjectNode object, String field, String at, int min) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (wholeNumber(node) && node.asInt() >= min) {
            return node.asInt();
        }
        problems.add(new PlanProblem(
                at + "/" + field, "\"" + field + "\" must be a whole number of at least " + min + ", not " + node));
        return null;
    }

    private Usage usage(ObjectNode task, String at) {
        JsonNode node = task.get("usage");
        if (node == null || node.isNull()) {
            return Usage.NONE;
        }
        if (!node.isObject()) {
            problems.add(new PlanProblem(at + "/usage", "\"usage\" must be an object, not " + kind(node)));
            return Usage.NONE;
        }
        JsonNode cost = node.get("costUsd");
        Double costUsd = null;
        if (cost != null && !cost.isNull()) {
            if (cost.isNumber() && cost.asDouble() >= 0) {
                costUsd = cost.asDouble();
            } else {
                problems.add(new PlanProblem(at + "/usage/costUsd", "\"costUsd\" must be a number of at least 0"));
            }
        }
        return new Usage(
                tokens(node, "inputTokens", at),
                tokens(node, "outputTokens", at),
                tokens(node, "cachedTokens", at),
                costUsd);
    }

    private long tokens(JsonNode usage, String field, String at) {
        JsonNode node = usage.get(field);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.canConvertToExactIntegral() && node.canConvertToLong() && node.asLong() >= 0) {
            return node.asLong();
        }
        problems.add(new PlanProblem(at + "/usage/" + field, "\"" + field + "\" must be a whole number of at least 0"));
        return 0;
    }

    private String isolation(ObjectNode object, String at) {
        String value = string(object, "isolation", at);
        if (value != null && !value.equals("worktree") && !value.equals("none")) {
            problems.add(new PlanProblem(
                    at + "/isolation", "\"isolation\" must be \"worktree\" or \"none\", not \"" + value + "\""));
            return null;
        }
        return value;
    }

    /** Paths inside the repository only: a plan must not make planexec copy {@code /etc/shadow} or {@code ../x}. */
    private List<String> worktreeFiles(ObjectNode object) {
        List<String> files = strings(object, "worktreeFiles", "");
        for (int i = 0; i < files.size(); i++) {
            String file = files.get(i);
            java.nio.file.Path path = java.nio.file.Path.of(file).normalize();
            if (file.isBlank() || path.isAbsolute() || path.startsWith("..") || file.startsWith(".git/")) {
                problems.add(new PlanProblem(
                        "/worktreeFiles/" + i,
                        "\"worktreeFiles\" holds paths inside the repository, such as \".env\", not \"" + file + "\""));
            }
        }
        return files;
    }

    private GitBase gitBase(ObjectNode object) {
        Map<String, String> base = stringMap(object, "gitBase", "");
        return base.isEmpty() ? null : new GitBase(base.get("commit"), base.get("branch"));
    }

    private TaskWorktree worktree(ObjectNode object, String at) {
        JsonNode node = object.get("worktree");
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(new PlanProblem(at + "/worktree", "\"worktree\" must be an object, not " + kind(node)));
            return null;
        }
        ObjectNode worktree = (ObjectNode) node;
        String where = at + "/worktree";
        String path = string(worktree, "path", where);
        String branch = string(worktree, "branch", where);
        String startCommit = string(worktree, "startCommit", where);
        List<String> backups = strings(worktree, "backupBranches", where);
        if (path == null || branch == null) {
            problems.add(new PlanProblem(where, "\"worktree\" needs a \"path\" and a \"branch\""));
            return null;
        }
        return new TaskWorktree(path, branch, startCommit, backups);
    }

    private List<Step> steps(ObjectNode task, String at) {
        JsonNode node = task.get("steps");
        List<Step> steps = new ArrayList<>();
        if (node == null) {
            return steps;
        }
        if (!node.isArray()) {
            problems.add(new PlanProblem(at + "/steps", "\"steps\" must be an array, not " + kind(node)));
            unreadableSteps.add(at);
            return steps;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode step = node.get(i);
            String stepAt = at + "/steps/" + i;
            if (step.isTextual()) {
                steps.add(Step.of(step.asText()));
            } else if (step.isObject()) {
                JsonNode run = step.get("run");
                if (run == null || !run.isTextual() || run.asText().isBlank()) {
                    problems.add(new PlanProblem(
                            run == null ? stepAt : stepAt + "/run", "a step needs a \"run\" command (a string)"));
                    unreadableSteps.add(at);
                    continue;
                }
                JsonNode timeout = step.get("timeoutSeconds");
                Integer seconds = null;
                if (timeout != null) {
                    if (wholeNumber(timeout) && timeout.asInt() > 0) {
                        seconds = timeout.asInt();
                    } else {
                        problems.add(new PlanProblem(
                                stepAt + "/timeoutSeconds", "\"timeoutSeconds\" must be a positive whole number"));
                    }
                }
                steps.add(new Step(run.asText(), seconds, (ObjectNode) step));
            } else {
                problems.add(new PlanProblem(
                        stepAt, "a step must be a command string or an object with \"run\", not " + kind(step)));
                unreadableSteps.add(at);
            }
        }
        return steps;
    }

    /** A whole number that fits an {@code int}: {@code 3} and {@code 3.0} do, {@code 1e20} and {@code 1.5} do not. */
    private static boolean wholeNumber(JsonNode node) {
        return node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToInt();
    }

    /** A string field, {@code null} if absent; {@code null} or another type is a problem. */
    private String string(ObjectNode object, String field, String at) {
        JsonNode node = object.get(field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            problems.add(new PlanProblem(at + "/" + field, "\"" + field + "\" must be a string, not " + kind(node)));
            return null;
        }
        return node.asText();
    }

    /** A string field that may also be {@code null}, meaning none; another type is a problem. */
    private String nullableString(ObjectNode object, String field, String at) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            problems.add(
                    new PlanProblem(at + "/" + field, "\"" + field + "\" must be a string or null, not " + kind(node)));
            return null;
        }
        return node.asText();
    }

    private List<String> strings(ObjectNode object, String field, String at) {
        JsonNode node = object.get(field);
        List<String> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (!node.isArray()) {
            problems.add(new PlanProblem(
                    at + "/" + field, "\"" + field + "\" must be an array of strings, not " + kind(node)));
            return values;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (item.isTextual()) {
                values.add(item.asText());
            } else {
                problems.add(new PlanProblem(
                        at + "/" + field + "/" + i, "\"" + field + "\" must hold only strings, not " + kind(item)));
            }
        }
        return values;
    }

    private Map<String, String> stringMap(ObjectNode object, String field, String at) {
        JsonNode node = object.get(field);
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null) {
            return values;
        }
        if (!node.isObject()) {
            problems.add(new PlanProblem(at + "/" + field, "\"" + field + "\" must be an object, not " + kind(node)));
            return values;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getValue().isTextual()) {
                values.put(e.getKey(), e.getValue().asText());
            } else {
                problems.add(new PlanProblem(
                        at + "/" + field + "/" + e.getKey(),
                        "\"" + field + "\" must hold only strings, not " + kind(e.getValue())));
            }
        }
        return values;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The kind of a value, and a short number as itself: {@code a number (-1)}. */
    private static String describe(JsonNode node) {
        return node.isNumber() && node.toString().length() <= 20 ? "a number (" + node + ")" : kind(node);
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING, BINARY -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
        };
    }
}
