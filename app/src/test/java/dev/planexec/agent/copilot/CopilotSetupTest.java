package dev.planexec.agent.copilot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Copilot setup that cannot work is refused before anything runs: exit code 2 and one line saying what to do.
 * (The cases that need the real CLI to find out are in {@code CopilotFailuresIT}.)
 */
class CopilotSetupTest {
    private static final String INSTALL = "npm install -g @github/copilot@1.0.50";

    @TempDir
    Path tmp;

    private Path plan;
    private byte[] before;

    @BeforeEach
    void promptPlan() throws Exception {
        plan = Plans.write(
                tmp,
                "prompts.json",
                Plans.lines(
                        "{",
                        "  \"id\": \"prompts\",",
                        "  \"name\": \"Prompts only\",",
                        "  \"tasks\": [",
                        "    { \"id\": \"ask\", \"title\": \"Ask\", \"description\": \"Do it\", \"status\": \"pending\" }",
                        "  ]",
                        "}"));
        before = Files.readAllBytes(plan);
    }

    private CommandRunner planexec() {
        return new CommandRunner(tmp.resolve("home"))
                .withEnv("PATH", tmp.resolve("empty-bin").toString());
    }

    @Test
    void no_cli_found_says_how_to_install_the_version_that_works() throws Exception {
        assertRefused(
                planexec(),
                "no Copilot CLI found (no 'copilot' on PATH and PLANEXEC_COPILOT_CLI is not set); install it with '"
                        + INSTALL + "' (planexec works with CLI 1.0.50 and older), or set PLANEXEC_COPILOT_CLI to the "
                        + "CLI's path");
    }

    @Test
    void a_configured_cli_that_is_not_there_is_named() throws Exception {
        Path missing = tmp.resolve("nowhere/copilot");
        assertRefused(
                planexec().withEnv("PLANEXEC_COPILOT_CLI", missing.toString()),
                "PLANEXEC_COPILOT_CLI=" + missing + " names no file; install the Copilot CLI with '" + INSTALL
                        + "' and point PLANEXEC_COPILOT_CLI at it, or unset it");
    }

    @Test
    void a_cli_too_new_for_the_sdk_is_refused_naming_the_version_to_install() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path cli = bin.resolve("copilot");
        Files.writeString(cli, "#!/bin/sh\necho 'GitHub Copilot CLI 1.0.102.'\necho \"Run 'copilot update'.\"\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));

        assertRefused(
                planexec().withEnv("PATH", bin.toString()),
                "Copilot CLI 1.0.102 (" + cli + ") does not work with planexec: CLI 1.0.52 and newer changed the "
                        + "protocol that planexec's Copilot SDK speaks, which works with CLI 1.0.50 and older; install "
                        + "1.0.50 with '" + INSTALL + "', or set PLANEXEC_COPILOT_CLI to a 1.0.50 binary");
    }

    @Test
    void a_bad_inactivity_timeout_is_named() throws Exception {
        assertRefused(
                planexec().withEnv("PLANEXEC_INACTIVITY_TIMEOUT", "soon"),
                "PLANEXEC_INACTIVITY_TIMEOUT must be a whole number of seconds, 1 or more, not \"soon\"");
    }

    @Test
    void a_provider_address_with_a_password_is_never_shown_whole() throws Exception {
        assertRefused(
                planexec().withEnv("COPILOT_PROVIDER_BASE_URL", "ftp://user:hunter2secret@example.org/v1"),
                "COPILOT_PROVIDER_BASE_URL is not an http(s) address: \"ftp://example.org/v1\" (e.g. "
                        + "http://localhost:11434/v1 for Ollama)");
    }

    private void assertRefused(CommandRunner runner, String message) throws Exception {
        CommandRunner.Result r = runner.run("run", plan.toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(List.of("planexec: " + message), r.errLines(), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
        assertArrayEquals(before, Files.readAllBytes(plan), "nothing ran");
    }
}
