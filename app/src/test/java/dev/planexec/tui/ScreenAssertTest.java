package dev.planexec.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The screen assertion itself: what it compares, and how a mismatch reads. */
class ScreenAssertTest {
    @Test
    void reads_the_visible_screen_as_lines_without_trailing_spaces() {
        DefaultVirtualTerminal vt = terminal("hello", "  ✔ done");
        assertEquals(List.of("hello", "  ✔ done", ""), ScreenAssert.lines(vt));
        ScreenAssert.assertScreen(vt, "hello\n  ✔ done\n"); // blank rows at the bottom may be left out
        ScreenAssert.assertRegion(vt, 2, 1, "✔ do");
        assertEquals(1, ScreenAssert.rowOf(vt, "done"));
    }

    @Test
    void a_mismatch_shows_expected_and_actual_side_by_side_with_the_differing_rows_marked() {
        DefaultVirtualTerminal vt = terminal("hello", "world");
        AssertionFailedError e =
                assertThrows(AssertionFailedError.class, () -> ScreenAssert.assertScreen(vt, "hello\nthere\n"));
        assertEquals(
                """
                the screen differs from the expected one
                    expected | actual
                    hello    | hello
                ≠   there    | world
                             |""",
                e.getMessage().lines().map(String::stripTrailing).collect(Collectors.joining("\n")));
        assertTrue(e.isExpectedDefined() && e.isActualDefined(), "IDEs can show a diff too");
    }

    private static DefaultVirtualTerminal terminal(String... lines) {
        DefaultVirtualTerminal vt = new DefaultVirtualTerminal(new TerminalSize(10, 3));
        for (int i = 0; i < lines.length; i++) {
            vt.setCursorPosition(0, i);
            vt.putString(lines[i]);
        }
        return vt;
    }
}
