package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
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
 * What a user sees when Copilot cannot be used: one line on stderr saying what to do, exit code 2, nothing run, no
 * stack trace, and no CLI process left behind.
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
        byte[] before = Files.readAllBytes(plan);

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(run, plan, before);
        assertEquals(
                List.of("planexec: not signed in to GitHub Copilot (the CLI says: Not authenticated): run 'copilot' "
                        + "once and sign in with /login, or set GH_TOKEN; or use your own model with "
                        + "COPILOT_PROVIDER_BASE_URL, COPILOT_PROVIDER_API_KEY and COPILOT_MODEL"),
                run.stderr().lines().toList());
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
        byte[] before = Files.readAllBytes(plan);

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(run, plan, before);
        assertEquals(
                List.of("planexec: the model server at http://127.0.0.1:" + port + "/v1 is unreachable (connection "
                        + "refused): start it, or fix COPILOT_PROVIDER_BASE_URL"),
                run.stderr().lines().toList());

        // Listing and cleaning sessions need no model: they work while the server is down.
        PlanexecRun list = world.planexecToEnd(RUN, "sessions", "list", "--json");
        assertEquals(0, list.exitCode(), list::toString);
        assertEquals("", list.stderr(), list::toString);
    }

    @Test
    void an_own_provider_without_a_model_is_refused_before_anything_runs() throws Exception {
        world.env("COPILOT_MODEL", null);
        Path plan = world.plan("nomodel").task("a", "Answer", "Just answer.").write();
        byte[] before = Files.readAllBytes(plan);

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(run, plan, before);
        assertEquals(
                List.of("planexec: COPILOT_PROVIDER_BASE_URL is set, so planexec needs to know the model to ask for: "
                        + "pass --model NAME or set COPILOT_MODEL"),
                run.stderr().lines().toList());
    }

    @Test
    void a_cli_speaking_the_newer_protocol_is_refused_and_not_left_running() throws Exception {
        Path fake = newProtocolCli();
        world.env("PLANEXEC_COPILOT_CLI", fake.toString());
        Path plan = world.plan("newer").task("a", "Answer", "Just answer.").write();
        byte[] before = Files.readAllBytes(plan);

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");

        assertRefused(run, plan, before);
        assertEquals(
                List.of("planexec: Copilot CLI (" + fake + ") does not work with planexec: CLI 1.0.52 and newer "
                        + "changed the protocol that planexec's Copilot SDK speaks, which works with CLI 1.0.50 and "
                        + "older; install 1.0.50 with 'npm install -g @github/copilot@1.0.50', or set "
                        + "PLANEXEC_COPILOT_CLI to a 1.0.50 binary"),
                run.stderr().lines().toList());

        // In this JVM, which lives on: the SDK leaves the CLI running after a failed start; planexec kills it.
        AgentException e = assertThrows(
                AgentException.class,
                () -> AgentRegistry.load().find("copilot").orElseThrow().open(world.agentEnvironment()));
        assertTrue(e.getMessage().contains("CLI 1.0.52 and newer changed the protocol"), e.getMessage());
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
        byte[] before = Files.readAllBytes(plan);

        long start = System.nanoTime();
        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertRefused(run, plan, before);
        assertEquals(
                List.of("planexec: the Copilot CLI (" + broken
                        + ") exited while starting: error: cannot read the configuration"),
                run.stderr().lines().toList());
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "not the SDK's 30 s wait: " + took);
    }

    private void assertRefused(PlanexecRun run, Path plan, byte[] before) throws Exception {
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(1, run.stderr().lines().count(), run::toString);
        assertFalse(run.stderr().contains("Exception") || run.stderr().contains("\tat "), run::toString);
        assertArrayEquals(before, Files.readAllBytes(plan), "nothing ran, the plan is as it was");
        assertEquals(List.of(), world.model().chats(), "the model was never asked");
        assertEquals(List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(5)), "no CLI process is left");
    }

    /**
     * A stand-in for Copilot CLI 1.0.52 and newer: reports a version that passes the version check, but answers
     * {@code ping} with an ISO-8601 timestamp, as those CLIs do, which the SDK cannot read. Written in JavaScript
     * for Node, which every Copilot CLI installation has.
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
                        "        timestamp: new Date().toISOString(), protocolVersion: 3 } });",
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
