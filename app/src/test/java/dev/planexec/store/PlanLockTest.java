package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.Plans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanLockTest {
    private final long me = ProcessHandle.current().pid();

    @Test
    void the_lock_file_sits_beside_the_plan_and_holds_our_pid(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);
        List<String> notices = new ArrayList<>();

        try (PlanLock lock = PlanLock.acquire(plan, notices::add)) {
            Path lockFile = dir.resolve("p.json.lock");
            assertEquals(lockFile, PlanLock.lockFileOf(plan));
            assertEquals(me + "\n", Files.readString(lockFile));
            assertEquals(me, PlanLock.holder(plan));
        }

        assertEquals(List.of(), notices);
        assertFalse(Files.exists(dir.resolve("p.json.lock")), "the lock file is removed when the run ends");
        assertEquals(-1, PlanLock.holder(plan));
    }

    @Test
    void a_second_acquire_is_refused_naming_the_holder(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);

        try (PlanLock first = PlanLock.acquire(plan, n -> {})) {
            PlanLockedException e = assertThrows(PlanLockedException.class, () -> PlanLock.acquire(plan, n -> {}));

            assertEquals(me, e.pid());
            assertTrue(e.getMessage().contains("process " + me), e.getMessage());
            assertTrue(e.getMessage().contains(plan.toString()), e.getMessage());
        }
        // Once released it can be taken again.
        try (PlanLock again = PlanLock.acquire(plan, n -> {})) {
            assertEquals(me, PlanLock.holder(plan));
        }
    }

    @Test
    void a_lock_left_by_a_dead_process_is_taken_over_with_a_notice(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);
        long dead = deadPid();
        Files.writeString(PlanLock.lockFileOf(plan), dead + "\n", StandardCharsets.US_ASCII);
        assertEquals(-1, PlanLock.holder(plan), "a lock file nobody holds is free");
        List<String> notices = new ArrayList<>();

        try (PlanLock lock = PlanLock.acquire(plan, notices::add)) {
            assertEquals(me + "\n", Files.readString(PlanLock.lockFileOf(plan)));
        }

        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.get(0).contains("stale lock"), notices.get(0));
        assertTrue(notices.get(0).contains("process " + dead), notices.get(0));
    }

    @Test
    void an_empty_lock_file_is_taken_over_quietly(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);
        Files.createFile(PlanLock.lockFileOf(plan));
        List<String> notices = new ArrayList<>();

        try (PlanLock lock = PlanLock.acquire(plan, notices::add)) {
            assertEquals(me, PlanLock.holder(plan));
        }

        assertEquals(List.of(), notices);
    }

    @Test
    void a_lock_file_that_is_a_symlink_is_refused_and_its_target_untouched(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);
        Path victim = Files.writeString(dir.resolve("precious.txt"), "keep me\n");
        Files.setLastModifiedTime(victim, FileTime.fromMillis(1_000_000_000_000L));
        Files.createSymbolicLink(PlanLock.lockFileOf(plan), victim);

        IOException e = assertThrows(IOException.class, () -> PlanLock.acquire(plan, n -> {}));

        assertEquals(
                PlanLock.lockFileOf(plan) + " is a symbolic link, which planexec does not follow; if no run of this"
                        + " plan is going, remove it (rm '" + PlanLock.lockFileOf(plan) + "') and run again",
                e.getMessage());
        assertEquals("keep me\n", Files.readString(victim));
        assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getLastModifiedTime(victim));
        assertTrue(Files.isSymbolicLink(PlanLock.lockFileOf(plan)), "the link is left for the user to look at");
        assertEquals(-1, PlanLock.holder(plan));
    }

    @Test
    void a_lock_symlink_to_nothing_is_refused_without_creating_its_target(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);
        Files.createSymbolicLink(PlanLock.lockFileOf(plan), dir.resolve("created-through-the-link"));

        assertThrows(IOException.class, () -> PlanLock.acquire(plan, n -> {}));

        assertFalse(Files.exists(dir.resolve("created-through-the-link"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void a_fifo_at_the_lock_name_is_refused_at_once(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);
        Process mkfifo = new ProcessBuilder("mkfifo", PlanLock.lockFileOf(plan).toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");

        IOException e = assertThrows(IOException.class, () -> PlanLock.acquire(plan, n -> {}));

        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }

    @Test
    void a_stale_lock_is_replaced_by_a_new_file_never_written_into(@TempDir Path dir) throws Exception {
        Path plan = Plans.local("p").task("a", "true").writeTo(dir);
        long dead = deadPid();
        Path lockFile = PlanLock.lockFileOf(plan);
        Files.writeString(lockFile, dead + "\n", StandardCharsets.US_ASCII);
        // A second name for the stale file: had planexec truncated and written it, this name would show it.
        Path witness = Files.createLink(dir.resolve("witness"), lockFile);
        List<String> notices = new ArrayList<>();

        try (PlanLock lock = PlanLock.acquire(plan, notices::add)) {
            assertEquals(me + "\n", Files.readString(lockFile));
            assertEquals(1, Files.getAttribute(lockFile, "unix:nlink"), "a file of its own");
        }

        assertEquals(dead + "\n", Files.readString(witness), "the old file was not written");
        assertEquals(1, notices.size(), notices::toString);
        assertTrue(notices.get(0).contains("process " + dead), notices.get(0));
    }

    @Test
    void a_symlinked_plan_is_locked_beside_the_file_it_points_to(@TempDir Path dir) throws Exception {
        Path real = Plans.local("p").task("a", "true").writeTo(Files.createDirectory(dir.resolve("real")));
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);

        try (PlanLock lock = PlanLock.acquire(link, n -> {})) {
            assertTrue(Files.exists(real.resolveSibling("p.json.lock")));
            assertFalse(Files.exists(dir.resolve("link.json.lock")));
            PlanLockedException e = assertThrows(PlanLockedException.class, () -> PlanLock.acquire(real, n -> {}));
            assertEquals(me, e.pid(), "both names of the plan meet at one lock");
        }
    }

    /** The id of a process that has just ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return pid;
    }
}
