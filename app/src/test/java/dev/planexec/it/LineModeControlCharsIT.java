package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Line mode never hands the terminal a control sequence from outside: a step's output (in a failed task's last lines)
 * and ids in error messages are printed with their control characters shown as {@code \xHH}. Checked on the raw bytes
 * planexec wrote to stdout and stderr.
 */
class LineModeControlCharsIT {
    /** Clipboard write (OSC 52), clear screen (CSI 2 J), window title (OSC 0), as a step prints them with printf. */
    private static final String NASTY = "\\033]52;c;cm0gLXJmIH4=\\007\\033[2J\\033]0;owned\\007";

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void escape_sequences_from_a_step_on_stdout_and_stderr_reach_the_output_only_made_visible() throws Exception {
        // Lines alternate between stdout and stderr, so the last lines also show they keep the order they were printed.
        String step = "printf 'out1 " + NASTY + "\\n'; printf 'err2 " + NASTY + "\\n' >&2; echo out3; echo err4 >&2;"
                + " printf 'bell\\007 back\\010 cr\\rdel\\177\\n' >&2; exit 1";
        Path plan = new ItPlan("nasty", sandbox.marker())
                .task("loud", List.of(), step)
                .writeTo(sandbox.work().resolve("plan.json"));

        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain");
        assertEquals(1, run.awaitExit(Duration.ofSeconds(60)), run::describe);

        assertNoControlBytes(run.stdoutBytes(), "stdout", run);
        assertNoControlBytes(run.stderrBytes(), "stderr", run);
        List<String> lastLines = new ArrayList<>();
        for (String line : run.stdoutLines()) {
            if (line.startsWith("          ") && !line.contains("last output:")) {
                lastLines.add(line.strip());
            }
        }
        String shown = "\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J\\x1b]0;owned\\x07";
        assertEquals(
                List.of("out1 " + shown, "err2 " + shown, "out3", "err4", "bell\\x07 back\\x08 cr\\x0ddel\\x7f"),
                lastLines,
                run::describe);
        assertTrue(
                Files.readString(plan).contains("\\u001B]52;c;")
                        || Files.readString(plan).contains("\\u001b]52;c;"),
                "the plan's error keeps the real output; only the terminal is protected");
    }

    @Test
    void an_id_with_escape_sequences_in_an_error_message_is_shown_not_obeyed() throws Exception {
        String id = "\u001b]0;owned\u0007\u001b[2J";
        String json = "{\"id\": \"ids\", \"agent\": \"local\", \"tasks\": [{\"id\": \"a\", \"title\": \"A\","
                + " \"dependsOn\": [\"" + id.replace("\u001b", "\\u001b").replace("\u0007", "\\u0007")
                + "\"], \"steps\": [\"true\"], \"status\": \"pending\"}]}";
        Path plan = Files.write(sandbox.work().resolve("plan.json"), json.getBytes(StandardCharsets.UTF_8));

        PlanexecProcess run = sandbox.start("run", plan.toString(), "--plain");
        assertEquals(2, run.awaitExit(Duration.ofSeconds(30)), run::describe);

        assertNoControlBytes(run.stdoutBytes(), "stdout", run);
        assertNoControlBytes(run.stderrBytes(), "stderr", run);
        assertTrue(run.stderr().contains("\\x1b]0;owned\\x07\\x1b[2J"), run::describe);
    }

    /** No ESC, BEL or other control byte but newline; no C1 control (UTF-8 {@code C2 80} to {@code C2 9F}). */
    static void assertNoControlBytes(byte[] bytes, String stream, PlanexecProcess run) {
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean c0 = b < 0x20 && b != '\n';
            boolean c1 =
                    b == 0xc2 && i + 1 < bytes.length && (bytes[i + 1] & 0xff) >= 0x80 && (bytes[i + 1] & 0xff) <= 0x9f;
            if (c0 || b == 0x7f || c1) {
                throw new AssertionError(
                        String.format("%s has the control byte 0x%02x at offset %d\n%s", stream, b, i, run.describe()));
            }
        }
    }
}
