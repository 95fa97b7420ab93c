package dev.planexec.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Fitting text into cells. */
class TextTest {
    @Test
    void fit_pads_or_cuts_to_exactly_the_width() {
        assertEquals("abc  ", Text.fit("abc", 5));
        assertEquals("abcd…", Text.fit("abcdefgh", 5));
        assertEquals("a b", Text.fit("a\tb", 3));
        assertEquals("red ", Text.fit("\u001b[31mred\u001b[0m", 4), "escape sequences cannot move the cursor");
    }

    @Test
    void a_cut_session_id_keeps_its_end() {
        assertEquals(
                "planexec-demo-fetch-content-1a2b3c4d", Text.fitKeepingEnd("planexec-demo-fetch-content-1a2b3c4d", 36));
        assertEquals("planexec-demo-…-1a2b3c4d", Text.fitKeepingEnd("planexec-demo-fetch-content-1a2b3c4d", 24));
        assertEquals(
                24,
                Text.fitKeepingEnd("planexec-demo-fetch-content-1a2b3c4d", 24).length());
        assertEquals("ab  ", Text.fitKeepingEnd("ab", 4));
    }

    @Test
    void task_times_fit_the_list_column_however_long() {
        assertEquals("00:00", Text.shortDuration(Duration.ZERO));
        assertEquals("59:59", Text.shortDuration(Duration.ofSeconds(3599)));
        assertEquals("1h44m", Text.shortDuration(Duration.ofSeconds(6254)));
        assertEquals("12h05m", Text.shortDuration(Duration.ofMinutes(725)));
        assertEquals("", Text.shortDuration(null));
        assertEquals("1:44:14", Text.duration(Duration.ofSeconds(6254)), "the header has room for seconds");
    }
}
