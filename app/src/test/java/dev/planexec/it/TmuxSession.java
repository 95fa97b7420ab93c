package dev.planexec.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real terminal for end-to-end tests: a detached tmux session running one command, read with
 * {@code capture-pane} and typed into with {@code send-keys}. Closing it kills the session and whatever runs in it.
 */
final class TmuxSession implements AutoCloseable {
    private final String name;
    private final Path socket;

    private TmuxSession(String name, Path socket) {
        this.name = name;
        this.socket = socket;
    }

    /**
     * Starts {@code command} (run by {@code sh -c}) in a new {@code width}x{@code height} terminal. When the command
     * ends the pane stays open showing {@code [exit N]}, so tests can read the exit code from the screen.
     */
    static TmuxSession start(Path dir, String command, int width, int height) throws IOException, InterruptedException {
        String name = "planexec-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path socket = dir.resolve("tmux.sock");
        String wrapped = command + "; echo \"[exit $?]\"; sleep 600";
        run(
                socket,
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                String.valueOf(width),
                "-y",
                String.valueOf(height),
                "-c",
                dir.toString(),
                "sh",
                "-c",
                wrapped);
        return new TmuxSession(name, socket);
    }

    /** Fails the test with a clear message when tmux is missing, rather than skipping it. */
    static void requireTmux() throws InterruptedException {
        try {
            Process p =
                    new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("tmux -V failed; install tmux (apt-get install tmux)");
            }
        } catch (IOException e) {
            throw new AssertionError("tmux is needed for terminal tests; install it (apt-get install tmux)", e);
        }
    }

    /** The visible screen, one string per line. */
    String screen() throws IOException, InterruptedException {
        return run(socket, "capture-pane", "-p", "-t", name);
    }

    /** Sends keys as tmux names them ({@code "r"}, {@code "Enter"}, {@code "C-c"}). */
    void send(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", name));
        args.addAll(List.of(keys));
        run(socket, args.toArray(String[]::new));
    }

    /**
     * A tmux format evaluated for the pane, as {@code display-message -p} prints it: {@code #{alternate_on}} is 1
     * while the program shows the alternate screen, {@code #{cursor_flag}} is 1 while the cursor is visible.
     */
    String display(String format) throws IOException, InterruptedException {
        return run(socket, "display-message", "-p", "-t", name, format).strip();
    }

    /** Waits until the screen satisfies {@code condition}; fails with the last screen otherwise. */
    String awaitScreen(Predicate<String> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = screen();
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; the screen was:\n" + last);
    }

    String awaitText(String text, Duration timeout) throws IOException, InterruptedException {
        return awaitScreen(s -> s.contains(text), timeout, "\"" + text + "\"");
    }

    /** The exit code the command printed, once it ended. */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
        String screen = awaitScreen(s -> s.matches("(?s).*\\[exit \\d+\\].*"), timeout, "the command to exit");
        var m = java.util.regex.Pattern.compile("\\[exit (\\d+)\\]").matcher(screen);
        m.find();
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(socket, "kill-server");
    }

    private static String run(Path socket, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tmux " + String.join(" ", args) + " hung");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
