package dev.planexec.tui;

import static dev.planexec.tui.ScreenAssert.assertDoesNotShow;
import static dev.planexec.tui.ScreenAssert.assertRegion;
import static dev.planexec.tui.ScreenAssert.assertShows;
import static dev.planexec.tui.ScreenAssert.line;
import static dev.planexec.tui.TuiFixtures.demoInEveryState;
import static dev.planexec.tui.TuiFixtures.lines;
import static dev.planexec.tui.TuiFixtures.silent;
import static dev.planexec.tui.VirtualTui.ctrl;
import static dev.planexec.tui.VirtualTui.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.run.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys sent as key strokes to a real {@link TuiApp}, and what the screen does with them. */
class KeysTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void j_k_and_the_arrows_move_the_selection_and_the_detail_follows() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            assertSelected(tui, 2, "setup · Create the output folder");

            tui.type("k");
            assertSelected(tui, 2, "setup · Create the output folder"); // already at the top
            tui.type("j");
            assertSelected(tui, 3, "build · Compile the sources");
            tui.press(key(KeyType.ArrowDown));
            assertSelected(tui, 4, "lint · Check the style");
            tui.press(key(KeyType.ArrowDown), key(KeyType.ArrowDown));
            assertSelected(tui, 6, "deploy · Ship it");
            tui.press(key(KeyType.ArrowDown));
            assertSelected(tui, 6, "deploy · Ship it"); // already at the bottom
            tui.press(key(KeyType.ArrowUp));
            assertSelected(tui, 5, "docs · Write the docs");
            tui.type("k");
            assertSelected(tui, 4, "lint · Check the style");
            tui.press(key(KeyType.Home));
            assertSelected(tui, 2, "setup · Create the output folder");
            tui.press(key(KeyType.End));
            assertSelected(tui, 6, "deploy · Ship it");
        }
    }

    @Test
    void a_plan_of_a_thousand_tasks_scrolls_by_line_page_and_end() {
        List<Task> tasks = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            tasks.add(TuiFixtures.task("t" + i, "Task " + i, "", List.of(), List.of()));
        }
        Plan plan = TuiFixtures.plan("big", "Big", tasks.toArray(Task[]::new));
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            assertEquals("· t1    Task 1                    │ t1 · Task 1", line(tui.vt, 2));
            assertTrue(line(tui.vt, 22).startsWith("· t21 ") && line(tui.vt, 22).contains("1-21/1000"), tui.text());

            tui.press(key(KeyType.PageDown));
            assertSelected(tui, 22, "t21 · Task 21");
            tui.press(key(KeyType.PageDown));
            assertSelected(tui, 22, "t41 · Task 41");
            assertTrue(line(tui.vt, 22).contains("21-41/1000"), line(tui.vt, 22));

            tui.press(key(KeyType.End));
            assertSelected(tui, 22, "t1000 · Task 1000");
            assertTrue(line(tui.vt, 22).contains("980-1000/1000"), line(tui.vt, 22));

            tui.press(key(KeyType.PageUp));
            assertSelected(tui, 2, "t980 · Task 980");
            tui.type("k");
            assertSelected(tui, 2, "t979 · Task 979");
            assertEquals("· t979  Task 979                  │ t979 · Task 979", line(tui.vt, 2));
        }
    }

    @Test
    void enter_focuses_the_output_the_arrows_scroll_it_and_end_follows_the_tail_again() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j").post(lines("build", 40)).render();
            assertShows(tui.vt, "│ ── output · line 46 of 46 · following ───");
            assertEquals(
                    " ↑↓ select  Enter output  p pause  R retry failed  a abort  q quit  ? help", line(tui.vt, 23));

            tui.press(key(KeyType.Enter));
            assertShows(tui.vt, " · line 46 of 46 · following ───");
            assertEquals(" ↑↓ scroll  End follow  Esc back  R retry failed  a abort  q quit  ? help", line(tui.vt, 23));

            tui.press(key(KeyType.ArrowUp), key(KeyType.ArrowUp), key(KeyType.ArrowUp));
            assertRegion(
                    tui.vt,
                    34,
                    11,
                    """
                    │ ── output · line 43 of 46 · 3 up ───────────
                    │ line 27
                    │ line 28
                    │ line 29
                    │ line 30
                    │ line 31
                    │ line 32
                    │ line 33
                    │ line 34
                    │ line 35
                    │ line 36
                    │ line 37
                    """);
            assertSelected(tui, 3, "build · Compile the sources"); // arrows scrolled, the selection stayed

            tui.type("j"); // j and k scroll too while the output has focus
            assertShows(tui.vt, " · line 44 of 46 · 2 up ───");

            tui.post(lines("build", 5)).render(); // more output: the lines being read stay put
            assertShows(tui.vt, " · line 44 of 51 · 7 up ───");
            assertEquals("                                  │ line 28", line(tui.vt, 12));

            tui.press(key(KeyType.End));
            assertShows(tui.vt, " · line 51 of 51 · following ───");
            assertEquals("                                  │ line 5", line(tui.vt, 22));
            tui.post(lines("build", 2)).render();
            assertEquals("                                  │ line 2", line(tui.vt, 22)); // follows the tail

            tui.press(key(KeyType.Home));
            assertShows(tui.vt, "│ line 1"); // the oldest line held
            assertShows(tui.vt, " up ───");

            tui.press(key(KeyType.Escape));
            assertShows(tui.vt, " up ───"); // back to the list, the output stays where it was
            tui.type("j");
            assertSelected(tui, 4, "lint · Check the style");
            assertShows(tui.vt, " · following ───"); // another task's output follows its tail
        }
    }

    @Test
    void question_mark_opens_the_help_and_any_key_closes_it() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            // Any key but the help's own scroll keys.
            for (var closer : List.of(key('x'), key(KeyType.Escape), key(KeyType.Enter), key('?'))) {
                tui.type("?");
                assertShows(tui.vt, "Keys (any key closes this)");
                tui.press(closer);
                assertDoesNotShow(tui.vt, "Keys (any key closes this)");
                assertSelected(tui, 2, "setup · Create the output folder"); // the key did nothing else
            }
        }
    }

    @Test
    void q_while_tasks_run_asks_first_and_n_or_esc_keeps_running() {
        try (VirtualTui tui = demoInEveryState(dir)) {

            tui.type("q");
            assertRegion(
                    tui.vt,
                    9,
                    9,
                    """
                    ┌─ Quit? ────────────────────────────────────────────────────┐
                    │                                                            │
                    │ 1 task is running. Stop it and save it as interrupted?     │
                    │ [ y Stop and quit ]   [ n Keep running ]                   │
                    │                                                            │
                    └────────────────────────────────────────────────────────────┘
                    """);
            tui.type("j");
            assertShows(tui.vt, "Quit?"); // other keys wait for an answer
            assertSelected(tui, 2, "setup · Create the output folder");

            tui.type("n");
            assertDoesNotShow(tui.vt, "Quit?");
            tui.type("q").press(key(KeyType.Escape));
            assertDoesNotShow(tui.vt, "Quit?");
            assertFalse(tui.app.done());
        }
    }

    @Test
    void y_stops_the_running_tasks_gracefully_saves_them_interrupted_and_ends() throws Exception {
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("a", "sleep 30");
        steps.put("b", "sleep 30");
        steps.put("c", "true");
        try (TuiFixtures.LocalRun run = new TuiFixtures.LocalRun(dir, steps);
                VirtualTui tui = VirtualTui.open(run.plan(), 80, 24)) {
            tui.begin(List.of(), run.starter(tui.app, 2));
            tui.await(t -> running(t) == 2, LIMIT, "a and b to run");

            tui.type("q");
            assertShows(tui.vt, "│ 2 tasks are running. Stop and save them as interrupted?    │");
            tui.type("y");
            TuiApp.Outcome outcome = tui.awaitDone(LIMIT);

            assertFalse(outcome.forced());
            assertNotNull(outcome.summary());
            assertEquals(RunSummary.Outcome.INTERRUPTED, outcome.summary().outcome());
            Plan saved = run.onDisk();
            assertEquals(TaskStatus.INTERRUPTED, saved.task("a").orElseThrow().status());
            assertEquals(TaskStatus.INTERRUPTED, saved.task("b").orElseThrow().status());
            assertEquals(TaskStatus.PENDING, saved.task("c").orElseThrow().status(), "nothing new starts");
            assertShows(tui.vt, "STOPPED");
        }
    }

    @Test
    void ctrl_c_stops_gracefully_and_a_second_one_leaves_at_once_with_running_tasks_saved() throws Exception {
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("a", "sleep 30");
        try (TuiFixtures.LocalRun run = new TuiFixtures.LocalRun(dir, steps);
                VirtualTui tui = VirtualTui.open(run.plan(), 80, 24)) {
            tui.begin(List.of(), run.starter(tui.app, 1));
            tui.await(t -> running(t) == 1, LIMIT, "a to run");

            tui.press(ctrl('c'), ctrl('c')); // both before the first stop has ended the run

            assertTrue(tui.app.done());
            assertTrue(tui.app.outcome().forced());
            assertEquals(
                    TaskStatus.INTERRUPTED, run.onDisk().task("a").orElseThrow().status());
        }
    }

    @Test
    void one_ctrl_c_ends_the_run_with_the_running_task_interrupted() throws Exception {
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("a", "sleep 30");
        try (TuiFixtures.LocalRun run = new TuiFixtures.LocalRun(dir, steps);
                VirtualTui tui = VirtualTui.open(run.plan(), 80, 24)) {
            tui.begin(List.of(), run.starter(tui.app, 1));
            tui.await(t -> running(t) == 1, LIMIT, "a to run");

            tui.press(ctrl('c'));
            assertShows(tui.vt, "STOPPING");
            TuiApp.Outcome outcome = tui.awaitDone(LIMIT);

            assertFalse(outcome.forced());
            assertEquals(RunSummary.Outcome.INTERRUPTED, outcome.summary().outcome());
            assertEquals(
                    TaskStatus.INTERRUPTED, run.onDisk().task("a").orElseThrow().status());
        }
    }

    /** Tasks drawn with the spinner (the clock is fixed, so it shows its first glyph). */
    private static long running(VirtualTui tui) {
        return ScreenAssert.lines(tui.vt).stream()
                .filter(l -> l.startsWith("⠋ "))
                .count();
    }

    /** The highlighted row is {@code row}, and the detail pane's title is {@code title}. */
    private static void assertSelected(VirtualTui tui, int row, String title) {
        assertEquals(title, line(tui.vt, 2).substring(36), "the detail pane's title\n" + tui.text());
        for (int r = 2; r < 23; r++) {
            assertEquals(r == row, tui.vt.getCharacter(5, r).isReversed(), "highlight on row " + r + "\n" + tui.text());
        }
    }
}
