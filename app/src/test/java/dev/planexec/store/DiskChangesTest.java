package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the store tells that the plan file is not the one it last wrote. */
class DiskChangesTest {
    private static final Instant WRITTEN = Instant.parse("2026-11-30T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void the_file_as_recorded_is_unchanged() throws Exception {
        Path file = write("plan.json", "{\"a\": 1}");
        DiskChanges changes = new DiskChanges(Clock.systemUTC());
        changes.record(file, Files.readAllBytes(file));

        assertInstanceOf(DiskChanges.Look.Unchanged.class, changes.look(file));
    }

    @Test
    void without_a_record_every_file_counts_as_changed() throws Exception {
        Path file = write("plan.json", "{}");

        DiskChanges.Look look = new DiskChanges(Clock.systemUTC()).look(file);

        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), ((DiskChanges.Look.Changed) look).bytes());
    }

    @Test
    void another_size_is_a_change() throws Exception {
        Path file = write("plan.json", "{\"a\": 1}");
        DiskChanges changes = new DiskChanges(Clock.systemUTC());
        changes.record(file, Files.readAllBytes(file));

        Files.writeString(file, "{\"a\": 12}");

        assertInstanceOf(DiskChanges.Look.Changed.class, changes.look(file));
    }

    @Test
    void the_same_size_and_time_stamp_recorded_too_soon_after_the_write_is_checked_by_its_bytes() throws Exception {
        Path file = write("plan.json", "{\"a\": 1}");
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        // Recorded half a second after the time stamp: a second write in that tick could keep it.
        DiskChanges changes = new DiskChanges(clockAt(WRITTEN.plusMillis(500)));
        changes.record(file, Files.readAllBytes(file));
        assertEquals(Optional.of(true), changes.lastIsRacy());

        Files.writeString(file, "{\"a\": 2}");
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));

        assertInstanceOf(DiskChanges.Look.Changed.class, changes.look(file));
    }

    @Test
    void a_stamp_recorded_well_after_the_write_is_trusted_without_reading() throws Exception {
        Path file = write("plan.json", "{\"a\": 1}");
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
        DiskChanges changes = new DiskChanges(clockAt(WRITTEN.plusSeconds(10)));
        changes.record(file, Files.readAllBytes(file));

        assertEquals(Optional.of(false), changes.lastIsRacy());
        assertInstanceOf(DiskChanges.Look.Unchanged.class, changes.look(file));
    }

    @Test
    void a_new_time_stamp_or_a_new_file_with_the_same_bytes_is_no_change() throws Exception {
        Path file = write("plan.json", "{\"a\": 1}");
        DiskChanges changes = new DiskChanges(Clock.systemUTC());
        changes.record(file, Files.readAllBytes(file));

        Files.setLastModifiedTime(file, FileTime.from(WRITTEN)); // touched
        assertInstanceOf(DiskChanges.Look.Unchanged.class, changes.look(file));

        Path copy = write("copy.json", "{\"a\": 1}"); // saved by an editor that renames a new file over it
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertInstanceOf(DiskChanges.Look.Unchanged.class, changes.look(file));
    }

    @Test
    void a_file_that_is_gone_is_missing() throws Exception {
        Path file = write("plan.json", "{}");
        DiskChanges changes = new DiskChanges(Clock.systemUTC());
        changes.record(file, Files.readAllBytes(file));
        Files.delete(file);

        assertInstanceOf(DiskChanges.Look.Missing.class, changes.look(file));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
