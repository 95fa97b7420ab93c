package dev.planexec.isolation;

import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One structural change at a time in a repository, across every planexec process and thread: {@code git worktree
 * add/remove/prune} and creating, renaming and deleting branches. Each run holds only its own plan's lock, so two runs
 * of two plans in one repository would otherwise meet in git's shared files: two {@code git worktree add} at once can
 * read each other's half-written admin folder, one run's {@code git worktree prune} can delete the other's
 * admin folder while it is being made, and two branch deletions race for {@code packed-refs.lock} (git gives up
 * rather than wait long).
 *
 * <p>The lock is {@code <state>/locks/repo-<hash of the repository's common git dir>.lock}, kept (it is empty, so
 * there is nothing stale to clean), 0600 in a 0700 folder, never opened through a link. A file lock ({@code fcntl})
 * excludes other processes and goes away with a process however it dies; it is held per process, not per thread, and
 * Java refuses to take it twice in one JVM, so threads and instances in one JVM meet at a reentrant lock per file
 * first, and only the outermost hold takes the file lock. Only one channel to the file is ever open in the JVM (under
 * that lock): closing a second one would drop the process's {@code fcntl} lock.
 */
final class RepoLock {
    private static final ConcurrentHashMap<Path, RepoLock> BY_FILE = new ConcurrentHashMap<>();
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path file;
    private final ReentrantLock inJvm = new ReentrantLock();
    /** Open while this JVM holds the file lock; only touched by the thread holding {@link #inJvm}. */
    private FileChannel channel;

    private RepoLock(Path file) {
        this.file = file;
    }

    /** The lock of the repository whose common git dir is {@code commonDir}, its file under {@code stateRoot}. */
    static RepoLock of(Path stateRoot, Path commonDir) {
        Path file = stateRoot
                .toAbsolutePath()
                .normalize()
                .resolve("locks")
                .resolve("repo-"
                        + RefNames.hash(commonDir.toAbsolutePath().normalize().toString()) + ".lock");
        return BY_FILE.computeIfAbsent(file, RepoLock::new);
    }

    Path file() {
        return file;
    }

    /** A hold on the lock; closing it lets go (once per hold: holds nest). */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code work} holding the lock. */
    void run(Runnable work) {
        try (Held held = hold()) {
            work.run();
        }
    }

    /** Calls {@code work} holding the lock. */
    <T> T call(Supplier<T> work) {
        try (Held held = hold()) {
            return work.get();
        }
    }

    /** Waits for the lock. */
    Held hold() {
        return acquire(true).orElseThrow();
    }

    /** The lock if nobody else (no other thread, no other process) holds it now; empty otherwise. */
    Optional<Held> tryHold() {
        return acquire(false);
    }

    /** The in-JVM lock, then (on the outermost hold) the file lock: waiting for each, or giving up at once. */
    private Optional<Held> acquire(boolean wait) {
        if (wait) {
            inJvm.lock();
        } else if (!inJvm.tryLock()) {
            return Optional.empty();
        }
        boolean held = false;
        try {
            if (inJvm.getHoldCount() == 1) {
                channel = open();
                if (wait) {
                    lockFile(channel);
                } else if (channel.tryLock() == null) {
                    return Optional.empty();
                }
            }
            held = true;
            return Optional.of(this::release);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!held) {
                closeChannel();
                inJvm.unlock();
            }
        }
    }

    private void release() {
        if (!inJvm.isHeldByCurrentThread()) {
            throw new IllegalStateException("released by a thread that does not hold it");
        }
        try {
            if (inJvm.getHoldCount() == 1) {
                closeChannel(); // closing the channel releases its file lock
            }
        } finally {
            inJvm.unlock();
        }
    }

    private void lockFile(FileChannel open) {
        try {
            FileLock lock = open.lock();
            if (lock == null) {
                throw new IllegalStateException("FileChannel.lock returned no lock");
            }
        } catch (ClosedByInterruptException | FileLockInterruptionException e) {
            Thread.currentThread().interrupt();
            throw new IsolationException("interrupted while waiting for the lock " + file
                    + " (another planexec is changing the repository's worktrees or branches)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void closeChannel() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing it releases the lock in any case.
        } finally {
            channel = null;
        }
    }

    /** Opens the lock file, made 0600 if new; a link or anything but a regular file there is refused. */
    private FileChannel open() {
        try {
            Path folder = file.getParent();
            if (Files.isSymbolicLink(folder)) {
                throw new IsolationException(folder + " is a link, which planexec does not follow: remove it" + " (rm '"
                        + folder + "') and run again");
            }
            SecureFiles.createDirectories(folder);
            refuseAnythingButAFile();
            try {
                return FileChannel.open(
                        file,
                        Set.<OpenOption>of(
                                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, NOFOLLOW),
                        PosixFilePermissions.asFileAttribute(SecureFiles.FILE));
            } catch (FileSystemException e) {
                refuseAnythingButAFile(); // replaced by a link between the look and the open: O_NOFOLLOW refused it
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void refuseAnythingButAFile() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isRegularFile()) {
            throw new IsolationException(file + " is " + (attributes.isSymbolicLink() ? "a link" : "not a regular file")
                    + ", which planexec does not open as its repository lock: remove it (rm '" + file
                    + "') and run again");
        }
    }
}
