package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Programs the UI hands the terminal to, in tmux: {@code o} opens a task's session in its agent's own CLI (a
 * stand-in {@code claude} first on the PATH that records its arguments and folder), {@code v} shows the task's
 * output in {@code $PAGER} (a stand-in that records what it got); each time the UI is back and drawn whole after.
 */
class TuiOpenIT extends TuiInTmux {
    @Test
    void o_runs_the_agents_cli_on_the_session_and_v_the_pager_on_the_output_and_the_ui_comes_back() throws Exception {
        java.util.Set<Path> before = transcripts();
        Path work = Files.createDirectories(dir.resolve("work"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("claude"), "printf '%s\\n' \"$@\" \"$PWD\" > '" + dir.resolve("claude-got") + "'");
        // The file is the last argument; what $PAGER holds before it ("--flag") comes first.
        script(
                bin.resolve("pager"),
                "for a in \"$@\"; do f=\"$a\"; done; { echo \"args: $*\"; cat \"$f\"; } > '" + dir.resolve("pager-got")
                        + "'");
        fixture.writePlan(
                "open",
                """
                    { "id": "reviewed", "title": "Reviewed by Claude", "agent": "claude", "dependsOn": [], "steps": [],
                      "status": "done", "sessionId": "11111111-2222-3333-4444-555555555555",
                      "sessionContext": { "cwd": "%s" } },
                    { "id": "local-one", "title": "Says hello", "dependsOn": [],
                      "steps": [ "echo hello from the step" ], "status": "pending" }
                """
                        .formatted(work));
        String command = "PATH='" + bin + "':\"$PATH\" PAGER='" + bin.resolve("pager") + " --flag' "
                + fixture.launch("plan.json --no-notify");

        try (TmuxSession tmux = TmuxSession.start(dir, command, 120, 40)) {
            tmux.awaitText("FINISHED: all done", START);

            tmux.send("/", "local-one", "Enter");
            tmux.awaitScreen(s -> s.contains("│ local-one · Says hello"), START, "local-one selected");
            tmux.send("v");
            // The stand-in writes as it reads: wait for the whole transcript (its last line).
            TuiRunIT.Fixture.await(
                    () -> read(dir.resolve("pager-got")).contains("== turn completed"),
                    START,
                    "the pager to get the session's transcript");
            String paged = Files.readString(dir.resolve("pager-got"));
            assertTrue(paged.startsWith("args: --flag /"), paged);
            assertTrue(paged.contains("local-one · Says hello"), paged);
            // The session's own log, as the local agent stored it: the step's command, its output, its exit code.
            assertTrue(paged.contains("\n== session planexec-"), "the session log, not the screen's lines:\n" + paged);
            assertTrue(paged.contains("\n$ echo hello from the step\n  hello from the step\n[exit 0, "), paged);
            String back = tmux.awaitScreen(
                    s -> s.contains("FINISHED: all done") && s.contains("│ local-one · Says hello"),
                    START,
                    "the UI back after the pager");
            assertEquals("1", tmux.display("#{alternate_on}"), back);

            tmux.send("Escape", "/", "reviewed", "Enter");
            tmux.awaitScreen(
                    s -> s.contains("│ reviewed · Reviewed by Claude") && s.contains(" o open "),
                    START,
                    "the claude task selected, o offered");
            // Claude's log is not one planexec reads: the pager says so and shows what this run saw.
            Files.delete(dir.resolve("pager-got"));
            tmux.send("v");
            TuiRunIT.Fixture.await(
                    () -> read(dir.resolve("pager-got")).contains("showing what this run saw"),
                    START,
                    "the pager to get the fallback");
            assertTrue(
                    read(dir.resolve("pager-got"))
                            .contains("[no transcript for this agent; showing what this run saw]"),
                    read(dir.resolve("pager-got")));
            tmux.awaitScreen(
                    s -> s.contains("FINISHED: all done") && s.contains("│ reviewed · Reviewed by Claude"),
                    START,
                    "the UI back after the second pager");
            tmux.send("o");
            TuiRunIT.Fixture.await(
                    () -> read(dir.resolve("claude-got")).contains(work.toString()), START, "the CLI to run");
            List<String> got = Files.readAllLines(dir.resolve("claude-got"));
            assertEquals(List.of("--resume", "11111111-2222-3333-4444-555555555555", work.toString()), got);
            tmux.awaitScreen(
                    s -> s.contains("FINISHED: all done") && s.contains("│ reviewed · Reviewed by Claude"),
                    START,
                    "the UI back and drawn after the CLI");
            assertEquals("1", tmux.display("#{alternate_on}"));

            tmux.send("q");
            assertEquals(0, tmux.awaitExit(START));
        }
        assertEquals(before, transcripts(), "the transcript file is deleted after the pager");
    }

    /** The transcript files in the temp folder now. */
    private static java.util.Set<Path> transcripts() throws java.io.IOException {
        try (var temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return temp.filter(p -> p.getFileName().toString().startsWith("planexec-transcript-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static void script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
