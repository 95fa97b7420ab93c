package dev.planexec.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One run per plan: {@code <plan>.lock} beside the plan holds the running process's id, and that process holds an
 * OS file lock on it for as long as it runs. The OS lock goes away with the process however it dies, so a lock
 * file nobody holds is stale whatever PID it names (a PID may have been reused), and is taken over.
 *
 * <p>The lock file cannot be used to destroy another file. It is never opened through a symbolic link (a link, or
 * anything but a regular file, at its name is refused with what to do), and planexec writes only into a lock file it
 * created itself ({@code O_CREAT|O_EXCL}): a stale one is deleted, while its OS lock is held so that no other run
 * decides the same at once, and made anew. For a symlinked plan the lock sits beside the file the link ends at, so
 * two runs through two names of one plan meet at one lock.
 */
public final class PlanLock implements AutoCloseable {
    /** How long an empty lock file may be another run's, between its creating the file and writing its PID. */
    private static final long YOUNG_NANOS = 500_000_000L;
    /** How long a holder may take to write its PID, and a run that found a stale lock to make its own. */
    private static final long SETTLE_NANOS = 1_000_000_000L;
    /** Past this, runs racing for the lock have kept changing it; give up rather than loop. */
    private static final long GIVE_UP_NANOS = 20_000_000_000L;

    private static final long GONE = -2;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path file;
    private final Object key;
    private final FileChannel channel;
    private final FileLock lock;

    private PlanLock(Path file, Object key, FileChannel channel, FileLock lock) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** {@code <plan>.lock} beside the plan file, or beside the file a symbolic link to the plan ends at. */
    public static Path lockFileOf(Path planFile) {
        Path plan = planFile;
        if (Files.isSymbolicLink(planFile)) {
            try {
                plan = AtomicFile.resolve(planFile);
            } catch (IOException e) {
                plan = planFile; // a loop of links: loading the plan fails anyway
            }
        }
        return plan.resolveSibling(plan.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code planFile}.
     *
     * @param notices told when a stale lock is taken over
     * @throws PlanLockedException if a live run holds it
     * @throws IOException if it cannot be taken, also when the lock file's name holds a link or something else than
     *     a regular file (the message says what to do)
     */
    public static PlanLock acquire(Path planFile, Consumer<String> notices) throws PlanLockedException, IOException {
        Path file = lockFileOf(planFile);
        long start = System.nanoTime();
        Object emptyKey = null;
        long emptySince = 0;
        long stalePid = -1;
        while (true) {
            if (System.nanoTime() - start > GIVE_UP_NANOS) {
                throw new IOException(file + " kept changing while other runs of the plan started; try again");
            }
            PlanLock mine = create(file);
            if (mine != null) {
                if (stalePid > 0 && stalePid != ProcessHandle.current().pid()) {
                    notices.accept("taking over the stale lock " + file + " left by process " + stalePid
                            + ", which no longer runs this plan");
                }
                return mine;
            }
            if (!checkLockFile(file)) {
                continue; // removed meanwhile
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, NOFOLLOW));
            } catch (NoSuchFileException e) {
                continue;
            }
            try (channel) {
                Object key = fileKey(file);
                FileLock held = tryLock(channel);
                if (held == null) {
                    long pid = holderPid(channel, file, key);
                    if (pid == GONE) {
                        continue;
                    }
                    throw new PlanLockedException(
                            planFile + " is being run by process " + (pid > 0 ? pid : "(unknown)") + " (lock: " + file
                                    + ")",
                            pid);
                }
                if (key == null || !key.equals(fileKey(file))) {
                    continue; // deleted or replaced between our open and our lock: we locked a ghost
                }
                long pid = readPid(channel);
                if (pid <= 0) {
                    // Empty: left by a run that died at once, or another run is between creating it and writing
                    // its PID. Only one that stays empty is stale.
                    if (!key.equals(emptyKey)) {
                        emptyKey = key;
                        emptySince = System.nanoTime();
                    }
                    if (System.nanoTime() - emptySince < YOUNG_NANOS) {
                        held.release();
                        pause(10);
                        continue;
                    }
                }
                // Nobody holds it, so the run that made it is gone. We hold its OS lock, so no other run is deleting
                // it at the same moment; deleting, rather than writing into it, leaves a file we did not make alone.
                Files.delete(file);
                stalePid = pid;
            }
        }
    }

    /** A new lock file, locked and holding our PID; {@code null} if one exists (or vanished while we took it). */
    private static PlanLock create(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    file,
                    Set.<OpenOption>of(
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE, NOFOLLOW),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        } catch (FileAlreadyExistsException e) {
            return null;
        }
        boolean kept = false;
        try {
            Object key = fileKey(file);
            long deadline = System.nanoTime() + SETTLE_NANOS;
            FileLock lock = tryLock(channel);
            // Another run starting now may hold it for a moment to look at it; it lets go of an empty file at once.
            while (lock == null && key != null && System.nanoTime() < deadline) {
                pause(5);
                lock = tryLock(channel);
            }
            if (lock == null || key == null || !key.equals(fileKey(file))) {
                return null; // taken over as stale meanwhile; start again
            }
            channel.write(
                    ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            kept = true;
            return new PlanLock(file, key, channel, lock);
        } finally {
            if (!kept) {
                channel.close();
            }
        }
    }

    /**
     * Refuses a lock file name that holds a link or anything but a regular file: opening it could change another
     * file (a device, a FIFO), and a link may have been put there for that.
     *
     * @return false if nothing is there any more
     */
    private static boolean checkLockFile(Path file) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (attributes.isSymbolicLink()) {
            throw new IOException(file + " is a symbolic link, which planexec does not follow; if no run of this plan"
                    + " is going, remove it (rm '" + file + "') and run again");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException(
                    file + " is not a regular file; if no run of this plan is going, remove it and run" + " again");
        }
        return true;
    }

    /** The PID in a plan's lock file, if a live run holds it; -1 if it is free. */
    public static long holder(Path planFile) throws IOException {
        Path file = lockFileOf(planFile);
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW).isRegularFile()) {
                return -1; // not a lock planexec made
            }
        } catch (NoSuchFileException e) {
            return -1;
        }
        try (FileChannel channel =
                FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, NOFOLLOW))) {
            try (FileLock lock = channel.tryLock()) {
                return lock == null ? Math.max(readPid(channel), 0) : -1;
            } catch (OverlappingFileLockException e) {
                return ProcessHandle.current().pid();
            }
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this very process holds it
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW)
                    .fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The PID in a lock file another process holds: a live run, one that is just writing its PID, or one taking a
     * stale lock over (it holds the old file for a moment before deleting it).
     *
     * @return the PID of the live run; -1 if it never wrote one; {@link #GONE} if the file went away meanwhile
     */
    private static long holderPid(FileChannel channel, Path file, Object key) throws IOException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (true) {
            long pid = readPid(channel);
            if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return pid;
            }
            if (key == null || !key.equals(fileKey(file))) {
                return GONE;
            }
            if (System.nanoTime() > deadline) {
                return pid > 0 ? pid : -1;
            }
            pause(10);
        }
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the lock file (if it is still ours) and releases the lock. */
    @Override
    public void close() {
        try {
            if (key.equals(fileKey(file))) {
                Files.deleteIfExists(file);
            }
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
