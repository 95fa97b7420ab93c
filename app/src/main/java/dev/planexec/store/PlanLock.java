package dev.planexec.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One run per plan: {@code <plan>.lock} beside the plan holds the running process's id, and that process holds an
 * OS file lock on it for as long as it runs. The OS lock goes away with the process however it dies, so a lock
 * file nobody holds is stale whatever PID it names (a PID may have been reused), and is taken over.
 */
public final class PlanLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private PlanLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    public static Path lockFileOf(Path planFile) {
        return planFile.resolveSibling(planFile.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code planFile}.
     *
     * @param notices told when a stale lock is taken over
     * @throws PlanLockedException if a live run holds it
     */
    public static PlanLock acquire(Path planFile, Consumer<String> notices) throws PlanLockedException, IOException {
        Path file = lockFileOf(planFile);
        for (int attempt = 0; ; attempt++) {
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Object opened = fileKey(file);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it
            }
            if (lock == null) {
                long pid = holderPid(channel);
                channel.close();
                throw new PlanLockedException(
                        planFile + " is being run by process " + (pid > 0 ? pid : "(unknown)") + " (lock: " + file
                                + ")",
                        pid);
            }
            // The holder may have deleted the file between our open and our lock; then we locked a ghost.
            Object locked = fileKey(file);
            if ((locked == null || !Objects.equals(opened, locked)) && attempt < 5) {
                lock.release();
                channel.close();
                continue;
            }
            long stale = readPid(channel);
            if (stale > 0 && stale != ProcessHandle.current().pid()) {
                notices.accept("taking over the stale lock " + file + " left by process " + stale
                        + ", which no longer runs this plan");
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            return new PlanLock(file, channel, lock);
        }
    }

    /** The PID in a plan's lock file, if a live run holds it; -1 if it is free. */
    public static long holder(Path planFile) throws IOException {
        Path file = lockFileOf(planFile);
        if (!Files.exists(file)) {
            return -1;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try (FileLock lock = channel.tryLock()) {
                return lock == null ? Math.max(readPid(channel), 0) : -1;
            } catch (OverlappingFileLockException e) {
                return ProcessHandle.current().pid();
            }
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The PID in a lock file another run holds. That run writes it just after taking the lock, so a run that comes at
     * that very moment may find the file still empty: it waits a little for the PID.
     */
    private static long holderPid(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        long pid = readPid(channel);
        while (pid <= 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pid = readPid(channel);
        }
        return pid;
    }

    private static long readPid(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        int n = channel.read(buffer, 0);
        if (n <= 0) {
            return -1;
        }
        String text = new String(buffer.array(), 0, n, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Removes the lock file and releases the lock. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Left behind, it is stale and the next run takes it over.
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock in any case.
        }
    }
}
