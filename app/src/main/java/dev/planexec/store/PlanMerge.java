package dev.planexec.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The three-way merge of a plan file that was edited while a run was going: {@code base} is the plan the run last
 * wrote, {@code theirs} the file as the user left it, {@code ours} the run's state.
 *
 * <ul>
 *   <li>The result starts from {@code theirs}, so it keeps the user's bytes, order, plan-level fields, added tasks
 *       and removals.
 *   <li>A task the run owns (it is running, or the run has changed one of its run fields since it started) gets
 *       the run's fields ({@link #RUN_FIELDS}) from {@code ours}; its other fields stay the user's. Where the user
 *       changed one of those run fields too, to another value, the run's value is kept and the clash is reported.
 *       So a copy of the file that an editor kept open since before a task finished cannot set it back.
 *   <li>The run fields of the other tasks are the user's: setting a task that is not running back to
 *       {@code pending} runs it again.
 *   <li>A task the user removed is dropped, unless it is running: then it stays until it has finished.
 * </ul>
 */
public final class PlanMerge {
    /** The fields a run writes into a task; the run's values win for the tasks it runs. */
    public static final List<String> RUN_FIELDS = List.of(
            "status",
            "sessionId",
            "startedAt",
            "finishedAt",
            "agentResult",
            "attempts",
            "error",
            "sessionContext",
            "notes",
            "usage",
            "attemptErrors",
            "nextAttemptAt",
            "worktree");

    private static final Map<String, Function<Task, Object>> GETTERS = Map.ofEntries(
            Map.entry("usage", Task::usage),
            Map.entry("attemptErrors", t -> t.retryState().attemptErrors()),
            Map.entry(
                    "nextAttemptAt",
                    t -> java.util.Objects.toString(t.retryState().nextAttemptAt(), "")),
            Map.entry("status", Task::status),
            Map.entry("sessionId", Task::sessionId),
            Map.entry("startedAt", Task::startedAt),
            Map.entry("finishedAt", Task::finishedAt),
            Map.entry("agentResult", Task::agentResult),
            Map.entry("attempts", Task::attempts),
            Map.entry("error", Task::error),
            Map.entry("sessionContext", Task::sessionContext),
            Map.entry("notes", Task::notes),
            Map.entry("worktree", Task::worktree));

    /** Plan-level fields a run writes: changes the user makes to them are not news. */
    private static final Set<String> PLAN_RUN_FIELDS = Set.of("updatedAt", "tasks", "gitBase");

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanMerge() {}

    /**
     * What a merge made.
     *
     * @param plan the merged plan (not yet validated)
     * @param takenIn the user's changes, each a few words ({@code new task "c"}, {@code task "b": title}), in the
     *     order of the file
     * @param clashes one line per run field the user changed on a task the run owns, naming the task and the field
     * @param keptRunning tasks the user removed that are running: they stay until they finish
     * @param tasksChanged whether the set of tasks, or what any task depends on, is not what it was
     */
    public record Result(
            Plan plan, List<String> takenIn, List<String> clashes, Set<String> keptRunning, boolean tasksChanged) {}

    /**
     * @param start the plan as the run found it: the run owns the run fields it has changed since
     * @param base the plan the run last wrote to the file
     * @param theirs the file as it is now
     * @param ours the run's state
     */
    public static Result merge(Plan start, Plan base, Plan theirs, Plan ours) {
        Map<String, Task> startTasks = byId(start);
        Map<String, Task> baseTasks = byId(base);
        Map<String, Task> ourTasks = byId(ours);
        Map<String, JsonNode> baseJson = taskJson(base);
        Map<String, JsonNode> theirJson = taskJson(theirs);
        List<String> takenIn = new ArrayList<>(planFieldChanges(base, theirs));
        List<String> clashes = new ArrayList<>();
        Set<String> keptRunning = new LinkedHashSet<>();
        List<Task> merged = new ArrayList<>(theirs.tasks().size() + 1);
        Set<String> theirIds = new LinkedHashSet<>();

        for (Task their : theirs.tasks()) {
            theirIds.add(their.id());
            Task was = baseTasks.get(their.id());
            Task our = ourTasks.get(their.id());
            boolean owned = our != null && ownedByRun(startTasks.get(their.id()), was, our);
            if (was == null) {
                takenIn.add("new task \"" + their.id() + "\"");
            } else {
                List<String> changed =
                        new ArrayList<>(userFieldChanges(baseJson.get(their.id()), theirJson.get(their.id())));
                if (!owned) {
                    RUN_FIELDS.stream()
                            .filter(f -> !Objects.equals(get(f, was), get(f, their)))
                            .forEach(changed::add);
                }
                if (!changed.isEmpty()) {
                    takenIn.add("task \"" + their.id() + "\": " + String.join(", ", changed));
                }
            }
            if (!owned) {
                merged.add(their);
                continue;
            }
            Task reference = was == null ? our : was;
            for (String field : RUN_FIELDS) {
                Object theirValue = get(field, their);
                Object ourValue = get(field, our);
                if (!Objects.equals(theirValue, get(field, reference)) && !Objects.equals(theirValue, ourValue)) {
                    clashes.add("task \"" + their.id() + "\": " + field + " was changed on disk to "
                            + shown(theirValue) + " while the run owns it; the run's " + shown(ourValue)
                            + " was kept");
                }
            }
            merged.add(their.withRunFieldsOf(our));
        }
        for (Task our : ours.tasks()) {
            if (theirIds.contains(our.id())) {
                continue;
            }
            if (our.status() == TaskStatus.IN_PROGRESS) {
                merged.add(our);
                keptRunning.add(our.id());
            } else if (baseTasks.containsKey(our.id())) {
                takenIn.add("task \"" + our.id() + "\" removed");
            }
        }
        // The run owns the plan's git base as it owns its tasks' run fields: recorded once, before any worktree.
        Plan plan = theirs.withTasks(merged).withUpdatedAt(ours.updatedAt()).withGitBase(ours.gitBase());
        return new Result(plan, takenIn, clashes, keptRunning, shapeChanged(ours, plan));
    }

