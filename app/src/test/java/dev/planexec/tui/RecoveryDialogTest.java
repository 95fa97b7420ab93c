package dev.planexec.tui;

import static dev.planexec.tui.ScreenAssert.assertDoesNotShow;
import static dev.planexec.tui.ScreenAssert.assertRegion;
import static dev.planexec.tui.ScreenAssert.assertScreen;
import static dev.planexec.tui.ScreenAssert.assertShows;
import static dev.planexec.tui.ScreenAssert.line;
import static dev.planexec.tui.TuiFixtures.ago;
import static dev.planexec.tui.TuiFixtures.demoPlan;
import static dev.planexec.tui.TuiFixtures.sessionOf;
import static dev.planexec.tui.VirtualTui.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.recovery.Orphan;
import dev.planexec.recovery.RecoveryAction;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recovery dialog: what it shows of each orphaned task, and how r/f/c and R/F/C settle them. */
class RecoveryDialogTest {
    @TempDir
    Path dir;

    /** {@code build} died running (its session is still there); {@code docs} was stopped (its session is gone). */
    private final Task build = demoPlan().tasks().get(1).starting(sessionOf("build"), ago(100));

    private final Task docs = demoPlan()
            .tasks()
            .get(3)
            .starting(sessionOf("docs"), ago(100))
            .finished(TaskStatus.INTERRUPTED, null, null, ago(50));
    private final Plan crashed = demoPlan().withTask(build.id(), t -> build).withTask(docs.id(), t -> docs);
    /** 09:58:12 on the clock of whoever runs the test, so the screen is the same in every time zone. */
    private final List<Orphan> orphans = List.of(
            new Orphan(
                    build,
                    "local",
                    true,
                    LocalDateTime.of(2026, 11, 21, 9, 58, 12)
                            .atZone(ZoneId.systemDefault())
                            .toInstant()),
            new Orphan(docs, "local", false, null));

    @Test
    void shows_each_orphan_with_its_session_and_the_three_choices_before_anything_runs() {
        TuiFixtures.RecordingStarter starter = new TuiFixtures.RecordingStarter(dir);
        try (VirtualTui tui = VirtualTui.open(crashed, 80, 24)) {
            tui.begin(orphans, starter);
            tui.type("f");

            assertScreen(
                    tui.vt,
                    """
                     planexec · Demo site · local                                  0/5 done · 00:00
                     ░░░░░░░░░░░░░░░░░░░░░░░░░░   0%
                    · setup  Create the output…       │ setup · Create the output folder
                    ‖ build  Compile the sourc…       │ pending · local
                    · lint   Check the style          │ session -
                    ‖ docs   Write the docs     00:50 │ depends on nothing
                    ·┌─ Recovery: 2 tasks were left unfinished by an earlier run ─────────────────┐
                     │                                                                            │
                     │   TASK          SESSION                  EXISTS LAST ACTIVITY  CHOICE      │─
                     │   build · Comp… planexec-demo-…-1a2b3c4d yes    11-21 09:58:12 Start Fresh │
                     │ > docs · Write… planexec-demo-…-1a2b3c4d no     -              ?           │
                     │                                                                            │
                     │ [ r Resume ]  [ f Start Fresh ]  [ c Clean Up ]   selected task            │
                     │ [ R Resume all ]  [ F Start Fresh all ]  [ C Clean Up all ]                │
                     │                                                                            │
                     │ Nothing runs until every task has a choice.  ↑↓ select · q quit            │
                     └────────────────────────────────────────────────────────────────────────────┘
                                                      │
                                                      │
                                                      │
                                                      │
                                                      │
                                                      │
                     r f c this task  R F C all tasks  ↑↓ select  q quit  ? help
                    """);
            assertTrue(starter.calls.isEmpty(), "nothing runs until every orphan has a choice");
            assertTrue(tui.vt.getCharacter(4, 10).isReversed(), "docs, which has no choice yet, is selected");
        }
    }

    @Test
    void a_wide_terminal_shows_the_whole_session_id_and_title() {
        try (VirtualTui tui = VirtualTui.open(crashed, 120, 40)) {
            tui.begin(orphans, new TuiFixtures.RecordingStarter(dir));

            assertRegion(
                    tui.vt,
                    5,
                    16,
                    """
                    │   TASK                                      SESSION                      EXISTS LAST ACTIVITY  CHOICE      │
                    │ > build · Compile the sources               planexec-demo-build-1a2b3c4d yes    11-21 09:58:12 ?           │
                    │   docs · Write the docs                     planexec-demo-docs-1a2b3c4d  no     -              ?           │
                    """);
        }
    }

