package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real Claude Code and Pi CLIs (installed from npm by {@code .ci/run}), driven by the packaged planexec and
 * pointed at a fake model on 127.0.0.1: a task starts, planexec is killed with {@code kill -9} while the model is
 * still answering, and the next run resumes the task in the same session, with the earlier conversation sent to the
 * model. In CI ({@code CI=true}) a missing CLI fails the test; elsewhere the test is skipped with how to install it.
 */
class CliRealAgentIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void claude_task_killed_with_kill_9_resumes_in_the_same_session_with_its_conversation() throws IOException {
        Path cli =
                RealCli.find("PLANEXEC_TEST_CLAUDE_CLI", "claude", "npm install -g @anthropic-ai/claude-code@2.1.329");
        try (CliFakeModel model = CliFakeModel.start()) {
            Map<String, String> env = RealCli.env(sandbox, "PLANEXEC_CLAUDE_CLI", cli);
            env.put("CLAUDE_CONFIG_DIR", sandbox.root().resolve("claude-config").toString());
            env.put("ANTHROPIC_BASE_URL", model.baseUrl());
            env.put("ANTHROPIC_API_KEY", "sk-ant-fake-key-for-tests");
            env.put("DISABLE_TELEMETRY", "1");
            env.put("DISABLE_AUTOUPDATER", "1");
            env.put("DISABLE_ERROR_REPORTING", "1");
            env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            String id = RealCli.killThenResume(sandbox, "claude", env, model, any -> true);
            assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        }
    }

    @Test
    void pi_task_killed_with_kill_9_resumes_in_the_same_session_with_its_conversation() throws IOException {
        Path cli = RealCli.find("PLANEXEC_TEST_PI_CLI", "pi", "npm install -g @mariozechner/pi-coding-agent@0.73.1");
        try (CliFakeModel model = CliFakeModel.start()) {
            String id = RealCli.killThenResume(sandbox, "pi", RealCli.piEnv(sandbox, cli, model), model, any -> true);
            assertTrue(id.startsWith("planexec-"), id);
            Path sessionFile = sandbox.home().resolve("pi").resolve(id + ".jsonl");
            assertTrue(Files.isRegularFile(sessionFile), sessionFile + " holds Pi's session");
        }
    }
}