    /** The run owns a task while it runs it, and once it has written any run field of it. */
    private static boolean ownedByRun(Task start, Task base, Task ours) {
        return ours.status() == TaskStatus.IN_PROGRESS || runFieldsDiffer(start, ours) || runFieldsDiffer(base, ours);
    }

    private static boolean runFieldsDiffer(Task was, Task is) {
        if (was == null) {
            return false;
        }
        for (String field : RUN_FIELDS) {
            if (!Objects.equals(get(field, was), get(field, is))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the scheduler must look at the plan again: tasks came or went, or their dependencies or status. */
    private static boolean shapeChanged(Plan before, Plan after) {
        if (before.tasks().size() != after.tasks().size()) {
            return true;
        }
        Map<String, Task> was = byId(before);
        for (Task task : after.tasks()) {
            Task old = was.get(task.id());
            if (old == null || !old.dependsOn().equals(task.dependsOn()) || old.status() != task.status()) {
                return true;
            }
        }
        return false;
    }

    private static Object get(String field, Task task) {
        return GETTERS.get(field).apply(task);
    }

    private static String shown(Object value) {
        String text = value == null
                ? "null"
                : value instanceof TaskStatus status
                        ? status.json()
                        : value.toString().replace('\n', ' ');
        return text.length() > 40 ? "\"" + text.substring(0, 37) + "...\"" : "\"" + text + "\"";
    }

    private static Map<String, Task> byId(Plan plan) {
        Map<String, Task> map = new HashMap<>(plan.tasks().size() * 2);
        plan.tasks().forEach(t -> map.put(t.id(), t));
        return map;
    }

    /** Each task as the writer renders it: unknown fields included, which the records do not compare. */
    private static Map<String, JsonNode> taskJson(Plan plan) {
        Map<String, JsonNode> map = new HashMap<>(plan.tasks().size() * 2);
        for (JsonNode task : tree(plan).path("tasks")) {
            map.put(task.path("id").asText(), task);
        }
        return map;
    }

    private static List<String> planFieldChanges(Plan base, Plan theirs) {
        JsonNode was = tree(base);
        JsonNode is = tree(theirs);
        List<String> changes = new ArrayList<>();
        for (String name : names(was, is)) {
            if (!PLAN_RUN_FIELDS.contains(name) && !value(was, name).equals(value(is, name))) {
                changes.add(
                        "plan field \"" + name + "\"" + (was.has(name) ? is.has(name) ? "" : " removed" : " added"));
            }
        }
        return changes;
    }

    private static List<String> userFieldChanges(JsonNode was, JsonNode is) {
        List<String> changes = new ArrayList<>();
        for (String name : names(was, is)) {
            if (!RUN_FIELDS.contains(name) && !value(was, name).equals(value(is, name))) {
                changes.add(name);
            }
        }
        return changes;
    }

    /** The field names of both objects: those of {@code is} in its order, then those only {@code was} has. */
    private static Set<String> names(JsonNode was, JsonNode is) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = is.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        for (Iterator<String> it = was.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static JsonNode value(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null ? NullNode.getInstance() : value;
    }

    private static JsonNode tree(Plan plan) {
        try {
            return JSON.readTree(PlanFiles.toJson(plan));
        } catch (IOException e) {
            throw new UncheckedIOException("the plan writer wrote JSON that does not read back", e);
        }
    }
}
