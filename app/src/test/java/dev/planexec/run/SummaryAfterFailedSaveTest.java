package dev.planexec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.planexec.console.LinePrinter;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.PlanRun;
import dev.planexec.testing.Plans;
import dev.planexec.testing.ReadOnlyFolder;
import dev.planexec.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The summary of a run whose save failed counts what the plan file holds, not what was in memory. */
@Timeout(120)
class SummaryAfterFailedSaveTest {
    @TempDir
    Path tmp;

    @Test
    void the_counts_are_those_of_the_file_when_a_finished_task_could_not_be_saved() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("plans"));
        Path go = tmp.resolve("go");
        Path plan = Plans.local("ro")
                .task("first", "while [ ! -f '" + go + "' ]; do sleep 0.05; done")
                .task("second", List.of("first"), "true")
                .writeTo(folder);
        ReadOnlyFolder.of(folder).close(); // skips the test here, on its own thread, where folders cannot be locked

        RunSummary summary;
        try (PlanRun run = new PlanRun(plan, tmp.resolve("state"))) {
            CompletableFuture<RunSummary> running =
                    CompletableFuture.supplyAsync(() -> run.run(RunOptions.withConcurrency(1)));
            Waits.until(
                    "the first task to start",
                    Duration.ofSeconds(30),
                    () -> Plans.task(plan, "first").status() == TaskStatus.IN_PROGRESS);
            try (ReadOnlyFolder readOnly = ReadOnlyFolder.of(folder)) {
                Files.createFile(go); // the task ends as done, in memory; saving that fails
                summary = running.get();
            }
        }

        assertEquals(RunSummary.Outcome.SAVE_FAILED, summary.outcome());
        assertEquals(TaskStatus.IN_PROGRESS, Plans.task(plan, "first").status(), "the file's state");
        assertEquals(0, summary.done(), "the file has no task done");
        assertEquals(1, summary.interrupted(), "in_progress in the file, so the next run offers to resume it");
        assertEquals(1, summary.pending());
        assertEquals(2, summary.total());
        String line = LinePrinter.summary(summary);
        assertEquals(
                "stopped: the plan could not be saved: 0/2 done, 0 failed, 1 interrupted, 1 pending",
                line.substring(0, line.lastIndexOf(',')));
    }
}
