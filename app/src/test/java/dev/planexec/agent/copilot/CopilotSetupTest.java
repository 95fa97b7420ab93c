package dev.planexec.agent.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
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
 * A Copilot setup that cannot work is named before anything runs, in one line saying what to do, and fails only the
 * tasks that need Copilot, each with that line; other agents' tasks run. (The cases that need the real CLI to find
 * out are in {@code CopilotFailuresIT}.)
 */
class CopilotSetupTest {
    private static final String INSTALL = "planexec agents install copilot";

    @TempDir
    Path tmp;

    private Path plan;

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
    }

    private CommandRunner planexec() {
        return new CommandRunner(tmp.resolve("home"))
                .withEnv("PATH", tmp.resolve("empty-bin").toString());
    }

    @Test
    void no_cli_found_says_how_to_install_the_version_that_works() throws Exception {
        assertRefused(
                planexec(),
                "no Copilot CLI found (none installed by planexec, no 'copilot' on PATH, and PLANEXEC_COPILOT_CLI is "
                        + "not set): run '" + INSTALL + "' (tested: 1.0.50 to 1.0.102), or set PLANEXEC_COPILOT_CLI "
                        + "to the CLI's path");
    }

    @Test
    void validate_names_an_agent_that_is_not_ready_and_still_calls_the_plan_valid() throws Exception {
        CommandRunner.Result r = planexec().run("validate", plan.toString());

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(
                List.of(
                        plan + ": valid, 1 tasks (0 done, 1 pending)",
                        "notice: copilot agent not ready, its tasks would fail: no Copilot CLI: run '" + INSTALL + "'"),
                r.outLines());
    }

    @Test
    void in_a_mixed_plan_the_local_task_runs_and_only_the_copilot_task_fails() throws Exception {
        Path mixed = Plans.write(
                tmp,
                "mixed.json",
                Plans.lines(
                        "{",
                        "  \"id\": \"mixed\",",
                        "  \"name\": \"Mixed\",",
                        "  \"tasks\": [",
                        "    { \"id\": \"build\", \"title\": \"Build\", \"agent\": \"local\",",
                        "      \"steps\": [ { \"run\": \"echo built > built.txt\" } ], \"status\": \"pending\" },",
                        "    { \"id\": \"ask\", \"title\": \"Ask\", \"agent\": \"copilot\", \"description\": \"Do it\",",
                        "      \"status\": \"pending\" }",
                        "  ]",
                        "}"));
        String why = "no Copilot CLI found (none installed by planexec, no 'copilot' on PATH, and PLANEXEC_COPILOT_CLI "
                + "is not set): run '" + INSTALL + "' (tested: 1.0.50 to 1.0.102), or set PLANEXEC_COPILOT_CLI to the "
                + "CLI's path";

        CommandRunner.Result r = planexec().withEnv("PATH", "/usr/bin:/bin").run("run", mixed.toString());

        assertEquals(1, r.exitCode(), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
        assertTrue(r.out().contains("copilot agent not ready, its tasks will fail: " + why), r::toString);
        assertEquals(TaskStatus.DONE, Plans.task(mixed, "build").status(), r::toString);
        assertEquals("built\n", Files.readString(tmp.resolve("built.txt")));
        assertEquals(TaskStatus.FAILED, Plans.task(mixed, "ask").status(), r::toString);
        assertEquals(why, Plans.task(mixed, "ask").error());
    }

    @Test
    void a_configured_cli_that_is_not_there_is_named() throws Exception {
        Path missing = tmp.resolve("nowhere/copilot");
        assertRefused(
                planexec().withEnv("PLANEXEC_COPILOT_CLI", missing.toString()),
                "PLANEXEC_COPILOT_CLI=" + missing + " is not an executable file; point it at the copilot CLI, or "
                        + "unset it and run '" + INSTALL + "'");
    }

    @Test
    void a_cli_older_than_the_oldest_supported_is_refused_naming_what_to_run() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path cli = bin.resolve("copilot");
        Files.writeString(cli, "#!/bin/sh\necho 'GitHub Copilot CLI 1.0.39.'\necho \"Run 'copilot update'.\"\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));

        assertRefused(
                planexec().withEnv("PATH", bin.toString()),
                "Copilot CLI 1.0.39 (" + cli + ") is older than planexec supports (tested: 1.0.50 to 1.0.102): run '"
                        + INSTALL + "', which leaves your own install alone, or update it");
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

    /** Named at the start of the run, and the task fails with the same line; no session was made. */
    private void assertRefused(CommandRunner runner, String message) throws Exception {
        CommandRunner.Result r = runner.run("run", plan.toString());

        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(List.of(), r.errLines(), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
        assertTrue(r.out().contains("copilot agent not ready, its tasks will fail: " + message), r::toString);
        Task task = Plans.task(plan, "ask");
        assertEquals(TaskStatus.FAILED, task.status(), r::toString);
        assertEquals(message, task.error());
    }
}
