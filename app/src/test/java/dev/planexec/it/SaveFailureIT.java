package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.ReadOnlyFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A run whose save fails: its summary line counts the tasks as the plan file has them, not as memory had them. */
class SaveFailureIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void the_summary_after_a_failed_save_counts_what_is_in_the_file() throws Exception {
        Path folder = Files.createDirectories(sandbox.work().resolve("plans"));
        Path go = sandbox.root().resolve("go");
        Path plan = new ItPlan("ro", sandbox.marker())
                .task("first", List.of(), "while [ ! -f '" + go + "' ]; do sleep 0.05; done")
                .task("second", List.of("first"), "true")
                .writeTo(folder.resolve("plan.json"));
        ReadOnlyFolder.of(folder).close(); // skips the test where folders cannot be made read-only

        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain");
        run.awaitLine(Pattern.compile("first\\s+pending\\s+(?:→|->)\\s+in_progress"), Duration.ofSeconds(30));
        try (ReadOnlyFolder readOnly = ReadOnlyFolder.of(folder)) {
            Files.createFile(go); // "first" ends done, in memory; the save of that fails
            assertEquals(1, run.awaitExit(Duration.ofSeconds(60)), () -> readOnly.how() + "\n" + run.describe());
        }

        assertEquals(
                TaskStatus.IN_PROGRESS,
                PlanFiles.load(plan, AgentRegistry.NAMES)
                        .task("first")
                        .orElseThrow()
                        .status());
        assertTrue(
                run.stdout()
                        .contains("stopped: the plan could not be saved: 0/2 done, 0 failed, 1 interrupted, 1 pending"),
                run::describe);
        List<String> err = run.stderr().lines().toList();
        assertEquals(1, err.size(), run::describe);
        assertTrue(err.get(0).startsWith("planexec: cannot save " + plan), run::describe);
        GracefulStopIT.assertNoStackTrace(run);
    }
}
