package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real Codex and Gemini CLIs (installed from npm by {@code .ci/run}), driven by the packaged planexec and pointed
 * at a fake model on 127.0.0.1 (the Responses API through a Codex {@code model_providers} entry; the Gemini API
 * through {@code GOOGLE_GEMINI_BASE_URL}): a task starts, planexec is killed with {@code kill -9} while the model is
 * still answering, and the next run resumes the task in the same session, with the earlier conversation sent to the
 * model. Each CLI's home is a folder of the test's, its update checks and usage reporting off. In CI
 * ({@code CI=true}) a missing CLI fails the test; elsewhere the test is skipped with how to install it.
 */
class CliRealCodexGeminiIT {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void codex_task_killed_with_kill_9_resumes_in_the_same_session_with_its_conversation() throws IOException {
        Path cli = RealCli.find("PLANEXEC_TEST_CODEX_CLI", "codex", "npm install -g @openai/codex@0.169.0");
        try (CliFakeModel model = CliFakeModel.start()) {
            Path codexHome = Files.createDirectories(sandbox.root().resolve("codex-home"));
            Files.writeString(
                    codexHome.resolve("config.toml"),
                    String.join(
                            "\n",
                            "model = \"fake-model\"",
                            "model_provider = \"fake\"",
                            "check_for_update_on_startup = false",
                            "",
                            "[model_providers.fake]",
                            "name = \"fake\"",
                            "base_url = \"" + model.baseUrl() + "/v1\"",
                            "wire_api = \"responses\"",
                            "env_key = \"PLANEXEC_FAKE_MODEL_KEY\"",
                            "",
                            "[analytics]",
                            "enabled = false",
                            "",
                            "[feedback]",
                            "enabled = false",
                            ""));
            Map<String, String> env = RealCli.env(sandbox, "PLANEXEC_CODEX_CLI", cli);
            env.put("CODEX_HOME", codexHome.toString());
            env.put("PLANEXEC_FAKE_MODEL_KEY", "sk-fake-key-for-tests");
            // Codex names the session (thread.started): wait for its id, not planexec's placeholder, in the plan,
            // and for planexec's record of it to name the running CLI, which the resuming run stops first (Codex
            // refuses to resume a thread another process still writes).
            String id = RealCli.killThenResume(
                    sandbox, "codex", env, model, s -> s.matches(UUID) && recordsRunningCli(sandbox.home(), s));
            try (Stream<Path> files = Files.walk(codexHome.resolve("sessions"))) {
                assertTrue(
                        files.anyMatch(f -> f.getFileName().toString().endsWith("-" + id + ".jsonl")),
                        "Codex's rollout for " + id + " under " + codexHome);
            }
        }
    }

    @Test
    void gemini_task_killed_with_kill_9_resumes_in_the_same_session_with_its_conversation() throws IOException {
        Path cli = RealCli.find("PLANEXEC_TEST_GEMINI_CLI", "gemini", "npm install -g @google/gemini-cli@0.61.0");
        try (CliFakeModel model = CliFakeModel.start()) {
            Path home = RealCli.home(sandbox);
            Path gemini = Files.createDirectories(home.resolve(".gemini"));
            // An API key (GOOGLE_GEMINI_BASE_URL alone selects the "gateway" auth, which -p refuses), a fixed model
            // (no routing request), and no usage statistics, telemetry or update checks.
            Files.writeString(
                    gemini.resolve("settings.json"),
                    "{\"security\": {\"auth\": {\"selectedType\": \"gemini-api-key\"}, \"folderTrust\": {\"enabled\":"
                            + " false}}, \"model\": {\"name\": \"gemini-2.5-flash\"},"
                            + " \"privacy\": {\"usageStatisticsEnabled\": false}, \"telemetry\": {\"enabled\": false},"
                            + " \"general\": {\"enableAutoUpdate\": false, \"enableAutoUpdateNotification\": false}}");
            Map<String, String> env = RealCli.env(sandbox, "PLANEXEC_GEMINI_CLI", cli);
            env.put("GEMINI_CLI_HOME", home.toString());
            env.put("GEMINI_API_KEY", "fake-key-for-tests");
            env.put("GOOGLE_GEMINI_BASE_URL", model.baseUrl());
            env.put("GEMINI_TELEMETRY_ENABLED", "false");
            String id = RealCli.killThenResume(sandbox, "gemini", env, model, s -> true);
            assertTrue(id.startsWith("planexec-"), id);
            try (Stream<Path> files = Files.walk(gemini.resolve("tmp"))) {
                assertTrue(
                        files.filter(Files::isRegularFile)
                                .filter(f ->
                                        f.getParent().getFileName().toString().equals("chats"))
                                .anyMatch(f -> contains(f, "\"sessionId\":\"" + id + "\"")),
                        "Gemini's chat for " + id + " under " + gemini);
            }
        }
    }

    private static boolean recordsRunningCli(Path state, String id) {
        try (Stream<Path> files = Files.walk(state)) {
            return files.filter(f -> f.getFileName().toString().startsWith(id) && Files.isRegularFile(f))
                    .anyMatch(f -> contains(f, "\"pidStarted\""));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
