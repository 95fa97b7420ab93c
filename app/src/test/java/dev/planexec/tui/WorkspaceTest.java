package dev.planexec.tui;

import static dev.planexec.tui.ScreenAssert.assertDoesNotShow;
import static dev.planexec.tui.ScreenAssert.assertShows;
import static dev.planexec.tui.ScreenAssert.find;
import static dev.planexec.tui.ScreenAssert.line;
import static dev.planexec.tui.TuiFixtures.changes;
import static dev.planexec.tui.TuiFixtures.demoInEveryState;
import static dev.planexec.tui.TuiFixtures.demoPlan;
import static dev.planexec.tui.TuiFixtures.output;
import static dev.planexec.tui.TuiFixtures.silent;
import static dev.planexec.tui.VirtualTui.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.input.KeyType;
import dev.planexec.agent.AgentEvent;
import dev.planexec.isolation.DiffStat;
import dev.planexec.plan.Plan;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.TaskWorktree;
import dev.planexec.plan.Usage;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunSummary;
import dev.planexec.testing.GitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI as a workspace, on the virtual terminal: follow mode, reading long output (wrap, sideways scroll,
 * maximised pane, search), the task list (titles, blocked and held tasks, filters, split), text in ASCII mode, and
 * the summary printed after the UI closes.
 */
class WorkspaceTest {
    private static final String LONG = "compiling module-with-a-very-long-name: cc -O2 -Wall -Wextra -c "
            + "src/a/really/deeply/nested/folder/structure/file.c -o build/objects/file.o END";

    @TempDir
    Path dir;

    @Test
    void follow_mode_selects_the_task_started_last_and_moving_by_hand_turns_it_off_until_f() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            changes(plan.tasks().get(0), TaskStatus.IN_PROGRESS, 5, 0).forEach(tui::post);
            tui.render();
            assertShows(tui.vt, "│ setup · Create the output folder");
            changes(plan.tasks().get(1), TaskStatus.IN_PROGRESS, 2, 0).forEach(tui::post);
            tui.render();
            assertShows(tui.vt, "│ build · Compile the sources"); // the task started last

            tui.type("k"); // by hand: following stops
            assertShows(tui.vt, "│ setup · Create the output folder");
            assertShows(tui.vt, " f follow ");
            changes(plan.tasks().get(2), TaskStatus.IN_PROGRESS, 1, 0).forEach(tui::post);
            tui.render();
            assertShows(tui.vt, "│ setup · Create the output folder"); // stays where the user put it

