package dev.planexec.tui;

import static dev.planexec.tui.ScreenAssert.assertRegion;
import static dev.planexec.tui.ScreenAssert.assertScreen;
import static dev.planexec.tui.ScreenAssert.assertShows;
import static dev.planexec.tui.TuiFixtures.demoInEveryState;
import static dev.planexec.tui.TuiFixtures.demoPlan;
import static dev.planexec.tui.TuiFixtures.everyState;
import static dev.planexec.tui.TuiFixtures.silent;
import static dev.planexec.tui.VirtualTui.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import dev.planexec.plan.Plan;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The execute screen on a virtual terminal: layout, task states, detail pane, status bar, sizes. */
class ExecuteScreenTest {
    /** The demo plan in every state at 80x24, {@code build} (running) selected. */
    static final String EVERY_STATE_80X24 =
            """
             planexec · Demo site · local                       1/5 done · 1 failed · 00:00
             █████░░░░░░░░░░░░░░░░░░░░░  20% RUNNING
            ✔ setup  Create the output… 00:04 │ build · Compile the sources
            ⠋ build  Compile the sourc… 00:30 │ in_progress · local · 00:30 · attempt 1
            ✘ lint   Check the style    00:07 │ session planexec-demo-build-1a2b3c4d
            ‖ docs   Write the docs     00:15 │ context /work/demo (main)
            ⊘ deploy Ship it                  │ depends on setup
                                              │ Compile every module of the site generator
                                              │ and copy the templates next to the classes.
                                              │   - build/ has the classes
                                              │   - the templates are copied
                                              │ ── output · line 6 of 6 · following ────────
                                              │ ── session planexec-demo-build-1a2b3c4d
                                              │ ▶ step 1/2  make all
                                              │ compiling 12 files
                                              │ built 3 modules
                                              │ ✔ step 1/2  exit code 0
                                              │ ▶ step 2/2  cp -r templates build/
                                              │
                                              │
                                              │
                                              │
                                              │
             ↑↓ select  Enter output  p pause  R retry failed  a abort  q quit  ? help
            """;

    @TempDir
    Path dir;

    @Test
    void shows_every_task_state_with_the_selected_tasks_details_and_output_at_80x24() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j");