    @Test
    void r_then_c_choose_per_task_and_the_run_starts_with_those_choices() {
        TuiFixtures.RecordingStarter starter = new TuiFixtures.RecordingStarter(dir);
        try (VirtualTui tui = VirtualTui.open(crashed, 80, 24)) {
            tui.begin(orphans, starter);

            tui.type("r");
            assertTrue(line(tui.vt, 9).endsWith("Resume      │"), line(tui.vt, 9));
            assertTrue(starter.calls.isEmpty());

            tui.type("c");
            assertEquals(List.of(Map.of("build", RecoveryAction.RESUME, "docs", RecoveryAction.CLEAN)), starter.calls);
            assertDoesNotShow(tui.vt, "Recovery:");
            assertShows(tui.vt, "RUNNING");
            assertShows(tui.vt, "Tab batches");
        }
    }

    @Test
    void the_arrows_pick_the_task_a_letter_applies_to_and_a_choice_can_be_changed() {
        TuiFixtures.RecordingStarter starter = new TuiFixtures.RecordingStarter(dir);
        try (VirtualTui tui = VirtualTui.open(crashed, 80, 24)) {
            tui.begin(orphans, starter);

            tui.press(key(KeyType.ArrowDown)).type("f");
            assertTrue(line(tui.vt, 10).endsWith("Start Fresh │"), line(tui.vt, 10));
            assertTrue(line(tui.vt, 9).startsWith(" │ > build"), "the next task without a choice is selected");
            tui.press(key(KeyType.ArrowDown)).type("c"); // docs again: Clean Up instead
            assertTrue(line(tui.vt, 10).endsWith("Clean Up    │"), line(tui.vt, 10));
            assertTrue(starter.calls.isEmpty(), "build has no choice yet");

            tui.press(key(KeyType.ArrowUp)).type("r");
            assertEquals(List.of(Map.of("build", RecoveryAction.RESUME, "docs", RecoveryAction.CLEAN)), starter.calls);
        }
    }

    @Test
    void capital_r_f_c_choose_for_every_orphan_at_once() {
        Map<Character, RecoveryAction> keys =
                Map.of('R', RecoveryAction.RESUME, 'F', RecoveryAction.FRESH, 'C', RecoveryAction.CLEAN);
        for (Map.Entry<Character, RecoveryAction> k : keys.entrySet()) {
            TuiFixtures.RecordingStarter starter = new TuiFixtures.RecordingStarter(dir);
            try (VirtualTui tui = VirtualTui.open(crashed, 80, 24)) {
                tui.begin(orphans, starter);
                tui.type(String.valueOf(k.getKey()));
                assertEquals(
                        List.of(Map.of("build", k.getValue(), "docs", k.getValue())),
                        starter.calls,
                        "after " + k.getKey());
            }
        }
    }

    @Test
    void question_mark_lists_the_dialogs_keys_over_it() {
        try (VirtualTui tui = VirtualTui.open(crashed, 80, 24)) {
            tui.begin(orphans, new TuiFixtures.RecordingStarter(dir));
            tui.type("?");

            assertShows(tui.vt, "─ Keys (any key closes this) ─");
            // Drawn from the key table: every key of the dialog, with its help line.
            int width = KeyBindings.in(KeyBindings.Scope.DIALOG).stream()
                            .mapToInt(b -> b.label().length())
                            .max()
                            .orElseThrow()
                    + 2;
            for (KeyBindings.Binding b : KeyBindings.in(KeyBindings.Scope.DIALOG)) {
                assertShows(tui.vt, b.label() + " ".repeat(width - b.label().length()) + b.help());
            }
            tui.type("r"); // closes the help only
            assertTrue(line(tui.vt, 9).endsWith("?           │"), line(tui.vt, 9));
        }
    }

    @Test
    void q_leaves_without_running_or_changing_anything() {
        TuiFixtures.RecordingStarter starter = new TuiFixtures.RecordingStarter(dir);
        try (VirtualTui tui = VirtualTui.open(crashed, 80, 24)) {
            tui.begin(orphans, starter);
            tui.type("q");

            assertTrue(tui.app.done());
            assertNull(tui.app.outcome().summary());
            assertFalse(tui.app.outcome().forced());
            assertTrue(starter.calls.isEmpty());
        }
    }
}
