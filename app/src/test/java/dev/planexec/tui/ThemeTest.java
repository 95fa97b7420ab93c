package dev.planexec.tui;

import static dev.planexec.tui.TuiFixtures.demoInEveryState;
import static dev.planexec.tui.TuiFixtures.demoPlan;
import static dev.planexec.tui.TuiFixtures.everyState;
import static dev.planexec.tui.TuiFixtures.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.terminal.virtual.VirtualTerminal;
import dev.planexec.plan.Plan;
import dev.planexec.recovery.Orphan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Colours by meaning, and none at all under {@code NO_COLOR}. */
class ThemeTest {
    @TempDir
    Path dir;

    @Test
    void no_color_draws_every_cell_of_every_screen_in_the_terminals_default_colours() {
        Plan plan = demoPlan();
        Theme theme = Theme.fromEnvironment(Map.of("NO_COLOR", "1"));
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24, theme, Glyphs.UNICODE)) {
            tui.begin(List.of(), silent(dir));
            everyState(tui, plan);
            assertNoColour(tui.vt, "the execute screen");
            tui.type("?");
            assertNoColour(tui.vt, "the help overlay");
            tui.type(" q");
            assertNoColour(tui.vt, "the question before quitting");

            TextCharacter failed = tui.vt.getCharacter(0, 4);
            assertEquals("✘", failed.getCharacterString());
            assertTrue(failed.isBold(), "without colour a failed task stands out in bold");
        }
        try (VirtualTui tui = VirtualTui.open(plan, 80, 24, theme, Glyphs.UNICODE)) {
            tui.begin(
                    List.of(new Orphan(
                            plan.tasks().get(0).starting("planexec-demo-setup-1", "2026-11-21T09:00:00Z"),
                            "local",
                            true,
                            null)),
                    silent(dir));
            assertNoColour(tui.vt, "the recovery dialog");
        }
    }

    @Test
    void an_empty_no_color_is_not_set() {
        assertTrue(Theme.fromEnvironment(Map.of("NO_COLOR", "")).color());
        assertTrue(Theme.fromEnvironment(Map.of()).color());
        assertFalse(Theme.fromEnvironment(Map.of("NO_COLOR", "yes")).color());
    }

    @Test
    void with_colour_each_state_has_its_colour_and_the_failed_glyph_is_red() {
        try (VirtualTui tui = demoInEveryState(dir)) {
            tui.type("j"); // build selected, so lint's row is drawn plain

            assertGlyph(tui.vt, 2, "✔", TextColor.ANSI.GREEN_BRIGHT);
            assertGlyph(tui.vt, 3, "⠋", TextColor.ANSI.YELLOW_BRIGHT);
            assertGlyph(tui.vt, 4, "✘", TextColor.ANSI.RED_BRIGHT);
            assertGlyph(tui.vt, 5, "‖", TextColor.ANSI.MAGENTA_BRIGHT);
            assertEquals(
                    TextColor.ANSI.RED_BRIGHT,
                    tui.vt.getCharacter(1, 1).getForegroundColor(),
                    "a failed task turns the progress bar red");
        }
    }

    private static void assertGlyph(VirtualTerminal vt, int row, String glyph, TextColor colour) {
        TextCharacter c = vt.getCharacter(0, row);
        assertEquals(glyph, c.getCharacterString(), "glyph on row " + row);
        assertEquals(colour, c.getForegroundColor(), "colour of " + glyph);
    }

    private static void assertNoColour(VirtualTerminal vt, String what) {
        List<String> coloured = new ArrayList<>();
        for (int row = 0; row < vt.getTerminalSize().getRows(); row++) {
            for (int col = 0; col < vt.getTerminalSize().getColumns(); col++) {
                TextCharacter c = vt.getCharacter(col, row);
                if (c.getForegroundColor() != TextColor.ANSI.DEFAULT
                        || c.getBackgroundColor() != TextColor.ANSI.DEFAULT) {
                    coloured.add(col + "," + row + " '" + c.getCharacterString() + "' " + c.getForegroundColor() + "/"
                            + c.getBackgroundColor());
                }
            }
        }
        assertTrue(coloured.isEmpty(), what + " has coloured cells under NO_COLOR: " + coloured);
    }
}
