package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input given to the real process: exit code 2, one line naming file, line and column, no trace, no change. */
class BadInputIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void a_malformed_plan_is_refused_with_its_file_line_and_column() throws Exception {
        Path plan = sandbox.work().resolve("broken.json");
        byte[] content =
                """
                {
                  "id": "broken",
                  "tasks": [
                    { "id": "a", "steps": ["echo a"],, "status": "pending" }
                  ]
                }
                """
                        .getBytes(StandardCharsets.UTF_8);
        Files.write(plan, content);

        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain", "--on-orphans", "resume");
        assertEquals(2, run.awaitExit(Duration.ofSeconds(30)), run::describe);
        List<String> err = run.stderr().lines().toList();
        assertEquals(1, err.size(), run::describe);
        assertTrue(err.get(0).matches("planexec: " + Pattern.quote(plan.toString()) + ":4:\\d+: .*"), run::describe);
        GracefulStopIT.assertNoStackTrace(run);
        assertArrayEquals(content, Files.readAllBytes(plan), "the plan file is unchanged");
        assertTrue(Files.notExists(sandbox.work().resolve("broken.json.lock")), "no lock is left");
    }

    @Test
    void an_unknown_dependency_is_refused_with_its_file_line_and_column() throws Exception {
        Path plan = new ItPlan("baddep", sandbox.marker())
                .task("a", List.of(), "echo a >> markers/a")
                .task("b", List.of("nope"), "echo b >> markers/b")
                .writeTo(sandbox.work().resolve("plan.json"));
        byte[] content = Files.readAllBytes(plan);

        PlanexecProcess run = sandbox.start("plan.json", "--plain");
        assertEquals(2, run.awaitExit(Duration.ofSeconds(30)), run::describe);
        List<String> err = run.stderr().lines().toList();
        assertEquals(1, err.size(), run::describe);
        assertTrue(err.get(0).matches("planexec: plan\\.json:\\d+:\\d+: .*\"nope\".*"), run::describe);
        GracefulStopIT.assertNoStackTrace(run);
        assertArrayEquals(content, Files.readAllBytes(plan), "the plan file is unchanged");
        assertEquals(0, Sandbox.lines(sandbox.work().resolve("markers/a")), "nothing ran");
    }
}
