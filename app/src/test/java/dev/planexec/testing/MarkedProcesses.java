package dev.planexec.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The processes a test started, found through {@code /proc} by a marker string unique to the test: every live process
 * whose command line or environment holds it. planexec passes its environment on to every step, so a step's
 * grandchild ({@code sleep 300 &}) carries a marker put in planexec's environment even when its own command line does
 * not.
 *
 * <p>A test that starts processes itself marks them with an instance: a copy of {@code sleep} whose file name holds
 * the marker, so every process running it shows the marker in {@code /proc/<pid>/cmdline}. Closing it kills, by
 * process id, whatever still runs with the marker, so a failed test leaves nothing behind.
 *
 * <pre>{@code
 * try (MarkedProcesses marked = MarkedProcesses.in(tempDir)) {
 *     String step = "sh -c '" + marked.sleep(300) + " & " + marked.sleep(300) + " & wait'";
 *     ...
 *     assertEquals(List.of(), marked.alive());
 * }
 * }</pre>
 */
public final class MarkedProcesses implements AutoCloseable {
    private static final Path PROC = Path.of("/proc");

    private final String marker;
    private final Path sleep;

    private MarkedProcesses(String marker, Path sleep) {
        this.marker = marker;
        this.sleep = sleep;
    }

    /** A live process that carries the marker. */
    public record Found(long pid, String cmdline) {
        @Override
        public String toString() {
            return pid + " " + cmdline;
        }
    }

    /** A fresh marker and its copy of {@code sleep} in {@code dir}. */
    public static MarkedProcesses in(Path dir) {
        String marker = "pxmark" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Path original = Stream.of("/bin/sleep", "/usr/bin/sleep")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no sleep(1) on this machine"));
        try {
            Path copy = dir.resolve("sleep-" + marker);
            Files.copy(original, copy, StandardCopyOption.COPY_ATTRIBUTES);
            return new MarkedProcesses(marker, copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String marker() {
        return marker;
    }

    /** A shell command that sleeps for {@code seconds} in a marked process. */
    public String sleep(int seconds) {
        return sleep + " " + seconds;
    }

    /** Process ids of the live processes that carry this marker. */
    public List<Long> alive() {
        return alive(marker).stream().map(Found::pid).toList();
    }

    /** How many live processes run the marked {@code sleep} itself. */
    public long sleeping() {
        return alive(marker).stream()
                .filter(f -> f.cmdline().startsWith(sleep.toString()))
                .count();
    }

    /** Kills what still runs with the marker; only processes this test started carry it. */
    @Override
    public void close() {
        killAll(marker);
        Waits.within(Duration.ofSeconds(5), () -> alive().isEmpty());
    }

    /** Every live (not zombie) process carrying {@code marker}, except ours and the ones in {@code except}. */
    public static List<Found> alive(String marker, Set<Long> except) {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        List<Found> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(PROC)) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid == self || except.contains(pid) || isZombie(dir)) {
                    continue;
                }
                byte[] cmdline = read(dir.resolve("cmdline"));
                if (contains(cmdline, needle) || contains(read(dir.resolve("environ")), needle)) {
                    found.add(new Found(
                            pid,
                            new String(cmdline, StandardCharsets.UTF_8)
                                    .replace('\0', ' ')
                                    .trim()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e, e);
        }
        return found;
    }

    public static List<Found> alive(String marker) {
        return alive(marker, Set.of());
    }

    /** The marked processes whose command line matches {@code regex}. */
    public static List<Found> matching(String marker, String regex) {
        return alive(marker).stream().filter(f -> f.cmdline().matches(regex)).toList();
    }

    /** Waits up to {@code timeout} for every marked process to be gone; returns those still alive. */
    public static List<Found> awaitNone(String marker, Set<Long> except, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Found> left = alive(marker, except);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Waits.pause(Duration.ofMillis(50));
            left = alive(marker, except);
        }
        return left;
    }

    /** SIGKILLs every marked process (not ours); returns what it found. */
    public static List<Found> killAll(String marker) {
        List<Found> found = alive(marker);
        for (Found f : found) {
            ProcessHandle.of(f.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        return found;
    }

    private static boolean isZombie(Path dir) {
        String text = new String(read(dir.resolve("stat")), StandardCharsets.US_ASCII);
        int close = text.lastIndexOf(')');
        // "pid (comm) S ...": the state follows the command name, which may itself hold spaces or parentheses.
        return close < 0
                || close + 2 >= text.length()
                || text.charAt(close + 2) == 'Z'
                || text.charAt(close + 2) == 'X';
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            return new byte[0]; // gone meanwhile, or not ours to read
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
