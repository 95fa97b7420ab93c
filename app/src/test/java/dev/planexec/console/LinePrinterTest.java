package dev.planexec.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.Step;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.recovery.Orphan;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunSummary;
import dev.planexec.testing.Tasks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinePrinterTest {
    private final StringWriter out = new StringWriter();
    private final LinePrinter printer = new LinePrinter(new PrintWriter(out), "->", 6);
    private final Task pending = Tasks.of("build", "Build", List.of(), List.of(Step.of("make")));

    @Test
    void a_state_change_is_one_line_with_time_task_old_and_new_status_and_session() {
        Task started = pending.starting("planexec-p-build-00000001", "2026-01-01T00:00:00.000Z");

        printer.onEvent(new RunEvent.StateChanged(pending, started));

        String line = out.toString();
        assertTrue(
                line.matches("\\d\\d:\\d\\d:\\d\\d  build   pending     -> in_progress  planexec-p-build-00000001\\n"),
                line);
    }

    @Test
    void a_failed_task_shows_its_error_lines_indented() {
        Task started = pending.starting("planexec-p-build-00000001", "t");
        Task failed = started.finished(
                TaskStatus.FAILED, null, "step 1/1 (make) exited with code 2; last output:\nno rule", "t");

        printer.onEvent(new RunEvent.StateChanged(started, failed));

        List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), out::toString);
        assertTrue(lines.get(0).contains("in_progress -> failed"), lines.get(0));
        assertEquals("          step 1/1 (make) exited with code 2; last output:", lines.get(1));
        assertEquals("          no rule", lines.get(2));
    }

    @Test
    void control_characters_from_a_step_ids_and_notices_are_shown_not_obeyed() {
        Task started = pending.starting("planexec-p-build-\u001b[2J", "t");
        Task failed = started.finished(
                TaskStatus.FAILED,
                null,
                "step 1/1 exited with code 1; last output:\n\u001b]52;c;aGk=\u0007\r\n50%\r100%\u001b]0;t\u0007",
                "t");

        printer.onEvent(new RunEvent.StateChanged(started, failed));
        printer.onEvent(new RunEvent.Notice("b\u001bc", "agent said \u001b[H\u0008\nsecond line"));
        printer.note("note \u009b2J");

        String text = out.toString();
        assertTrue(text.chars().noneMatch(c -> c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f), text);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).endsWith("planexec-p-build-\\x1b[2J"), lines.get(0));
        assertEquals("          \\x1b]52;c;aGk=\\x07", lines.get(2), "CRLF is a line end");
        assertEquals("          50%\\x0d100%\\x1b]0;t\\x07", lines.get(3));
        assertTrue(lines.get(4).endsWith("b\\x1bc  agent said \\x1b[H\\x08"), lines.get(4));
        assertEquals("          second line", lines.get(5));
        assertTrue(lines.get(6).endsWith("  note \\x9b2J"), lines.get(6));
    }

    @Test
    void the_summary_counts_tasks_and_time() {
        RunSummary summary =
                new RunSummary(RunSummary.Outcome.INCOMPLETE, 5, 3, 1, 0, 1, Duration.ofMillis(1500), null);

        assertEquals(
                "not all tasks done: 3/5 done, 1 failed, 0 interrupted, 1 pending, 1.5s", LinePrinter.summary(summary));
        assertEquals("2m05s", LinePrinter.elapsed(Duration.ofSeconds(125)));
    }

    @Test
    void the_summary_gives_the_plans_tokens_and_cost_when_known() {
        RunSummary summary = new RunSummary(
                RunSummary.Outcome.COMPLETED,
                2,
                2,
                0,
                0,
                0,
                Duration.ofMillis(1500),
                null,
                new dev.planexec.plan.Usage(12_345, 678, 9_000, 0.0421));

        assertEquals(
                "all tasks done: 2/2 done, 0 failed, 0 interrupted, 0 pending, 1.5s; tokens 12.3k in, 678 out, "
                        + "9.0k cached, $0.0421",
                LinePrinter.summary(summary));
    }

    @Test
    void the_orphan_table_says_whether_each_session_still_exists() {
        Task a = pending.starting("planexec-p-build-00000001", "t");

        String table = OrphanPrompt.describe(List.of(new Orphan(a, "local", false, null)));

        assertEquals(
                "1 task was left unfinished by an earlier run:\n"
                        + "  build  in_progress  planexec-p-build-00000001  session gone",
                table);
    }
}