            tui.type("f");
            assertShows(tui.vt, "│ lint · Check the style");
            assertDoesNotShow(tui.vt, " f follow ");
        }
    }

    @Test
    void a_task_with_a_worktree_shows_its_branch_and_what_it_changed_counted_by_git() throws Exception {
        GitRepo repo = GitRepo.init(dir.resolve("repo"));
        repo.write("README.md", "hi\n").commitAll("first");
        String start = repo.git("rev-parse", "HEAD");
        Path worktree = dir.resolve("wt");
        repo.git("worktree", "add", "-q", "-b", "planexec-task/demo/setup", worktree.toString(), start);
        Files.writeString(worktree.resolve("a.txt"), "one\ntwo\n");
        GitRepo.run(worktree, "add", "-A");
        GitRepo.run(worktree, "commit", "-q", "-m", "a");
        Files.writeString(worktree.resolve("README.md"), "changed, not committed yet\n");
        Plan plan = demoPlan().withTask("setup", t -> t.withStatus(TaskStatus.IN_PROGRESS)
                .withWorktree(new TaskWorktree(worktree.toString(), "planexec-task/demo/setup", start, List.of())));

        try (VirtualTui tui = VirtualTui.open(plan, 120, 30)) {
            tui.begin(List.of(), silent(dir));
            assertShows(tui.vt, "branch planexec-task/demo/setup · d diff · worktree /");
            // git counts off the UI thread; the count shows once it is posted back.
            tui.await(
                    t -> t.text().contains("changes 2 files, +3 -1 since its worktree started"),
                    Duration.ofSeconds(30),
                    "the diff count");
        }
    }

    @Test
    void e_jumps_to_the_next_failed_task() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("e");
            assertShows(tui.vt, "│ lint · Check the style");
        }
    }

    @Test
    void w_wraps_long_lines_and_the_arrows_scroll_them_sideways_when_not_wrapping() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j").post(output("build", new AgentEvent.Output(AgentEvent.Stream.STDOUT, LONG)));
            tui.render();
            String cut = line(tui.vt, find(tui.vt, "compiling module-with")[1]);
            assertTrue(cut.endsWith("…"), "cut with an ellipsis:\n" + tui.text());
            assertFalse(tui.text().contains("END"), tui.text());

            tui.press(key(KeyType.ArrowRight), key(KeyType.ArrowRight), key(KeyType.ArrowRight));
            assertShows(tui.vt, "│ very-long-name: cc -O2");
            tui.press(key(KeyType.ArrowLeft), key(KeyType.ArrowLeft), key(KeyType.ArrowLeft));
            assertShows(tui.vt, "│ compiling module-with");

            tui.type("w");
            assertShows(tui.vt, " wrap ");
            assertShows(tui.vt, "file.o END"); // the whole line, over several rows
            assertShows(tui.vt, "│ compiling module-with-a-very-long-name");
            tui.type("w");
            assertFalse(tui.text().contains("END"), "cut again:\n" + tui.text());
        }
    }

    @Test
    void m_maximises_the_output_pane_and_back() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j").post(output("build", new AgentEvent.Output(AgentEvent.Stream.STDOUT, LONG)));
            tui.type("m");
            assertTrue(line(tui.vt, 2).startsWith("── output · line 7 of 7 · following "), tui.text());
            assertDoesNotShow(tui.vt, "✔ setup");
            assertShows(tui.vt, "compiling module-with-a-very-long-name: cc -O2 -Wall -Wextra -c src/a/really/de…");
            tui.type("m");
            assertShows(tui.vt, "✔ setup");
        }
    }

    @Test
    void slash_searches_the_output_highlights_the_matches_and_n_goes_to_the_older_one() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j").post(TuiFixtures.lines("build", 60)).render();
            tui.press(key(KeyType.Enter));
            tui.type("/line 1");
            assertShows(tui.vt, " search output: /line 1_");
            tui.press(key(KeyType.Enter));
            // The newest match is line 19 (of 60 numbered lines), the last line shown, highlighted.
            assertShows(tui.vt, "· line 25 of 66 · 41 up · /line 1");
            int[] at = find(tui.vt, "line 19");
            assertTrue(tui.vt.getCharacter(at[0], at[1]).isReversed(), "the match is highlighted");
            assertFalse(tui.vt.getCharacter(at[0] + 6, at[1]).isReversed(), "only the match");
            tui.type("n");
            assertTrue(line(tui.vt, 22).endsWith("line 18"), tui.text());
            tui.type("N");
            assertTrue(line(tui.vt, 22).endsWith("line 19"), tui.text());
            assertShows(tui.vt, " n N next ");
        }
    }

    @Test
    void blocked_and_held_tasks_have_their_own_glyph_and_words() throws Exception {
        try (VirtualTui tui = docsHeldAndLintFailed()) {
            tui.press(key(KeyType.Home));
            assertTrue(line(tui.vt, 6).startsWith("⊘ deploy "), tui.text()); // waits for lint, which failed
            assertTrue(line(tui.vt, 5).startsWith("◌ docs "), tui.text()); // held by Clean Up
            tui.type("jjj");
            assertShows(tui.vt, "│ held by Clean Up: s starts it");
            assertShows(tui.vt, " s start ");
            tui.type("j");
            assertShows(tui.vt, "│ blocked: lint failed (r on it retries it)");
        }
    }

    @Test
    void slash_filters_the_list_by_id_or_title_and_t_by_status() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("/the");
            assertShows(tui.vt, " filter tasks: /the_");
            tui.press(key(KeyType.Enter));
            // "the output folder", "the sources", "the style", "the docs": not deploy ("Ship it").
            assertShows(tui.vt, " filter: /the (4 of 5)");
            assertDoesNotShow(tui.vt, "deploy Ship it");
            tui.press(key(KeyType.Escape));
            assertShows(tui.vt, "deploy Ship it");

            tui.type("t"); // failed only
            assertShows(tui.vt, " filter: failed (1 of 5)");
            assertShows(tui.vt, "│ lint · Check the style"); // the selection moves to what is shown
            tui.type("t"); // running only
            assertShows(tui.vt, " filter: in_progress (1 of 5)");
            tui.press(key(KeyType.Escape));
            assertDoesNotShow(tui.vt, " filter:");
        }
    }

    @Test
    void the_split_keys_widen_and_narrow_the_task_list() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            assertEquals('│', tui.vt.getCharacter(34, 3).getCharacterString().charAt(0));
            tui.type(">>");
            assertEquals('│', tui.vt.getCharacter(42, 3).getCharacterString().charAt(0));
            assertShows(tui.vt, "✔ setup  Create the output folder");
            tui.type("<<<<");
            assertEquals('│', tui.vt.getCharacter(26, 3).getCharacterString().charAt(0));
        }
    }

    @Test
    void stderr_has_its_own_colour_and_tabs_expand_to_tab_stops() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j");
            tui.post(output("build", new AgentEvent.Output(AgentEvent.Stream.STDERR, "warning: deprecated")));
            tui.post(output("build", new AgentEvent.Output(AgentEvent.Stream.STDOUT, "a\tb\tc")));
            tui.render();
            int[] warning = find(tui.vt, "warning: deprecated");
            int[] plain = find(tui.vt, "compiling 12 files");
            assertEquals(
                    TextColor.ANSI.RED,
                    tui.vt.getCharacter(warning[0], warning[1]).getForegroundColor());
            assertEquals(
                    TextColor.ANSI.DEFAULT,
                    tui.vt.getCharacter(plain[0], plain[1]).getForegroundColor());
            assertShows(tui.vt, "│ a       b       c");
        }
    }

    @Test
    void header_messages_expire_and_the_clock_runs_while_paused() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("p");
            assertShows(tui.vt, "PAUSED");
            tui.apply(new RunEvent.Notice(null, "something to say"));
            assertShows(tui.vt, "something to say");
            tui.advance(Duration.ofSeconds(RunView.NOTICE_SECONDS + 1)).render();
            assertDoesNotShow(tui.vt, "something to say");
            assertTrue(
                    line(tui.vt, 0).endsWith("· 00:06"), tui.text()); // wall time since the run started, paused or not
        }
    }

    @Test
    void a_message_about_a_task_goes_when_the_task_changes_state() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            var running = changes(plan.tasks().get(0), TaskStatus.IN_PROGRESS, 5, 0);
            running.forEach(tui::post);
            tui.apply(new RunEvent.Notice("setup", "aborting"));
            assertShows(tui.vt, "setup: aborting");
            var change = (RunEvent.StateChanged) running.get(0);
            tui.apply(new RunEvent.StateChanged(
                    change.after(),
                    change.after().finished(TaskStatus.INTERRUPTED, null, null, "2026-11-21T10:00:00Z")));
            assertDoesNotShow(tui.vt, "setup: aborting");
        }
    }

    @Test
    void ascii_mode_leaves_no_cell_outside_ascii_anywhere() {
        Plan plan = TuiFixtures.plan(
                "demo",
                "Démo site ✨",
                TuiFixtures.task(
                        "setup", "Create the output folder 🚀", "Make out/ — now.", List.of("ok ✓"), List.of()),
                TuiFixtures.task("build", "Compile", "", List.of(), List.of("setup")));
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24, new Theme(false), Glyphs.ASCII)) {
            tui.begin(List.of(), silent(dir));
            changes(plan.tasks().get(0), TaskStatus.FAILED, 5, 1).forEach(tui::post);
            tui.post(output("setup", new AgentEvent.ToolStart("1", "step 1/1", "echo héllo → there")));
            tui.post(output("setup", new AgentEvent.Output(AgentEvent.Stream.STDOUT, "naïve ✔ output 😀")));
            tui.apply(new RunEvent.Notice("setup", "a notice · with a dot…"));
            tui.type("p?");
            assertAscii(tui);
            tui.type("x");
            assertAscii(tui);
            tui.press(key(KeyType.Enter));
            assertAscii(tui);
            assertShows(tui.vt, "| > step 1/1  echo h?llo ? there");
        }
    }

    @Test
    void the_summary_after_the_ui_names_failed_held_and_blocked_tasks() {
        try (VirtualTui tui = docsHeldAndLintFailed()) {
            assertEquals(
                    List.of(
                            "  failed   lint: step 1/1 (ruff check .) exited with code 1",
                            "  held     docs: Clean Up left it pending; the next run starts it",
                            "  blocked  deploy: waits for lint, which failed"),
                    tui.app.outcome().details());
        }
    }

    @Test
    void what_landed_on_the_integration_branch_stays_in_view_once_the_run_is_over_and_is_in_the_summary_after() {
        Plan plan = demoPlan();
        try (VirtualTui tui = VirtualTui.open(plan, 120, 24)) {
            tui.begin(List.of(), silent(dir));
            for (var task : plan.tasks()) {
                changes(task, TaskStatus.DONE, 1, 0).forEach(tui::post);
            }
            RunEvent.WorkLanded landed =
                    new RunEvent.WorkLanded("planexec/demo", 5, new DiffStat(3, 10, 2), "plans/demo.json");
            tui.post(landed)
                    .apply(new RunEvent.Idle(new RunSummary(
                            RunSummary.Outcome.COMPLETED, 5, 5, 0, 0, 0, Duration.ofSeconds(10), null, Usage.NONE)));
            String line =
                    "landed on planexec/demo: 5 tasks, 3 files, +10 -2; take it with: planexec land plans/demo.json";
            assertShows(tui.vt, "FINISHED: all done  " + line.substring(0, 40));
            tui.advance(Duration.ofMinutes(10)).render();
            assertShows(tui.vt, "FINISHED: all done  " + line.substring(0, 40));
            assertEquals(List.of("  " + line), tui.app.outcome().details());
        }
    }

    @Test
    void a_click_selects_a_task_and_the_wheel_scrolls_the_output() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.press(new com.googlecode.lanterna.input.MouseAction(
                    com.googlecode.lanterna.input.MouseActionType.CLICK_DOWN,
                    1,
                    new com.googlecode.lanterna.TerminalPosition(5, 4)));
            assertShows(tui.vt, "│ lint · Check the style");
            tui.type("k").post(TuiFixtures.lines("build", 40)).render();
            tui.press(new com.googlecode.lanterna.input.MouseAction(
                    com.googlecode.lanterna.input.MouseActionType.SCROLL_UP,
                    4,
                    new com.googlecode.lanterna.TerminalPosition(50, 15)));
            assertShows(tui.vt, "· 3 up ───");
        }
    }

    @Test
    void emoji_in_titles_show_whole_at_their_width() {
        Plan plan = TuiFixtures.plan(
                "emoji",
                "Emoji",
                TuiFixtures.task("ship", "Ship it 🚀 now", "Launch 🚀.", List.of(), List.of()),
                TuiFixtures.task("wait", "Wait", "", List.of(), List.of()));
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24)) {
            tui.begin(List.of(), silent(dir));
            int[] at = find(tui.vt, "Ship it ");
            String rocket = tui.vt.getCharacter(at[0] + 8, at[1]).getCharacterString();
            assertEquals("🚀", rocket, tui.text());
            assertTrue(tui.vt.getCharacter(at[0] + 8, at[1]).isDoubleWidth());
            assertEquals("n", tui.vt.getCharacter(at[0] + 11, at[1]).getCharacterString(), "after two columns");
            // The separator stays in its column on the emoji's row as on the others.
            assertEquals("│", tui.vt.getCharacter(34, at[1]).getCharacterString());
            assertEquals("│", tui.vt.getCharacter(34, at[1] + 1).getCharacterString());
            assertFalse(line(tui.vt, at[1]).contains("?"), line(tui.vt, at[1]));
            assertShows(tui.vt, "│ Launch 🚀.");
        }
    }

    /**
     * The demo plan begun with {@code docs} held by Clean Up, then {@code setup} done and {@code lint} failed (so
     * {@code deploy}, which waits for it, is blocked); closed again if that fails.
     */
    private VirtualTui docsHeldAndLintFailed() {
        Plan plan = demoPlan();
        VirtualTui tui = VirtualTui.open(plan, 80, 24);
        try {
            tui.begin(List.of(), choices -> new TuiApp.Started(TuiFixtures.silentScheduler(dir), Set.of("docs")));
            changes(plan.tasks().get(0), TaskStatus.DONE, 60, 56).forEach(tui::post);
            changes(plan.tasks().get(2), TaskStatus.FAILED, 55, 48).forEach(tui::post);
            tui.render();
            return tui;
        } catch (RuntimeException | Error e) {
            tui.close();
            throw e;
        }
    }

    private static void assertAscii(VirtualTui tui) {
        for (int row = 0; row < 24; row++) {
            for (int col = 0; col < 80; col++) {
                String cell = tui.vt.getCharacter(col, row).getCharacterString();
                assertTrue(
                        cell.chars().allMatch(c -> c >= 0x20 && c < 0x7f),
                        "cell " + col + "," + row + " holds " + cell + ":\n" + tui.text());
            }
        }
    }
}