            assertScreen(tui.vt, EVERY_STATE_80X24);
            int buildRow = 3;
            assertTrue(tui.vt.getCharacter(5, buildRow).isReversed(), "the selected row is highlighted");
            assertFalse(tui.vt.getCharacter(5, buildRow - 1).isReversed(), "other rows are not");
        }
    }

    @Test
    void the_spinner_turns_with_the_clock() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            assertEquals("⠋", tui.vt.getCharacter(0, 3).getCharacterString());

            tui.advance(Duration.ofMillis(100)).render();
            assertEquals("⠙", tui.vt.getCharacter(0, 3).getCharacterString());
            tui.advance(Duration.ofMillis(100)).render();
            assertEquals("⠹", tui.vt.getCharacter(0, 3).getCharacterString());
            assertEquals("✔", tui.vt.getCharacter(0, 2).getCharacterString(), "only running tasks spin");
        }
    }

    @Test
    void a_failed_task_shows_its_error_and_the_retry_keys() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("jj");

            assertRegion(
                    tui.vt,
                    34,
                    2,
                    """
                    │ lint · Check the style
                    │ failed · local · 00:07 · attempt 1
                    │ session planexec-demo-lint-1a2b3c4d
                    │ context /work/demo (main)
                    │ depends on setup
                    │ Run the linter.
                    │   - no warnings
                    │ ── output · line 2 of 2 · following ────────
                    │ ── session planexec-demo-lint-1a2b3c4d
                    │ ✘ step 1/1 (ruff check .) exited with code 1
                    """);
            assertEquals(
                    " ↑↓ select  Enter output  p pause  r retry  R retry failed  q quit  ? help",
                    ScreenAssert.line(tui.vt, 23));
        }
    }

    @Test
    void tab_shows_the_tasks_in_batches_by_dependency_level() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j").press(key(KeyType.Tab));

            assertRegion(
                    tui.vt,
                    0,
                    2,
                    """
                     Batch 1 · 1 task                 │ build · Compile the sources
                    ✔ setup  Create the output… 00:04 │ in_progress · local · 00:30 · attempt 1
                     Batch 2 · 3 tasks                │ session planexec-demo-build-1a2b3c4d
                    ⠋ build  Compile the sourc… 00:30 │ context /work/demo (main)
                    ✘ lint   Check the style    00:07 │ depends on setup
                    ‖ docs   Write the docs     00:15 │ Compile every module of the site generator
                     Batch 3 · 1 task                 │ and copy the templates next to the classes.
                    ⊘ deploy Ship it                  │   - build/ has the classes
                                                      │   - the templates are copied
                    """);
            assertTrue(tui.vt.getCharacter(5, 5).isReversed(), "build stays selected in the batches view");

            tui.type("k");
            assertShows(tui.vt, "│ setup · Create the output folder");
            tui.type("j");
            assertShows(tui.vt, "│ build · Compile the sources");
            tui.type("jjj");
            assertShows(tui.vt, "│ deploy · Ship it");
            assertTrue(tui.vt.getCharacter(5, 9).isReversed(), "selection skips the batch headers");

            tui.press(key(KeyType.Tab));
            assertEquals(
                    "⊘ deploy Ship it                  │ depends on build, lint, docs", ScreenAssert.line(tui.vt, 6));
            assertTrue(tui.vt.getCharacter(5, 6).isReversed(), "back in the list, deploy is still selected");
        }
    }

    @Test
    void the_help_overlay_lists_every_key_and_any_key_closes_it() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j?");

            assertShows(tui.vt, "┌─ Keys (any key closes this) ─");
            // Drawn from the key table: every key of the task list, with the start of its help line.
            int width = KeyBindings.in(KeyBindings.Scope.LIST).stream()
                            .mapToInt(b -> b.label().length())
                            .max()
                            .orElseThrow()
                    + 2;
            List<KeyBindings.Binding> keys = KeyBindings.in(KeyBindings.Scope.LIST);
            assertShows(
                    tui.vt,
                    "│ " + keys.get(0).label()
                            + " ".repeat(width - keys.get(0).label().length()));
            assertShows(tui.vt, " more below ─┘"); // 80x24 cannot hold them all: the help scrolls
            tui.type("j".repeat(40));
            KeyBindings.Binding last = keys.get(keys.size() - 1);
            assertShows(
                    tui.vt,
                    "│ " + last.label() + " ".repeat(width - last.label().length()) + last.help());
            tui.type("k".repeat(40));
            assertShows(tui.vt, " ↑↓ select  Enter output  p pause  R retry failed  a abort  q quit  ? help");

            tui.type("q"); // closes the help, and does nothing else: no question about quitting
            assertScreen(tui.vt, EVERY_STATE_80X24);
            assertFalse(tui.app.done());
        }
    }

    @Test
    void a_resize_from_120x40_to_80x24_redraws_the_whole_layout() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 120, 40)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            tui.type("j");
            assertScreen(
                    tui.vt,
                    """
                     planexec · Demo site · local                                                               1/5 done · 1 failed · 00:00
                     ████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  20% RUNNING
                    ✔ setup  Create the output folder         00:04 │ build · Compile the sources
                    ⠋ build  Compile the sources              00:30 │ in_progress · local · 00:30 · attempt 1
                    ✘ lint   Check the style                  00:07 │ session planexec-demo-build-1a2b3c4d
                    ‖ docs   Write the docs                   00:15 │ context /work/demo (main)
                    ⊘ deploy Ship it                                │ depends on setup
                                                                    │ Compile every module of the site generator and copy the templates next
                                                                    │ to the classes.
                                                                    │   - build/ has the classes
                                                                    │   - the templates are copied
                                                                    │ ── output · line 6 of 6 · following ──────────────────────────────────
                                                                    │ ── session planexec-demo-build-1a2b3c4d
                                                                    │ ▶ step 1/2  make all
                                                                    │ compiling 12 files
                                                                    │ built 3 modules
                                                                    │ ✔ step 1/2  exit code 0
                                                                    │ ▶ step 2/2  cp -r templates build/
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                                                                    │
                     ↑↓ select  Enter output  Tab batches  f follow  p pause  R retry failed  a abort  q quit  ? help
                    """);

            tui.resize(80, 24);

            assertEquals(80, tui.vt.getTerminalSize().getColumns());
            assertScreen(tui.vt, EVERY_STATE_80X24);
        }
    }

    @Test
    void below_80x24_it_says_the_terminal_is_too_small_and_comes_back_when_enlarged() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j");

            tui.resize(79, 24);
            assertScreen(
                    tui.vt,
                    """











                                                  Terminal too small
                                              79x24, planexec needs 80x24
                                         Enlarge the window; the run goes on.
                    """);

            tui.resize(100, 23);
            assertShows(tui.vt, "100x23, planexec needs 80x24");

            tui.resize(80, 24);
            assertScreen(tui.vt, EVERY_STATE_80X24);
        }
    }

    @Test
    void a_finished_run_says_so_and_offers_only_the_keys_that_still_work() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("jj"); // lint, failed: r and R would retry it while the run goes on
            tui.apply(new RunEvent.RunFinished(
                    new RunSummary(RunSummary.Outcome.INCOMPLETE, 5, 1, 1, 2, 1, Duration.ofSeconds(75), null)));

            assertEquals(
                    " planexec · Demo site · local                       1/5 done · 1 failed · 01:15",
                    ScreenAssert.line(tui.vt, 0));
            assertEquals(" █████░░░░░░░░░░░░░░░░░░░░░  20% FINISHED: not all done", ScreenAssert.line(tui.vt, 1));
            assertEquals(" ↑↓ select  Enter output  Tab batches  q quit  ? help", ScreenAssert.line(tui.vt, 23));

            tui.type("q");
            assertTrue(tui.app.done(), "q after the run ends leaves at once");
        }
    }

    @Test
    void a_terminal_without_unicode_gets_ascii_glyphs() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24, new Theme(true), Glyphs.ASCII)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);

            assertRegion(
                    tui.vt,
                    0,
                    1,
                    """
                     #####.....................  20% RUNNING
                    + setup  Create the output. 00:04 | setup - Create the output folder
                    | build  Compile the sourc. 00:30 | done - local - 00:04 - attempt 1
                    x lint   Check the style    00:07 | session planexec-demo-setup-1a2b3c4d
                    = docs   Write the docs     00:15 | context /work/demo (main)
                    ! deploy Ship it                  | depends on nothing
                    """);
            assertShows(tui.vt, "| -- output - line 1 of 1 - following ---");
            assertShows(tui.vt, " ^v select");
        }
    }
}
