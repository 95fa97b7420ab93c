package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Timestamps;
import dev.planexec.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store with a plan file the user edits between saves: merged, or, while broken, never written over. */
class PlanStoreEditsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<PlanStore.DiskEdit> told = new ArrayList<>();

    @Test
    void an_edit_between_two_saves_is_merged_into_the_file_and_told() throws Exception {
        Path file = Plans.local("p").task("a", "true").task("b", "true").writeTo(dir);
        PlanStore store = store(file);
        store.update(p -> p.withTask("a", t -> t.starting("s-a", Timestamps.now())));

        ObjectNode root = (ObjectNode) Plans.tree(file);
        ((ObjectNode) root.get("tasks").get(1)).put("title", "B by hand");
        Files.write(file, JSON.writeValueAsBytes(root));
        store.update(p -> p.withTask("a", t -> t.finished(TaskStatus.DONE, "ok", null, Timestamps.now())));

        Plan onDisk = Plans.load(file);
        assertEquals("B by hand", onDisk.task("b").orElseThrow().title());
        assertEquals(TaskStatus.DONE, onDisk.task("a").orElseThrow().status());
        assertEquals("B by hand", store.current().task("b").orElseThrow().title());
        assertEquals(1, told.size(), told::toString);
        assertEquals(
                List.of(file + " was changed on disk; taken in: task \"b\": title"),
                told.get(0).notices());
        assertFalse(told.get(0).tasksChanged());
    }

    @Test
    void an_edit_naming_an_unknown_agent_is_not_taken_in_and_is_said_at_its_place() throws Exception {
        Path file = Plans.local("p").task("a", "true").task("b", "true").writeTo(dir);
        PlanStore store = store(file);
        ObjectNode root = (ObjectNode) Plans.tree(file);
        ((ObjectNode) root.get("tasks").get(1)).put("agent", "robot");
        byte[] edited = JSON.writeValueAsBytes(root);
        Files.write(file, edited);

        store.update(p -> p.withTask("a", t -> t.starting("s-a", Timestamps.now())));

        assertArrayEquals(edited, Files.readAllBytes(file));
        assertTrue(store.diverted());
        assertEquals(null, store.current().task("b").orElseThrow().agent());
        String said = told.get(0).notices().get(0);
        assertTrue(
                said.matches(java.util.regex.Pattern.quote(file.toString()) + ":\\d+:\\d+: unknown agent \"robot\" .*"),
                said);
    }

    @Test
    void a_broken_file_is_not_written_over_the_state_goes_beside_it_and_comes_back_once_it_is_valid() throws Exception {
        Path file = Plans.local("p").task("a", "true").task("b", "true").writeTo(dir);
        PlanStore store = store(file);
        byte[] valid = Files.readAllBytes(file);
        byte[] broken = Arrays.copyOf(valid, valid.length / 2);
        Files.write(file, broken);

        store.update(p -> p.withTask("a", t -> t.starting("s-a", Timestamps.now())));
        store.update(p -> p.withTask("a", t -> t.finished(TaskStatus.DONE, "ok", null, Timestamps.now())));

        assertArrayEquals(broken, Files.readAllBytes(file));
        assertTrue(store.diverted());
        RunStateFile runState = RunStateFile.of(file, AgentRegistry.NAMES);
        assertEquals(dir.resolve("p.json.run-state"), runState.path());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runState.path())));
        RunStateFile.State kept = runState.read().orElseThrow();
        assertEquals(TaskStatus.DONE, kept.run().task("a").orElseThrow().status());
        assertEquals(TaskStatus.PENDING, kept.base().task("a").orElseThrow().status());
        assertEquals(1, told.size(), "said once: " + told);
        String said = told.get(0).notices().get(0);
        assertTrue(said.startsWith(file + ":"), said);
        assertTrue(said.matches(".*:\\d+:\\d+: .*"), said);

        Files.write(file, valid);
        store.catchUp();

        assertFalse(store.diverted());
        assertFalse(runState.exists());
        assertEquals(TaskStatus.DONE, Plans.load(file).task("a").orElseThrow().status());
    }

    @Test
    void a_valid_edit_that_makes_an_invalid_plan_counts_as_invalid() throws Exception {
        Path file = Plans.local("p").task("a", "true").writeTo(dir);
        PlanStore store = store(file);
        ObjectNode root = (ObjectNode) Plans.tree(file);
        ((ArrayNode) root.get("tasks")).addObject().put("id", "a").put("title", "the same id again");
        byte[] edited = JSON.writeValueAsBytes(root);
        Files.write(file, edited);

        store.update(p -> p.withTask("a", t -> t.starting("s-a", Timestamps.now())));

        assertArrayEquals(edited, Files.readAllBytes(file));
        assertTrue(store.diverted());
        assertEquals(
                TaskStatus.IN_PROGRESS,
                RunStateFile.of(file, AgentRegistry.NAMES)
                        .read()
                        .orElseThrow()
                        .run()
                        .task("a")
                        .orElseThrow()
                        .status(),
                "the write-ahead is durable beside the plan");
    }

    @Test
    void the_next_run_applies_a_leftover_run_state_file_to_the_fixed_plan() throws Exception {
        Path file = Plans.local("p").task("a", "true").task("b", "true").writeTo(dir);
        byte[] valid = Files.readAllBytes(file);
        PlanStore died = store(file);
        Files.write(file, Arrays.copyOf(valid, 10));
        died.update(p -> p.withTask(
                "a", t -> t.starting("s-a", Timestamps.now()).finished(TaskStatus.DONE, "ok", null, Timestamps.now())));
        // It dies here; the user fixes the file and renames b.
        ObjectNode root = (ObjectNode) JSON.readTree(valid);
        ((ObjectNode) root.get("tasks").get(1)).put("title", "B fixed");
        Files.write(file, JSON.writeValueAsBytes(root));

        List<String> notes = new ArrayList<>();
        PlanStore next = PlanStore.open(file, Plans.load(file), AgentRegistry.NAMES, notes::add);

        Plan onDisk = Plans.load(file);
        assertEquals(TaskStatus.DONE, onDisk.task("a").orElseThrow().status());
        assertEquals("s-a", onDisk.task("a").orElseThrow().sessionId());
        assertEquals("B fixed", onDisk.task("b").orElseThrow().title());
        assertArrayEquals(Files.readAllBytes(file), PlanFiles.toJson(next.current()), "memory and file agree");
        assertFalse(RunStateFile.of(file, AgentRegistry.NAMES).exists());
        assertTrue(
                notes.get(0)
                        .startsWith("applying the state the last run kept in "
                                + RunStateFile.of(file, AgentRegistry.NAMES).path()),
                notes::toString);
    }

    @Test
    void a_task_removed_while_running_is_kept_until_it_finishes_then_dropped() throws Exception {
        Path file = Plans.local("p").task("a", "true").task("b", "true").writeTo(dir);
        PlanStore store = store(file);
        store.update(p -> p.withTask("b", t -> t.starting("s-b", Timestamps.now())));
        ObjectNode root = (ObjectNode) Plans.tree(file);
        ((ArrayNode) root.get("tasks")).remove(1);
        Files.write(file, JSON.writeValueAsBytes(root));

        store.save();
        assertEquals(List.of("a", "b"), ids(Plans.load(file)), "still running: kept");
        store.update(p -> p.withTask("b", t -> t.finished(TaskStatus.DONE, "ok", null, Timestamps.now())));

        assertEquals(List.of("a"), ids(Plans.load(file)));
        List<String> all = told.stream().flatMap(e -> e.notices().stream()).toList();
        assertTrue(
                all.contains("task \"b\" removed from p.json while running: it finishes, then is dropped"),
                all::toString);
        assertTrue(
                all.contains("task \"b\" finished and was dropped, as removed from p.json while running"),
                all::toString);
    }

    private PlanStore store(Path file) {
        PlanStore store = new PlanStore(file, Plans.load(file), AgentRegistry.NAMES);
        store.onDiskEdit(told::add);
        return store;
    }

    private static List<String> ids(Plan plan) {
        return plan.tasks().stream().map(Task::id).toList();
    }
}
