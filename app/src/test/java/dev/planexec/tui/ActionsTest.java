package dev.planexec.tui;

import static dev.planexec.tui.ScreenAssert.assertDoesNotShow;
import static dev.planexec.tui.ScreenAssert.assertShows;
import static dev.planexec.tui.TuiFixtures.changes;
import static dev.planexec.tui.TuiFixtures.demoPlan;
import static dev.planexec.tui.TuiFixtures.everyState;
import static dev.planexec.tui.TuiFixtures.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Tasks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys that act on a task beyond the run ({@code y}, {@code a} on an agent's task, {@code o}) and notifications. */
class ActionsTest {
    @TempDir
    Path dir;

    private final List<String> written = new ArrayList<>();

    @Test
    void y_copies_the_session_id_through_osc_52() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.app.environment(Map.of(), false, written::add);
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            tui.type("y");
            String id = TuiFixtures.sessionOf("setup");
            assertEquals(
                    List.of("\033]52;c;" + Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.UTF_8))
                            + "\007"),
                    written);
            assertShows(tui.vt, "copied " + id);
        }
    }

    @Test
    void a_on_an_agents_task_asks_first_and_n_keeps_it_running() {
        Task task = TuiFixtures.task("review", "Review", "", List.of(), List.of());
        Plan plan = TuiFixtures.plan("agents", "Agents", withAgent(task, "claude"));
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            changes(plan.tasks().get(0), TaskStatus.IN_PROGRESS, 5, 0).forEach(tui::post);
            tui.render();
            tui.type("a");
            assertShows(tui.vt, "Abort review?");
            assertShows(tui.vt, "This cuts the agent's turn; r resumes it in its session.");
            tui.type("n");
            assertDoesNotShow(tui.vt, "Abort review?");
            assertDoesNotShow(tui.vt, "review: aborting");
            tui.type("ay");
            assertShows(tui.vt, "review: aborting");
        }
    }

    @Test
    void o_is_offered_for_a_finished_agent_task_with_a_session_not_a_running_one_nor_a_local_one() {
        Task review = withAgent(TuiFixtures.task("review", "Review", "", List.of(), List.of()), "claude");
        Task local = TuiFixtures.task("build", "Build", "", List.of(), List.of());
        Plan plan = TuiFixtures.plan("agents", "Agents", review, local);
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            changes(review, TaskStatus.IN_PROGRESS, 5, 0).forEach(tui::post);
            tui.render();
            assertDoesNotShow(tui.vt, " o open "); // running: its CLI would fight the run for the session
            changes(local, TaskStatus.DONE, 5, 1).forEach(tui::post);
            tui.render();
            tui.type("j");
            assertShows(tui.vt, "│ build · Build");
            assertDoesNotShow(tui.vt, " o open "); // the local agent has no CLI
        }
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            changes(review, TaskStatus.DONE, 5, 1).forEach(tui::post);
            tui.render();
            assertShows(tui.vt, " o open ");
        }
    }

    @Test
    void a_failure_and_the_run_going_idle_ring_and_notify_as_the_terminal_can() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.app.environment(Map.of("TERM_PROGRAM", "iTerm.app"), true, written::add);
            tui.begin(List.of(), silent(dir));
            changes(plan.tasks().get(2), TaskStatus.FAILED, 55, 48).forEach(tui::post);
            tui.render();
            assertEquals(List.of("\007\033]9;planexec: lint failed\007"), written);
        }
        written.clear();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.app.environment(Map.of("VTE_VERSION", "7600"), true, written::add);
            tui.begin(List.of(), silent(dir));
            changes(plan.tasks().get(2), TaskStatus.FAILED, 55, 48).forEach(tui::post);
            tui.render();
            assertEquals(List.of("\007\033]777;notify;planexec;lint failed\007"), written);
        }
    }

    @Test
    void planexec_notify_0_or_the_flag_turn_notifications_off() {
        Plan plan = demoPlan();
        for (var setting :
                List.of(Map.of("PLANEXEC_NOTIFY", "0", "TERM_PROGRAM", "iTerm.app"), Map.<String, String>of())) {
            try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
                tui.app.environment(setting, !setting.isEmpty(), written::add);
                tui.begin(List.of(), silent(dir));
                changes(plan.tasks().get(2), TaskStatus.FAILED, 55, 48).forEach(tui::post);
                tui.render();
            }
        }
        assertTrue(written.isEmpty(), written.toString());
    }

    private static Task withAgent(Task t, String agent) {
        return Tasks.unrun(
                t.id(),
                t.title(),
                t.description(),
                t.acceptanceCriteria(),
                t.dependsOn(),
                t.steps(),
                t.status(),
                agent,
                null);
    }
}
