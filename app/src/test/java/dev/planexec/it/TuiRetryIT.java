package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The run stays open while the UI is: {@code plans/failing.json} ends with {@code compile} failed and {@code test}
 * waiting for it; the test makes what the failing step checks for, presses {@code r} on {@code compile}, and the
 * plan finishes all done without leaving the UI.
 */
class TuiRetryIT extends TuiInTmux {
    @Test
    void r_retries_the_failed_task_after_the_run_went_idle_and_the_plan_finishes_in_the_same_ui() throws Exception {
        Path plan = RepoPlans.freshCopy("failing.json", dir.resolve("plans/failing.json"));

        try (TmuxSession tmux = TmuxSession.start(dir, fixture.launch("plans/failing.json"), 120, 40)) {
            // The whole frame, not only its header: a capture can land while the terminal is still drawing the rows
            // below a header it has already redrawn.
            Pattern compileFailed = Pattern.compile("(?m)^✘ compile ");
            String failed = tmux.awaitScreen(
                    s -> s.contains("FINISHED: not all done")
                            && s.contains(" ? help")
                            && compileFailed.matcher(s).find(),
                    RUN,
                    "the run to fail");
            assertTrue(compileFailed.matcher(failed).find(), failed);
            tmux.send("e"); // the next failed task (follow mode showed the task that ran last)
            // The status bar offers r once the failed task is selected.
            tmux.awaitScreen(
                    s -> s.contains("compile · Compile (fails)") && s.contains(" r retry "), START, "r on compile");
            assertEquals(
                    TaskStatus.FAILED,
                    PlanFiles.load(plan, AgentRegistry.NAMES)
                            .task("compile")
                            .orElseThrow()
                            .status());

            Files.createFile(dir.resolve("out/failing/fixed"));
            tmux.send("r");
            String done = tmux.awaitText("FINISHED: all done", RUN);
            assertTrue(done.contains("4/4 done"), done);
            assertEquals("1", tmux.display("#{alternate_on}"), "still in the UI");
            assertTrue(Pattern.compile("(?m)^✔ test ").matcher(done).find(), "the dependent ran too:\n" + done);

            tmux.send("q");
            assertEquals(0, tmux.awaitExit(START));
            assertTrue(tmux.screen().contains("all tasks done: 4/4 done"), tmux.screen());
        }
        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        after.tasks().forEach(t -> assertEquals(TaskStatus.DONE, t.status(), t.id()));
        assertEquals(2, after.task("compile").orElseThrow().attempts());
    }
}
