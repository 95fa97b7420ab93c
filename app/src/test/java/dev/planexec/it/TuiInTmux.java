package dev.planexec.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every end-to-end test of the full-screen UI in tmux shares: tmux required (missing fails the test, never skips
 * it), a temp folder with a fresh {@link TuiRunIT.Fixture} for each test, and whatever the test's runs left killed
 * after it, passed or not.
 */
abstract class TuiInTmux {
    static final Duration START = Duration.ofSeconds(30);
    static final Duration RUN = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    TuiRunIT.Fixture fixture;

    @BeforeAll
    static void tmuxIsInstalled() throws InterruptedException {
        TmuxSession.requireTmux();
    }

    @BeforeEach
    void newFixture() throws IOException {
        fixture = new TuiRunIT.Fixture(dir);
    }

    @AfterEach
    void noStepOutlivesTheTest() {
        if (fixture != null) { // its constructor failed
            fixture.killMarked();
        }
    }
}
