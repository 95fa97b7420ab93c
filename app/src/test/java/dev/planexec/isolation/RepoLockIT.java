package dev.planexec.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository lock between processes: while another JVM holds it, this one cannot take it, and it is free once
 * that JVM lets go or dies (kill -9). No timing: the child says when it holds the lock, and the test only tries.
 */
class RepoLockIT {
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path temp;

    @Test
    void another_process_holding_the_lock_excludes_this_one_until_it_lets_go_or_dies() throws Exception {
        Path state = temp.resolve("state");
        Path commonDir = temp.resolve("repo/.git");
        RepoLock lock = RepoLock.of(state, commonDir);

        Process child = startHolder(state, commonDir);
        try (BufferedReader out = reader(child)) {
            assertEquals("held", readLine(out, child), "the child took the lock");
            assertEquals(Optional.empty(), lock.tryHold(), "this process cannot take it while the child holds it");
            child.getOutputStream().close(); // the child lets go and exits
            assertEquals("released", readLine(out, child));
            assertTrue(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the child exited");
            assertEquals(0, child.exitValue(), () -> stderr());
        } finally {
            child.destroyForcibly();
        }
        Optional<RepoLock.Held> mine = lock.tryHold();
        assertTrue(mine.isPresent(), "free once the child let go");
        mine.get().close();

        Process killed = startHolder(state, commonDir);
        try (BufferedReader out = reader(killed)) {
            assertEquals("held", readLine(out, killed));
            assertEquals(Optional.empty(), lock.tryHold());
            killed.destroyForcibly(); // SIGKILL: no chance to let go
            assertTrue(killed.waitFor(WAIT_SECONDS, TimeUnit.SECONDS));
        } finally {
            killed.destroyForcibly();
        }
        Optional<RepoLock.Held> after = lock.tryHold();
        assertTrue(after.isPresent(), "the lock dies with the process that held it");
        after.get().close();
        assertTrue(Files.isRegularFile(lock.file()), "the lock file stays (it is empty): nothing stale to clean");
    }

    /** {@code java -cp <this classpath> RepoLockIT$Holder state commonDir}. */
    private Process startHolder(Path state, Path commonDir) throws IOException {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Holder.class.getName(),
                        state.toString(),
                        commonDir.toString())
                .redirectError(
                        temp.resolve("holder-" + System.nanoTime() + ".err").toFile())
                .start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The child's next line; fails (with what the children wrote to stderr) if it ends first or stays silent. */
    private String readLine(BufferedReader out, Process process) throws Exception {
        String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                })
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("the child ended without a word: " + stderr());
        }
        return line;
    }

    private String stderr() {
        try (var files = Files.list(temp)) {
            StringBuilder b = new StringBuilder();
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".err"))
                    .toList()) {
                b.append(Files.readString(f));
            }
            return b.toString();
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** The other process: takes the lock, says "held", holds it until its stdin ends, lets go, says "released". */
    static final class Holder {
        private Holder() {}

        public static void main(String[] args) throws IOException {
            RepoLock lock = RepoLock.of(Path.of(args[0]), Path.of(args[1]));
            try (RepoLock.Held held = lock.hold()) {
                System.out.println("held");
                System.out.flush();
                System.in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            System.out.println("released");
            System.out.flush();
        }
    }
}
