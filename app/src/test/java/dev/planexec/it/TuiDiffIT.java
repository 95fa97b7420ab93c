package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.GitRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task details of a task that ran in its own worktree, in tmux: its worktree, branch and diff stat are shown,
 * and {@code d}
 * hands the terminal to {@code $PAGER} (a stand-in that records what it got) with the task's diff, and the UI comes
 * back after.
 */
class TuiDiffIT {
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TuiRunIT.Fixture fixture;

    @BeforeAll
    static void tmuxIsInstalled() throws InterruptedException {
        TmuxSession.requireTmux();
    }

    @AfterEach
    void noStepOutlivesTheTest() {
        if (fixture != null) {
            fixture.killMarked();
        }
    }

    @Test
    void d_shows_the_tasks_diff_in_the_pager_and_the_ui_comes_back() throws Exception {
        fixture = new TuiRunIT.Fixture(dir);
        GitRepo repo = GitRepo.init(dir);
        repo.write("README.md", "hi\n").commitAll("first");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path got = dir.resolve("pager-got");
        Files.writeString(bin.resolve("pager"), "#!/bin/sh\ncat > '" + got + "'\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(bin.resolve("pager"), PosixFilePermissions.fromString("rwx------"));
        fixture.writePlan(
                "diffed",
                """
                    { "id": "greet", "title": "Writes a greeting", "dependsOn": [], "isolation": "worktree",
                      "steps": [ "echo hello from the worktree > greeting.txt" ], "status": "pending" }
                """);
        String command = "PAGER='" + bin.resolve("pager") + "' " + fixture.launch("plan.json --no-notify");

        try (TmuxSession tmux = TmuxSession.start(dir, command, 160, 40)) {
            tmux.awaitText("FINISHED: all done", START);
            tmux.awaitScreen(
                    s -> s.contains(
                            "FINISHED: all done  landed on planexec/diffed: 1 task, 1 file, +1 -0; take it with:"),
                    START,
                    "what landed and how to take it, once the run is over");
            tmux.send("/", "greet", "Enter");
            tmux.awaitScreen(
                    s -> s.contains("branch planexec-task/diffed/greet · d diff"),
                    START,
                    "the task's branch in its details");
            tmux.awaitScreen(
                    s -> s.contains("changes 1 file, +1 -0 since its worktree started"),
                    START,
                    "the task's diff stat in its details");
            tmux.send("d");
            TuiRunIT.Fixture.await(
                    () -> read(got).contains("hello from the worktree"), START, "the pager to get the diff");
            String diff = read(got);
            assertTrue(diff.contains("greeting.txt"), diff);
            tmux.awaitScreen(s -> s.contains("FINISHED: all done"), START, "the UI back after the pager");
            assertEquals("1", tmux.display("#{alternate_on}"));
            tmux.send("q");
            assertEquals(0, tmux.awaitExit(START));
        }
        assertEquals("hello from the worktree", repo.git("show", "planexec/diffed:greeting.txt"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
