package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import dev.planexec.testing.ReadOnlyFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanStoreTest {

    @Test
    void an_update_is_on_disk_when_it_returns(@TempDir Path dir) throws Exception {
        Path file = Plans.local("p").task("a", "true").task("b", "true").writeTo(dir);
        PlanStore store = new PlanStore(file, Plans.load(file), AgentRegistry.NAMES);

        Plan changed = store.update(p -> p.withTask("b", t -> t.withStatus(TaskStatus.DONE)));

        Plan onDisk = PlanFiles.load(file, AgentRegistry.NAMES);
        assertEquals(TaskStatus.DONE, onDisk.task("b").orElseThrow().status());
        assertEquals(TaskStatus.PENDING, onDisk.task("a").orElseThrow().status());
        assertEquals(changed.updatedAt(), onDisk.updatedAt());
        assertNotEquals("2026-01-01T00:00:00.000Z", onDisk.updatedAt());
        assertArrayEquals(PlanFiles.toJson(store.current()), Files.readAllBytes(file));
        assertEquals(List.of("p.json"), namesIn(dir), "no temporary file is left");
    }

    @Test
    void the_plan_file_keeps_its_permissions(@TempDir Path dir) throws Exception {
        Path file = Plans.local("p").task("a", "true").writeTo(dir);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        PlanStore store = new PlanStore(file, Plans.load(file), AgentRegistry.NAMES);

        store.update(p -> p.withTask("a", t -> t.withStatus(TaskStatus.DONE)));

        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void concurrent_updates_all_reach_the_file(@TempDir Path dir) throws Exception {
        Plans.Builder builder = Plans.local("many");
        for (int i = 0; i < 40; i++) {
            builder.task("t" + i, "true");
        }
        Path file = builder.writeTo(dir);
        PlanStore store = new PlanStore(file, Plans.load(file), AgentRegistry.NAMES);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Plan>> updates = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int index = i;
                updates.add(threads.submit(
                        () -> store.update(p -> p.withTask("t" + index, t -> t.withStatus(TaskStatus.DONE)))));
            }
            for (Future<Plan> update : updates) {
                update.get();
            }
        } finally {
            threads.shutdownNow();
        }

        Plan onDisk = PlanFiles.load(file, AgentRegistry.NAMES);
        assertEquals(40, onDisk.count(TaskStatus.DONE));
        assertEquals(List.of("many.json"), namesIn(dir));
    }

    @Test
    void a_save_into_a_read_only_folder_fails_and_keeps_the_old_plan(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectory(dir.resolve("plans"));
        Path file = Plans.local("p").task("a", "true").writeTo(folder);
        byte[] before = Files.readAllBytes(file);
        PlanStore store = new PlanStore(file, Plans.load(file), AgentRegistry.NAMES);

        SaveFailedException e;
        try (ReadOnlyFolder readOnly = ReadOnlyFolder.of(folder)) {
            e = assertThrows(
                    SaveFailedException.class,
                    () -> store.update(p -> p.withTask("a", t -> t.withStatus(TaskStatus.DONE))),
                    readOnly.how());
        }

        assertTrue(e.getMessage().startsWith("cannot save " + file + ": "), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "the old plan is intact");
        assertEquals(List.of("p.json"), namesIn(folder), "no temporary file is left");
        // The change stays in memory: once the folder takes writes again, the next save carries it.
        store.save();
        assertEquals(TaskStatus.DONE, Plans.task(file, "a").status());
    }

    @Test
    void atomic_replace_creates_a_missing_file_and_replaces_an_existing_one(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("f.json");

        AtomicFile.replace(file, "one\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        AtomicFile.replace(file, "two\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertEquals("two\n", Files.readString(file));
        assertEquals(List.of("f.json"), namesIn(dir));
    }

    private static List<String> namesIn(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
