package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.Plans;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The id of a process that has just ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return pid;
    }
}
