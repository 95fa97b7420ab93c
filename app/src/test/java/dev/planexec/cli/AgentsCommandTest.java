package dev.planexec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.testing.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code planexec agents}: a row for every agent of the registry, saying what to do when it is not ready. (With the
 * real Copilot CLI, signed out and ready: {@code AgentsCommandIT}.)
 */
class AgentsCommandTest {
    @TempDir
    Path tmp;

    private CommandRunner planexec(Path bin) {
        return new CommandRunner(tmp.resolve("state"))
                .withEnv("PATH", bin.toString())
                .withEnv("HOME", tmp.resolve("home").toString());
    }

    @Test
    void with_no_cli_anywhere_every_agent_but_local_says_how_to_get_its_cli() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty-bin"));

        CommandRunner.Result r = planexec(empty).run("agents", "--json");

        assertEquals(0, r.exitCode(), r::toString);
        Map<String, JsonNode> rows = rows(r.out());
        assertEquals(new ArrayList<>(AgentRegistry.load().names()), new ArrayList<>(rows.keySet()), "every agent");
        assertTrue(rows.get("local").path("ready").asBoolean());
        for (String agent : List.of("claude", "codex", "gemini", "pi")) {
            JsonNode row = rows.get(agent);
            assertFalse(row.path("ready").asBoolean(), agent);
            assertTrue(row.path("cli").isNull(), agent);
            assertEquals(
                    "no " + agent + " CLI: run 'planexec agents install " + agent + "'",
                    row.path("detail").asText());
        }
        assertEquals("1.0.50 to 1.0.102", rows.get("copilot").path("tested").asText());
        assertEquals(
                "no Copilot CLI: run 'planexec agents install copilot'",
                rows.get("copilot").path("detail").asText());
        assertFalse(rows.get("cursor").path("ready").asBoolean());

        CommandRunner.Result table = planexec(empty).run("agents");
        assertEquals(0, table.exitCode(), table::toString);
        assertEquals(AgentRegistry.load().names().size() + 1, table.outLines().size(), table::toString);
        assertTrue(
                table.outLines().stream()
                        .anyMatch(l -> l.matches("claude +no +- +2\\.1\\.329 +no claude CLI: run 'planexec agents "
                                + "install claude'")),
                table::toString);
    }

    @Test
    void a_cli_without_a_login_says_how_to_sign_in_and_one_with_a_key_is_ready() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path claude = bin.resolve("claude");
        Files.writeString(claude, "#!/bin/sh\necho '2.1.329 (Claude Code)'\n");
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));

        JsonNode signedOut = rows(planexec(bin).run("agents", "--json").out()).get("claude");
        JsonNode withKey = rows(planexec(bin)
                        .withEnv("ANTHROPIC_API_KEY", "sk-test")
                        .run("agents", "--json")
                        .out())
                .get("claude");

        assertFalse(signedOut.path("ready").asBoolean());
        assertEquals(claude.toString(), signedOut.path("cli").asText());
        assertEquals("PATH", signedOut.path("foundBy").asText());
        assertEquals("2.1.329", signedOut.path("version").asText());
        assertEquals(
                "not signed in: run 'claude' once and sign in with /login, or set ANTHROPIC_API_KEY",
                signedOut.path("detail").asText());
        assertTrue(withKey.path("ready").asBoolean());
        assertEquals("ANTHROPIC_API_KEY set", withKey.path("detail").asText());
        assertFalse(withKey.toString().contains("sk-test"), "the key is never shown");
    }

    @Test
    void a_cli_planexec_installed_comes_before_path_and_the_variable_before_both() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path onPath = script(bin.resolve("codex"), "0.100.0");
        Path installed = script(
                Files.createDirectories(tmp.resolve("state/agents/codex-0.169.0/node_modules/.bin"))
                        .resolve("codex"),
                "0.169.0");
        Path configured = script(tmp.resolve("my-codex"), "0.170.0");

        JsonNode found = rows(planexec(bin).run("agents", "--json").out()).get("codex");
        JsonNode chosen = rows(planexec(bin)
                        .withEnv("PLANEXEC_CODEX_CLI", configured.toString())
                        .run("agents", "--json")
                        .out())
                .get("codex");

        assertEquals(installed.toString(), found.path("cli").asText());
        assertEquals("installed by planexec", found.path("foundBy").asText());
        assertEquals("0.169.0", found.path("version").asText());
        assertEquals(configured.toString(), chosen.path("cli").asText());
        assertEquals("PLANEXEC_CODEX_CLI", chosen.path("foundBy").asText());
        assertTrue(Files.exists(onPath));
    }

    @Test
    void install_refuses_an_agent_npm_does_not_carry_and_a_version_that_is_not_one() {
        Path empty = tmp.resolve("empty-bin");

        CommandRunner.Result cursor = planexec(empty).run("agents", "install", "cursor");
        CommandRunner.Result bogus = planexec(empty).run("agents", "install", "claude", "--version", "1.0; rm -rf /");

        assertEquals(2, cursor.exitCode(), cursor::toString);
        assertEquals(
                List.of("planexec: agents install: planexec cannot install the cursor agent's CLI; see 'planexec "
                        + "agents' for what it needs"),
                cursor.errLines());
        assertEquals(2, bogus.exitCode(), bogus::toString);
        assertEquals(
                List.of("planexec: --version: \"1.0; rm -rf /\" is not a version (e.g. 2.1.329)"), bogus.errLines());
    }

    private static Path script(Path file, String version) throws Exception {
        Files.writeString(file, "#!/bin/sh\necho '" + version + "'\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static Map<String, JsonNode> rows(String json) throws Exception {
        Map<String, JsonNode> rows = new java.util.LinkedHashMap<>();
        for (JsonNode row : new ObjectMapper().readTree(json)) {
            rows.put(row.path("agent").asText(), row);
        }
        return rows;
    }
}
