package dev.planexec.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ControlCharsTest {
    private static final String ESC = "\u001b";
    private static final String BEL = "\u0007";

    @Test
    void line_mode_shows_every_control_character_as_its_hex_code() {
        assertEquals("\\x1b]52;c;aGk=\\x07", ControlChars.visible(ESC + "]52;c;aGk=" + BEL), "OSC 52 clipboard write");
        assertEquals("\\x1b[2J\\x1b[H", ControlChars.visible(ESC + "[2J" + ESC + "[H"), "clear screen");
        assertEquals("\\x1b]0;title\\x07", ControlChars.visible(ESC + "]0;title" + BEL), "window title");
        assertEquals("ab\\x08c\\x7f", ControlChars.visible("ab\bc\u007f"), "backspace, DEL");
        assertEquals("\\x9b2J\\x9d0;t\\x9c", ControlChars.visible("\u009b2J\u009d0;t\u009c"), "C1 controls");
        assertEquals("\\x00\\x1f", ControlChars.visible("\u0000\u001f"));
    }

    @Test
    void newlines_and_tabs_keep_the_layout_and_a_carriage_return_only_at_a_line_end() {
        assertEquals("a\tb\nc", ControlChars.visible("a\tb\nc"));
        assertEquals("one\ntwo", ControlChars.visible("one\r\ntwo\r"), "CRLF is a line ending");
        assertEquals("50%\\x0d100%", ControlChars.visible("50%\r100%"), "a CR inside a line would print over it");
        assertEquals("a\\x0ab\\x09c", ControlChars.visibleInline("a\nb\tc"), "one-line values show them too");
    }

    @Test
    void plain_text_is_returned_as_it_is() {
        String s = "plain text, é → ✓";
        assertSame(s, ControlChars.visible(s));
        assertSame(s, ControlChars.strip(s));
        assertNull(ControlChars.visible(null));
    }

    @Test
    void the_full_screen_ui_drops_whole_sequences() {
        assertEquals("red", ControlChars.strip(ESC + "[31mred" + ESC + "[0m"));
        assertEquals("ab", ControlChars.strip("a" + ESC + "]0;title" + BEL + "b"), "OSC ended by BEL");
        assertEquals("ab", ControlChars.strip("a" + ESC + "]52;c;aGk=" + ESC + "\\b"), "OSC ended by ST");
        assertEquals("ab", ControlChars.strip("a" + ESC + "P1$r" + ESC + "\\b"), "DCS");
        assertEquals("ab", ControlChars.strip("a" + ESC + "(Bb"), "charset designation");
        assertEquals("ab", ControlChars.strip("a\u009b2Jb"), "8-bit CSI");
        assertEquals("abc", ControlChars.strip("a\nb\tc\u0007"), "lone controls");
        assertEquals("a", ControlChars.strip("a" + ESC + "]0;never ended"), "an unended string is dropped");
    }
}
