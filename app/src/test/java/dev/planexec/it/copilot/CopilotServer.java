package dev.planexec.it.copilot;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Copilot CLI in server mode ({@code copilot --headless --port N}) on 127.0.0.1, started by a test with its
 * own home folder (so each server's sessions are its own), carrying the test's marker; {@link #close} stops it.
 */
final class CopilotServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path home;

    private CopilotServer(Process process, int port, Path home) {
        this.process = process;
        this.port = port;
        this.home = home;
    }

    /** Starts a server for {@code world} named {@code name}, and waits until it accepts connections. */
    static CopilotServer start(CopilotWorld world, String name) {
        try {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Path home = Files.createDirectories(world.logs().resolve("server-" + name));
            Map<String, String> env = new HashMap<>(world.env());
            // The server needs no model of its own: planexec hands each session its provider.
            env.keySet().removeIf(k -> k.startsWith("COPILOT_PROVIDER_") || k.equals("COPILOT_MODEL"));
            env.put("HOME", home.toString());
            env.put("COPILOT_HOME", home.resolve(".copilot").toString());
            ProcessBuilder builder = new ProcessBuilder(
                            List.of(world.cli().toString(), "--headless", "--port", Integer.toString(port)))
                    .directory(world.work().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(
                            world.logs().resolve("server-" + name + ".out").toFile())
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            CopilotServer server = new CopilotServer(builder.start(), port, home);
            server.awaitListening(Duration.ofSeconds(60));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the Copilot server on port " + port + " exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                CopilotWorld.sleep(100);
            }
        }
        close();
        throw new AssertionError("the Copilot server did not listen on port " + port + " within " + timeout);
    }

    /** {@code 127.0.0.1:PORT}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** Where this server keeps a session's files. */
    Path sessionFolder(String sessionId) {
        return home.resolve(".copilot").resolve("session-state").resolve(sessionId);
    }

    @Override
    public void close() {
        List<ProcessHandle> tree = process.toHandle().descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
