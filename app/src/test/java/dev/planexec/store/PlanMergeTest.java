package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every rule of the three-way merge of a plan file edited during a run. */
class PlanMergeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String T0 = "2026-11-30T10:00:00.000Z";
    private static final String T1 = "2026-11-30T10:00:05.000Z";

    /** a done before the run; b and c pending, c after b; d pending on its own. */
    private final Plan start = parse(Plans.local("m")
            .task("a", "echo a")
            .edit(a -> a.put("status", "done"))
            .task("b", "echo b")
            .task("c", List.of("b"), "echo c")
            .task("d", "echo d")
            .json()
            .getBytes(StandardCharsets.UTF_8));

    @Test
    void without_edits_the_merge_is_the_runs_plan_and_says_nothing() {
        Plan ours = start.withTask("b", t -> t.starting("s-b", T0));

        PlanMerge.Result result = PlanMerge.merge(start, start, edit(start, root -> {}), ours);

        assertEquals(List.of(), result.takenIn());
        assertEquals(List.of(), result.clashes());
        assertFalse(result.tasksChanged());
        assertEquals(ours.tasks(), result.plan().tasks());
    }

    @Test
    void the_users_title_of_a_pending_task_and_a_plan_level_field_they_added_win() {
        Plan theirs = edit(start, root -> {
            task(root, "c").put("title", "Renamed");
            root.putObject("x-review").put("owner", "ana");
        });

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, start);

        assertEquals("Renamed", result.plan().task("c").orElseThrow().title());
        assertEquals("ana", tree(result.plan()).path("x-review").path("owner").asText());
        assertEquals(List.of("plan field \"x-review\" added", "task \"c\": title"), result.takenIn());
        assertFalse(result.tasksChanged(), "no task came or went");
    }

    @Test
    void the_runs_fields_of_a_running_task_win_and_the_users_other_fields_of_it_too() {
        Plan ours = start.withTask("b", t -> t.starting("s-b", T0).withNote(T0 + " a note"));
        Plan theirs = edit(start, root -> task(root, "b").put("title", "Build, renamed"));

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, ours);

        Task b = result.plan().task("b").orElseThrow();
        assertEquals("Build, renamed", b.title());
        assertEquals(TaskStatus.IN_PROGRESS, b.status());
        assertEquals("s-b", b.sessionId());
        assertEquals(T0, b.startedAt());
        assertEquals(1, b.attempts());
        assertEquals(List.of(T0 + " a note"), b.notes());
        assertEquals(List.of(), result.clashes());
    }

    @Test
    void a_run_field_the_user_changed_on_a_task_the_run_owns_is_a_clash_named_in_one_line() {
        Plan ours = start.withTask("b", t -> t.starting("s-b", T0));
        Plan theirs = edit(start, root -> task(root, "b").put("status", "done").put("error", "typed by hand"));

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, ours);

        assertEquals(
                TaskStatus.IN_PROGRESS, result.plan().task("b").orElseThrow().status());
        assertEquals(null, result.plan().task("b").orElseThrow().error());
        assertEquals(
                List.of(
                        "task \"b\": status was changed on disk to \"done\" while the run owns it; the run's"
                                + " \"in_progress\" was kept",
                        "task \"b\": error was changed on disk to \"typed by hand\" while the run owns it; the run's"
                                + " \"null\" was kept"),
                result.clashes());
        result.clashes().forEach(line -> assertFalse(line.contains("\n")));
    }

    @Test
    void a_task_the_run_finished_keeps_its_state_against_an_old_copy_of_the_file() {
        // The run wrote b in progress (base), then finished it; the editor's copy still says in progress.
        Plan base = start.withTask("b", t -> t.starting("s-b", T0));
        Plan ours = base.withTask("b", t -> t.finished(TaskStatus.DONE, "ok", null, T1));
        Plan theirs = edit(base, root -> task(root, "d").put("title", "Docs"));

        PlanMerge.Result result = PlanMerge.merge(start, base, theirs, ours);

        Task b = result.plan().task("b").orElseThrow();
        assertEquals(TaskStatus.DONE, b.status());
        assertEquals(T1, b.finishedAt());
        assertEquals("ok", b.agentResult());
        assertEquals(List.of(), result.clashes(), "the user did not change b");
        assertEquals(List.of("task \"d\": title"), result.takenIn());
    }

    @Test
    void a_copy_from_before_the_run_wrote_anything_cannot_set_a_finished_task_back() {
        // The file says b is pending (as when the run began) but the run has since written it done.
        Plan base = start.withTask("b", t -> t.starting("s-b", T0).finished(TaskStatus.DONE, "ok", null, T1));
        Plan theirs = edit(start, root -> {});

        PlanMerge.Result result = PlanMerge.merge(start, base, theirs, base);

        assertEquals(TaskStatus.DONE, result.plan().task("b").orElseThrow().status());
        assertEquals(
                1,
                result.clashes().stream()
                        .filter(c -> c.startsWith("task \"b\": status"))
                        .count());
    }

    @Test
    void the_user_setting_a_task_the_run_never_touched_back_to_pending_wins() {
        Plan theirs = edit(start, root -> task(root, "a").put("status", "pending"));

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, start);

        assertEquals(TaskStatus.PENDING, result.plan().task("a").orElseThrow().status());
        assertEquals(List.of("task \"a\": status"), result.takenIn());
        assertTrue(result.tasksChanged(), "the scheduler must look again: a can run");
    }

    @Test
    void an_added_task_is_taken_in_in_the_users_place_and_changes_the_task_set() {
        Plan ours = start.withTask("b", t -> t.starting("s-b", T0));
        Plan theirs = edit(start, root -> {
            ArrayNode tasks = (ArrayNode) root.get("tasks");
            ObjectNode e = tasks.insertObject(1);
            e.put("id", "e");
            e.put("title", "Added");
            e.putArray("dependsOn").add("a");
            e.putArray("steps").add("echo e");
        });

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, ours);

        assertEquals(
                List.of("a", "e", "b", "c", "d"),
                result.plan().tasks().stream().map(Task::id).toList());
        assertEquals(TaskStatus.PENDING, result.plan().task("e").orElseThrow().status());
        assertEquals(
                TaskStatus.IN_PROGRESS, result.plan().task("b").orElseThrow().status());
        assertEquals(List.of("new task \"e\""), result.takenIn());
        assertTrue(result.tasksChanged());
    }

    @Test
    void a_removed_pending_task_is_dropped() {
        Plan theirs = edit(start, root -> removeTask(root, "d"));

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, start);

        assertEquals(
                List.of("a", "b", "c"),
                result.plan().tasks().stream().map(Task::id).toList());
        assertEquals(List.of("task \"d\" removed"), result.takenIn());
        assertEquals(Set.of(), result.keptRunning());
        assertTrue(result.tasksChanged());
    }

    @Test
    void a_removed_running_task_stays_until_it_has_finished() {
        Plan ours = start.withTask("d", t -> t.starting("s-d", T0));
        Plan theirs = edit(start, root -> removeTask(root, "d"));

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, ours);

        assertEquals(ours.task("d"), result.plan().task("d"));
        assertEquals(Set.of("d"), result.keptRunning());
    }

    @Test
    void the_merged_plan_keeps_the_users_plan_level_fields_and_the_runs_time_stamp() {
        Plan ours = start.withUpdatedAt(T1);
        Plan theirs = edit(start, root -> root.put("name", "Renamed plan").put("description", "new words"));

        PlanMerge.Result result = PlanMerge.merge(start, start, theirs, ours);

        assertEquals("Renamed plan", result.plan().name());
        assertEquals("new words", result.plan().description());
        assertEquals(T1, result.plan().updatedAt());
        assertEquals(List.of("plan field \"name\"", "plan field \"description\""), result.takenIn());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** The plan as the user's editor leaves it: {@code base} written out, changed, read back. */
    private static Plan edit(Plan base, Consumer<ObjectNode> change) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(PlanFiles.toJson(base));
            change.accept(root);
            return parse(JSON.writeValueAsBytes(root));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Plan parse(byte[] json) {
        try {
            return PlanFiles.parse(json, "m.json", AgentRegistry.NAMES);
        } catch (dev.planexec.plan.InvalidPlanException e) {
            throw new AssertionError(String.join("\n", e.problems()), e);
        }
    }

    private static JsonNode tree(Plan plan) {
        try {
            return JSON.readTree(PlanFiles.toJson(plan));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ObjectNode task(ObjectNode root, String id) {
        for (JsonNode task : root.get("tasks")) {
            if (task.path("id").asText().equals(id)) {
                return (ObjectNode) task;
            }
        }
        throw new AssertionError("no task " + id);
    }

    private static void removeTask(ObjectNode root, String id) {
        ArrayNode tasks = (ArrayNode) root.get("tasks");
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).path("id").asText().equals(id)) {
                tasks.remove(i);
                return;
            }
        }
        throw new AssertionError("no task " + id);
    }
}
