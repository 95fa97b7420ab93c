package dev.planexec.agent.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CliVersionTest {

    @Test
    void reads_the_version_the_cli_prints() {
        assertEquals(
                Optional.of(new CliVersion(1, 0, 50)),
                CliVersion.parse("GitHub Copilot CLI 1.0.50.\nRun 'copilot update' to check for updates.\n"));
        assertEquals(Optional.of(new CliVersion(1, 0, 102)), CliVersion.parse("1.0.102\n"));
        assertEquals(Optional.empty(), CliVersion.parse("command not found"));
    }

    @Test
    void versions_from_the_oldest_supported_on_run_and_those_past_the_newest_tested_say_so() {
        assertFalse(new CliVersion(1, 0, 39).supported());
        assertTrue(new CliVersion(1, 0, 50).supported());
        assertTrue(new CliVersion(1, 0, 102).supported());
        assertFalse(new CliVersion(1, 0, 102).untested());
        assertTrue(new CliVersion(1, 0, 103).untested());
        assertTrue(new CliVersion(1, 1, 0).supported());
        assertEquals(
                "untested Copilot CLI 1.1.0; tested up to 1.0.102", CliVersion.untestedNotice(new CliVersion(1, 1, 0)));
        assertTrue(
                CliVersion.tooOld(new CliVersion(1, 0, 39), "/x/copilot").contains("planexec agents install copilot"));
    }
}
