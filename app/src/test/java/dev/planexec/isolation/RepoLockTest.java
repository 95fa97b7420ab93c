package dev.planexec.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.store.SecureFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository lock within one JVM: one holder at a time over threads and instances, nested holds, a safe file. */
class RepoLockTest {
    @TempDir
    Path temp;

    @Test
    void one_repository_is_one_lock_in_the_jvm_held_by_one_thread_at_a_time_and_nested_holds_are_fine()
            throws Exception {
        Path state = temp.resolve("state");
        Path commonDir = temp.resolve("repo/.git");
        RepoLock lock = RepoLock.of(state, commonDir);
        // A second WorktreeIsolation of the same repository (another plan, same JVM) finds the same lock.
        assertSame(lock, RepoLock.of(temp.resolve("state/./"), temp.resolve("repo/x/../.git")));

        try (RepoLock.Held outer = lock.hold()) {
            try (RepoLock.Held inner = lock.hold()) {
                assertFalse(otherThreadCanTake(lock), "another thread waits while one holds it");
            }
            assertFalse(otherThreadCanTake(lock), "still held until the outermost hold lets go");
        }
        assertTrue(otherThreadCanTake(lock), "free once the holder let go");
    }

    @Test
    void the_lock_file_is_0600_in_a_0700_folder_and_a_link_in_its_place_is_refused() throws Exception {
        Path state = temp.resolve("state");
        RepoLock lock = RepoLock.of(state, temp.resolve("repo-with-file/.git"));
        lock.run(() -> {});
        assertEquals(SecureFiles.FILE, Files.getPosixFilePermissions(lock.file(), LinkOption.NOFOLLOW_LINKS));
        assertEquals(
                SecureFiles.DIR, Files.getPosixFilePermissions(lock.file().getParent(), LinkOption.NOFOLLOW_LINKS));

        Path target = Files.writeString(temp.resolve("someone-elses-file"), "keep me\n");
        RepoLock linked = RepoLock.of(state, temp.resolve("repo-with-link/.git"));
        Files.createSymbolicLink(linked.file(), target);
        IsolationException refused = assertThrows(IsolationException.class, () -> linked.run(() -> {}));
        assertTrue(refused.getMessage().contains("is a link"), refused.getMessage());
        assertEquals("keep me\n", Files.readString(target));
        assertTrue(Files.isSymbolicLink(linked.file()), "the link is left for the user to look at");

        Files.delete(linked.file());
        linked.run(() -> {}); // the refusal let go of the lock
        assertTrue(otherThreadCanTake(linked));
    }

    /** Whether a new thread gets the lock at once ({@link RepoLock#tryHold}); it lets go again if it did. */
    private static boolean otherThreadCanTake(RepoLock lock) throws Exception {
        CompletableFuture<Boolean> tried = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            Optional<RepoLock.Held> held = lock.tryHold();
            held.ifPresent(RepoLock.Held::close);
            tried.complete(held.isPresent());
        });
        thread.start();
        return tried.get(30, TimeUnit.SECONDS);
    }
}
