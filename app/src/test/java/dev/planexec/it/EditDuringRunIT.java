package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.store.RunStateFile;
import dev.planexec.testing.MarkedProcesses;
import dev.planexec.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plan file edited while a run is going (issue 8, items 1 and 2): a valid edit is merged into the file, an edit
 * that does not parse is never written over and the run's state comes back into the file once it is fixed, even
 * across a {@code kill -9}.
 *
 * <p>Steps wait for "go" files the test creates, so each edit lands while the run is where the test wants it.
 */
class EditDuringRunIT {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration LONG = Duration.ofSeconds(60);

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    private Path plan;

    /** {@code a} runs at once; {@code slow} waits for go-slow; {@code p} (after slow) waits for go-p. */
    @BeforeEach
    void write_the_plan() {
        plan = new ItPlan("edits", sandbox.marker())
                .task("a", List.of(), record("a"))
                .task("slow", List.of(), waitFor("go-slow") + record("slow"))
                .task("p", List.of("slow"), waitFor("go-p") + record("p"))
                .writeTo(sandbox.work().resolve("plan.json"));
    }

    @Test
    void edits_made_during_a_run_are_merged_and_the_new_task_runs() throws Exception {
        PlanexecProcess run = startUntilSlowRuns();

        // Three edits, saved as an editor saves: a title of a pending task, a new task after a done one, and a
        // field planexec does not know at plan level.
        ObjectNode edited = tree(Files.readAllBytes(plan));
        task(edited, "p").put("title", "Package it, renamed during the run");
        ObjectNode added = ((ArrayNode) edited.get("tasks")).addObject();
        added.put("id", "c");
        added.put("title", "Added during the run");
        added.putArray("dependsOn").add("a");
        added.putArray("steps").addObject().put("run", record("c") + "  # " + sandbox.marker());
        edited.putObject("x-review").put("owner", "ana");
        saveLikeAnEditor(edited);

        run.awaitLine(Pattern.compile("was changed on disk; taken in: .*new task \"c\""), LONG);
        Waits.until(() -> "the added task to run\n" + run.describe(), LONG, () -> Sandbox.lines(marker("c")) == 1);
        Files.createFile(sandbox.work().resolve("go-slow"));
        Files.createFile(sandbox.work().resolve("go-p"));
        assertEquals(0, run.awaitExit(LONG), run::describe);

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        assertEquals(
                List.of("a", "slow", "p", "c"),
                after.tasks().stream().map(Task::id).toList());
        assertEquals(
                "Package it, renamed during the run",
                after.task("p").orElseThrow().title());
        assertEquals(
                "ana",
                tree(Files.readAllBytes(plan)).path("x-review").path("owner").asText());
        for (Task task : after.tasks()) {
            assertRan(task);
        }
        for (String id : List.of("a", "slow", "p", "c")) {
            assertEquals(1, Sandbox.lines(marker(id)), id + " ran once");
        }
        String line = run.findLine(Pattern.compile("was changed on disk; taken in: .*"))
                .orElseThrow()
                .group();
        assertTrue(line.contains("plan field \"x-review\" added"), line);
        assertTrue(line.contains("task \"p\": title"), line);
        assertFalse(RunStateFile.of(plan, AgentRegistry.NAMES).exists(), "no run-state file is left");
    }

