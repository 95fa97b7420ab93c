package dev.planexec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.store.PlanLock;
import dev.planexec.store.PlanStore;
import dev.planexec.store.RunStateFile;
import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.CommandRunner.Result;
import dev.planexec.testing.LocalAgents;
import dev.planexec.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** planexec's commands, run in process on real plans with the local agent. */
@Timeout(120)
class CliRunTest {
    @TempDir
    Path tmp;

    private Path home() {
        return tmp.resolve("home");
    }

    private CommandRunner planexec() {
        return new CommandRunner(home());
    }

    private Path twoTaskPlan() {
        return Plans.local("small")
                .task("a", "echo hi", "echo a >> ran.log")
                .task("b", List.of("a"), "echo b >> ran.log")
                .writeTo(tmp);
    }

    @Test
    void run_finishes_a_local_plan_and_a_second_run_says_everything_is_done() throws Exception {
        Path plan = twoTaskPlan();

        Result first = planexec().run("run", plan.toString());

        assertEquals(0, first.exitCode(), first::toString);
        assertEquals("", first.err(), first::toString);
        assertTrue(first.out().contains("pending     → in_progress"), first::toString);
        assertTrue(first.out().contains("in_progress → done"), first::toString);
        assertTrue(first.out().contains("all tasks done: 2/2 done, 0 failed"), first::toString);
        assertEquals(List.of("a", "b"), Files.readAllLines(tmp.resolve("ran.log")));
        Plan after = Plans.load(plan);
        assertEquals(2, after.count(TaskStatus.DONE));
        assertTrue(after.tasks().stream().allMatch(t -> t.sessionId() != null));
        assertFalse(Files.exists(PlanLock.lockFileOf(plan)), "the lock is released");
        byte[] done = Files.readAllBytes(plan);

        Result second = planexec().run("run", plan.toString());

        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.out().contains("every task of " + plan + " is already done"), second::toString);
        assertTrue(second.out().contains("planexec reset"), second::toString);
        assertEquals(List.of("a", "b"), Files.readAllLines(tmp.resolve("ran.log")), "nothing ran again");
        assertArrayEquals(done, Files.readAllBytes(plan));
    }

    @Test
    void a_plan_file_alone_means_run() throws Exception {
        Path plan = twoTaskPlan();

        Result r = planexec().run(plan.toString(), "--concurrency", "1");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(2, Plans.load(plan).count(TaskStatus.DONE));
    }

    @Test
    void validate_reports_a_good_plan_and_changes_nothing() throws Exception {
        Path plan = twoTaskPlan();
        byte[] before = Files.readAllBytes(plan);

        Result r = planexec().run("validate", plan.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(plan + ": valid, 2 tasks (0 done, 2 pending)\n", r.out());
        assertArrayEquals(before, Files.readAllBytes(plan));
    }

    @Test
    void a_failing_step_fails_its_task_blocks_its_dependent_and_exits_1() throws Exception {
        Path plan = Plans.local("failing")
                .task("bad", "echo first", "echo out-one; echo out-two; exit 3")
                .task("after", List.of("bad"), "touch after.ran")
                .task("free", "touch free.ran")
                .writeTo(tmp);

        Result r = planexec().run("run", plan.toString());

        assertEquals(1, r.exitCode(), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
        Task bad = Plans.task(plan, "bad");
        assertEquals(TaskStatus.FAILED, bad.status());
        assertTrue(
                bad.error().startsWith("step 2/2 (echo out-one; echo out-two; exit 3) exited with code 3"),
                bad.error());
        assertTrue(bad.error().contains("out-one\nout-two"), bad.error());
        assertEquals(TaskStatus.DONE, Plans.task(plan, "free").status());
        assertTrue(Files.exists(tmp.resolve("free.ran")), "the independent task ran");
        assertEquals(TaskStatus.PENDING, Plans.task(plan, "after").status());
        assertFalse(Files.exists(tmp.resolve("after.ran")), "the dependent did not run");
        assertTrue(r.out().contains("exited with code 3"), r::toString);
        assertTrue(r.out().contains("not all tasks done: 1/3 done, 1 failed, 0 interrupted, 1 pending"), r::toString);
    }

    @Test
    void reset_puts_tasks_back_to_pending_and_removes_their_sessions() throws Exception {
        Path plan = twoTaskPlan();
        assertEquals(0, planexec().run("run", plan.toString()).exitCode());
        List<String> sessions =
                Plans.load(plan).tasks().stream().map(Task::sessionId).toList();
        for (String id : sessions) {
            assertTrue(Files.isDirectory(home().resolve("sessions").resolve(id)), id);
        }

        Result r = planexec().run("reset", plan.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(plan + ": 2 tasks back to pending, 2 sessions removed\n", r.out());
        for (Task t : Plans.load(plan).tasks()) {
            assertEquals(TaskStatus.PENDING, t.status(), t.id());
            assertNull(t.sessionId(), t.id());
            assertEquals(0, t.attempts(), t.id());
            assertNull(t.error(), t.id());
        }
        for (String id : sessions) {
            assertFalse(Files.exists(home().resolve("sessions").resolve(id)), id);
        }
        assertFalse(Files.exists(PlanLock.lockFileOf(plan)));

        // And the plan runs again from the start.
        assertEquals(0, planexec().run("run", plan.toString()).exitCode());
        assertEquals(List.of("a", "b", "a", "b"), Files.readAllLines(tmp.resolve("ran.log")));
    }

    @Test
    void reset_of_one_task_leaves_the_others() throws Exception {
        Path plan = twoTaskPlan();
        assertEquals(0, planexec().run("run", plan.toString()).exitCode());
        String bSession = Plans.task(plan, "b").sessionId();

        Result r = planexec().run("reset", plan.toString(), "--task", "a");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(plan + ": 1 task back to pending, 1 session removed\n", r.out());
        assertEquals(TaskStatus.PENDING, Plans.task(plan, "a").status());
        assertEquals(TaskStatus.DONE, Plans.task(plan, "b").status());
        assertEquals(bSession, Plans.task(plan, "b").sessionId());
        assertTrue(Files.isDirectory(home().resolve("sessions").resolve(bSession)));
    }

    @Test
    void list_shows_the_plans_in_a_folder_and_where_each_stands() throws Exception {
        Path plans = Files.createDirectory(tmp.resolve("plans"));
        Path done = Plans.local("done-plan").task("a", "true").writeTo(plans);
        Plans.local("fresh-plan").task("a", "true").task("b", "true").writeTo(plans);
        Plans.write(plans, "broken.json", "{ \"tasks\": 1 }\n");
        Plans.write(plans, "notes.txt", "not a plan\n");
        assertEquals(0, planexec().run("run", done.toString()).exitCode());

        Result r = planexec().run("list", plans.toString());

        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.outLines();
        assertEquals(4, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("PLAN"), r::toString);
        assertTrue(lineFor(lines, "broken.json").contains("invalid"), r::toString);
        String doneLine = lineFor(lines, "done-plan.json");
        assertTrue(
                doneLine.contains("1/1") && doneLine.contains("done") && doneLine.contains("Test plan done-plan"),
                doneLine);
        String freshLine = lineFor(lines, "fresh-plan.json");
        assertTrue(freshLine.contains("0/2") && freshLine.contains("not started"), freshLine);
        assertFalse(r.out().contains("notes.txt"), r::toString);
        assertTrue(lines.get(0).contains("TOKENS"), r::toString);
    }

    @Test
    void list_shows_each_plans_tokens_and_cost() throws Exception {
        Path plans = Files.createDirectory(tmp.resolve("plans"));
        Plans.local("used")
                .task("a", "true")
                .edit(t -> t.putObject("usage")
                        .put("inputTokens", 12000)
                        .put("outputTokens", 345)
                        .put("costUsd", 0.25))
                .task("b", "true")
                .edit(t -> t.putObject("usage").put("inputTokens", 1000).put("outputTokens", 55))
                .writeTo(plans);

        Result r = planexec().run("list", plans.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(lineFor(r.outLines(), "used.json").contains("13.4k $0.25"), r::toString);
    }

    @Test
    void sessions_list_and_clean_deal_only_with_sessions_no_task_refers_to() throws Exception {
        Path plan = twoTaskPlan();
        assertEquals(0, planexec().run("run", plan.toString()).exitCode());
        String orphan = "planexec-small-a-0ddba11";
        try (AgentRuntime local = LocalAgents.open(home())) {
            local.create(LocalAgents.specFor(plan, "a", orphan, "true")).close();
        }

        Result listed = planexec().run("sessions", "list", "--json");

        assertEquals(0, listed.exitCode(), listed::toString);
        JsonNode rows = new ObjectMapper().readTree(listed.out());
        assertEquals(3, rows.size(), listed::toString);
        List<String> inUse = new ArrayList<>();
        for (JsonNode row : rows) {
            assertEquals("local", row.get("agent").asText());
            assertEquals(plan.toAbsolutePath().toString(), row.get("plan").asText());
            if (row.get("id").asText().equals(orphan)) {
                assertEquals("orphaned", row.get("state").asText(), row.toString());
            } else {
                assertEquals("in_use", row.get("state").asText(), row.toString());
                assertEquals("done", row.get("taskStatus").asText(), row.toString());
                inUse.add(row.get("id").asText());
            }
        }
        assertEquals(
                Plans.load(plan).tasks().stream().map(Task::sessionId).sorted().toList(),
                inUse.stream().sorted().toList());

        Result table = planexec().run("sessions", "list");
        // Every column has a name, and a state is spelled as --json spells it.
        assertTrue(table.outLines().get(0).matches("SESSION +AGENT +STATE +LAST ACTIVITY +REASON"), table::toString);
        assertTrue(table.out().contains(" in_use "), table::toString);
        assertFalse(table.out().contains("in-use"), table::toString);

        Result orphanedOnly = planexec().run("sessions", "list", "--orphaned");
        assertEquals(0, orphanedOnly.exitCode(), orphanedOnly::toString);
        assertEquals(2, orphanedOnly.outLines().size(), orphanedOnly::toString);
        assertTrue(orphanedOnly.outLines().get(1).startsWith(orphan), orphanedOnly::toString);

        Result dryRun = planexec().run("sessions", "clean", "--orphaned", "--dry-run");

        assertEquals(0, dryRun.exitCode(), dryRun::toString);
        assertTrue(dryRun.outLines().get(0).startsWith("would remove " + orphan), dryRun::toString);
        assertEquals("would remove 1 session", dryRun.outLines().get(1), dryRun::toString);
        assertEquals(3, sessionFolders().size(), "a dry run removes nothing");

        Result clean = planexec().run("sessions", "clean", "--orphaned");

        assertEquals(0, clean.exitCode(), clean::toString);
        assertTrue(clean.outLines().get(0).startsWith("removed " + orphan), clean::toString);
        assertEquals("removed 1 session", clean.outLines().get(1), clean::toString);
        assertEquals(inUse.stream().sorted().toList(), sessionFolders(), "sessions tasks refer to are kept");

        Result none = planexec().run("sessions", "list", "--orphaned");
        assertEquals("no orphaned sessions\n", none.out(), none::toString);
    }

    @Test
    void sessions_list_of_one_plan_shows_only_its_sessions() throws Exception {
        Path plan = twoTaskPlan();
        Path other = Plans.local("other").task("x", "true").writeTo(tmp);
        assertEquals(0, planexec().run("run", plan.toString()).exitCode());
        assertEquals(0, planexec().run("run", other.toString()).exitCode());

        Result r = planexec().run("sessions", "list", other.toString(), "--json");

        assertEquals(0, r.exitCode(), r::toString);
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(1, rows.size(), r::toString);
        assertEquals(Plans.task(other, "x").sessionId(), rows.get(0).get("id").asText());
        assertEquals("x", rows.get(0).get("taskId").asText());
        assertEquals(tmp.toString(), rows.get(0).get("context").get("cwd").asText());
    }

    @Test
    void a_planeteer_plan_validates_and_needs_steps_for_the_local_agent() throws Exception {
        Path plan = Plans.write(
                tmp,
                "planeteer.json",
                Plans.lines(
                        "{",
                        "  \"id\": \"plan-1\",",
                        "  \"name\": \"Prompts only\",",
                        "  \"description\": \"\",",
                        "  \"createdAt\": \"2024-11-21T10:00:00.000Z\",",
                        "  \"updatedAt\": \"2024-11-21T10:00:00.000Z\",",
                        "  \"tasks\": [",
                        "    {",
                        "      \"id\": \"ask\",",
                        "      \"title\": \"Ask the agent\",",
                        "      \"description\": \"Do it\",",
                        "      \"acceptanceCriteria\": [],",
                        "      \"dependsOn\": [],",
                        "      \"status\": \"pending\"",
                        "    }",
                        "  ]",
                        "}"));
        byte[] before = Files.readAllBytes(plan);

        Result valid = planexec().run("validate", plan.toString());
        Result local = planexec().run("run", plan.toString(), "--agent", "local");

        assertEquals(0, valid.exitCode(), valid::toString);
        assertEquals(2, local.exitCode(), local::toString);
        assertEquals(
                List.of("planexec: --agent local: task ask in " + plan + " has no steps to run"), local.errLines());
        assertArrayEquals(before, Files.readAllBytes(plan));
    }

    @Test
    void sessions_clean_leaves_alone_sessions_of_plans_it_cannot_read_or_that_are_running() throws Exception {
        Path unreadable = twoTaskPlan();
        Path running = Plans.local("running").task("x", "true").writeTo(tmp);
        assertEquals(0, planexec().run("run", unreadable.toString()).exitCode());
        assertEquals(0, planexec().run("run", running.toString()).exitCode());
        Files.writeString(unreadable, "{ half a plan");
        List<String> before = sessionFolders();

        Result clean;
        try (PlanLock held = PlanLock.acquire(running, n -> {})) {
            clean = planexec().run("sessions", "clean", "--orphaned");
        }

        assertEquals(0, clean.exitCode(), clean::toString);
        assertEquals(List.of("removed 0 sessions"), clean.outLines(), clean::toString);
        assertEquals(3, before.size());
        assertEquals(before, sessionFolders());
    }

    @Test
    void a_session_named_only_in_a_run_state_file_is_not_orphaned() throws Exception {
        Path plan = twoTaskPlan();
        assertEquals(0, planexec().run("run", plan.toString()).exitCode());
        String kept = "planexec-small-a-0ddba11";
        try (AgentRuntime local = LocalAgents.open(home())) {
            local.create(LocalAgents.specFor(plan, "a", kept, "true")).close();
        }
        // A run that found the plan file broken kept its state, naming the session, beside the plan.
        byte[] valid = Files.readAllBytes(plan);
        PlanStore store = new PlanStore(plan, Plans.load(plan), AgentRegistry.NAMES);
        Files.writeString(plan, "{ half a plan");
        store.update(p -> p.withTask("a", t -> t.withSessionId(kept)));
        Files.write(plan, valid);
        assertTrue(RunStateFile.of(plan, AgentRegistry.NAMES).exists());

        Result clean = planexec().run("sessions", "clean", "--orphaned");

        assertEquals(0, clean.exitCode(), clean::toString);
        assertEquals(List.of("removed 0 sessions"), clean.outLines(), clean::toString);
        assertTrue(sessionFolders().contains(kept), "the session the run-state file names is kept");
    }

    @Test
    void sessions_of_a_deleted_plan_are_orphaned() throws Exception {
        Path plan = twoTaskPlan();
        assertEquals(0, planexec().run("run", plan.toString()).exitCode());
        Files.delete(plan);

        Result clean = planexec().run("sessions", "clean", "--orphaned");

        assertEquals(0, clean.exitCode(), clean::toString);
        assertEquals("removed 2 sessions", clean.outLines().get(2), clean::toString);
        assertEquals(List.of(), sessionFolders());
    }

    @Test
    void orphaned_tasks_without_a_terminal_exit_2_naming_the_choices() throws Exception {
        Path plan = orphanedPlan();
        byte[] before = Files.readAllBytes(plan);

        Result r = planexec().run("run", plan.toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        String line = r.errLines().get(0);
        assertTrue(line.contains("orphaned task(s) (a)"), line);
        assertTrue(line.contains("no terminal"), line);
        assertTrue(line.contains("--on-orphans resume, fresh or clean"), line);
        assertFalse(r.showsStackTrace(), r::toString);
        assertArrayEquals(before, Files.readAllBytes(plan), "nothing was changed");
        assertFalse(Files.exists(PlanLock.lockFileOf(plan)));
        assertFalse(Files.exists(tmp.resolve("ran.log")));
    }

    @Test
    void on_orphans_fresh_runs_the_orphaned_task_in_a_new_session() throws Exception {
        Path plan = orphanedPlan();

        Result r = planexec().run("run", plan.toString(), "--on-orphans", "fresh");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("a: starting fresh"), r::toString);
        Task a = Plans.task(plan, "a");
        assertEquals(TaskStatus.DONE, a.status());
        assertNotEquals("planexec-small-a-00000001", a.sessionId());
    }

    @Test
    void on_orphans_clean_leaves_the_task_pending_and_exits_1() throws Exception {
        Path plan = orphanedPlan();

        Result r = planexec().run("run", plan.toString(), "--on-orphans", "clean");

        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("cleaned up session planexec-small-a-00000001"), r::toString);
        assertEquals(TaskStatus.PENDING, Plans.task(plan, "a").status());
        assertNull(Plans.task(plan, "a").sessionId());
        assertFalse(Files.exists(tmp.resolve("ran.log")), "nothing ran");
    }

    @Test
    void a_plan_locked_by_a_live_run_exits_3_naming_the_process() throws Exception {
        Path plan = twoTaskPlan();
        byte[] before = Files.readAllBytes(plan);

        Result r;
        try (PlanLock held = PlanLock.acquire(plan, n -> {})) {
            r = planexec().run("run", plan.toString());
        }

        assertEquals(3, r.exitCode(), r::toString);
        assertTrue(r.err().contains("process " + ProcessHandle.current().pid()), r::toString);
        assertArrayEquals(before, Files.readAllBytes(plan));
    }

    @Test
    void the_state_folder_and_its_files_are_private() throws Exception {
        Path plan = twoTaskPlan();

        assertEquals(0, planexec().run("run", plan.toString()).exitCode());

        assertEquals("rwx------", mode(home()));
        assertEquals("rwx------", mode(home().resolve("sessions")));
        try (Stream<Path> all = Files.walk(home())) {
            for (Path p : all.toList()) {
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode(p), p.toString());
            }
        }
    }

    /** A two-task plan whose task {@code a} a dead run left {@code in_progress} in a session that is gone. */
    private Path orphanedPlan() {
        return Plans.local("small")
                .task("a", "echo a >> ran.log")
                .edit(t -> t.put("status", "in_progress").put("sessionId", "planexec-small-a-00000001"))
                .task("b", "true")
                .edit(t -> t.put("status", "done"))
                .writeTo(tmp);
    }

    private List<String> sessionFolders() throws Exception {
        try (Stream<Path> dirs = Files.list(home().resolve("sessions"))) {
            return dirs.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String lineFor(List<String> lines, String file) {
        return lines.stream()
                .filter(l -> l.contains(file))
                .findFirst()
                .orElseThrow(() -> new AssertionError(file + " not listed in " + lines));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
