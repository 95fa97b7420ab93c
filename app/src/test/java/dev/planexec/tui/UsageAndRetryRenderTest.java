package dev.planexec.tui;

import static dev.planexec.tui.TuiFixtures.demoPlan;
import static dev.planexec.tui.TuiFixtures.everyState;
import static dev.planexec.tui.TuiFixtures.output;
import static dev.planexec.tui.TuiFixtures.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentEvent;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Usage;
import dev.planexec.run.RunEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The header's token total, a task's tokens, and a task waiting for its retry, on a virtual terminal. */
class UsageAndRetryRenderTest {
    @TempDir
    Path dir;

    @Test
    void the_header_shows_the_plans_tokens_as_they_come_and_the_task_its_own() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            tui.post(output("build", new AgentEvent.Usage(1200, 300, 1000, null)));
            tui.post(output("build", new AgentEvent.Usage(800, 200, 0, 0.25)));
            tui.type("j"); // build, which used them

            assertEquals(
                    " planexec · Demo site · local            1/5 done · 1 failed · 2.5k tok · 00:00",
                    ScreenAssert.line(tui.vt, 0));
            ScreenAssert.assertShows(tui.vt, "│ tokens 2.0k in, 500 out, 1.0k cached, $0.25");
        }
    }

    @Test
    void the_task_list_shows_each_tasks_tokens_once_some_task_has_used_any() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            String before = ScreenAssert.line(tui.vt, ScreenAssert.rowOf(tui.vt, "build"));
            assertFalse(before.contains(" tok"), before);

            tui.post(output("build", new AgentEvent.Usage(1200, 300, 1000, null)));
            tui.post(output("build", new AgentEvent.Usage(800, 200, 0, 0.25)));
            tui.render();

            String build = ScreenAssert.line(tui.vt, ScreenAssert.rowOf(tui.vt, "build"));
            assertTrue(build.matches(".*build .* 2\\.5k +\\S*.*"), build);
            // The other tasks have used none: their tokens column is blank, the titles keep their place.
            String setup = ScreenAssert.line(tui.vt, ScreenAssert.rowOf(tui.vt, "setup"));
            assertFalse(setup.matches(".*\\d(\\.\\d)?k .*"), setup);
        }
    }

    @Test
    void the_tokens_column_is_ascii_in_ascii_mode() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24, new Theme(false), Glyphs.ASCII)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            tui.post(output("build", new AgentEvent.Usage(12_000, 345, 0, null)));
            tui.render();

            String build = ScreenAssert.line(tui.vt, ScreenAssert.rowOf(tui.vt, "build"));
            assertTrue(build.contains(" 12.3k "), build);
            for (String line : ScreenAssert.lines(tui.vt)) {
                assertTrue(line.chars().allMatch(c -> c < 128), line);
            }
        }
    }

    @Test
    void a_task_waiting_for_its_retry_says_until_when() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            List<RunEvent> started = TuiFixtures.changes(plan.tasks().get(1), TaskStatus.IN_PROGRESS, 30, 0);
            Task build = started.stream()
                    .filter(RunEvent.StateChanged.class::isInstance)
                    .map(e -> ((RunEvent.StateChanged) e).after())
                    .reduce((first, last) -> last)
                    .orElseThrow();
            Task waiting =
                    build.waitingToRetry("HTTP 500", "2026-11-30T12:00:07.500Z").plusUsage(new Usage(10, 5, 0, null));
            tui.post(new RunEvent.StateChanged(build, waiting));
            tui.type("j");

            String at = DateTimeFormatter.ofPattern("HH:mm:ss")
                    .withZone(ZoneId.systemDefault())
                    .format(Instant.parse("2026-11-30T12:00:07.500Z"));
            ScreenAssert.assertShows(tui.vt, "│ waiting to retry at " + at);
            ScreenAssert.assertShows(tui.vt, "│ tokens 10 in, 5 out");
        }
    }
}
