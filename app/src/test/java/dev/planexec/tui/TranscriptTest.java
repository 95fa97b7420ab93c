package dev.planexec.tui;

import static dev.planexec.tui.TuiFixtures.demoPlan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text the pager gets: the session's log or what the run saw, with no control sequence left live. */
class TranscriptTest {

    @Test
    void a_sessions_log_reaches_the_pager_without_control_sequences() {
        TaskView build = new TaskView(demoPlan().tasks().get(1), "local", 1);

        String dot = Glyphs.ASCII.dot();
        String text = Transcript.ofSession(
                build, List.of("$ make", "\033]0;owned\007done\033[2J", "[exit 0, 5 ms]"), Glyphs.ASCII);

        assertEquals(
                "build " + dot + " Compile the sources\npending " + dot
                        + " session -\n\n$ make\ndone\n[exit 0, 5 ms]\n",
                text);
        assertTrue(text.chars().noneMatch(c -> c == 0x1b || c == 0x07), text);
    }

    @Test
    void without_a_log_it_says_why_and_shows_what_this_run_saw() {
        TaskView build = new TaskView(demoPlan().tasks().get(1), "claude", 1);
        build.output.addLines("compiled\033[31m 3 files");

        String text = Transcript.of(build, Glyphs.ASCII, "no transcript for this agent; showing what this run saw");

        assertTrue(
                text.endsWith("\n\n[no transcript for this agent; showing what this run saw]\ncompiled 3 files\n"),
                text);
    }
}
