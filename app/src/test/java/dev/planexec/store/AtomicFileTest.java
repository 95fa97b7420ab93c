package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replacement that leaves the user's file the user's: links stay links, owner, group and mode stay. */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void a_symlink_stays_a_link_and_the_file_it_points_to_gets_the_new_content() throws Exception {
        Path real = Files.writeString(Files.createDirectory(dir.resolve("real")).resolve("plan.json"), "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("plan.json"), Path.of("real/plan.json"));

        AtomicFile.replace(link, bytes("new\n"));

        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals(Path.of("real/plan.json"), Files.readSymbolicLink(link), "pointing where it did");
        assertEquals("new\n", Files.readString(real));
        assertEquals(List.of("plan.json", "real"), namesIn(dir), "no temporary file beside the link");
        assertEquals(List.of("plan.json"), namesIn(real.getParent()), "nor beside the target");
    }

    @Test
    void a_chain_of_links_is_followed_to_its_end_and_every_link_stays() throws Exception {
        Path real = Files.writeString(dir.resolve("v3.json"), "old\n");
        Path middle = Files.createSymbolicLink(dir.resolve("current.json"), Path.of("v3.json"));
        Path first = Files.createSymbolicLink(dir.resolve("plan.json"), middle.toAbsolutePath());

        AtomicFile.replace(first, bytes("new\n"));

        assertTrue(Files.isSymbolicLink(first) && Files.isSymbolicLink(middle));
        assertEquals("new\n", Files.readString(real));
        assertEquals(real.toAbsolutePath(), AtomicFile.resolve(first));
    }

    @Test
    void a_link_to_nothing_is_refused_and_nothing_is_created() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("plan.json"), Path.of("gone.json"));

        IOException e = assertThrows(IOException.class, () -> AtomicFile.replace(link, bytes("new\n")));

        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("gone.json")), "the link's target was not created through it");
        assertEquals(List.of("plan.json"), namesIn(dir));
        String reason = AtomicFile.whyNotReplaceable(link).orElseThrow();
        assertEquals(
                link + ": a symbolic link to " + dir.resolve("gone.json") + ", which does not exist; point the"
                        + " link at the plan file",
                reason);
    }

    @Test
    void a_loop_of_links_is_refused() throws Exception {
        Path a = Files.createSymbolicLink(dir.resolve("a.json"), Path.of("b.json"));
        Files.createSymbolicLink(dir.resolve("b.json"), Path.of("a.json"));

        assertThrows(IOException.class, () -> AtomicFile.replace(a, bytes("x")));
        assertTrue(
                AtomicFile.whyNotReplaceable(a).orElseThrow().contains("loop"), AtomicFile.whyNotReplaceable(a)::get);
    }

    @Test
    void owner_group_and_mode_are_the_same_after_a_save() throws Exception {
        Path file = Files.writeString(dir.resolve("plan.json"), "old\n");
        Files.setAttribute(file, "unix:uid", 1234);
        Files.setAttribute(file, "unix:gid", 4321);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Object inode = Files.getAttribute(file, "unix:ino");

        AtomicFile.replace(file, bytes("new\n"));

        assertEquals("new\n", Files.readString(file));
        assertFalse(inode.equals(Files.getAttribute(file, "unix:ino")), "replaced by a rename, not written in place");
        assertEquals(1234, Files.getAttribute(file, "unix:uid"), "owner (the tests run as root, so chown works)");
        assertEquals(4321, Files.getAttribute(file, "unix:gid"), "group");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void the_target_of_a_link_keeps_its_owner_and_mode_and_the_link_its_own() throws Exception {
        Path real = Files.writeString(dir.resolve("real.json"), "old\n");
        Files.setAttribute(real, "unix:uid", 1234);
        Files.setAttribute(real, "unix:gid", 4321);
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-rw----"));
        Path link = Files.createSymbolicLink(dir.resolve("plan.json"), Path.of("real.json"));
        Object linkOwner = Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS);

        AtomicFile.replace(link, bytes("new\n"));

        assertEquals(1234, Files.getAttribute(real, "unix:uid"));
        assertEquals(4321, Files.getAttribute(real, "unix:gid"));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        assertEquals(linkOwner, Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void a_new_file_is_created_readable_by_all_and_writable_by_its_owner() throws Exception {
        Path file = dir.resolve("new.json");

        AtomicFile.replace(file, bytes("one\n"));
        AtomicFile.replace(file, bytes("two\n"));

        assertEquals("two\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("new.json"), namesIn(dir));
    }

    @Test
    void a_file_with_two_hard_links_is_refused_before_a_run_but_one_with_one_is_fine() throws Exception {
        Path file = Files.writeString(dir.resolve("plan.json"), "old\n");
        assertEquals(java.util.Optional.empty(), AtomicFile.whyNotReplaceable(file));
        Files.createLink(dir.resolve("other.json"), file);

        String reason = AtomicFile.whyNotReplaceable(file).orElseThrow();

        assertTrue(reason.startsWith(file + " has 2 hard links"), reason);
        assertTrue(reason.contains("run a copy"), reason);
        assertFalse(reason.contains("\n"), "one line");
    }

    @Test
    void something_other_than_a_regular_file_is_not_replaced() throws Exception {
        Path fifo = dir.resolve("plan.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");

        IOException e = assertThrows(IOException.class, () -> AtomicFile.replace(fifo, bytes("x")));

        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the FIFO is still there");
    }

    @Test
    void a_failed_save_leaves_the_file_as_it_was() throws Exception {
        Path file = Files.writeString(dir.resolve("plan.json"), "old\n");
        byte[] before = Files.readAllBytes(file);
        try (dev.planexec.testing.ReadOnlyFolder readOnly = dev.planexec.testing.ReadOnlyFolder.of(dir)) {
            assertThrows(IOException.class, () -> AtomicFile.replace(file, bytes("new\n")), readOnly.how());
        }
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("plan.json"), namesIn(dir));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> namesIn(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
