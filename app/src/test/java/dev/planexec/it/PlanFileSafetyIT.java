package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plan file stays the user's through a real run: a symlinked plan stays a link (its target gets the state), owner,
 * group and mode are kept, a hard-linked plan and a link to nothing are refused before anything runs, and a link at
 * the lock's name is refused without touching what it points to.
 */
class PlanFileSafetyIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void a_plan_reached_through_a_chain_of_symlinks_stays_a_link_and_its_target_gets_the_state() throws Exception {
        Path real = new ItPlan("linked", sandbox.marker())
                .task("a", List.of(), "echo a")
                .task("b", List.of("a"), "echo b")
                .writeTo(sandbox.work().resolve("versions/v1.json"));
        Path current = Files.createSymbolicLink(sandbox.work().resolve("current.json"), Path.of("versions/v1.json"));
        Path plan = Files.createSymbolicLink(sandbox.work().resolve("plan.json"), Path.of("current.json"));

        PlanexecProcess run = sandbox.start("run", "plan.json", "--plain");
        assertEquals(0, run.awaitExit(Duration.ofSeconds(60)), run::describe);

        assertTrue(Files.isSymbolicLink(plan) && Files.isSymbolicLink(current), "both links are still links");
        assertEquals(Path.of("current.json"), Files.readSymbolicLink(plan));
        assertEquals(Path.of("versions/v1.json"), Files.readSymbolicLink(current));
        assertEquals(
                2,
                PlanFiles.load(real, AgentRegistry.NAMES).count(TaskStatus.DONE),
                "the file the links end at has the run's state");
        assertEquals(List.of("current.json", "plan.json", "versions"), namesIn(sandbox.work()));
        assertEquals(
                List.of("markers", "v1.json"), namesIn(real.getParent()), "no temporary file or lock left beside it");
    }

    @Test
    void owner_group_and_mode_of_the_plan_are_the_same_after_a_run() throws Exception {
        Path plan = new ItPlan("owned", sandbox.marker())
                .task("a", List.of(), "echo a >> markers/a")
                .writeTo(sandbox.work().resolve("plan.json"));
        Files.setAttribute(plan, "unix:uid", 1234);
        Files.setAttribute(plan, "unix:gid", 4321);
        Files.setPosixFilePermissions(plan, PosixFilePermissions.fromString("rw-r-----"));

        PlanexecProcess run = sandbox.start("run", "plan.json", "--plain");
        assertEquals(0, run.awaitExit(Duration.ofSeconds(60)), run::describe);

        assertEquals(
                TaskStatus.DONE,
                PlanFiles.load(plan, AgentRegistry.NAMES)
                        .task("a")
                        .orElseThrow()
                        .status());
        assertEquals(1234, Files.getAttribute(plan, "unix:uid"), "owner (the tests run as root)");
        assertEquals(4321, Files.getAttribute(plan, "unix:gid"), "group");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(plan)), "mode");
    }

    @Test
    void a_hard_linked_plan_is_refused_before_anything_runs_and_both_names_stay_as_they_were() throws Exception {
        Path plan = new ItPlan("hard", sandbox.marker())
                .task("a", List.of(), "echo a >> markers/a")
                .writeTo(sandbox.work().resolve("plan.json"));
        Path other = Files.createLink(sandbox.work().resolve("other.json"), plan);
        byte[] before = Files.readAllBytes(plan);

        PlanexecProcess run = sandbox.start("run", "plan.json", "--plain");
        assertEquals(2, run.awaitExit(Duration.ofSeconds(30)), run::describe);

        List<String> err = run.stderr().lines().toList();
        assertEquals(1, err.size(), run::describe);
        assertTrue(err.get(0).startsWith("planexec: plan.json has 2 hard links"), run::describe);
        assertTrue(err.get(0).contains("run a copy"), "says what to do\n" + run.describe());
        GracefulStopIT.assertNoStackTrace(run);
        assertEquals(0, Sandbox.lines(sandbox.work().resolve("markers/a")), "nothing ran");
        assertArrayEquals(before, Files.readAllBytes(plan));
        assertArrayEquals(before, Files.readAllBytes(other));
        assertEquals(2, Files.getAttribute(plan, "unix:nlink"), "still one file under two names");
        assertTrue(Files.notExists(sandbox.work().resolve("plan.json.lock")));
    }

    @Test
    void a_link_to_nothing_is_refused_in_one_line() throws Exception {
        Files.createSymbolicLink(sandbox.work().resolve("plan.json"), Path.of("moved-away.json"));

        PlanexecProcess run = sandbox.start("run", "plan.json", "--plain");
        assertEquals(2, run.awaitExit(Duration.ofSeconds(30)), run::describe);

        assertEquals(
                List.of("planexec: plan.json: a symbolic link to "
                        + sandbox.work().resolve("moved-away.json")
                        + ", which does not exist; point the link at the plan file"),
                run.stderr().lines().toList(),
                run::describe);
        assertTrue(Files.notExists(sandbox.work().resolve("moved-away.json")), "nothing created through the link");
    }

    @Test
    void a_symlink_at_the_lock_name_is_refused_and_the_file_it_points_to_is_untouched() throws Exception {
        Path plan = new ItPlan("weapon", sandbox.marker())
                .task("a", List.of(), "echo a >> markers/a")
                .writeTo(sandbox.work().resolve("plan.json"));
        Path victim = Files.write(
                sandbox.root().resolve("precious.txt"), "someone else's file\n".getBytes(StandardCharsets.UTF_8));
        FileTime mtime = FileTime.fromMillis(1_500_000_000_000L);
        Files.setLastModifiedTime(victim, mtime);
        byte[] victimBytes = Files.readAllBytes(victim);
        Path lock = Files.createSymbolicLink(sandbox.work().resolve("plan.json.lock"), victim);
        byte[] planBytes = Files.readAllBytes(plan);

        PlanexecProcess run = sandbox.start("run", "plan.json", "--plain");
        assertEquals(2, run.awaitExit(Duration.ofSeconds(30)), run::describe);

        List<String> err = run.stderr().lines().toList();
        assertEquals(1, err.size(), run::describe);
        assertTrue(
                err.get(0).contains("plan.json.lock is a symbolic link, which planexec does not follow"), err.get(0));
        assertTrue(err.get(0).contains("remove it"), err.get(0));
        GracefulStopIT.assertNoStackTrace(run);
        assertArrayEquals(victimBytes, Files.readAllBytes(victim), "the link's target keeps its bytes");
        assertEquals(mtime, Files.getLastModifiedTime(victim), "and its modification time");
        assertTrue(Files.isSymbolicLink(lock));
        assertArrayEquals(planBytes, Files.readAllBytes(plan), "the plan is unchanged");
        assertEquals(0, Sandbox.lines(sandbox.work().resolve("markers/a")), "nothing ran");
        assertFalse(run.stdout().contains("in_progress"), run::describe);
    }

    private static List<String> namesIn(Path folder) throws Exception {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