    @Test
    void a_broken_edit_is_never_written_over_and_the_state_comes_back_once_it_is_fixed() throws Exception {
        PlanexecProcess run = startUntilSlowRuns();
        ObjectNode fixed = tree(Files.readAllBytes(plan));
        task(fixed, "p").put("title", "Edited while broken");
        byte[] broken = truncated(fixed);

        Files.write(plan, broken); // in place, as a crashed editor or a typo leaves it
        Files.createFile(sandbox.work().resolve("go-slow")); // slow finishes and p starts: two saves while broken
        RunStateFile runState = RunStateFile.of(plan, AgentRegistry.NAMES);
        awaitPStartedIn(runState, run, "the run's state to go to ");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runState.path())));
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int looks = 0;
        while (System.nanoTime() < until) {
            assertArrayEquals(broken, Files.readAllBytes(plan), "the broken file was written over");
            looks++;
            Waits.pause(Duration.ofMillis(25));
        }
        assertTrue(looks > 10, "looked " + looks + " times");
        List<String> said = run.stdoutLines().stream()
                .filter(l -> l.contains("does not write over the plan file"))
                .toList();
        assertEquals(1, said.size(), run::describe);
        assertTrue(
                Pattern.compile(Pattern.quote(plan.toString()) + ":\\d+:\\d+: ")
                        .matcher(said.get(0))
                        .find(),
                said.get(0));

        saveLikeAnEditor(fixed);
        run.awaitLine(Pattern.compile("valid again"), LONG);
        Files.createFile(sandbox.work().resolve("go-p"));
        assertEquals(0, run.awaitExit(LONG), run::describe);

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        assertEquals("Edited while broken", after.task("p").orElseThrow().title());
        after.tasks().forEach(EditDuringRunIT::assertRan);
        for (String id : List.of("a", "slow", "p")) {
            assertEquals(1, Sandbox.lines(marker(id)), id + " ran once");
        }
        assertFalse(runState.exists(), "the run-state file is removed once its state is in the plan file");
    }

    @Test
    void a_kill_9_while_the_file_is_broken_loses_nothing_and_runs_nothing_twice() throws Exception {
        PlanexecProcess first = startUntilSlowRuns();
        ObjectNode fixed = tree(Files.readAllBytes(plan));
        task(fixed, "p").put("title", "Edited before the crash");
        byte[] broken = truncated(fixed);
        Files.write(plan, broken);
        Files.createFile(sandbox.work().resolve("go-slow"));
        RunStateFile runState = RunStateFile.of(plan, AgentRegistry.NAMES);
        awaitPStartedIn(runState, first, "p to start with the state in ");
        String pSession =
                stateIn(runState).orElseThrow().task("p").orElseThrow().sessionId();
        assertNotNull(pSession, "the write-ahead names p's session");
        // Killed once p's session exists and its step runs (a kill before that is RecoveryIT's and CrashSafetyIT's).
        Waits.until(
                () -> "p's step to run\n" + first.describe(),
                LONG,
                () -> MarkedProcesses.matching(sandbox.marker(), ".*go-p.*").size() == 1);

        first.kill9();
        assertArrayEquals(broken, Files.readAllBytes(plan), "the broken file was not written over");

        PlanexecProcess refused = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "resume");
        assertEquals(2, refused.awaitExit(LONG), refused::describe);
        assertTrue(refused.stderr().contains(runState.path().toString()), refused::describe);
        assertArrayEquals(broken, Files.readAllBytes(plan), "a run refused for a broken file leaves it as it is");

        saveLikeAnEditor(fixed);
        PlanexecProcess second = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "resume");
        second.awaitLine(Pattern.compile("applying the state the last run kept in"), LONG);
        second.awaitLine(Pattern.compile("p\\s+resumed in session " + Pattern.quote(pSession)), LONG);
        // Only now: the killed run's step of p still waits for this file, and the resume has stopped it.
        Files.createFile(sandbox.work().resolve("go-p"));
        assertEquals(0, second.awaitExit(LONG), second::describe);

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        assertEquals("Edited before the crash", after.task("p").orElseThrow().title());
        after.tasks().forEach(EditDuringRunIT::assertRan);
        assertEquals(pSession, after.task("p").orElseThrow().sessionId());
        assertEquals(1, Sandbox.lines(marker("a")), "a ran once");
        assertEquals(1, Sandbox.lines(marker("slow")), "slow finished before the kill and did not run again");
        assertEquals(1, Sandbox.lines(marker("p")), "p ran to its end once");
        assertFalse(runState.exists(), "the run-state file is removed once applied");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static void assertRan(Task task) {
        assertEquals(TaskStatus.DONE, task.status(), task::toString);
        assertNotNull(task.sessionId(), task::toString);
        assertNotNull(task.startedAt(), task::toString);
        assertNotNull(task.finishedAt(), task::toString);
        assertEquals(1, task.attempts(), task::toString);
        assertEquals(null, task.error(), task::toString);
        assertFalse(task.sessionContext().isEmpty(), task::toString);
    }

    /** Starts {@code run --plain} on the plan and waits until {@code a} is done and {@code slow} runs. */
    private PlanexecProcess startUntilSlowRuns() {
        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain");
        awaitPlan(run, p -> status(p, "a") == TaskStatus.DONE && status(p, "slow") == TaskStatus.IN_PROGRESS);
        return run;
    }

    /** Waits until the run-state file says {@code p} is in progress: the plan file is broken, so it went there. */
    private static void awaitPStartedIn(RunStateFile runState, PlanexecProcess run, String what) {
        Waits.until(() -> what + runState.path() + "\n" + run.describe(), LONG, () -> stateIn(runState)
                .filter(s -> status(s, "p") == TaskStatus.IN_PROGRESS)
                .isPresent());
    }

    private void awaitPlan(PlanexecProcess run, java.util.function.Predicate<Plan> condition) {
        Waits.until(() -> "the plan to get there\n" + run.describe(), LONG, () -> loaded().filter(condition)
                .isPresent());
    }

    private Optional<Plan> loaded() {
        try {
            return Optional.of(PlanFiles.load(plan, AgentRegistry.NAMES));
        } catch (InvalidPlanException e) {
            return Optional.empty();
        }
    }

    private static Optional<Plan> stateIn(RunStateFile file) {
        try {
            return file.read().map(RunStateFile.State::run);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static TaskStatus status(Plan plan, String id) {
        return plan.task(id).map(Task::status).orElse(null);
    }

    /** The edited plan cut in the middle: JSON that does not parse. */
    private static byte[] truncated(ObjectNode plan) throws IOException {
        byte[] whole = JSON.writeValueAsBytes(plan);
        return Arrays.copyOf(whole, whole.length / 2);
    }

    /** Writes a temporary file and renames it over the plan, as most editors save. */
    private void saveLikeAnEditor(ObjectNode root) throws IOException {
        Path temp = plan.resolveSibling(".plan.json.editor-swap");
        Files.write(temp, JSON.writeValueAsBytes(root));
        Files.move(temp, plan, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static ObjectNode tree(byte[] bytes) {
        try {
            return (ObjectNode) JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode task(ObjectNode plan, String id) {
        for (var task : plan.get("tasks")) {
            if (task.path("id").asText().equals(id)) {
                return (ObjectNode) task;
            }
        }
        throw new AssertionError("no task " + id);
    }

    private static String waitFor(String file) {
        return "while [ ! -f " + file + " ]; do sleep 0.05; done; ";
    }

    private static String record(String task) {
        return "echo \"$PLANEXEC_SESSION_ID\" >> markers/" + task;
    }

    private Path marker(String task) {
        return sandbox.work().resolve("markers").resolve(task);
    }
}
