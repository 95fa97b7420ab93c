package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a user sees when Copilot cannot be used: one line at the start of the run saying what to do, the Copilot task
 * failed with that line (exit code 1), the model never asked, no stack trace, and no CLI process left behind.
 */
class CopilotFailuresIT {
    private static final Duration RUN = Duration.ofSeconds(90);

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    @Test
    void not_signed_in_and_no_key_says_how_to_sign_in_or_bring_a_key() throws Exception {
        world.env("COPILOT_PROVIDER_BASE_URL", null)
                .env("COPILOT_PROVIDER_TYPE", null)
                .env("COPILOT_PROVIDER_API_KEY", null)
                .env("COPILOT_MODEL", null);
        Path plan = world.plan("nologin").task("a", "Answer", "Just answer.").write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(
                run,
                plan,
                "not signed in to GitHub Copilot (the CLI says: Not authenticated): run 'copilot' "
                        + "once and sign in with /login, or set GH_TOKEN; or use your own model with "
                        + "COPILOT_PROVIDER_BASE_URL, COPILOT_PROVIDER_API_KEY and COPILOT_MODEL");
    }

    @Test
    void an_unreachable_model_server_is_named() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        world.env("COPILOT_PROVIDER_BASE_URL", "http://127.0.0.1:" + port + "/v1");
        Path plan =
                world.plan("unreachable").task("a", "Answer", "Just answer.").write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(
                run,
                plan,
                "the model server at http://127.0.0.1:" + port + "/v1 is unreachable (connection "
                        + "refused): start it, or fix COPILOT_PROVIDER_BASE_URL");

        // Listing and cleaning sessions need no model: they work while the server is down.
        PlanexecRun list = world.planexecToEnd(RUN, "sessions", "list", "--json");
        assertEquals(0, list.exitCode(), list::toString);
        assertEquals("", list.stderr(), list::toString);
    }

    @Test
    void an_own_provider_without_a_model_is_named_before_anything_runs() throws Exception {
        world.env("COPILOT_MODEL", null);
        Path plan = world.plan("nomodel").task("a", "Answer", "Just answer.").write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(
                run,
                plan,
                "COPILOT_PROVIDER_BASE_URL is set, so planexec needs to know the model to ask for: "
                        + "pass --model NAME or set COPILOT_MODEL");
    }

    @Test
    void a_cli_speaking_a_protocol_the_sdk_cannot_read_is_refused_and_not_left_running() throws Exception {
        Path fake = newProtocolCli();
        world.env("PLANEXEC_COPILOT_CLI", fake.toString());
        Path plan = world.plan("newer").task("a", "Answer", "Just answer.").write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(
                run,
                plan,
                "the Copilot CLI (" + fake + ") speaks a protocol planexec's Copilot SDK cannot read; "
                        + "planexec is tested with CLI 1.0.50 to 1.0.102: run 'planexec agents install copilot'");

        // In this JVM, which lives on: the SDK leaves the CLI running after a failed start; planexec kills it.
        AgentException e = assertThrows(
                AgentException.class,
                () -> AgentRegistry.load().find("copilot").orElseThrow().open(world.agentEnvironment()));
        assertTrue(e.getMessage().contains("speaks a protocol planexec's Copilot SDK cannot read"), e.getMessage());
        assertEquals(List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(2)), "the failed CLI was stopped");
    }

    @Test
    void a_cli_that_exits_while_starting_is_reported_with_what_it_said_at_once() throws Exception {
        Path broken = world.logs().resolve("copilot-broken");
        Files.writeString(
                broken,
                String.join(
                        "\n",
                        "#!/bin/sh",
                        "case \"$*\" in *--version*) echo 'GitHub Copilot CLI 1.0.50.'; exit 0 ;; esac",
                        "sleep 1",
                        "echo 'error: cannot read the configuration' >&2",
                        "exit 1",
                        ""));
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwx------"));
        world.env("PLANEXEC_COPILOT_CLI", broken.toString());
        Path plan = world.plan("broken").task("a", "Answer", "Just answer.").write();

        long start = System.nanoTime();
        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertRefused(
                run,
                plan,
                "the Copilot CLI (" + broken + ") exited while starting: error: cannot read the configuration");
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "not the SDK's 30 s wait: " + took);
    }

    private void assertRefused(PlanexecRun run, Path plan, String why) throws Exception {
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        assertFalse(run.stdout().contains("Exception") || run.stdout().contains("\tat "), run::toString);
        assertTrue(run.stdout().contains("copilot agent not ready, its tasks will fail: " + why), run::toString);
        Task task = Plans.task(plan, "a");
        assertEquals(TaskStatus.FAILED, task.status(), run::toString);
        assertEquals(why, task.error(), run::toString);
        assertEquals(List.of(), world.model().chats(), "the model was never asked");
        assertEquals(List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(5)), "no CLI process is left");
    }

    /**
     * A stand-in for a future Copilot CLI: reports a version that passes the version check, answers {@code ping} with
     * an ISO-8601 timestamp as CLI 1.0.52 and newer do (which planexec's fix reads), but with a protocol version the
     * SDK does not speak. Written in JavaScript for Node, which every Copilot CLI installation has.
     */
    private Path newProtocolCli() throws Exception {
        if (!onPath("node")) {
            String why = "node is not on PATH; it comes with the Copilot CLI's npm installation";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        Path script = world.logs().resolve("copilot-new-protocol");
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "#!/usr/bin/env node",
                        "if (process.argv.includes('--version')) { console.log('GitHub Copilot CLI 1.0.50.'); process.exit(0); }",
                        "let buf = Buffer.alloc(0);",
                        "process.stdin.on('data', (d) => {",
                        "  buf = Buffer.concat([buf, d]);",
                        "  for (;;) {",
                        "    const head = buf.indexOf('\\r\\n\\r\\n');",
                        "    if (head < 0) return;",
                        "    const len = Number(/Content-Length: (\\d+)/i.exec(buf.slice(0, head).toString())[1]);",
                        "    if (buf.length < head + 4 + len) return;",
                        "    const msg = JSON.parse(buf.slice(head + 4, head + 4 + len).toString());",
                        "    buf = buf.slice(head + 4 + len);",
                        "    if (msg.method === 'ping') {",
                        "      const out = JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { message: 'pong',",
                        "        timestamp: new Date().toISOString(), protocolVersion: 99 } });",
                        "      process.stdout.write('Content-Length: ' + Buffer.byteLength(out) + '\\r\\n\\r\\n' + out);",
                        "    }",
                        "  }",
                        "});",
                        "// Like the real CLI: serve until stdin closes. Unlike it, ignore SIGTERM, as a busy CLI might.",
                        "process.on('SIGTERM', () => {});",
                        "process.stdin.on('end', () => process.exit(0));",
                        ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
