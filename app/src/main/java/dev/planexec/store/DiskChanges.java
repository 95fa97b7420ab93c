package dev.planexec.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells whether a file is still the one planexec last wrote. Size, modification time and file identity (inode) are
 * compared first; the bytes are read and hashed when those differ, and also when they match but the time stamp is
 * too close to the moment it was recorded to prove anything (a second write in the same clock tick of the file
 * system leaves the same time stamp: git calls such an entry "racily clean").
 */
final class DiskChanges {
    /** Coarser than the time stamps of any file system planexec may meet (FAT keeps two seconds). */
    static final Duration RACY = Duration.ofSeconds(2);

    private final Clock clock;
    private Stamp last;

    DiskChanges(Clock clock) {
        this.clock = clock;
    }

    /** What is known of the file as planexec left it. */
    private record Stamp(long size, long modifiedNanos, Object fileKey, byte[] sha256, long recordedAtNanos) {
        boolean sameAttributes(BasicFileAttributes a) {
            return size == a.size() && modifiedNanos == nanos(a) && Objects.equals(fileKey, a.fileKey());
        }

        /** Whether a later write could have left the same time stamp: it was recorded within {@link #RACY} of it. */
        boolean racy() {
            return recordedAtNanos - modifiedNanos < RACY.toNanos();
        }
    }

    /** What the check found. */
    sealed interface Look {
        /** The file holds what planexec last wrote (or was told about). */
        record Unchanged() implements Look {}

        /** Someone else wrote it: these are its bytes now. */
        record Changed(byte[] bytes) implements Look {}

        /** There is no file. */
        record Missing() implements Look {}
    }

    /** Records {@code bytes} as the file's content, which planexec has just written (or read and taken in). */
    void record(Path file, byte[] bytes) throws IOException {
        record(Files.readAttributes(file, BasicFileAttributes.class), bytes);
    }

    /**
     * {@code a} is read before the bytes: if the file changes in between, the stamp pairs old attributes with new
     * bytes, and the next look reads the file again rather than trusting a stamp that does not describe it.
     */
    private void record(BasicFileAttributes a, byte[] bytes) {
        last = new Stamp(a.size(), nanos(a), a.fileKey(), sha256(bytes), nowNanos());
    }

    /** Whether the file is not what was last recorded; without a record every file counts as changed. */
    Look look(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return new Look.Missing();
        }
        if (last != null && last.sameAttributes(a) && !last.racy()) {
            return new Look.Unchanged();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Look.Missing();
        }
        if (last != null && Arrays.equals(last.sha256, sha256(bytes))) {
            // The same bytes (a touch, or our own write seen again): remember the new time stamp, which may now be
            // old enough to trust without reading the file.
            record(a, bytes);
            return new Look.Unchanged();
        }
        return new Look.Changed(bytes);
    }

    private long nowNanos() {
        return Math.multiplyExact(clock.millis(), 1_000_000L);
    }

    private static long nanos(BasicFileAttributes a) {
        return a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** For tests. */
    Optional<Boolean> lastIsRacy() {
        return Optional.ofNullable(last).map(Stamp::racy);
    }
}
