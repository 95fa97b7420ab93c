package dev.planexec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.PlanRun;
import dev.planexec.testing.Plans;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With the real local agent: a step that exits non-zero fails its task at once, retries or not. */
@Timeout(60)
class LocalStepNotRetriedTest {
    @TempDir
    Path tmp;

    @Test
    void a_step_exiting_3_is_not_retried() throws Exception {
        Path plan = Plans.local("exit3")
                .planField("retries", 3)
                .task("a", "echo once >> runs.log; exit 3")
                .writeTo(tmp);

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, tmp.resolve("state"))) {
            summary = run.run(RunOptions.withConcurrency(1));
            assertTrue(
                    run.events().ofType(RunEvent.Notice.class).stream()
                            .noneMatch(n -> n.message().contains("retry")),
                    () -> run.events().all().toString());
        }

        assertEquals(1, summary.failed());
        Task a = Plans.task(plan, "a");
        assertEquals(TaskStatus.FAILED, a.status());
        assertEquals(1, a.attempts());
        assertEquals(1, a.retryState().attemptErrors().size());
        assertTrue(a.error().contains("exited with code 3"), a.error());
        assertEquals(java.util.List.of("once"), java.nio.file.Files.readAllLines(tmp.resolve("runs.log")));
        assertEquals(null, a.retryState().nextAttemptAt());
    }
}
