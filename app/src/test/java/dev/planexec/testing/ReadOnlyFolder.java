package dev.planexec.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Makes a folder refuse new entries, for real: {@code chmod 0555}, or, where that does not stop the writer (tests
 * running as root ignore permission bits), {@code chattr +i}, which stops root too. Closing undoes it. If neither
 * works here (a file system without the immutable flag, no {@code chattr}), the test is skipped, not faked.
 */
public final class ReadOnlyFolder implements AutoCloseable {
    private final Path dir;
    private final Set<PosixFilePermission> mode;
    private boolean immutable;

    private ReadOnlyFolder(Path dir) throws IOException {
        this.dir = dir;
        this.mode = Files.getPosixFilePermissions(dir);
    }

    public static ReadOnlyFolder of(Path dir) {
        try {
            ReadOnlyFolder folder = new ReadOnlyFolder(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            if (refusesWrites(dir)) {
                return folder;
            }
            folder.immutable = chattr("+i", dir);
            if (folder.immutable && refusesWrites(dir)) {
                return folder;
            }
            folder.close();
            Assumptions.abort("cannot make " + dir + " read-only here (chmod ignored, chattr +i unavailable)");
            throw new IllegalStateException("unreachable");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the folder was made read-only, for messages. */
    public String how() {
        return immutable ? "chattr +i" : "chmod 0555";
    }

    private static boolean refusesWrites(Path dir) {
        Path probe = dir.resolve(".probe-" + System.nanoTime());
        try {
            Files.createFile(probe);
            Files.delete(probe);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean chattr(String flag, Path dir) {
        try {
            Process p = new ProcessBuilder("chattr", flag, dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (immutable) {
            chattr("-i", dir);
            immutable = false;
        }
        try {
            Files.setPosixFilePermissions(dir, mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
