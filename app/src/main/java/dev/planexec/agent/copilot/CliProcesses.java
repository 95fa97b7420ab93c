package dev.planexec.agent.copilot;

import dev.planexec.agent.AgentException;
import dev.planexec.agent.process.ProcessReaper;
import dev.planexec.agent.process.ProcessTrees;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Copilot CLI as an operating-system process: how it is launched, found among this JVM's children, and stopped
 * with everything it started.
 *
 * <p>The SDK starts the CLI but does not hand out its {@code Process}; and after a failed start it leaves the CLI
 * running (its cleanup skips a connection that never completed). So planexec finds the CLI itself: the child of this
 * JVM that appeared during the start and runs with {@code --server --stdio}.
 *
 * <p>The CLI is launched through {@code setsid}, so it leads a process group and session of its own: Ctrl+C on the
 * terminal reaches planexec only (which then aborts turns and stops the CLI itself), and a signal to the group
 * reaches an npm launcher and the platform binary it starts alike. If planexec dies by {@code kill -9}, the CLI
 * reads end-of-file on its stdin (the JSON-RPC pipe) and exits, taking its tool shells with it (measured with CLI
 * 1.0.50: gone within about a second; {@code CopilotRecoveryIT} checks it).
 */
final class CliProcesses {
    private static final Path SETSID = findSetsid();
    /** One start at a time in this JVM, so a new child is told apart from another runtime's. */
    private static final Object STARTING = new Object();

    private CliProcesses() {}

    /** What the SDK should run: {@code cliPath} and the arguments before its own. */
    record Launch(String cliPath, List<String> cliArgs) {}

    static Launch launch(CopilotSettings settings) {
        List<String> command = new ArrayList<>();
        if (settings.cliNeedsNode()) {
            command.add("node");
        }
        command.add(settings.cli().toString());
        if (SETSID == null) {
            return new Launch(command.get(0), command.subList(1, command.size()));
        }
        return new Launch(SETSID.toString(), command);
    }

    /**
     * Starts the CLI through {@code start} (the SDK's {@code client.start()}) and waits up to {@code timeout} for it
     * to connect, returning the CLI process if it can be found. A CLI that exits while starting (a bad configuration,
     * say) ends the wait at once: the SDK itself would wait half a minute for an answer that cannot come.
     */
    static Started start(Supplier<CompletableFuture<?>> start, Duration timeout) {
        synchronized (STARTING) {
            Set<Long> before =
                    ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
            ProcessHandle cli = null;
            Throwable failure = null;
            try {
                CompletableFuture<?> connected = start.get();
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    try {
                        connected.get(200, TimeUnit.MILLISECONDS);
                        break;
                    } catch (TimeoutException e) {
                        if (cli == null) {
                            cli = newCli(before);
                        }
                        if (cli != null && !cli.isAlive()) {
                            awaitLastWords(connected);
                            throw new CliExitedException();
                        }
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                    }
                }
            } catch (Exception | Error e) {
                failure = e;
            }
            if (cli == null) {
                cli = newCli(before);
            }
            if (cli != null) {
                ProcessReaper.register(cli);
            }
            return new Started(failure, cli);
        }
    }

    /** What a start gave: the failure, if it failed, and the CLI process if one was seen (even after a failure). */
    record Started(Throwable failure, ProcessHandle cli) {}

    /** The CLI ended before it connected. */
    static final class CliExitedException extends Exception {
        private static final long serialVersionUID = 1L;

        CliExitedException() {
            super("the CLI exited while starting");
        }
    }

    /** The SDK may still be reading what the CLI said on its way out, and fail with it. */
    private static void awaitLastWords(CompletableFuture<?> connected) throws Exception {
        try {
            connected.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // It will not say more.
        }
    }

    private static ProcessHandle newCli(Set<Long> before) {
        return ProcessHandle.current()
                .children()
                .filter(p -> !before.contains(p.pid()))
                .filter(CliProcesses::looksLikeCli)
                .findFirst()
                .orElse(null);
    }

    /** Every process of the CLI's tree now, the CLI first. */
    static List<ProcessHandle> tree(ProcessHandle cli) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(cli);
        all.addAll(cli.descendants().toList());
        return all;
    }

    /**
     * Makes sure the CLI and every process that was in its tree ({@code snapshot}, taken while the CLI still lived,
     * because its children leave the tree when it dies) are gone.
     */
    static void kill(ProcessHandle cli, List<ProcessHandle> snapshot) {
        if (cli.isAlive()) {
            ProcessTrees.kill(cli, Duration.ofSeconds(2));
        } else {
            ProcessTrees.forget(cli);
        }
        for (ProcessHandle p : snapshot) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        ProcessReaper.unregister(cli);
    }

    /**
     * Runs {@code cli --version --no-auto-update} (without {@code --no-auto-update} the binary would report, and
     * run, the newest version in its package cache) and returns what it printed.
     */
    static String versionOutput(CopilotSettings settings) throws AgentException {
        List<String> command = new ArrayList<>();
        if (settings.cliNeedsNode()) {
            command.add("node");
        }
        command.add(settings.cli().toString());
        command.add("--version");
        command.add("--no-auto-update");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(settings.cliEnv());
        Process process;
        try {
            process = ProcessTrees.start(builder);
        } catch (IOException e) {
            throw new AgentException("cannot run the Copilot CLI " + settings.cli() + ": " + e.getMessage()
                    + "; install it with '" + CliVersion.INSTALL + "'");
        }
        try {
            // The first run of a CLI unpacks it into its cache, which takes a while on a slow disk.
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                throw new AgentException(
                        "the Copilot CLI " + settings.cli() + " did not print its version within 60 s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                String first = out.lines().findFirst().orElse("").trim();
                throw new AgentException("the Copilot CLI " + settings.cli() + " failed to run (exit code "
                        + process.exitValue() + (first.isEmpty() ? "" : ": " + first) + "); install it again with '"
                        + CliVersion.INSTALL + "'");
            }
            return out;
        } catch (IOException e) {
            throw new AgentException("cannot read the Copilot CLI's version: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while checking the Copilot CLI's version");
        } finally {
            if (process.isAlive()) {
                ProcessTrees.kill(process.toHandle(), Duration.ofMillis(200));
            } else {
                ProcessTrees.forget(process.toHandle());
            }
        }
    }

    private static boolean looksLikeCli(ProcessHandle p) {
        ProcessHandle.Info info = p.info();
        List<String> args = info.arguments().map(List::of).orElse(List.of());
        if (args.isEmpty()) {
            String line = info.commandLine().orElse("");
            return line.contains("--server") && line.contains("--stdio");
        }
        return args.contains("--server") && args.contains("--stdio");
    }

    private static Path findSetsid() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, "setsid");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
